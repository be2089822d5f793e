//! Token signing keys, kept until every token they signed has expired.

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Result, with_db};

use crate::tokens::StoredKey;

pub async fn signing_keys(db: &Db) -> Result<Vec<StoredKey>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT kid, private_key, public_key, created_at, activates_at FROM signing_keys
         WHERE retired_at IS NULL ORDER BY created_at, kid")
        .fetch_all(pool).await?))
}

pub async fn insert_signing_key(db: &Db, key: &StoredKey) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO signing_keys (kid, private_key, public_key, created_at, activates_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&key.kid).bind(&key.private_key).bind(&key.public_key).bind(key.created_at).bind(key.activates_at)
        .execute(pool).await?; });
    Ok(())
}

/// Retires keys older than the newest active one once every token they
/// signed has expired: `grace` after that key took over.
pub async fn retire_superseded_keys(
    db: &Db,
    now: DateTime<Utc>,
    grace: chrono::Duration,
) -> Result<u64> {
    let keys = signing_keys(db).await?;
    let Some(newest_active) = keys
        .iter()
        .filter(|key| key.activation() <= now)
        .max_by_key(|key| key.activation())
    else {
        return Ok(0);
    };
    if newest_active.activation() + grace > now {
        return Ok(0);
    }
    let mut retired = 0;
    for key in keys
        .iter()
        .filter(|key| key.activation() < newest_active.activation())
    {
        retired += with_db!(db, pool => sqlx::query(
            "UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL")
            .bind(&key.kid).bind(now).execute(pool).await?.rows_affected());
    }
    Ok(retired)
}
