//! Refresh tokens, kept as hashes, and the revocations that end sessions early.

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::ids::PersonId;
use otmetka_platform::{Result, with_db};

use crate::model::SessionRevocationId;

pub async fn insert_refresh_token(
    db: &Db,
    hash: &[u8],
    person_id: PersonId,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash).bind(person_id).bind(now).bind(expires).execute(pool).await?; });
    Ok(())
}

/// The person holding a live refresh token, if it is live.
pub async fn refresh_token_owner(
    db: &Db,
    hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<PersonId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM refresh_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2")
        .bind(hash).bind(now).fetch_optional(pool).await?))
}

pub async fn revoke_refresh_token(db: &Db, hash: &[u8], now: DateTime<Utc>) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(hash).bind(now).execute(pool).await?; });
    Ok(())
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SessionRevocation {
    pub id: SessionRevocationId,
    pub person_id: PersonId,
    pub created_at: DateTime<Utc>,
}

pub async fn session_revocations(
    db: &Db,
    after: Option<SessionRevocationId>,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<SessionRevocation>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, person_id, created_at FROM session_revocations
         WHERE ($1 IS NULL OR id > $1) AND created_at > $2 ORDER BY id LIMIT $3")
        .bind(after).bind(since).bind(limit).fetch_all(pool).await?))
}
