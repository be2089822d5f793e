//! News about classes waiting to be told.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::{Result, with_db, with_tx};

use crate::model::{ClassNews, Notification};

const CLASS_NEWS_COLUMNS: &str = "source_service, source_event_id, school_id, class_id, group_id, \
     subject_id, kind, detail, day, lesson_number, resource_type, resource_id, created_at";

/// Keeps `news` unless the same event was kept before.
pub async fn keep(tx: &mut Tx, news: &ClassNews) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO pending_class_news (source_service, source_event_id, school_id, class_id,
             group_id, subject_id, kind, detail, day, lesson_number, resource_type, resource_id,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (source_service, source_event_id) DO NOTHING")
        .bind(&news.source_service).bind(&news.source_event_id).bind(news.school_id)
        .bind(news.class_id).bind(news.group_id).bind(news.subject_id)
        .bind(news.kind.as_str()).bind(&news.detail).bind(news.day).bind(news.lesson_number)
        .bind(&news.resource_type).bind(&news.resource_id).bind(news.created_at)
        .execute(&mut *conn).await?; });
    Ok(())
}

/// Forgets what is still to be told about `resource_id` (a lesson whose
/// news its latest change replaces).
pub async fn withdraw_about(tx: &mut Tx, source_service: &str, resource_id: &str) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "DELETE FROM pending_class_news WHERE source_service = $1 AND resource_id = $2")
        .bind(source_service).bind(resource_id)
        .execute(&mut *conn).await?; });
    Ok(())
}

/// The oldest news that may be told at `now`.
pub async fn oldest_due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<ClassNews>> {
    let sql = format!(
        "SELECT {CLASS_NEWS_COLUMNS} FROM pending_class_news WHERE due_at IS NULL OR due_at <= $1
         ORDER BY created_at, source_service, source_event_id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now).bind(limit).fetch_all(pool).await?),
    )
}

/// Holds `news` until `due`.
pub async fn hold(db: &Db, news: &ClassNews, due: DateTime<Utc>) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE pending_class_news SET due_at = $3
         WHERE source_service = $1 AND source_event_id = $2")
        .bind(&news.source_service).bind(&news.source_event_id).bind(due)
        .execute(pool).await?; });
    Ok(())
}

/// Stores `notifications` (a recipient who already has the one for the
/// source event keeps it) and forgets `news`, in one transaction. How many
/// were new.
pub async fn tell(db: &Db, news: &ClassNews, notifications: &[Notification]) -> Result<u64> {
    let mut tx = db.begin_write().await?;
    let stored = super::notifications::insert(&mut tx, notifications).await?;
    with_tx!(&mut tx, conn => { sqlx::query(
        "DELETE FROM pending_class_news WHERE source_service = $1 AND source_event_id = $2")
        .bind(&news.source_service).bind(&news.source_event_id)
        .execute(&mut *conn).await?; });
    tx.commit().await?;
    Ok(stored)
}
