//! Consumers of other services' change feeds.

pub mod journal;
pub mod schedule;

use std::time::Duration;

use chrono::{DateTime, Utc};
use otmetka_platform::feed::ChangeEnvelope;

/// Whether `change` was committed within `horizon` of `now`: older
/// changes are history, not news, so a first start on a long feed, or a
/// return from a long outage, does not flood families. `now` is read on
/// the clock the feed's service dates its changes by.
fn fresh(change: &ChangeEnvelope, horizon: Duration, now: DateTime<Utc>) -> bool {
    change
        .commit_time
        .and_then(|time| DateTime::from_timestamp(time.seconds, u32::try_from(time.nanos).ok()?))
        .is_some_and(|committed| (now - committed).to_std().unwrap_or_default() <= horizon)
}
