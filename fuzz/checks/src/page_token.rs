//! A list request's page size and page token.
//!
//! Input: four bytes of page size (little-endian), then the token.

use otmetka_platform::error::Error;
use otmetka_platform::paging::{MAX_PAGE_SIZE, Page, token_after};

/// Checks the target's properties on one input; panics when one fails.
pub fn page_token(data: &[u8]) {
    if data.len() < 4 {
        return;
    }
    let (size, token) = data.split_at(4);
    let size = i32::from_le_bytes([size[0], size[1], size[2], size[3]]);
    // Tokens arrive as protobuf strings: always UTF-8.
    let Ok(token) = std::str::from_utf8(token) else {
        return;
    };
    match Page::parse(size, token) {
        Ok(page) => {
            assert!((1..=MAX_PAGE_SIZE).contains(&page.size));
            assert_eq!(page.fetch_limit(), i64::from(page.size) + 1);
            match &page.after {
                None => assert!(token.is_empty()),
                // Only the token handed out for a key is taken for it.
                Some(key) => assert_eq!(token_after(key), token),
            }
            if let Ok(Some(id)) = page.after_id() {
                assert!(page.after.is_some());
                let _ = id;
            }
            if let Ok(Some((value, _))) = page.after_pair() {
                assert!(!value.contains('\0'));
            }
            // A full page hands out the token of its last row, which reads
            // back as that row's key.
            let key = page.after.clone().unwrap_or_else(|| token.to_owned());
            let mut rows = vec![key.clone(); page.size as usize + 1];
            let next = page.finish(&mut rows, Clone::clone);
            assert_eq!(rows.len(), page.size as usize);
            if key.is_empty() {
                assert!(next.is_empty());
            } else {
                let again = Page::parse(0, &next).expect("a token handed out");
                assert_eq!(again.after.as_deref(), Some(key.as_str()));
            }
        }
        Err(Error::InvalidArgument(violations)) => {
            assert!(!violations.is_empty());
            assert!(
                violations
                    .iter()
                    .all(|v| v.field == "page_size" || v.field == "page_token")
            );
        }
        Err(other) => panic!("not a field error: {other}"),
    }
}
