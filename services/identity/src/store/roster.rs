//! Which platform object each row of a school's roster files became, so a
//! load repeated changes nothing.

use std::collections::HashMap;

use otmetka_platform::db::Db;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::{Result, with_db};
use uuid::Uuid;

pub async fn roster_sources(
    db: &Db,
    school_id: SchoolId,
) -> Result<HashMap<(String, String), Uuid>> {
    let rows: Vec<(String, String, Uuid)> = with_db!(db, pool => sqlx::query_as(
        "SELECT kind, source_id, platform_id FROM roster_sources WHERE school_id = $1")
        .bind(school_id).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|(kind, source, id)| ((kind, source), id))
        .collect())
}

pub async fn remember_roster_source(
    db: &Db,
    school_id: SchoolId,
    kind: &str,
    source_id: &str,
    // A person's, a class's, a group's or a subject's: one table for all.
    platform_id: Uuid,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO roster_sources (school_id, kind, source_id, platform_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (school_id, kind, source_id) DO UPDATE SET platform_id = excluded.platform_id")
        .bind(school_id).bind(kind).bind(source_id).bind(platform_id).execute(pool).await?; });
    Ok(())
}
