//! People's notifications: stored once per change and person, listed
//! newest first, streamed in id order, marked read.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use super::news;
use crate::model::{News, Notification, NotificationId, NotificationKind};

const NOTIFICATION_COLUMNS: &str = "id, school_id, person_id, student_id, kind, title, body, \
     source_service, source_event_id, resource_type, resource_id, read_at, created_at";

/// Stores `notifications` (a recipient who already has the one for a
/// source event keeps it), forgets the news they tell and holds the news
/// not due yet, in one transaction. How many were new.
pub async fn tell(
    db: &Db,
    notifications: &[Notification],
    told: &[News],
    held: &[(News, DateTime<Utc>)],
) -> Result<u64> {
    let mut tx = db.begin_write().await?;
    for (news, due) in held {
        news::hold(&mut tx, news, *due).await?;
    }
    let stored = insert(&mut tx, notifications).await?;
    news::forget(&mut tx, told).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Stores `notifications` in `tx`; a recipient who already has the one
/// for a source event keeps it. How many were new.
pub async fn insert(tx: &mut Tx, notifications: &[Notification]) -> Result<u64> {
    let mut stored = 0;
    for notification in notifications {
        stored += with_tx!(tx, conn => sqlx::query(
            "INSERT INTO notifications (id, school_id, person_id, student_id, kind, title, body,
                 source_service, source_event_id, resource_type, resource_id, read_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (source_service, source_event_id, person_id) DO NOTHING")
            .bind(notification.id).bind(notification.school_id).bind(notification.person_id)
            .bind(notification.student_id).bind(notification.kind.as_str())
            .bind(&notification.title).bind(&notification.body)
            .bind(&notification.source_service).bind(&notification.source_event_id)
            .bind(&notification.resource_type).bind(&notification.resource_id)
            .bind(notification.read_at).bind(notification.created_at)
            .execute(&mut *conn).await?.rows_affected());
    }
    Ok(stored)
}

/// Which of a person's notifications a list shows.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    pub school_id: Option<SchoolId>,
    pub kinds: Vec<NotificationKind>,
    pub unread_only: bool,
}

/// A person's notifications, newest first, before `before` (a page key).
pub async fn list(
    db: &Db,
    person_id: PersonId,
    filter: &NotificationFilter,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Notification>> {
    let kinds = if filter.kinds.is_empty() {
        String::new()
    } else {
        format!(" AND kind IN ({})", placeholders(6, filter.kinds.len()))
    };
    let sql = format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications
         WHERE person_id = $1 AND ($2 IS NULL OR id < $2) AND (NOT $3 OR read_at IS NULL)
           AND ($5 IS NULL OR school_id = $5){kinds}
         ORDER BY id DESC LIMIT $4"
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(person_id).bind(before).bind(filter.unread_only).bind(limit)
            .bind(filter.school_id);
        for kind in &filter.kinds {
            query = query.bind(kind.as_str());
        }
        query.fetch_all(pool).await?
    }))
}

/// A person's notifications with ids above `after`, oldest first: what a
/// live stream has not sent yet.
pub async fn after(
    db: &Db,
    person_id: PersonId,
    after: Uuid,
    limit: i64,
) -> Result<Vec<Notification>> {
    let sql = format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications
         WHERE person_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id).bind(after).bind(limit).fetch_all(pool).await?),
    )
}

/// Everyone's notifications with ids above `after`, oldest first: what
/// the live streams of a replica are still to hear of.
pub async fn all_after(db: &Db, after: Uuid, limit: i64) -> Result<Vec<Notification>> {
    let sql = format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE id > $1 ORDER BY id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(after).bind(limit).fetch_all(pool).await?),
    )
}

/// Marks the person's notifications `ids` read (all of them, up to `now`,
/// when `ids` is `None`); how many were unread.
pub async fn mark_read(
    db: &Db,
    person_id: PersonId,
    ids: Option<&[NotificationId]>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let Some(ids) = ids else {
        return Ok(with_db!(db, pool => sqlx::query(
            "UPDATE notifications SET read_at = $2
             WHERE person_id = $1 AND read_at IS NULL AND created_at <= $2")
            .bind(person_id).bind(now).execute(pool).await?.rows_affected()));
    };
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "UPDATE notifications SET read_at = $2
         WHERE person_id = $1 AND read_at IS NULL AND id IN ({})",
        placeholders(3, ids.len())
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(person_id).bind(now);
        for id in ids {
            query = query.bind(id);
        }
        query.execute(pool).await?.rows_affected()
    }))
}

/// How many of a person's notifications (in one school, if named) are unread.
pub async fn unread_count(
    db: &Db,
    person_id: PersonId,
    school_id: Option<SchoolId>,
) -> Result<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications
         WHERE person_id = $1 AND read_at IS NULL AND ($2 IS NULL OR school_id = $2)")
        .bind(person_id).bind(school_id).fetch_one(pool).await?))
}
