//! Journal news waiting to be told.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::{Result, with_db, with_tx};

use crate::model::News;

const NEWS_COLUMNS: &str = "source_service, source_event_id, school_id, student_id, subject_id, \
     kind, detail, day, resource_type, resource_id, created_at";

/// Keeps `news` unless the same event was kept before.
pub async fn keep(tx: &mut Tx, news: &News) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO pending_news (source_service, source_event_id, school_id, student_id,
             subject_id, kind, detail, day, resource_type, resource_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (source_service, source_event_id) DO NOTHING")
        .bind(&news.source_service).bind(&news.source_event_id).bind(news.school_id)
        .bind(news.student_id).bind(news.subject_id).bind(news.kind.as_str())
        .bind(&news.detail).bind(news.day).bind(&news.resource_type).bind(&news.resource_id)
        .bind(news.created_at)
        .execute(&mut *conn).await?; });
    Ok(())
}

/// The oldest news that may be told at `now`.
pub async fn oldest_due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<News>> {
    let sql = format!(
        "SELECT {NEWS_COLUMNS} FROM pending_news WHERE due_at IS NULL OR due_at <= $1
         ORDER BY created_at, source_service, source_event_id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now).bind(limit).fetch_all(pool).await?),
    )
}

/// Holds `news` until `due`.
pub async fn hold(tx: &mut Tx, news: &News, due: DateTime<Utc>) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "UPDATE pending_news SET due_at = $3 WHERE source_service = $1 AND source_event_id = $2")
        .bind(&news.source_service).bind(&news.source_event_id).bind(due)
        .execute(&mut *conn).await?; });
    Ok(())
}

/// Forgets news not yet told that has stopped being news.
pub async fn withdraw(tx: &mut Tx, source_service: &str, source_event_id: &str) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "DELETE FROM pending_news WHERE source_service = $1 AND source_event_id = $2")
        .bind(source_service).bind(source_event_id)
        .execute(&mut *conn).await?; });
    Ok(())
}

/// Forgets news that has been told.
pub async fn forget(tx: &mut Tx, told: &[News]) -> Result<()> {
    for news in told {
        with_tx!(tx, conn => { sqlx::query(
            "DELETE FROM pending_news WHERE source_service = $1 AND source_event_id = $2")
            .bind(&news.source_service).bind(&news.source_event_id)
            .execute(&mut *conn).await?; });
    }
    Ok(())
}
