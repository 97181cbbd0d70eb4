pub mod assist;
pub mod assist_live;
pub mod consultation;
pub mod consultation_call;
pub mod landing;
