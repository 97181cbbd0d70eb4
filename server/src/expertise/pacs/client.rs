//! A DICOMweb client: QIDO-RS to find studies and their series, WADO-RS to
//! fetch a series' DICOM files. What the PACS answers is untrusted: every
//! body is read within a bound, and a malformed answer is a refusal, not a crash.

use std::sync::LazyLock;
use std::time::Duration;

use regard_shared::imaging::{SERIES_MAX_BYTES, SERIES_MAX_SLICES};
use regard_shared::pacs::{iso_date, person_name, short_time, PacsSeries, PacsStudy, PACS_UNAVAILABLE, STUDIES_MAX};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;

use super::store::Connection;

/// Most bytes of a search's answer: 50 studies take a few tens of kilobytes.
const SEARCH_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Searches are quick; a 300-slice series on a hospital network takes
/// seconds, so a fetch is bounded by its size and this overall limit.
const SEARCH_TIMEOUT: Duration = Duration::from_secs(20);
const FETCH_TIMEOUT: Duration = Duration::from_secs(300);

static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        // The PACS's address is the operator's; a redirect elsewhere is not followed.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
});

/// Why a call to the PACS failed; logged, and said to the user as
/// `PACS_UNAVAILABLE` (or a series refusal for `Series`).
#[derive(Debug, thiserror::Error)]
pub enum PacsError {
    #[error("the PACS did not answer: {0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("the PACS answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the PACS's answer cannot be read: {0}")]
    Malformed(&'static str),
    #[error("the series is too large")]
    TooLarge,
}

impl PacsError {
    pub fn message(&self) -> &'static str {
        match self {
            PacsError::TooLarge => "This series is too large (400 MB and 1500 slices at most).",
            _ => PACS_UNAVAILABLE,
        }
    }
}

async fn get(
    pacs: &Connection,
    path: &str,
    query: &[(&str, String)],
    accept: &str,
    timeout: Duration,
) -> Result<reqwest::Response, PacsError> {
    let mut request =
        CLIENT.get(format!("{}{path}", pacs.base_url)).query(query).header(ACCEPT, accept).timeout(timeout);
    if let Some(username) = &pacs.username {
        request = request.basic_auth(username, pacs.password.as_ref());
    }
    let response = request.send().await?;
    if !response.status().is_success() {
        return Err(PacsError::Status(response.status()));
    }
    Ok(response)
}

/// The body, refused beyond `limit` bytes whatever length the PACS declares.
async fn body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, PacsError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() + chunk.len() > limit {
            return Err(PacsError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A QIDO-RS search's results: a JSON array of DICOM objects (none: 204).
async fn search(pacs: &Connection, path: &str, query: &[(&str, String)]) -> Result<Vec<Value>, PacsError> {
    let response = get(pacs, path, query, "application/dicom+json", SEARCH_TIMEOUT).await?;
    let bytes = body(response, SEARCH_MAX_BYTES).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    serde_json::from_slice(&bytes).map_err(|_| PacsError::Malformed("not a JSON array of DICOM objects"))
}

/// The values of the attribute `tag` (`"0020000D"`) of a DICOM JSON object.
fn values<'a>(object: &'a Value, tag: &str) -> impl Iterator<Item = &'a Value> {
    object.get(tag).and_then(|a| a.get("Value")).and_then(Value::as_array).into_iter().flatten()
}

