//! Reading other services' lists whole (what a school's size bounds) or
//! across a school's classes (what identity keeps per class), resuming
//! another service's list after an item with `paging::token_after`.

use otmetka_platform::Result;
use otmetka_platform::paging::{MAX_PAGE_SIZE, Page, token_after};
use otmetka_proto::identity::v1 as identity;
use uuid::Uuid;

/// The largest page other services hand out, for lists read whole.
pub(super) const WHOLE_PAGE: i32 = MAX_PAGE_SIZE as i32;

/// Every item of a list bounded by a school's size (its classes, years).
pub(super) async fn every_page<T, Fut>(mut fetch: impl FnMut(String) -> Fut) -> Result<Vec<T>>
where
    Fut: Future<Output = Result<(Vec<T>, String)>>,
{
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let (items, next) = fetch(token).await?;
        all.extend(items);
        if next.is_empty() {
            return Ok(all);
        }
        token = next;
    }
}

/// The page key of an item of a per-class list.
pub(super) fn class_key(class_id: &str, item_id: &str) -> String {
    format!("{class_id}\0{item_id}")
}

/// Reads a list identity keeps per class across `classes` (in id order),
/// `list(class, page_token, page_size)` reading one class's, from `after`
/// (a class id and the item it last handed out) until `wanted` items are
/// in; returns them with the index of their class.
pub(super) async fn across_classes<T, Fut>(
    classes: &[identity::Class],
    after: Option<(&str, Uuid)>,
    wanted: usize,
    mut list: impl FnMut(&identity::Class, String, i32) -> Fut,
) -> Result<Vec<(usize, T)>>
where
    Fut: Future<Output = Result<(Vec<T>, String)>>,
{
    let mut rows: Vec<(usize, T)> = Vec::new();
    for (index, class) in classes.iter().enumerate() {
        if rows.len() >= wanted {
            break;
        }
        let mut token = match after {
            Some((class_id, item)) if class_id == class.id => token_after(&item.to_string()),
            // Ids are lowercase hyphenated UUIDs: their text sorts as they do.
            Some((class_id, _)) if class.id.as_str() < class_id => continue,
            _ => String::new(),
        };
        loop {
            let size = i32::try_from(wanted - rows.len()).unwrap_or(WHOLE_PAGE);
            let (items, next) = list(class, token, size.min(WHOLE_PAGE)).await?;
            rows.extend(items.into_iter().map(|item| (index, item)));
            if rows.len() >= wanted || next.is_empty() {
                break;
            }
            token = next;
        }
    }
    Ok(rows)
}

/// How many rows a page reads: one more than it holds.
pub(super) fn wanted(page: &Page) -> usize {
    usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(n: u128) -> identity::Class {
        identity::Class {
            id: Uuid::from_u128(n).to_string(),
            ..Default::default()
        }
    }

    /// Two classes holding items 1..=3 and 4..=5, as identity would page them.
    async fn walk(page: &Page) -> (Vec<u128>, String) {
        let classes = [class(1), class(2)];
        let items = |class: &identity::Class| -> Vec<u128> {
            if class.id == Uuid::from_u128(1).to_string() {
                vec![1, 2, 3]
            } else {
                vec![4, 5]
            }
        };
        let mut rows = across_classes(
            &classes,
            page.after_pair().unwrap(),
            wanted(page),
            |class, token, size| {
                let all = items(class);
                async move {
                    let inner = Page::parse(size, &token)?;
                    let after = inner.after_id()?.map(|id| id.as_u128()).unwrap_or(0);
                    let mut ids: Vec<Uuid> = all
                        .into_iter()
                        .filter(|n| *n > after)
                        .map(Uuid::from_u128)
                        .collect();
                    let next = inner.finish(&mut ids, |id| id.to_string());
                    Ok((ids, next))
                }
            },
        )
        .await
        .unwrap();
        let next = page.finish(&mut rows, |(index, id)| {
            class_key(&classes[*index].id, &id.to_string())
        });
        (rows.into_iter().map(|(_, id)| id.as_u128()).collect(), next)
    }

    #[tokio::test]
    async fn pages_run_across_classes_and_resume_where_they_stopped() {
        let mut seen = Vec::new();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            let (items, next) = walk(&Page::parse(2, &token).unwrap()).await;
            assert!(items.len() <= 2);
            seen.extend(items);
            pages += 1;
            if next.is_empty() {
                break;
            }
            token = next;
        }
        assert_eq!(seen, [1, 2, 3, 4, 5]);
        assert_eq!(pages, 3);
        let (all, last) = walk(&Page::parse(0, "").unwrap()).await;
        assert_eq!((all.len(), last.as_str()), (5, ""));
        assert!(Page::parse(2, "!!").is_err());
    }
}
