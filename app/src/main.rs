//! The whole browser app: the clinician console and the patient pages.

fn main() {
    regard_app::start_app();
}
