//! The silent chat of a video assist: for a caller who cannot speak (deaf,
//! hiding, beside a loud scene). The regulator sends ready phrases, which the
//! caller reads in their own language (translated ahead of time in the
//! server's language files, never at run time), or free text; the caller
//! answers in one tap (yes, no, I don't know, I can't talk) or types. Free text
//! is shown as typed, marked as not translated. Every message is in the case's
//! timeline.

use serde::{Deserialize, Serialize};

/// The longest free text either side may send, in characters.
pub const TEXT_MAX_CHARS: usize = 500;
/// Messages one case may hold: far more than a call needs, bounded against a
/// script that floods the timeline.
pub const MAX_MESSAGES_PER_CASE: i64 = 500;

/// The caller's one-tap answers, as the language files name them.
pub const ANSWERS: [&str; 4] = ["yes", "no", "dont_know", "cant_talk"];

/// The regulator's ready phrases (`server/texts/*.json`, section `phrases`),
/// grouped as the console offers them: what to show, what to ask, what to do,
/// safety and access, and the conversation itself.
pub const PHRASE_GROUPS: [(&str, &[&str]); 5] = [
    ("show", &["show_wound", "show_face", "show_whole", "closer", "steady", "turn_light", "medicines"]),
    (
        "ask",
        &[
            "is_breathing",
            "is_conscious",
            "is_bleeding",
            "fell",
            "pain",
            "chest_pain",
            "pregnant",
            "age",
            "how_many",
            "where_are_you",
            "are_you_safe",
        ],
    ),
    (
        "act",
        &[
            "side_position",
            "press_wound",
            "start_cpr",
            "defibrillator",
            "dont_move_person",
            "stay_with",
            "give_nothing",
            "keep_warm",
        ],
    ),
    ("access", &["open_door", "meet_help", "help_coming", "hide_safe"]),
    ("talk", &["cant_hear", "answer_buttons", "stay_on_page"]),
];

/// Every ready phrase's key, in the console's order.
pub fn phrase_keys() -> impl Iterator<Item = &'static str> {
    PHRASE_GROUPS.into_iter().flat_map(|(_, keys)| keys.iter().copied())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SilentKind {
    /// A ready phrase of the regulator's (`content` is its key).
    Phrase,
    /// One of the caller's one-tap answers (`content` is one of `ANSWERS`).
    Answer,
    /// Free text, shown as typed to both sides.
    Text,
}

/// What either side sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSilentMessage {
    pub kind: SilentKind,
    pub content: String,
}

/// One message as its reader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SilentMessage {
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub from_caller: bool,
    pub kind: SilentKind,
    /// The phrase's or answer's key, or the text as typed.
    pub content: String,
    /// What the reader reads: the phrase or answer in the reader's language
    /// (French for the case's record), or the text as typed.
    pub text: String,
}

impl SilentMessage {
    /// Free text reaches the other side as typed, in whatever language it was.
    pub fn translated(&self) -> bool {
        self.kind != SilentKind::Text
    }
}

/// A ready phrase or an answer, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phrase {
    pub key: String,
    pub text: String,
}

/// The regulator's ready phrases and the caller's answers, in the console's
/// language, for the console to offer and to read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phrasebook {
    /// In the order of `PHRASE_GROUPS`.
    pub phrases: Vec<Phrase>,
    pub answers: Vec<Phrase>,
}

impl Phrasebook {
    /// The message in the book's language when it is a phrase or an answer.
    pub fn read<'a>(&'a self, message: &'a SilentMessage) -> &'a str {
        let list = match message.kind {
            SilentKind::Phrase => &self.phrases,
            SilentKind::Answer => &self.answers,
            SilentKind::Text => return &message.text,
        };
        list.iter().find(|p| p.key == message.content).map_or(&message.text, |p| &p.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_thirty_phrases_each_once() {
        let keys: Vec<_> = phrase_keys().collect();
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert!(keys.len() >= 30, "{} phrases", keys.len());
        assert_eq!(unique.len(), keys.len());
    }

    #[test]
    fn the_book_reads_phrases_and_answers_and_leaves_text_as_typed() {
        let book = Phrasebook {
            phrases: vec![Phrase { key: "open_door".into(), text: "Open the front door.".into() }],
            answers: vec![Phrase { key: "yes".into(), text: "Yes".into() }],
        };
        let message = |kind, content: &str| SilentMessage {
            id: "m".into(),
            at: 0,
            from_caller: false,
            kind,
            content: content.into(),
            text: "(French)".into(),
        };
        assert_eq!(book.read(&message(SilentKind::Phrase, "open_door")), "Open the front door.");
        assert_eq!(book.read(&message(SilentKind::Answer, "yes")), "Yes");
        assert_eq!(book.read(&message(SilentKind::Phrase, "unknown")), "(French)");
        let typed = message(SilentKind::Text, "open_door");
        assert_eq!(book.read(&typed), "(French)");
        assert!(!typed.translated());
    }
}
