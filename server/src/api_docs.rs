//! The OpenAPI document as a page people read (`/api/docs`): every operation
//! by tag, with its parameters, body and answers, and the schemas. Rendered
//! once at start from the generated document, as plain HTML and one stylesheet
//! of its own: no script, so it works under the strict CSP, and no UI bundle
//! to keep up to date.

use std::fmt::Write;

use serde_json::Value;

use crate::web::escape_html as escape;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The stylesheet the page links to (`/api/docs.css`).
pub const STYLESHEET: &str =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}\
code,pre{font:14px ui-monospace,monospace}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}\
section{border-top:1px solid #ccc;padding:.5rem 0}h3{font-size:1rem;margin:.5rem 0}\
.method{display:inline-block;min-width:4.5rem;font-weight:bold}table{border-collapse:collapse}\
td,th{text-align:left;padding:.2rem .6rem .2rem 0;vertical-align:top}";

/// The whole page for `document` (the OpenAPI JSON).
pub fn page(document: &Value) -> String {
    let title = text(&document["info"]["title"]);
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/api/docs.css\"></head><body><main>\
         <h1>{title} {version}</h1><p>{description} The machine-readable document: \
         <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p><nav aria-label=\"Tags\"><ul>",
        version = text(&document["info"]["version"]),
        description = text(&document["info"]["description"]),
    );
    let tags = document["tags"].as_array().cloned().unwrap_or_default();
    for tag in &tags {
        let name = text(&tag["name"]);
        let _ = write!(html, "<li><a href=\"#{name}\">{name}</a>: {}</li>", text(&tag["description"]));
    }
    html.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(html, "<h2 id=\"{0}\">{0}</h2>", escape(name));
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                let operation = &item[method];
                let tagged = operation["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == name));
                if tagged {
                    html.push_str(&self::operation(method, path, operation));
                }
            }
        }
    }
    html.push_str("<h2 id=\"schemas\">schemas</h2>");
    for (name, schema) in document["components"]["schemas"].as_object().into_iter().flatten() {
        let pretty = serde_json::to_string_pretty(schema).unwrap_or_default();
        let _ = write!(
            html,
            "<details id=\"schema-{0}\"><summary><code>{0}</code></summary><pre>{1}</pre></details>",
            escape(name),
            escape(&pretty)
        );
    }
    html.push_str("</main></body></html>");
    html
}

fn operation(method: &str, path: &str, operation: &Value) -> String {
    let mut html = format!(
        "<section><h3><span class=\"method\">{}</span> <code>{}</code></h3>",
        method.to_uppercase(),
        escape(path)
    );
    for key in ["summary", "description"] {
        if operation[key].is_string() {
            let _ = write!(html, "<p>{}</p>", text(&operation[key]));
        }
    }
    if let Some(parameters) = operation["parameters"].as_array().filter(|p| !p.is_empty()) {
        html.push_str("<table><caption>Parameters</caption><tr><th>Name</th><th>In</th><th>Description</th></tr>");
        for parameter in parameters {
            let required = if parameter["required"] == true { " (required)" } else { "" };
            let _ = write!(
                html,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td></tr>",
                text(&parameter["name"]),
                text(&parameter["in"]),
                text(&parameter["description"])
            );
        }
        html.push_str("</table>");
    }
    if let Some(content) = operation["requestBody"]["content"].as_object() {
        html.push_str("<p>Body: ");
        html.push_str(&content.iter().map(|(kind, media)| media_type(kind, media)).collect::<Vec<_>>().join(", "));
        html.push_str("</p>");
    }
    html.push_str("<ul>");
    for (status, answer) in operation["responses"].as_object().into_iter().flatten() {
        let bodies: Vec<_> =
            answer["content"].as_object().into_iter().flatten().map(|(kind, media)| media_type(kind, media)).collect();
        let _ = write!(html, "<li><strong>{}</strong> {}", escape(status), text(&answer["description"]));
        if !bodies.is_empty() {
            let _ = write!(html, " ({})", bodies.join(", "));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></section>");
    html
}

/// `application/json`, with a link to its schema when it names one.
fn media_type(kind: &str, media: &Value) -> String {
    let schema = &media["schema"];
    let reference = schema["$ref"].as_str().or_else(|| schema["items"]["$ref"].as_str());
    match reference.and_then(|r| r.rsplit('/').next()) {
        Some(name) => {
            let list = if schema["items"].is_object() { "list of " } else { "" };
            format!("<code>{}</code> {list}<a href=\"#schema-{1}\">{1}</a>", escape(kind), escape(name))
        }
        None => format!("<code>{}</code>", escape(kind)),
    }
}

fn text(value: &Value) -> String {
    escape(value.as_str().unwrap_or_default())
}
