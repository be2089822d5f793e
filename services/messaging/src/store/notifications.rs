//! People's notifications: stored once per change and person, listed
//! newest first, streamed in id order, marked read.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use super::{deliveries, news, settings};
use crate::model::{News, Notification, NotificationId, NotificationKind};
use crate::preferences::{self, EmailMode};

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

/// Stores `notifications` in `tx` as their people's settings route them:
/// a muted kind is stored read, an e-mailed one queues its e-mail. A
/// recipient who already has the one for a source event keeps it. How
/// many were new.
pub async fn insert(tx: &mut Tx, notifications: &[Notification]) -> Result<u64> {
    let mut people: Vec<PersonId> = notifications.iter().map(|n| n.person_id).collect();
    people.sort_unstable_by_key(|id| id.0);
    people.dedup();
    let rules = settings::rules_of(tx, &people).await?;
    let mut stored = 0;
    for notification in notifications {
        let chosen = rules
            .get(&notification.person_id)
            .map_or(&[][..], Vec::as_slice);
        let routing = preferences::route(chosen, notification.kind, notification.student_id);
        let read_at = if routing.in_app {
            notification.read_at
        } else {
            notification.read_at.or(Some(notification.created_at))
        };
        let new = with_tx!(tx, conn => sqlx::query(
            "INSERT INTO notifications (id, school_id, person_id, student_id, kind, title, body,
                 source_service, source_event_id, resource_type, resource_id, read_at, created_at,
                 in_app)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (source_service, source_event_id, person_id) DO NOTHING")
            .bind(notification.id).bind(notification.school_id).bind(notification.person_id)
            .bind(notification.student_id).bind(notification.kind.as_str())
            .bind(&notification.title).bind(&notification.body)
            .bind(&notification.source_service).bind(&notification.source_event_id)
            .bind(&notification.resource_type).bind(&notification.resource_id)
            .bind(read_at).bind(notification.created_at).bind(routing.in_app)
            .execute(&mut *conn).await?.rows_affected());
        if new > 0 && routing.email != EmailMode::Off {
            deliveries::enqueue(tx, notification, routing.email).await?;
        }
        stored += new;
    }
    if stored > 0 {
        wake_other_replicas(tx).await?;
    }
    Ok(stored)
}

/// The PostgreSQL channel on which replicas hear that notifications were
/// stored; SQLite has one replica, which wakes itself.
pub const STORED_CHANNEL: &str = "otmetka_messaging_stored";

/// Tells every replica listening, once `tx` commits, that notifications
/// were stored (PostgreSQL folds a transaction's repeats into one).
async fn wake_other_replicas(tx: &mut Tx) -> Result<()> {
    if let Tx::Postgres(tx) = tx {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(STORED_CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
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
         WHERE person_id = $1 AND id > $2 AND in_app ORDER BY id LIMIT $3"
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
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE id > $1 AND in_app
         ORDER BY id LIMIT $2"
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

/// Records that the person's notifications `ids` reached a device at
/// `now`; how many had not been confirmed before.
pub async fn acknowledge(
    db: &Db,
    person_id: PersonId,
    ids: &[NotificationId],
    now: DateTime<Utc>,
) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "UPDATE notifications SET delivered_at = $2
         WHERE person_id = $1 AND delivered_at IS NULL AND id IN ({})",
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

/// How notifications fared in the app: counted there or muted, and when a
/// device confirmed them.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct InApp {
    pub id: NotificationId,
    pub in_app: bool,
    pub delivered_at: Option<DateTime<Utc>>,
}

pub async fn in_app_of(db: &Db, ids: &[NotificationId]) -> Result<Vec<InApp>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, in_app, delivered_at FROM notifications WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await?
    }))
}
