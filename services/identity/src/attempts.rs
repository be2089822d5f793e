//! Bounds on guessing: failed attempts are counted per key (a login, a
//! person, a source address) in the database, so every replica sees them;
//! past a limit within a window, further attempts are refused unchecked.

use std::time::Duration;

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Error, Result, with_db};

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
    let failures: i64 = with_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM failed_attempts WHERE scope = $1 AND subject = $2 AND attempted_at > $3")
        .bind(limit.scope).bind(subject).bind(since).fetch_one(pool).await?);
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
    with_db!(db, pool => {
        sqlx::query("DELETE FROM failed_attempts WHERE scope = $1 AND subject = $2 AND attempted_at <= $3")
            .bind(limit.scope).bind(subject).bind(since).execute(pool).await?;
        sqlx::query("INSERT INTO failed_attempts (scope, subject, attempted_at) VALUES ($1, $2, $3)")
            .bind(limit.scope).bind(subject).bind(now).execute(pool).await?;
    });
    Ok(())
}

/// Forgets `subject`'s failures (after a success).
pub async fn clear(db: &Db, limit: Limit, subject: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query("DELETE FROM failed_attempts WHERE scope = $1 AND subject = $2")
        .bind(limit.scope).bind(subject).execute(pool).await?; });
    Ok(())
}
