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

/// Which of a school's events to list.
pub struct AuditFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only events at or after this instant and before `until`.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A school's events, or the city's own (`None`: those of no school),
/// newest first. Two texts, so each keeps to the `(school_id, id)` index.
pub async fn list(
    db: &Db,
    school_id: Option<SchoolId>,
    filter: &AuditFilter,
    page: &Page,
) -> Result<Vec<StoredAuditEvent>> {
    let before = page.after_id()?;
    let (from, until) = filter.span.unzip();
    let whose = match school_id {
        Some(_) => "school_id = $1",
        None => "school_id IS NULL AND $1 IS NULL",
    };
    let sql = format!(
        "SELECT id, school_id, actor_id, kind, object_id, source_address, created_at
         FROM audit_events WHERE {whose} AND ($2 IS NULL OR id < $2)
             AND ($3 IS NULL OR kind = $3)
             AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)
         ORDER BY id DESC LIMIT $6"
    );
    // `whose` is one of two fixed texts; every value is bound.
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(school_id).bind(before).bind(&filter.kind).bind(from).bind(until)
        .bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}