fn text(object: &Value, tag: &str) -> Option<String> {
    let first = values(object, tag).next()?;
    let text = match first {
        Value::String(s) => s.trim().to_owned(),
        // A person name: its alphabetic form.
        Value::Object(name) => person_name(name.get("Alphabetic")?.as_str()?),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

fn number(object: &Value, tag: &str) -> Option<i64> {
    match values(object, tag).next()? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Studies matching `text`: a patient id, else an accession number when it
/// has a digit; a patient name's beginning otherwise; with no text, the
/// studies since yesterday (a patient in the emergency department now).
pub async fn studies(pacs: &Connection, wanted: &str, since: &str) -> Result<Vec<PacsStudy>, PacsError> {
    // One parameter per field: some servers split a list before decoding its commas.
    let fields = ["00081030", "00100030", "00080061", "00201208"].map(|tag| ("includefield", tag.to_owned()));
    let limit = ("limit", STUDIES_MAX.to_string());
    let query = |key: &'static str, value: String| {
        let mut query = vec![(key, value), limit.clone()];
        query.extend(fields.iter().cloned());
        query
    };
    let found = if wanted.is_empty() {
        search(pacs, "/studies", &query("StudyDate", format!("{since}-"))).await?
    } else if wanted.bytes().any(|b| b.is_ascii_digit()) {
        let by_patient = search(pacs, "/studies", &query("PatientID", wanted.to_owned())).await?;
        if by_patient.is_empty() {
            search(pacs, "/studies", &query("AccessionNumber", wanted.to_owned())).await?
        } else {
            by_patient
        }
    } else {
        // DICOM matching: `*` is any text; names are stored "FAMILY^Given".
        search(pacs, "/studies", &query("PatientName", format!("{}*", wanted.replace(['*', '?', '\\'], "")))).await?
    };
    let mut studies: Vec<PacsStudy> = found
        .iter()
        .filter_map(|s| {
            Some(PacsStudy {
                uid: text(s, "0020000D").filter(|u| regard_shared::pacs::is_uid(u))?,
                patient_name: text(s, "00100010").unwrap_or_default(),
                patient_id: text(s, "00100020"),
                birth_date: text(s, "00100030").and_then(|d| iso_date(&d)),
                date: text(s, "00080020").and_then(|d| iso_date(&d)),
                time: text(s, "00080030").and_then(|t| short_time(&t)),
                description: text(s, "00081030"),
                modalities: values(s, "00080061").filter_map(Value::as_str).map(str::to_owned).collect(),
                images: number(s, "00201208").and_then(|n| u32::try_from(n).ok()),
            })
        })
        .take(STUDIES_MAX)
        .collect();
    studies.sort_by(|a, b| (&b.date, &b.time).cmp(&(&a.date, &a.time)));
    Ok(studies)
}

/// The series of a study, in the scanner's order.
pub async fn series(pacs: &Connection, study: &str) -> Result<Vec<PacsSeries>, PacsError> {
    let fields = ["0008103E", "00200011", "00201209"].map(|tag| ("includefield", tag.to_owned()));
    let found = search(pacs, &format!("/studies/{study}/series"), &fields).await?;
    let mut series: Vec<PacsSeries> = found
        .iter()
        .filter_map(|s| {
            Some(PacsSeries {
                uid: text(s, "0020000E").filter(|u| regard_shared::pacs::is_uid(u))?,
                modality: text(s, "00080060"),
                description: text(s, "0008103E"),
                number: number(s, "00200011"),
                images: number(s, "00201209").and_then(|n| u32::try_from(n).ok()),
            })
        })
        .collect();
    series.sort_by_key(|s| s.number.unwrap_or(i64::MAX));
    Ok(series)
}

/// The DICOM files of a series (WADO-RS): one `multipart/related` answer, each
/// part a file, all of it within the series upload's limit.
pub async fn fetch(pacs: &Connection, study: &str, series: &str) -> Result<Vec<Vec<u8>>, PacsError> {
    let path = format!("/studies/{study}/series/{series}");
    let accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    let response = get(pacs, &path, &[], accept, FETCH_TIMEOUT).await?;
    let boundary = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| crate::expertise::series::boundary(v, "multipart/related"))
        .ok_or(PacsError::Malformed("not a multipart answer"))?;
    let bytes = body(response, SERIES_MAX_BYTES).await?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut files = Vec::new();
    while let Some(part) = parts.next_field().await.map_err(|_| PacsError::Malformed("a part cannot be read"))? {
        if files.len() == SERIES_MAX_SLICES {
            return Err(PacsError::TooLarge);
        }
        files.push(part.bytes().await.map_err(|_| PacsError::Malformed("a part cannot be read"))?.to_vec());
    }
    Ok(files)
}
