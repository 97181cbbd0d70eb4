//! Text in the order a PDF draws it: Arabic letters joined (each takes the
//! contextual form of Unicode's Arabic Presentation Forms-B, which the
//! embedded font carries) and every line laid out by the Unicode
//! bidirectional algorithm, right-to-left runs reversed with their brackets
//! mirrored. What a text shaper does, for the one script of Regard's patient
//! languages that needs it, without a shaping engine: no vowel marks (they
//! are left out: Arabic is read without them) and no ligature but lam-alef.

use unicode_bidi::{BidiInfo, Level};

/// How a letter joins its neighbours, and its forms: isolated, final,
/// initial, medial (the last two only for letters that join on both sides).
struct Letter {
    base: char,
    isolated: u32,
    dual: bool,
}

/// U+0621 to U+064A, in order, with the first presentation form of each.
const LETTERS: [Letter; 36] = [
    letter('\u{0621}', 0xFE80, false), // hamza: joins nothing (see `joins`)
    letter('\u{0622}', 0xFE81, false),
    letter('\u{0623}', 0xFE83, false),
    letter('\u{0624}', 0xFE85, false),
    letter('\u{0625}', 0xFE87, false),
    letter('\u{0626}', 0xFE89, true),
    letter('\u{0627}', 0xFE8D, false),
    letter('\u{0628}', 0xFE8F, true),
    letter('\u{0629}', 0xFE93, false),
    letter('\u{062A}', 0xFE95, true),
    letter('\u{062B}', 0xFE99, true),
    letter('\u{062C}', 0xFE9D, true),
    letter('\u{062D}', 0xFEA1, true),
    letter('\u{062E}', 0xFEA5, true),
    letter('\u{062F}', 0xFEA9, false),
    letter('\u{0630}', 0xFEAB, false),
    letter('\u{0631}', 0xFEAD, false),
    letter('\u{0632}', 0xFEAF, false),
    letter('\u{0633}', 0xFEB1, true),
    letter('\u{0634}', 0xFEB5, true),
    letter('\u{0635}', 0xFEB9, true),
    letter('\u{0636}', 0xFEBD, true),
    letter('\u{0637}', 0xFEC1, true),
    letter('\u{0638}', 0xFEC5, true),
    letter('\u{0639}', 0xFEC9, true),
    letter('\u{063A}', 0xFECD, true),
    letter('\u{0641}', 0xFED1, true),
    letter('\u{0642}', 0xFED5, true),
    letter('\u{0643}', 0xFED9, true),
    letter('\u{0644}', 0xFEDD, true),
    letter('\u{0645}', 0xFEE1, true),
    letter('\u{0646}', 0xFEE5, true),
    letter('\u{0647}', 0xFEE9, true),
    letter('\u{0648}', 0xFEED, false),
    letter('\u{0649}', 0xFEEF, false),
    letter('\u{064A}', 0xFEF1, true),
];

const fn letter(base: char, isolated: u32, dual: bool) -> Letter {
    Letter { base, isolated, dual }
}

const TATWEEL: char = '\u{0640}';
const LAM: char = '\u{0644}';

fn find(c: char) -> Option<&'static Letter> {
    LETTERS.iter().find(|l| l.base == c)
}

/// Vowel marks and other combining Arabic signs, left out of the drawing.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Whether `c` reaches out to the letter after it.
fn joins_next(c: char) -> bool {
    c == TATWEEL || find(c).is_some_and(|l| l.dual)
}

/// Whether `c` takes a join from the letter before it (hamza does not).
fn joins_previous(c: char) -> bool {
    c == TATWEEL || find(c).is_some_and(|l| l.base != '\u{0621}')
}

/// Lam followed by one of the alefs, as one sign: (isolated, final).
fn lam_alef(alef: char) -> Option<u32> {
    match alef {
        '\u{0622}' => Some(0xFEF5),
        '\u{0623}' => Some(0xFEF7),
        '\u{0625}' => Some(0xFEF9),
        '\u{0627}' => Some(0xFEFB),
        _ => None,
    }
}

/// Each Arabic letter in the form its neighbours call for, in logical order.
pub fn shape(text: &str) -> String {
    let chars: Vec<char> = text.chars().filter(|c| !is_mark(*c)).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = i.checked_sub(1).map(|p| chars[p]).is_some_and(joins_next);
        if c == LAM {
            if let Some(ligature) = chars.get(i + 1).and_then(|&alef| lam_alef(alef)) {
                out.extend(char::from_u32(ligature + u32::from(before)));
                i += 2;
                continue;
            }
        }
        match find(c) {
            Some(letter) => {
                let after = letter.dual && chars.get(i + 1).is_some_and(|&n| joins_previous(n));
                let form = match (before && joins_previous(c), after) {
                    (false, false) => 0,
                    (true, false) => 1,
                    (false, true) => 2,
                    (true, true) => 3,
                };
                out.extend(char::from_u32(letter.isolated + form));
            }
            None => out.push(c),
        }
        i += 1;
    }
    out
}

/// A bracket as a right-to-left run shows it.
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '«' => '»',
        '»' => '«',
        '<' => '>',
        '>' => '<',
        other => other,
    }
}

/// One line, shaped, in the order its glyphs are drawn from left to right;
/// `rtl`: the line belongs to a right-to-left document.
pub fn visual(line: &str, rtl: bool) -> String {
    let shaped = shape(line);
    let base = if rtl { Level::rtl() } else { Level::ltr() };
    let info = BidiInfo::new(&shaped, Some(base));
    let Some(paragraph) = info.paragraphs.first() else {
        return shaped;
    };
    let (levels, runs) = info.visual_runs(paragraph, paragraph.range.clone());
    let mut out = String::with_capacity(shaped.len());
    for run in runs {
        let text = &shaped[run.clone()];
        if levels[run.start].is_rtl() {
            out.extend(text.chars().rev().map(mirror));
        } else {
            out.push_str(text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_take_the_form_their_neighbours_call_for() {
        // "سلام": seen initial, lam-alef final (joined to the seen), meem isolated.
        assert_eq!(shape("سلام"), "\u{FEB3}\u{FEFC}\u{FEE1}");
        // "بيت": beh initial, yeh medial, teh final.
        assert_eq!(shape("بيت"), "\u{FE91}\u{FEF4}\u{FE96}");
        // Waw and reh never reach forward: "ورد" is three letters apart.
        assert_eq!(shape("ورد"), "\u{FEED}\u{FEAD}\u{FEA9}");
        // Vowel marks are left out; Latin text is untouched.
        assert_eq!(shape("مَ Dr"), "\u{FEE1} Dr");
    }

    #[test]
    fn right_to_left_runs_are_reversed_and_numbers_keep_their_order() {
        let line = visual("إيصال 30,00 €", true);
        // Drawn from the left: the euro sign and the amount, then the word, letters reversed.
        assert!(line.starts_with("30,00 € ") || line.starts_with("€ 30,00 "), "{line:?}");
        assert!(line.ends_with('\u{FE87}'), "the first letter is drawn rightmost: {line:?}");
        assert_eq!(visual("(مرحبا)", true).chars().next(), Some('('));
        // A left-to-right document keeps Latin text as it is, with an Arabic name inside reversed.
        assert_eq!(visual("Patient : Dupont", false), "Patient : Dupont");
        assert_eq!(visual("Nom : هدى", false), "Nom : \u{FEEF}\u{FEAA}\u{FEEB}");
    }
}
