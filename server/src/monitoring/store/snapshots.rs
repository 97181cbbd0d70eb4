//! Protocol snapshots as follow-ups store them (the protocol as it was at
//! enrolment): each distinct text is parsed once and shared, so a
//! questionnaire sent or a record opened parses no JSON for its protocol.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use regard_shared::monitoring::Protocol;

use crate::error::AppResult;

/// Distinct snapshots kept: a region has a few protocols, each in a few versions.
const KEPT: usize = 64;

static PARSED: LazyLock<Mutex<HashMap<String, Arc<Protocol>>>> = LazyLock::new(Default::default);

/// The protocol a snapshot's text holds. Keyed by the whole text, not by id and
/// version, so two organisations' different imports under one name never mix.
pub fn parse(body: &str) -> AppResult<Arc<Protocol>> {
    let cached = PARSED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(body).cloned();
    if let Some(protocol) = cached {
        return Ok(protocol);
    }
    let protocol: Arc<Protocol> = Arc::new(serde_json::from_str(body).map_err(anyhow::Error::from)?);
    let mut parsed = PARSED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if parsed.len() >= KEPT {
        parsed.clear();
    }
    parsed.insert(body.to_owned(), protocol.clone());
    Ok(protocol)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::protocols::built_in;

    #[test]
    fn a_snapshot_is_parsed_once_and_stays_itself() {
        let covid = serde_json::to_string(&built_in()[0]).unwrap();
        let wound = serde_json::to_string(&built_in()[1]).unwrap();
        let first = parse(&covid).unwrap();
        assert!(Arc::ptr_eq(&first, &parse(&covid).unwrap()), "the second read shares the first parse");
        assert_eq!(*first, built_in()[0]);
        assert_eq!(*parse(&wound).unwrap(), built_in()[1]);
        assert!(parse("{not a protocol").is_err());
    }
}
