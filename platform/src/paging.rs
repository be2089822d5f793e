//! List pagination: bounded page sizes and opaque keyset page tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Result};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

/// A page request: how many rows, after which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub size: u32,
    /// The sort key of the last row of the previous page.
    pub after: Option<String>,
}

impl Page {
    /// From a request's `page_size` (0 = default; larger than the maximum is
    /// capped) and `page_token` (empty = first page).
    pub fn parse(page_size: i32, page_token: &str) -> Result<Self> {
        let size = bounded_page_size(page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
        let after = if page_token.is_empty() {
            None
        } else {
            let bytes = URL_SAFE_NO_PAD
                .decode(page_token)
                .map_err(|_| bad_token())?;
            Some(String::from_utf8(bytes).map_err(|_| bad_token())?)
        };
        Ok(Self { size, after })
    }

    /// The previous page's last key as an id, for lists in id order.
    pub fn after_id(&self) -> Result<Option<uuid::Uuid>> {
        self.after
            .as_deref()
            .map(|key| uuid::Uuid::parse_str(key).map_err(|_| bad_token()))
            .transpose()
    }

    /// The previous page's last key split at `\0` into its two parts, for
    /// lists in the order of a value then an id.
    pub fn after_pair(&self) -> Result<Option<(&str, uuid::Uuid)>> {
        self.after
            .as_deref()
            .map(|key| {
                key.split_once('\0')
                    .and_then(|(value, id)| Some((value, uuid::Uuid::parse_str(id).ok()?)))
                    .ok_or_else(bad_token)
            })
            .transpose()
    }

    /// Rows to fetch: one more than the page, to learn whether another follows.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.size) + 1
    }

    /// Trims `rows` (fetched with [`Page::fetch_limit`]) to the page and
    /// returns the next page token ("" on the last page).
    pub fn finish<T>(&self, rows: &mut Vec<T>, key: impl Fn(&T) -> String) -> String {
        if rows.len() > self.size as usize {
            rows.truncate(self.size as usize);
            rows.last()
                .map(|row| token_after(&key(row)))
                .unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// A request's `page_size` within a list's own bounds: 0 means `default`,
/// more than `max` is capped, a negative size is refused. Lists that page
/// with tokens of their own (the change feeds' cursors) take their sizes
/// from here too.
pub fn bounded_page_size(page_size: i32, default: u32, max: u32) -> Result<u32> {
    match page_size {
        0 => Ok(default),
        n if n < 0 => Err(Error::invalid("page_size", "must not be negative")),
        n => Ok(n.unsigned_abs().min(max)),
    }
}

/// The token a list hands out after the row with sort key `key`. A service
/// that pages through another's list (both paging with this module) resumes
/// it after a row of its own choosing with it.
pub fn token_after(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

/// A page token that no earlier page handed out.
pub fn bad_token() -> Error {
    Error::invalid("page_token", "not a token from a previous page")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_back_into_ids_and_pairs() {
        let id = uuid::Uuid::now_v7();
        let token = |key: String| URL_SAFE_NO_PAD.encode(key);
        let by_id = Page::parse(10, &token(id.to_string())).unwrap();
        assert_eq!(by_id.after_id().unwrap(), Some(id));
        let by_pair = Page::parse(10, &token(format!("иванов\0{id}"))).unwrap();
        assert_eq!(by_pair.after_pair().unwrap(), Some(("иванов", id)));
        assert!(
            Page::parse(10, &token("garbage".into()))
                .unwrap()
                .after_id()
                .is_err()
        );
        assert!(
            Page::parse(10, &token("no separator".into()))
                .unwrap()
                .after_pair()
                .is_err()
        );
        assert_eq!(Page::parse(10, "").unwrap().after_id().unwrap(), None);
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(Page::parse(0, "").unwrap().size, DEFAULT_PAGE_SIZE);
        assert_eq!(Page::parse(10_000, "").unwrap().size, MAX_PAGE_SIZE);
        assert!(Page::parse(-1, "").is_err());
        assert_eq!(bounded_page_size(0, 100, 1000).unwrap(), 100);
        assert_eq!(bounded_page_size(7, 100, 1000).unwrap(), 7);
        assert_eq!(bounded_page_size(i32::MAX, 100, 1000).unwrap(), 1000);
        assert!(bounded_page_size(i32::MIN, 100, 1000).is_err());
    }

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        let page = Page::parse(2, "").unwrap();
        let mut rows = vec!["a", "b", "c"];
        let token = page.finish(&mut rows, |row| row.to_string());
        assert_eq!(rows, ["a", "b"]);
        assert_eq!(Page::parse(2, &token).unwrap().after.as_deref(), Some("b"));
        assert!(Page::parse(2, "!!!").is_err());
        let mut last = vec!["x"];
        assert_eq!(page.finish(&mut last, |row| row.to_string()), "");
    }
}
