//! The deletion safety valve's rule: a push that would withdraw more of a
//! vendor's records in a school than it may is held back until the vendor
//! confirms it. Kept apart from the calls and the queries so that the rule
//! alone is what its tests exercise.

/// How far back a vendor's deletions count towards the safety valve.
pub(super) const DELETION_WINDOW_HOURS: i64 = 1;

/// What the deletion safety valve weighed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct DeletionLoad {
    /// Live records withdrawn by the request's deletions and by the
    /// vendor's deletions within the window.
    pub(super) withdrawn: i64,
    /// The vendor's records in the school at the window's start: live now,
    /// or deleted within the window.
    pub(super) base: i64,
}

/// Whether withdrawing `load.withdrawn` of `load.base` records within the
/// window is more than the vendor may without confirming: more than the
/// `allowance`, and more than the `share` of the base.
pub(super) fn exceeds_deletion_limit(load: DeletionLoad, share: f64, allowance: i64) -> bool {
    load.withdrawn > allowance && load.withdrawn as f64 > share * load.base as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(withdrawn: i64, base: i64) -> DeletionLoad {
        DeletionLoad { withdrawn, base }
    }

    #[test]
    fn the_valve_trips_only_above_both_the_allowance_and_the_share() {
        // A tenth of 1,000 records, with 100 always allowed.
        assert!(!exceeds_deletion_limit(load(100, 1000), 0.1, 100));
        assert!(exceeds_deletion_limit(load(101, 1000), 0.1, 100));
        // A small school: the allowance decides.
        assert!(!exceeds_deletion_limit(load(20, 20), 0.1, 100));
        // A large school: the share decides.
        assert!(!exceeds_deletion_limit(load(900, 10_000), 0.1, 100));
        assert!(exceeds_deletion_limit(load(1001, 10_000), 0.1, 100));
    }

    proptest::proptest! {
        /// Withdrawing more never passes where withdrawing less tripped.
        #[test]
        fn withdrawing_more_never_passes_where_less_tripped(
            withdrawn in 0i64..10_000,
            more in 0i64..10_000,
            base in 0i64..100_000,
            share in 0.0f64..1.0,
            allowance in 0i64..1_000,
        ) {
            if exceeds_deletion_limit(load(withdrawn, base), share, allowance) {
                proptest::prop_assert!(exceeds_deletion_limit(
                    load(withdrawn + more, base),
                    share,
                    allowance
                ));
            }
        }
    }
}
