//! What one vendor may push: a sustained rate and a daily quota of records,
//! a number of open streams and a length of each, and the share of a
//! school's records its deletions may withdraw without confirming. Rates
//! and open streams are counted per replica (a vendor's streams spread over
//! replicas); the daily quota is counted in the database, over all of them.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use otmetka_platform::db::Db;
use otmetka_platform::{Error, Result};
use uuid::Uuid;

use crate::store;

/// The limits, as configured.
#[derive(clap::Args, Debug, Clone)]
pub struct PushLimits {
    /// Records one vendor may push per second, sustained; a burst of one
    /// second's worth is allowed. Over it a stream waits up to a second,
    /// then fails with RESOURCE_EXHAUSTED and the time to wait.
    #[arg(
        long,
        env = "OTMETKA_IMPORT_RECORDS_PER_SECOND",
        default_value_t = 5_000
    )]
    pub records_per_second: u32,
    /// Records one vendor may push per day (UTC), over all replicas.
    #[arg(
        long,
        env = "OTMETKA_IMPORT_RECORDS_PER_DAY",
        default_value_t = 5_000_000
    )]
    pub records_per_day: i64,
    /// Push streams one vendor may hold open at once (per replica).
    #[arg(long, env = "OTMETKA_IMPORT_STREAMS_PER_VENDOR", default_value_t = 4)]
    pub streams_per_vendor: usize,
    /// Messages one push stream may carry; then the vendor opens another.
    #[arg(
        long,
        env = "OTMETKA_IMPORT_MESSAGES_PER_STREAM",
        default_value_t = 10_000
    )]
    pub messages_per_stream: u64,
    /// The deletion safety valve: the share (0–1) of a school's live records
    /// from a vendor that its deletions may withdraw within an hour unless
    /// it confirms them; 0 turns the valve off. NaN, infinities and shares
    /// outside 0–1 are refused at start: each would open the valve unseen.
    #[arg(
        long,
        env = "OTMETKA_IMPORT_MAX_DELETION_SHARE",
        default_value_t = 0.1,
        value_parser = deletion_share
    )]
    pub max_deletion_share: f64,
    /// Deletions within an hour that never trip the valve, however few
    /// records the school has from the vendor.
    #[arg(long, env = "OTMETKA_IMPORT_DELETION_ALLOWANCE", default_value_t = 100)]
    pub deletion_allowance: i32,
}

/// Reads a deletion share: a number from 0 to 1.
fn deletion_share(text: &str) -> std::result::Result<f64, String> {
    let share: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if share.is_finite() && (0.0..=1.0).contains(&share) {
        Ok(share)
    } else {
        Err(format!("{text:?} is not a share from 0 to 1"))
    }
}

impl Default for PushLimits {
    fn default() -> Self {
        Self {
            records_per_second: 5_000,
            records_per_day: 5_000_000,
            streams_per_vendor: 4,
            messages_per_stream: 10_000,
            max_deletion_share: 0.1,
            deletion_allowance: 100,
        }
    }
}

/// How long a message may wait for the rate to allow it before the stream
/// fails instead: a short wait paces a fast vendor, a long one would only
/// hold its stream and connection open.
const LONGEST_PACING_WAIT: Duration = Duration::from_secs(1);

/// The limits in force, shared by every stream of a replica.
#[derive(Clone)]
pub struct Limiter {
    limits: PushLimits,
    rate: Arc<DefaultKeyedRateLimiter<Uuid>>,
    open_streams: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One open stream of a vendor; it frees its place when dropped.
pub struct StreamPermit {
    vendor_id: Uuid,
    open_streams: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.open_streams.lock().expect("stream counts");
        if let Some(count) = open.get_mut(&self.vendor_id) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.vendor_id);
            }
        }
    }
}

