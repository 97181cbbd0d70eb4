//! Keyset pages for the console's lists: each list orders its rows by a rank
//! (how urgent), then newest first, then id; a page ends with a marker that
//! the next request sends back as `after=`, so rows added meanwhile never
//! shift a row into two pages or out of all of them.

use regard_shared::page::{Page, PAGE, PAGE_MAX};
use regard_shared::validate::Invalid;
use serde::Deserialize;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::QueryAs;
use sqlx::{Any, FromRow};

use crate::db::Db;
use crate::error::AppResult;

/// The query of a paged list.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// Rows on this page: 50 unless asked, 200 at most.
    pub limit: Option<u32>,
}

impl PageQuery {
    /// Where the page starts and how long it is, refused in words when the
    /// request is not one this server would make.
    pub fn read(&self) -> Result<(Cursor, u32), Invalid> {
        let limit = self.limit.unwrap_or(PAGE);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(Invalid { field: "limit", message: "Between 1 and 200 rows per page." });
        }
        let start = match self.after.as_deref() {
            None => Cursor::START,
            Some(text) => Cursor::parse(text)
                .ok_or(Invalid { field: "after", message: "This page marker is not one Regard gave." })?,
        };
        Ok((start, limit))
    }
}

/// The last row of a page: its rank, instant and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub rank: i64,
    pub at: i64,
    pub id: String,
}

impl Cursor {
    /// Before every row (ranks are never negative).
    const START: Cursor = Cursor { rank: -1, at: 0, id: String::new() };

    fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.splitn(3, '.');
        let rank = parts.next()?.parse().ok().filter(|r| (0..=99).contains(r))?;
        let at = parts.next()?.parse().ok()?;
        let id = parts.next().filter(|id| !id.is_empty() && id.len() <= 64)?.to_owned();
        Some(Cursor { rank, at, id })
    }

    fn text(&self) -> String {
        format!("{}.{}.{}", self.rank, self.at, self.id)
    }
}

/// The SQL condition "after the cursor" for a list ordered by `rank, at DESC,
/// id`, its cursor bound as `$n` (rank), `$n+1` (at), `$n+2` (id).
pub fn after(rank: &str, at: &str, id: &str, n: usize) -> String {
    let (r, a, i) = (n, n + 1, n + 2);
    format!("({rank} > ${r} OR ({rank} = ${r} AND ({at} < ${a} OR ({at} = ${a} AND {id} > ${i}))))")
}

/// The query of a page whose SQL binds, in this order: `$1` the list's scope
/// (an organisation), `$2`..`$4` the cursor (see `after`), `$5` the number of
/// rows, then whatever `extra` binds from `$6`. One row more than `limit` is
/// asked for, so that `page` knows whether a next page exists.
pub async fn rows<'q, R>(
    db: &Db,
    sql: &'q str,
    scope: &'q str,
    start: &'q Cursor,
    limit: u32,
    extra: impl FnOnce(QueryAs<'q, Any, R, AnyArguments<'q>>) -> QueryAs<'q, Any, R, AnyArguments<'q>>,
) -> AppResult<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let query = sqlx::query_as(sql).bind(scope).bind(start.rank).bind(start.at).bind(&start.id);
    Ok(extra(query.bind(i64::from(limit) + 1)).fetch_all(db).await?)
}

/// A page from the rows a query returned, asked for one more than `limit` so
/// that the extra one says whether a next page exists.
pub fn page<R, T>(
    mut rows: Vec<R>,
    limit: u32,
    total: u32,
    cursor: impl Fn(&R) -> Cursor,
    item: impl Fn(R) -> T,
) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|last| cursor(last).text());
    Page { items: rows.into_iter().map(item).collect(), total, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_read_back_what_they_wrote_and_nothing_else() {
        let cursor = Cursor { rank: 2, at: 1_764_000_000_000, id: "0b7f3c1e-8f2a".into() };
        assert_eq!(Cursor::parse(&cursor.text()), Some(cursor));
        for bad in ["", "2", "2.x.id", "100.1.id", "-1.1.id", "2.1.", "2.1"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn limits_are_bounded_in_words() {
        let query = |limit| PageQuery { after: None, limit: Some(limit) };
        assert_eq!(query(0).read().unwrap_err().field, "limit");
        assert_eq!(query(201).read().unwrap_err().field, "limit");
        assert_eq!(query(200).read().unwrap().1, 200);
        assert_eq!(PageQuery { after: None, limit: None }.read().unwrap(), (Cursor::START, PAGE));
    }
}
