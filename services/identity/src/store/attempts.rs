//! Failed attempts (`failed_attempts`), counted per scope and subject.

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Result, with_db};

/// How many failures `subject` has in `scope` after `since`.
pub async fn failures_since(
    db: &Db,
    scope: &str,
    subject: &str,
    since: DateTime<Utc>,
) -> Result<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM failed_attempts WHERE scope = $1 AND subject = $2 AND attempted_at > $3")
        .bind(scope).bind(subject).bind(since).fetch_one(pool).await?))
}

/// Stores a failure at `now`, and forgets `subject`'s failures in `scope`
/// up to `forget_until`.
pub async fn record_failure(
    db: &Db,
    scope: &str,
    subject: &str,
    forget_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    with_db!(db, pool => {
        sqlx::query("DELETE FROM failed_attempts WHERE scope = $1 AND subject = $2 AND attempted_at <= $3")
            .bind(scope).bind(subject).bind(forget_until).execute(pool).await?;
        sqlx::query("INSERT INTO failed_attempts (scope, subject, attempted_at) VALUES ($1, $2, $3)")
            .bind(scope).bind(subject).bind(now).execute(pool).await?;
    });
    Ok(())
}

/// Forgets `subject`'s failures in `scope`.
pub async fn clear(db: &Db, scope: &str, subject: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query("DELETE FROM failed_attempts WHERE scope = $1 AND subject = $2")
        .bind(scope).bind(subject).execute(pool).await?; });
    Ok(())
}
