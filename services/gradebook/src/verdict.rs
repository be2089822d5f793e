//! How a vendor record's revision relates to what is stored for its key
//! (pure): the rule that makes replays harmless and the newest revision win.

/// What to do with a record, judged by revisions and content alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Newer than what is stored (or the key is new): apply it.
    Apply,
    /// The stored revision, sent again with the same content.
    Unchanged,
    /// Older than the stored revision.
    Stale,
    /// The stored revision with other content, or not the expected one.
    Conflict {
        field: &'static str,
        message: String,
    },
}

/// Judges a record of `revision` with `hash` against the key's `stored`
/// revision and content hash. A replay is recognised before the expected
/// revision is compared, so resending a batch whose records expected the
/// state before it answers UNCHANGED, not a conflict.
pub fn verdict(
    stored: Option<(i64, &[u8])>,
    revision: i64,
    hash: &[u8],
    expected: Option<i64>,
) -> Verdict {
    if let Some((stored_revision, stored_hash)) = stored {
        if revision == stored_revision {
            return if stored_hash == hash {
                Verdict::Unchanged
            } else {
                Verdict::Conflict {
                    field: "revision",
                    message: format!("revision {revision} was stored with other content"),
                }
            };
        }
        if revision < stored_revision {
            return Verdict::Stale;
        }
    }
    let stored_revision = stored.map_or(0, |(revision, _)| revision);
    match expected {
        Some(expected) if expected != stored_revision => Verdict::Conflict {
            field: "expected_revision",
            message: format!("the stored revision is {stored_revision}, not {expected}"),
        },
        _ => Verdict::Apply,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_new_key_applies_and_its_replay_is_unchanged() {
        assert_eq!(verdict(None, 1, b"a", None), Verdict::Apply);
        assert_eq!(verdict(Some((1, b"a")), 1, b"a", None), Verdict::Unchanged);
    }

    #[test]
    fn newer_applies_older_is_stale_and_equal_with_other_content_conflicts() {
        assert_eq!(verdict(Some((3, b"a")), 4, b"b", None), Verdict::Apply);
        assert_eq!(verdict(Some((3, b"a")), 2, b"b", None), Verdict::Stale);
        assert!(matches!(
            verdict(Some((3, b"a")), 3, b"b", None),
            Verdict::Conflict {
                field: "revision",
                ..
            }
        ));
    }

    #[test]
    fn the_expected_revision_must_be_the_stored_one() {
        assert_eq!(verdict(None, 1, b"a", Some(0)), Verdict::Apply);
        assert_eq!(verdict(Some((2, b"a")), 3, b"b", Some(2)), Verdict::Apply);
        assert!(matches!(
            verdict(Some((2, b"a")), 3, b"b", Some(1)),
            Verdict::Conflict {
                field: "expected_revision",
                ..
            }
        ));
        assert!(matches!(
            verdict(None, 1, b"a", Some(5)),
            Verdict::Conflict {
                field: "expected_revision",
                ..
            }
        ));
        // A replay of what was applied answers as a replay.
        assert_eq!(
            verdict(Some((1, b"a")), 1, b"a", Some(0)),
            Verdict::Unchanged
        );
    }

    #[test]
    fn an_expected_revision_a_later_record_creates_is_order_dependent() {
        // Why the properties below leave expected revisions out: a record
        // expecting a revision that a later record of the same batch stores
        // conflicts the first time and applies on a replay.
        let mut state = HashMap::new();
        let batch = [(0, 3, 0, Some(1)), (0, 1, 0, None)];
        apply(&mut state, &batch);
        assert_eq!(state[&0].0, 1);
        apply(&mut state, &batch);
        assert_eq!(state[&0].0, 3);
    }

    /// A record: key, revision, content and an optional expected revision.
    type Record = (u8, i64, u8, Option<i64>);

    /// Applies `records` in order to keys' stored (revision, content).
    fn apply(state: &mut HashMap<u8, (i64, Vec<u8>)>, records: &[Record]) {
        for &(key, revision, content, expected) in records {
            let hash = vec![content];
            let stored = state.get(&key).map(|(r, h)| (*r, h.as_slice()));
            if verdict(stored, revision, &hash, expected) == Verdict::Apply {
                state.insert(key, (revision, hash));
            }
        }
    }

    /// Few keys, revisions and contents, so batches repeat and reorder them.
    fn records() -> impl Strategy<Value = Vec<Record>> {
        prop::collection::vec(
            (0u8..4, 1i64..6, 0u8..3)
                .prop_map(|(key, revision, content)| (key, revision, content, None)),
            0..40,
        )
    }

    proptest! {
        #[test]
        fn applying_a_batch_twice_equals_applying_it_once(batch in records()) {
            let mut once = HashMap::new();
            apply(&mut once, &batch);
            let mut twice = once.clone();
            apply(&mut twice, &batch);
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn a_replayed_prefix_changes_nothing(batch in records(), cut in 0usize..40) {
            let mut whole = HashMap::new();
            apply(&mut whole, &batch);
            let mut replayed = whole.clone();
            apply(&mut replayed, &batch[..cut.min(batch.len())]);
            prop_assert_eq!(whole, replayed);
        }
    }
}