impl Limiter {
    /// Limits with bursts of at least `largest_message` records, so that
    /// any one message can pass however low the rate.
    pub fn new(limits: PushLimits, largest_message: u32) -> Self {
        let per_second = NonZeroU32::new(limits.records_per_second.max(1)).expect("at least 1");
        let burst = per_second.max(NonZeroU32::new(largest_message.max(1)).expect("at least 1"));
        Self {
            rate: Arc::new(RateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(burst),
            )),
            open_streams: Arc::default(),
            limits,
        }
    }

    pub fn limits(&self) -> &PushLimits {
        &self.limits
    }

    /// Opens a stream for the vendor, or refuses one beyond its number.
    pub fn open_stream(&self, vendor_id: Uuid) -> Result<StreamPermit> {
        let mut open = self.open_streams.lock().expect("stream counts");
        let count = open.entry(vendor_id).or_default();
        if *count >= self.limits.streams_per_vendor {
            return Err(Error::RateLimited {
                message: format!(
                    "at most {} push streams may be open at once; close one first",
                    self.limits.streams_per_vendor
                ),
                retry_after: Duration::from_secs(1),
            });
        }
        *count += 1;
        Ok(StreamPermit {
            vendor_id,
            open_streams: self.open_streams.clone(),
        })
    }

    /// Whether a stream that has carried `messages` may carry another.
    pub fn check_stream_length(&self, messages: u64) -> Result<()> {
        if messages >= self.limits.messages_per_stream {
            return Err(Error::RateLimited {
                message: format!(
                    "a push stream carries at most {} messages; open a new stream and go on",
                    self.limits.messages_per_stream
                ),
                retry_after: Duration::ZERO,
            });
        }
        Ok(())
    }

    /// Takes `records` from the vendor's rate (waiting up to a second for
    /// it) and from its daily quota, or refuses them with the time to wait.
    pub async fn take(&self, db: &Db, vendor_id: Uuid, records: usize) -> Result<()> {
        let records = u32::try_from(records).unwrap_or(u32::MAX);
        if let Some(records) = NonZeroU32::new(records) {
            self.take_rate(vendor_id, records).await?;
        }
        let today = Utc::now().date_naive();
        let used = store::add_pushed_records(db, vendor_id, today, i64::from(records)).await?;
        if used > self.limits.records_per_day {
            return Err(Error::RateLimited {
                message: format!(
                    "the daily quota of {} records is spent; it renews at midnight UTC",
                    self.limits.records_per_day
                ),
                retry_after: until_tomorrow(today),
            });
        }
        Ok(())
    }

    async fn take_rate(&self, vendor_id: Uuid, records: NonZeroU32) -> Result<()> {
        loop {
            let wait = match self.rate.check_key_n(&vendor_id, records) {
                Ok(Ok(())) => return Ok(()),
                Ok(Err(not_until)) => not_until.wait_time_from(DefaultClock::default().now()),
                Err(_) => {
                    return Err(Error::invalid(
                        "operations",
                        "more records in one message than a burst allows",
                    ));
                }
            };
            if wait > LONGEST_PACING_WAIT {
                return Err(Error::RateLimited {
                    message: format!(
                        "over the rate of {} records a second",
                        self.limits.records_per_second
                    ),
                    retry_after: wait,
                });
            }
            tokio::time::sleep(wait).await;
        }
    }
}

fn until_tomorrow(today: NaiveDate) -> Duration {
    let midnight = today
        .succ_opt()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc());
    midnight
        .and_then(|at| (at - Utc::now()).to_std().ok())
        .unwrap_or(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(limits: PushLimits) -> Limiter {
        Limiter::new(limits, 500)
    }

    #[derive(clap::Parser)]
    struct Command {
        #[command(flatten)]
        limits: PushLimits,
    }

    #[test]
    fn deletion_shares_outside_0_to_1_are_refused_at_start() {
        use clap::Parser;
        let parsed = |share: &str| {
            let argument = format!("--max-deletion-share={share}");
            Command::try_parse_from(["import", argument.as_str()])
                .map(|command| command.limits.max_deletion_share)
        };
        assert_eq!(parsed("0").unwrap(), 0.0);
        assert_eq!(parsed("0.25").unwrap(), 0.25);
        assert_eq!(parsed("1").unwrap(), 1.0);
        for share in ["NaN", "nan", "inf", "-inf", "-0.1", "1.5", "a tenth"] {
            let error = parsed(share).expect_err(share);
            assert!(
                error.to_string().contains("max-deletion-share"),
                "{share}: {error}"
            );
        }
        assert_eq!(
            Command::try_parse_from(["import"])
                .unwrap()
                .limits
                .max_deletion_share,
            0.1
        );
    }

    #[test]
    fn streams_beyond_the_vendors_number_are_refused_until_one_closes() {
        let limiter = limiter(PushLimits {
            streams_per_vendor: 2,
            ..PushLimits::default()
        });
        let vendor = Uuid::now_v7();
        let first = limiter.open_stream(vendor).unwrap();
        let _second = limiter.open_stream(vendor).unwrap();
        assert!(matches!(
            limiter.open_stream(vendor),
            Err(Error::RateLimited { .. })
        ));
        // Another vendor is not held back by this one's streams.
        limiter.open_stream(Uuid::now_v7()).unwrap();
        drop(first);
        limiter.open_stream(vendor).unwrap();
    }

    #[test]
    fn a_stream_ends_after_its_number_of_messages() {
        let limiter = limiter(PushLimits {
            messages_per_stream: 3,
            ..PushLimits::default()
        });
        assert!(limiter.check_stream_length(2).is_ok());
        assert!(matches!(
            limiter.check_stream_length(3),
            Err(Error::RateLimited { .. })
        ));
    }

    #[tokio::test]
    async fn a_vendor_over_its_rate_is_told_when_to_come_back() {
        let limiter = limiter(PushLimits {
            records_per_second: 10,
            ..PushLimits::default()
        });
        let vendor = Uuid::now_v7();
        // A whole message passes at once, however low the rate.
        let message = NonZeroU32::new(500).unwrap();
        limiter.take_rate(vendor, message).await.unwrap();
        // The next hundred records are ten seconds away: no pacing wait,
        // but a refusal saying how long.
        let hundred = NonZeroU32::new(100).unwrap();
        match limiter.take_rate(vendor, hundred).await {
            Err(Error::RateLimited { retry_after, .. }) => {
                assert!(retry_after > Duration::from_secs(5), "{retry_after:?}");
                assert!(retry_after <= Duration::from_secs(10), "{retry_after:?}");
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
        // Another vendor has its own bucket.
        limiter.take_rate(Uuid::now_v7(), message).await.unwrap();
    }
}
