//! The prescription as an A4 PDF: prescriber, patient, date, lines (as many
//! pages as they take), identifier, and on the last page a QR code holding the
//! identifier and the verification URL. Every page names the prescription and
//! the patient in its footer.

use qrcode::{Color, EcLevel, QrCode};
use regard_shared::lang::Lang;
use regard_shared::national_id;
use regard_shared::prescription::Prescription;

use crate::pdf::{Writer, MARGIN, WIDTH};
use crate::texts;

/// Room the QR code and the signature note take at the foot of the last page.
const SIGNATURE_BLOCK: f32 = 230.0;
const QR_SIZE: f32 = 130.0;

/// `issued` is the date as people read it (dd/mm/yyyy, Paris time).
pub fn render(prescription: &Prescription, issued: &str, verify_url: &str) -> Vec<u8> {
    let mut w = Writer::new();
    let patient = format!("{} {}", prescription.patient_first_name, prescription.patient_last_name.to_uppercase());
    w.footer(&format!("Ordonnance {} — {patient}", prescription.id));
    w.line(16.0, true, &prescription.prescriber_name);
    w.line(11.0, false, &prescription.prescriber_organisation);
    if let Some(idnps) = &prescription.prescriber_national_id {
        w.line(11.0, false, &national_id::label(idnps));
    }
    w.gap(12.0);
    w.line(20.0, true, "Ordonnance");
    w.line(11.0, false, &format!("Date : {issued}"));
    w.line(11.0, false, &format!("Identifiant : {}", prescription.id));
    w.gap(12.0);
    w.line(12.0, true, &format!("Patient : {patient}"));
    w.line(11.0, false, &format!("Né(e) le {}", texts::calendar_date(Lang::Fr, &prescription.patient_birth_date)));
    w.gap(18.0);
    let indent = MARGIN + 16.0;
    let text_width = WIDTH - indent - MARGIN;
    for (i, line) in prescription.lines.iter().enumerate() {
        // A medicine's name never ends a page alone.
        w.room(12.0 * 1.4 + 15.0);
        w.line(12.0, true, &format!("{}. {}", i + 1, line.medicine));
        let parts =
            [line.dosage.clone(), format!("Durée : {}", line.duration), format!("Quantité : {}", line.quantity)];
        for (size, step, part) in parts.iter().map(|p| (11.0, 15.0, p)).chain([(10.0, 14.0, &line.note)]) {
            for row in w.wrap(part, size, text_width).into_iter().filter(|r| !r.is_empty()) {
                w.room(step);
                w.text(indent, size, false, &row);
                w.gap(step);
            }
        }
        w.gap(8.0);
    }

    // The QR code, bottom right of the last page: the pharmacist scans it to verify and dispense.
    w.room(SIGNATURE_BLOCK);
    let payload = format!("{} {verify_url}", prescription.id);
    if let Ok(code) = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M) {
        let modules = code.width();
        let cell = QR_SIZE / modules as f32;
        let (left, bottom) = (WIDTH - MARGIN - QR_SIZE, MARGIN + 20.0);
        w.content.set_fill_gray(0.0);
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == Color::Dark {
                let (row, col) = ((i / modules) as f32, (i % modules) as f32);
                w.content.rect(left + col * cell, bottom + QR_SIZE - (row + 1.0) * cell, cell, cell);
            }
        }
        w.content.fill_nonzero();
    }
    w.y = MARGIN + 60.0;
    w.line(9.0, false, "Ordonnance signée électroniquement (Ed25519). Délivrance unique :");
    w.line(9.0, false, "le pharmacien vérifie la signature en lisant le code QR.");
    w.line(9.0, false, verify_url);

    w.finish()
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
            prescriber_national_id: Some("810005173140".into()),
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
        // The text is in glyph ids; the ToUnicode map says which characters they show.
        assert!(has(b"/ToUnicode") && has(b"/FontFile2") && has(b"/Identity-H"));
        // The QR code is drawn: many filled squares.
        assert!(pdf.windows(3).filter(|w| w == b" re").count() > 100);
    }
}
