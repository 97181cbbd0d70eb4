//! Wire types and pure domain rules shared by the Regard server and the browser app.
//!
//! Nothing here does I/O: the crate compiles natively and to wasm, so every rule
//! written here is enforced identically by the server and pre-checked by the app.

pub mod access;
pub mod account;
pub mod api;
pub mod assist;
pub mod consultation;
pub mod error;
pub mod expertise;
pub mod imaging;
pub mod lang;
pub mod live;
pub mod monitoring;
pub mod national_id;
pub mod nihss;
pub mod nursing_home;
pub mod on_call;
pub mod pacs;
pub mod page;
pub mod payment;
pub mod phone;
pub mod prescription;
pub mod search;
pub mod signal;
pub mod silent;
pub mod stroke;
pub mod usage;
pub mod validate;
pub mod video;

pub use access::{Action, OrganisationKind, Role};
pub use error::{ApiError, ErrorCode};
