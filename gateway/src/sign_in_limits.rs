//! How often sign-in may be tried from one place. Only attempts count: a
//! browser's other requests (a missing favicon, a page) never do.
//!
//! Two limits, both per replica and in memory: per address and login, so
//! one account is not guessed at quickly from one place; and per address,
//! wide enough for a school whose hundreds of people share one address
//! behind its router, so that guessing across accounts is bounded without
//! locking the school out. Failures are also counted by identity, in its
//! database, across replicas (a lockout per login and per address).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use otmetka_platform::{Error, Result};
use tokio_util::sync::CancellationToken;

/// Attempts one address may make at one login: a burst…
pub const PER_LOGIN_BURST: u32 = 10;
/// …then one more every this long.
pub const PER_LOGIN_PERIOD: Duration = Duration::from_secs(6);
/// Attempts one address may make in all: a school's morning at once…
pub const PER_ADDRESS_BURST: u32 = 1_000;
/// …then this many more a second.
pub const PER_ADDRESS_PER_SECOND: u32 = 10;

#[derive(Clone)]
pub struct SignInLimits {
    per_login: Arc<DefaultKeyedRateLimiter<(IpAddr, String)>>,
    per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl SignInLimits {
    /// The limits, forgetting idle keys every minute until `shutdown`.
    pub fn new(shutdown: CancellationToken) -> Self {
        let per_login = Quota::with_period(PER_LOGIN_PERIOD)
            .expect("a positive period")
            .allow_burst(NonZeroU32::new(PER_LOGIN_BURST).expect("positive"));
        let per_address =
            Quota::per_second(NonZeroU32::new(PER_ADDRESS_PER_SECOND).expect("positive"))
                .allow_burst(NonZeroU32::new(PER_ADDRESS_BURST).expect("positive"));
        let limits = Self {
            per_login: Arc::new(RateLimiter::keyed(per_login)),
            per_address: Arc::new(RateLimiter::keyed(per_address)),
        };
        let forgetting = limits.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(60)) => {
                        forgetting.per_login.retain_recent();
                        forgetting.per_address.retain_recent();
                    }
                    () = shutdown.cancelled() => return,
                }
            }
        });
        limits
    }

    /// Counts one attempt from `address` at `login` (an access code's
    /// attempts name no login: pass ""), or refuses it with the time to
    /// wait. The per-login limit is asked first, so guessing one account
    /// does not use up the address's room for everyone else.
    pub fn admit(&self, address: IpAddr, login: &str) -> Result<()> {
        let key = (address, login.trim().to_lowercase());
        self.per_login.check_key(&key).map_err(|not_until| {
            refused(not_until.wait_time_from(DefaultClock::default().now()))
        })?;
        self.per_address
            .check_key(&address)
            .map_err(|not_until| refused(not_until.wait_time_from(DefaultClock::default().now())))
    }
}

fn refused(retry_after: Duration) -> Error {
    let seconds = retry_after.as_secs().max(1);
    Error::RateLimited {
        message: format!("too many sign-in attempts from this address; try again in {seconds} s"),
        retry_after: Duration::from_secs(seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> SignInLimits {
        SignInLimits::new(CancellationToken::new())
    }

    #[tokio::test]
    async fn one_login_is_limited_from_one_address() {
        let limits = limits();
        let address: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..PER_LOGIN_BURST {
            limits.admit(address, "ivanov").unwrap();
        }
        let refused = limits.admit(address, "IVANOV ").unwrap_err();
        assert!(
            matches!(refused, Error::RateLimited { retry_after, .. } if retry_after >= Duration::from_secs(1))
        );
        limits.admit(address, "petrova").unwrap();
        limits
            .admit("203.0.113.8".parse().unwrap(), "ivanov")
            .unwrap();
    }

    #[tokio::test]
    async fn a_school_behind_one_address_signs_in_together() {
        let limits = limits();
        let school: IpAddr = "198.51.100.1".parse().unwrap();
        for person in 0..PER_ADDRESS_BURST {
            limits.admit(school, &format!("pupil{person}")).unwrap();
        }
        assert!(limits.admit(school, "one-too-many").is_err());
        limits
            .admit("198.51.100.2".parse().unwrap(), "one-too-many")
            .unwrap();
    }
}
