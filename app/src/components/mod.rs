pub mod error_text;
pub mod language_switch;
pub mod site_header;
