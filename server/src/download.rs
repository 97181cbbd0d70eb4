//! Files Regard hands out (documents, prescriptions, receipts, claim exports):
//! always as attachments, never cached, so nothing a user sent runs in
//! Regard's origin and no shared cache keeps health data.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `attachment` with an ASCII name for old clients and the exact UTF-8 name
/// (RFC 6266 / 5987) for the others: "résultats.pdf" stays "résultats.pdf".
fn content_disposition(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `body` as a download named `name`.
pub fn attachment(content_type: &str, name: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, content_disposition(name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_survive_accents_and_spaces() {
        assert_eq!(
            super::content_disposition("résultat 1.pdf"),
            "attachment; filename=\"r_sultat 1.pdf\"; filename*=UTF-8''r%C3%A9sultat%201.pdf"
        );
    }
}
