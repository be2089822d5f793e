//! Journal news waiting to be told.

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

/// The oldest news still to tell.
pub async fn oldest(db: &Db, limit: i64) -> Result<Vec<News>> {
    let sql = format!(
        "SELECT {NEWS_COLUMNS} FROM pending_news
         ORDER BY created_at, source_service, source_event_id LIMIT $1"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit).fetch_all(pool).await?),
    )
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
