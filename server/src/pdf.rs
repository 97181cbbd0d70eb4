//! One-page A4 PDF documents (prescriptions, receipts), written directly with
//! pdf-writer. Helvetica is one of the PDF base fonts (nothing embedded), in
//! WinAnsi encoding, which covers French.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

pub const WIDTH: f32 = 595.0;
pub const HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 56.0;

/// Text in WinAnsi (Windows-1252): Latin-1 plus the typographic extras French
/// uses; anything else becomes `?` rather than garbage.
/// A calendar date (`1958-03-14`) as a French reader writes it: `14/03/1958`.
/// Anything else is shown as it is.
pub fn french_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [year, month, day] if year.len() == 4 && month.len() == 2 && day.len() == 2 => format!("{day}/{month}/{year}"),
        _ => iso.to_owned(),
    }
}

fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9c,
            'Œ' => 0x8c,
            _ => b'?',
        })
        .collect()
}

/// Cuts `text` into lines of at most `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("at least one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

pub struct Writer {
    pub content: Content,
    pub y: f32,
}

impl Writer {
    pub fn new() -> Writer {
        Writer { content: Content::new(), y: HEIGHT - MARGIN }
    }

    pub fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        self.content.begin_text();
        self.content.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&win_ansi(text)));
        self.content.end_text();
    }

    pub fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.text(MARGIN, size, bold, text);
        self.y -= size * 1.4;
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// The one-page A4 document with what was written.
    pub fn finish(self) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let (catalog, tree, page, regular, bold, contents) =
            (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6));
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        p.parent(tree);
        p.contents(contents);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        drop(fonts);
        drop(resources);
        drop(p);
        pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
        // Uncompressed on purpose: a few kilobytes, and any tool can read the text.
        pdf.stream(contents, &self.content.finish());
        pdf.finish()
    }
}

impl Default for Writer {
    fn default() -> Writer {
        Writer::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("un deux trois", 8), ["un deux", "trois"]);
        assert_eq!(wrap("", 8), [""]);
        assert_eq!(win_ansi("é€?✓"), [0xe9, 0x80, b'?', b'?']);
    }
}
