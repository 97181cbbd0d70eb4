pub mod assist;
pub mod assist_live;
pub mod landing;
