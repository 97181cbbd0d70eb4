pub mod console_frame;
pub mod error_text;
pub mod format;
pub mod language_switch;
pub mod site_header;
pub mod video_view;
