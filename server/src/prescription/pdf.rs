//! The prescription as a one-page A4 PDF: prescriber, patient, date, lines,
//! identifier, and a QR code holding the identifier and the verification URL.
//! Helvetica is one of the PDF base fonts (nothing embedded), in WinAnsi
//! encoding, which covers French.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, EcLevel, QrCode};
use regard_shared::prescription::Prescription;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// Text in WinAnsi (Windows-1252): Latin-1 plus the typographic extras French
/// uses; anything else becomes `?` rather than garbage.
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
fn wrap(text: &str, width: usize) -> Vec<String> {
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

struct Writer {
    content: Content,
    y: f32,
}

impl Writer {
    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        self.content.begin_text();
        self.content.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&win_ansi(text)));
        self.content.end_text();
    }

    fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.text(MARGIN, size, bold, text);
        self.y -= size * 1.4;
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

/// `issued` is the date as people read it (dd/mm/yyyy, Paris time).
pub fn render(prescription: &Prescription, issued: &str, verify_url: &str) -> Vec<u8> {
    let mut w = Writer { content: Content::new(), y: HEIGHT - MARGIN };
    w.line(16.0, true, &prescription.prescriber_name);
    w.line(11.0, false, &prescription.prescriber_organisation);
    w.gap(12.0);
    w.line(20.0, true, "Ordonnance");
    w.line(11.0, false, &format!("Date : {issued}"));
    w.line(11.0, false, &format!("Identifiant : {}", prescription.id));
    w.gap(12.0);
    let patient = format!("{} {}", prescription.patient_first_name, prescription.patient_last_name.to_uppercase());
    w.line(12.0, true, &format!("Patient : {patient}"));
    w.line(11.0, false, &format!("Né(e) le {}", prescription.patient_birth_date));
    w.gap(18.0);
    for (i, line) in prescription.lines.iter().enumerate() {
        w.line(12.0, true, &format!("{}. {}", i + 1, line.medicine));
        for part in [&line.dosage, &format!("Durée : {}", line.duration), &format!("Quantité : {}", line.quantity)] {
            for row in wrap(part, 85) {
                w.text(MARGIN + 16.0, 11.0, false, &row);
                w.gap(15.0);
            }
        }
        for row in wrap(&line.note, 85).into_iter().filter(|r| !r.is_empty()) {
            w.text(MARGIN + 16.0, 10.0, false, &row);
            w.gap(14.0);
        }
        w.gap(8.0);
    }

    // The QR code, bottom right: the pharmacist scans it to verify and dispense.
    let payload = format!("{} {verify_url}", prescription.id);
    if let Ok(code) = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M) {
        let modules = code.width();
        let size = 130.0;
        let cell = size / modules as f32;
        let (left, bottom) = (WIDTH - MARGIN - size, MARGIN + 20.0);
        w.content.set_fill_gray(0.0);
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == Color::Dark {
                let (row, col) = ((i / modules) as f32, (i % modules) as f32);
                w.content.rect(left + col * cell, bottom + size - (row + 1.0) * cell, cell, cell);
            }
        }
        w.content.fill_nonzero();
    }
    w.y = MARGIN + 60.0;
    w.line(9.0, false, "Ordonnance signée électroniquement (Ed25519). Délivrance unique :");
    w.line(9.0, false, "le pharmacien vérifie la signature en lisant le code QR.");
    w.line(9.0, false, verify_url);

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
    pdf.stream(contents, &w.content.finish());
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regard_shared::prescription::Line;

    #[test]
    fn a_real_pdf_with_the_identifier_in_its_text() {
        let prescription = Prescription {
            id: "RX-ABCD-EFGH-JKMN-PQRS".into(),
            issued_at: 0,
            prescriber_name: "Dr Paul Durand".into(),
            prescriber_organisation: "Cabinet médical du Parc".into(),
            patient_last_name: "Dupont".into(),
            patient_first_name: "Marie".into(),
            patient_birth_date: "1958-03-14".into(),
            lines: vec![Line {
                medicine: "Amlodipine 5 mg".into(),
                dosage: "1 comprimé le matin".into(),
                duration: "3 mois".into(),
                quantity: "3 boîtes".into(),
                note: "À prendre au petit-déjeuner".into(),
            }],
        };
        let pdf = render(&prescription, "22/11/2026", "https://regard.example.org/rx/RX-ABCD-EFGH-JKMN-PQRS");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"RX-ABCD-EFGH-JKMN-PQRS"));
        // Accented text goes out in WinAnsi (é is 0xE9), which pdf-writer
        // writes as a hex string: "médical" is 6D E9 64 69 63 61 6C.
        let text = String::from_utf8_lossy(&pdf).to_uppercase();
        assert!(text.contains("6DE9646963616C"), "médical is not in WinAnsi");
        // The QR code is drawn: many filled squares.
        assert!(pdf.windows(3).filter(|w| w == b" re").count() > 100);
    }

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("un deux trois", 8), ["un deux", "trois"]);
        assert_eq!(wrap("", 8), [""]);
        assert_eq!(win_ansi("é€?✓"), [0xe9, 0x80, b'?', b'?']);
    }
}
