//! The prescription as a one-page A4 PDF: prescriber, patient, date, lines,
//! identifier, and a QR code holding the identifier and the verification URL.

use qrcode::{Color, EcLevel, QrCode};
use regard_shared::prescription::Prescription;

use crate::pdf::{french_date, wrap, Writer, MARGIN, WIDTH};

/// `issued` is the date as people read it (dd/mm/yyyy, Paris time).
pub fn render(prescription: &Prescription, issued: &str, verify_url: &str) -> Vec<u8> {
    let mut w = Writer::new();
    w.line(16.0, true, &prescription.prescriber_name);
    w.line(11.0, false, &prescription.prescriber_organisation);
    w.gap(12.0);
    w.line(20.0, true, "Ordonnance");
    w.line(11.0, false, &format!("Date : {issued}"));
    w.line(11.0, false, &format!("Identifiant : {}", prescription.id));
    w.gap(12.0);
    let patient = format!("{} {}", prescription.patient_first_name, prescription.patient_last_name.to_uppercase());
    w.line(12.0, true, &format!("Patient : {patient}"));
    w.line(11.0, false, &format!("Né(e) le {}", french_date(&prescription.patient_birth_date)));
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
        // The date of birth as a French reader writes it: "14/03/1958".
        assert!(text.contains("31342F30332F31393538"), "the date of birth is not 14/03/1958");
        // The QR code is drawn: many filled squares.
        assert!(pdf.windows(3).filter(|w| w == b" re").count() > 100);
    }
}
