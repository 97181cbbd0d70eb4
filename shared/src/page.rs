//! A page of a console list: lists are cut by the server after it has ordered
//! them, and a page says where the next one starts, so no row is ever dropped.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Every row of the list, on every page.
    pub total: u32,
    /// Where the next page starts (`after=`), if there is one.
    pub next: Option<String>,
}

/// Rows per page, unless the request asks for another number.
pub const PAGE: u32 = 50;
/// The most a request may ask for.
pub const PAGE_MAX: u32 = 200;
