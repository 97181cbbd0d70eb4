//! A4 PDF documents (prescriptions, receipts), written directly with
//! pdf-writer in DejaVu Sans, embedded as a subset of the glyphs used: it
//! covers the names of real patients and the patient languages (Latin with
//! every accent, Vietnamese, Greek, Cyrillic, and Arabic, joined and laid
//! out right to left by `bidi`), and a ToUnicode map keeps the text
//! searchable and copyable. Text that reaches a page's foot goes on over a
//! new page; every page carries its footer and number.

mod bidi;

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

pub const WIDTH: f32 = 595.0;
pub const HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 56.0;
/// The lowest a line of text may sit; the footer goes below it.
pub const FOOT: f32 = MARGIN + 12.0;

/// DejaVu Sans (Bitstream Vera licence, see fonts/DejaVuSans.LICENSE).
static FONT: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
/// The font's name in the document: a subset is tagged by six capitals.
const FONT_NAME: Name = Name(b"REGARD+DejaVuSans");
const SYSTEM: SystemInfo = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

pub struct Writer {
    face: Face<'static>,
    /// The page being written.
    pub content: Content,
    pages: Vec<Content>,
    pub y: f32,
    glyphs: GlyphRemapper,
    /// Each glyph of the subset: the character it shows and its width (1/1000 em).
    used: BTreeMap<u16, (char, f32)>,
    footer: String,
    /// Lines start at the right margin (an Arabic document).
    rtl: bool,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            face: Face::parse(FONT, 0).expect("the embedded font parses"),
            content: Content::new(),
            pages: Vec::new(),
            y: HEIGHT - MARGIN,
            glyphs: GlyphRemapper::new(),
            used: BTreeMap::new(),
            footer: String::new(),
            rtl: false,
        }
    }

    /// A document written right to left: its lines start at the right margin.
    pub fn right_to_left(mut self, rtl: bool) -> Writer {
        self.rtl = rtl;
        self
    }

    /// Said at the foot of every page, before its number.
    pub fn footer(&mut self, text: &str) {
        self.footer = text.to_owned();
    }

    fn advance(&self, c: char) -> f32 {
        let glyph = self.face.glyph_index(c).unwrap_or(GlyphId(0));
        let units = self.face.glyph_hor_advance(glyph).unwrap_or(0);
        f32::from(units) * 1000.0 / f32::from(self.face.units_per_em())
    }

    /// The text as glyph ids of the subset (two bytes each, Identity-H).
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut encoded = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let glyph = self.face.glyph_index(c).map_or(0, |g| g.0);
            let cid = self.glyphs.remap(glyph);
            let width = self.advance(c);
            self.used.entry(cid).or_insert((c, width));
            encoded.extend(cid.to_be_bytes());
        }
        encoded
    }

    /// How wide `text` is at `size`, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        bidi::shape(text).chars().map(|c| self.advance(c)).sum::<f32>() * size / 1000.0
    }

    /// Cuts `text` into lines no wider than `max` points at `size`, at spaces
    /// (a word wider than a line is cut where it must be).
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = vec![String::new()];
        for word in text.split_whitespace() {
            let line = lines.last_mut().expect("at least one line");
            let joined = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if self.width(&joined, size) <= max {
                *line = joined;
                continue;
            }
            let mut rest = String::new();
            for c in word.chars() {
                if !rest.is_empty() && self.width(&format!("{rest}{c}"), size) > max {
                    lines.push(std::mem::take(&mut rest));
                }
                rest.push(c);
            }
            if lines.last().is_some_and(String::is_empty) {
                *lines.last_mut().expect("at least one line") = rest;
            } else {
                lines.push(rest);
            }
        }
        lines
    }

    /// Writes `text` with its baseline at the current height. Bold is drawn
    /// by also stroking the glyphs' outlines (one font embedded, not two).
    pub fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let encoded = self.encode(&bidi::visual(text, self.rtl));
        let y = self.y;
        let content = &mut self.content;
        content.begin_text();
        content.set_font(Name(b"F1"), size);
        if bold {
            content.set_text_rendering_mode(TextRenderingMode::FillStroke);
            content.set_line_width(size * 0.04);
        }
        content.next_line(x, y);
        content.show(Str(&encoded));
        if bold {
            content.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        content.end_text();
    }

    /// A line at the margin it starts from, then down; on a new page if
    /// this one is full.
    pub fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.room(size * 1.4);
        let x = if self.rtl { WIDTH - MARGIN - self.width(text, size) } else { MARGIN };
        self.text(x, size, bold, text);
        self.y -= size * 1.4;
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// Starts a new page unless `points` still fit above the foot.
    pub fn room(&mut self, points: f32) {
        if self.y - points < FOOT {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::replace(&mut self.content, Content::new()));
        self.y = HEIGHT - MARGIN;
    }

    /// The document: every page with its footer, and the font's subset.
    pub fn finish(mut self) -> Vec<u8> {
        self.new_page();
        let count = self.pages.len();
        for index in 0..count {
            let footer = match self.footer.as_str() {
                "" => format!("Page {}/{count}", index + 1),
                footer => format!("{footer} — page {}/{count}", index + 1),
            };
            let encoded = self.encode(&footer);
            let page = &mut self.pages[index];
            page.begin_text();
            page.set_font(Name(b"F1"), 8.0);
            page.next_line(MARGIN, MARGIN - 24.0);
            page.show(Str(&encoded));
            page.end_text();
        }

        let mut ids = (1..).map(Ref::new);
        let mut next = || ids.next().expect("endless ids");
        let (catalog, tree, type0, cid_font, descriptor, file, cmap) =
            (next(), next(), next(), next(), next(), next(), next());
        let pages: Vec<(Ref, Ref)> = (0..count).map(|_| (next(), next())).collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids(pages.iter().map(|(page, _)| *page)).count(count as i32);
        self.write_font(&mut pdf, [type0, cid_font, descriptor, file, cmap]);
        for ((page, contents), content) in pages.iter().zip(self.pages) {
            let mut p = pdf.page(*page);
            p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
            p.parent(tree);
            p.contents(*contents);
            p.resources().fonts().pair(Name(b"F1"), type0);
            drop(p);
            // Uncompressed on purpose: a few kilobytes, and any tool can read them.
            pdf.stream(*contents, &content.finish());
        }
        pdf.finish()
    }

    fn write_font(&self, pdf: &mut Pdf, [type0, cid_font, descriptor, file, cmap]: [Ref; 5]) {
        pdf.type0_font(type0)
            .base_font(FONT_NAME)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_font)
            .to_unicode(cmap);
        let mut font = pdf.cid_font(cid_font);
        font.subtype(CidFontType::Type2)
            .base_font(FONT_NAME)
            .system_info(SYSTEM)
            .font_descriptor(descriptor)
            .default_width(0.0)
            // The subset's glyph ids are the CIDs (subsetter's remapping).
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = font.widths();
        for (cid, (_, width)) in &self.used {
            widths.consecutive(*cid, [*width]);
        }
        drop(widths);
        drop(font);

        let scale = |units: i16| f32::from(units) * 1000.0 / f32::from(self.face.units_per_em());
        let bbox = self.face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(FONT_NAME)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(scale(bbox.x_min), scale(bbox.y_min), scale(bbox.x_max), scale(bbox.y_max)))
            .italic_angle(0.0)
            .ascent(scale(self.face.ascender()))
            .descent(scale(self.face.descender()))
            .cap_height(scale(self.face.capital_height().unwrap_or(self.face.ascender())))
            .stem_v(80.0)
            .font_file2(file);
        let subset = subsetter::subset(FONT, 0, &self.glyphs).expect("the embedded font subsets");
        pdf.stream(file, &subset).pair(Name(b"Length1"), subset.len() as i32);

        let mut unicode = UnicodeCmap::new(Name(b"Regard-UTF16"), SYSTEM);
        for (cid, (c, _)) in &self.used {
            unicode.pair(*cid, *c);
        }
        pdf.cmap(cmap, &unicode.finish());
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
    fn text_wraps_at_spaces_by_width() {
        let w = Writer::new();
        let narrow = w.width("un deux", 10.0) + 1.0;
        assert_eq!(w.wrap("un deux trois", 10.0, narrow), ["un deux", "trois"]);
        assert_eq!(w.wrap("", 10.0, narrow), [""]);
        let long = w.wrap("anticonstitutionnellement", 10.0, narrow);
        assert!(long.len() > 1 && long.iter().all(|l| w.width(l, 10.0) <= narrow), "{long:?}");
    }

    #[test]
    fn every_name_has_its_glyphs() {
        let w = Writer::new();
        for c in "Đặng Thị Ngọc Hân Šťastný Ωμέγα Жанна هدى".chars().filter(|c| !c.is_whitespace())
        {
            assert!(w.face.glyph_index(c).is_some(), "no glyph for {c}");
        }
    }

    #[test]
    fn every_arabic_letter_has_a_glyph_in_every_form() {
        let w = Writer::new();
        // Each letter alone, last, first and in the middle of a word (the
        // tatweel joins on both sides), and the lam-alef ligatures.
        let letters = ('\u{0621}'..='\u{064A}').filter(|c| !('\u{063B}'..='\u{0640}').contains(c));
        let words = letters.map(|c| format!("{c} ـ{c} {c}ـ ـ{c}ـ")).chain(["لا ـلا لأ لإ لآ".to_owned()]);
        for word in words {
            for c in bidi::visual(&word, true).chars().filter(|c| !c.is_whitespace()) {
                assert!(w.face.glyph_index(c).is_some(), "no glyph for U+{:04X} in {word}", c as u32);
            }
        }
    }
}
