pub mod assist;
pub mod assist_clip;
pub mod assist_live;
pub mod consultation;
pub mod consultation_call;
pub mod landing;
pub mod monitoring;
pub mod monitoring_portal;
