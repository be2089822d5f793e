//! The deletion safety valve's rule: a push that would withdraw more of a
//! vendor's records in a school than it may is held back until the vendor
//! confirms it. Kept apart from the calls and the queries so that the rule
//! alone is what its tests exercise.

use otmetka_platform::{Error, Result};

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

/// A share the valve can weigh: a number from 0 (valve off) to 1. NaN
/// would compare false with everything and so silently open the valve, as
/// would infinities and shares above 1; they are refused by name.
pub(super) fn check_deletion_share(share: f64) -> Result<()> {
    if share.is_finite() && (0.0..=1.0).contains(&share) {
        Ok(())
    } else {
        Err(Error::invalid(
            "max_deletion_share",
            "must be a number from 0 to 1",
        ))
    }
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

    #[test]
    fn deletion_shares_must_be_numbers_from_0_to_1() {
        for share in [0.0, 0.1, 0.5, 1.0] {
            assert!(check_deletion_share(share).is_ok(), "{share}");
        }
        for share in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.1, 1.5] {
            match check_deletion_share(share) {
                Err(Error::InvalidArgument(violations)) => {
                    assert_eq!(violations.len(), 1);
                    assert_eq!(violations[0].field, "max_deletion_share");
                }
                other => panic!("{share}: expected INVALID_ARGUMENT, got {other:?}"),
            }
        }
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
