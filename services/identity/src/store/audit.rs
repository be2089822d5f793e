//! The audit trail (`audit_events`).

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use crate::audit::{AuditEvent, StoredAuditEvent};
use crate::model::AuditEventId;

/// Stores `event` as `id`, happened at `at`.
pub async fn insert(
    db: &Db,
    event: &AuditEvent,
    id: AuditEventId,
    at: DateTime<Utc>,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO audit_events (id, school_id, actor_id, kind, object_id, source_address, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id).bind(event.school_id).bind(event.actor_id).bind(event.kind.as_str())
        .bind(event.object_id).bind(&event.source_address).bind(at)
        .execute(pool).await?; });
    Ok(())
}

/// A school's events, newest first.
pub async fn list(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<StoredAuditEvent>> {
    let before = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, actor_id, kind, object_id, source_address, created_at
         FROM audit_events WHERE school_id = $1 AND ($2 IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3")
        .bind(school_id).bind(before).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}
