//! Bounds on guessing: failed attempts are counted per key (a login, a
//! person, a source address) in the database, so every replica sees them;
//! past a limit within a window, further attempts are refused unchecked.
//! Their queries are `store::attempts`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Error, Result};

use crate::store;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub scope: &'static str,
    pub max_failures: i64,
    pub window: Duration,
}

const MINUTE: u64 = 60;

/// Failed passwords for one login: a lockout, not a slowdown, against guessing one account.
pub const LOGIN: Limit = Limit {
    scope: "login",
    max_failures: 5,
    window: Duration::from_secs(15 * MINUTE),
};
/// Failed logins from one address, across accounts (password spraying).
pub const LOGIN_ADDRESS: Limit = Limit {
    scope: "login_address",
    max_failures: 50,
    window: Duration::from_secs(15 * MINUTE),
};
/// Wrong access codes entered by one person.
pub const CODE_PERSON: Limit = Limit {
    scope: "code_person",
    max_failures: 5,
    window: Duration::from_secs(60 * MINUTE),
};
/// Wrong access codes from one address, across people.
pub const CODE_ADDRESS: Limit = Limit {
    scope: "code_address",
    max_failures: 20,
    window: Duration::from_secs(60 * MINUTE),
};

fn window_start(limit: Limit, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    Ok(now - chrono::Duration::from_std(limit.window).map_err(anyhow::Error::from)?)
}

/// Refuses with RESOURCE_EXHAUSTED while `subject` is over `limit`.
pub async fn check(db: &Db, limit: Limit, subject: &str, now: DateTime<Utc>) -> Result<()> {
    let since = window_start(limit, now)?;
    let failures = store::attempts::failures_since(db, limit.scope, subject, since).await?;
    if failures >= limit.max_failures {
        return Err(Error::ResourceExhausted(format!(
            "too many failed attempts; try again in {} minutes",
            limit.window.as_secs().div_ceil(60)
        )));
    }
    Ok(())
}

/// Counts a failure, and forgets this subject's failures older than the window.
pub async fn fail(db: &Db, limit: Limit, subject: &str, now: DateTime<Utc>) -> Result<()> {
    let since = window_start(limit, now)?;
    store::attempts::record_failure(db, limit.scope, subject, since, now).await
}

/// Forgets `subject`'s failures (after a success).
pub async fn clear(db: &Db, limit: Limit, subject: &str) -> Result<()> {
    store::attempts::clear(db, limit.scope, subject).await
}
