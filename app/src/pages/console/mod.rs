pub mod assist_case;
pub mod assist_controls;
pub mod assist_decision;
pub mod assist_list;
pub mod assist_usage;
pub mod consultation_day;
pub mod consultation_room;
pub mod home;
