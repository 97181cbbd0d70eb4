//! The NIHSS (National Institutes of Health Stroke Scale) scored live on a
//! stroke request: the emergency physician sends a first score with the
//! request, then either side changes an item while they examine the patient
//! together over video. Every change is kept with who made it and when; the
//! latest score of each item counts.

use serde::{Deserialize, Serialize};

use crate::validate::Invalid;

/// The fifteen items and their highest score, in the scale's order. The
/// stroke form's questions are `nihss_{item}`.
pub const ITEMS: [(&str, u8); 15] = [
    ("1a", 3),
    ("1b", 2),
    ("1c", 2),
    ("2", 2),
    ("3", 3),
    ("4", 3),
    ("5a", 4),
    ("5b", 4),
    ("6a", 4),
    ("6b", 4),
    ("7", 2),
    ("8", 2),
    ("9", 3),
    ("10", 2),
    ("11", 2),
];

/// A change of one item's score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemScore {
    /// `1a` … `11`.
    pub item: String,
    pub score: u8,
}

impl ItemScore {
    pub fn check(&self) -> Result<(), Invalid> {
        match ITEMS.iter().find(|(item, _)| *item == self.item) {
            None => Err(Invalid { field: "item", message: "Unknown NIHSS item." }),
            Some((_, max)) if self.score > *max => {
                Err(Invalid { field: "score", message: "Score above the item's maximum." })
            }
            Some(_) => Ok(()),
        }
    }
}

/// A score as entered: with the request (its sender, when sent) or later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreEntry {
    pub item: String,
    pub score: u8,
    pub by: String,
    pub at: i64,
}

/// Every score entered, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Nihss {
    pub entries: Vec<ScoreEntry>,
}

impl Nihss {
    /// The score of `item` that counts: the latest entered.
    pub fn current(&self, item: &str) -> Option<&ScoreEntry> {
        self.entries.iter().rev().find(|e| e.item == item)
    }

    /// The total (0–42), once every item is scored.
    pub fn total(&self) -> Option<u32> {
        ITEMS.iter().map(|(item, _)| self.current(item).map(|e| u32::from(e.score))).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(item: &str, score: u8, at: i64) -> ScoreEntry {
        ScoreEntry { item: item.into(), score, by: "Dr".into(), at }
    }

    #[test]
    fn the_latest_score_of_each_item_counts_and_the_total_needs_them_all() {
        let mut nihss = Nihss { entries: ITEMS.iter().map(|(item, _)| entry(item, 1, 0)).collect() };
        assert_eq!(nihss.total(), Some(15));
        nihss.entries.push(entry("5a", 4, 10));
        assert_eq!(nihss.current("5a").unwrap().score, 4);
        assert_eq!(nihss.total(), Some(18));
        nihss.entries.retain(|e| e.item != "11");
        assert_eq!(nihss.total(), None);
        assert_eq!(ITEMS.iter().map(|(_, max)| u32::from(*max)).sum::<u32>(), 42);
    }

    #[test]
    fn unknown_items_and_scores_above_the_maximum_are_refused() {
        assert!(ItemScore { item: "5a".into(), score: 4 }.check().is_ok());
        assert_eq!(ItemScore { item: "5a".into(), score: 5 }.check().unwrap_err().field, "score");
        assert_eq!(ItemScore { item: "12".into(), score: 0 }.check().unwrap_err().field, "item");
        assert_eq!(ItemScore { item: "1b".into(), score: 3 }.check().unwrap_err().field, "score");
    }
}
