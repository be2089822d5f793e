//! Notifications to be e-mailed, and how each send went.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Result, with_db, with_tx};

use crate::model::{Notification, NotificationId};
use crate::preferences::EmailMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Sent,
    Failed,
    /// Not sent: the person has no contact e-mail.
    Skipped,
}

stored_word!(DeliveryState {
    Pending => "pending",
    Sent => "sent",
    Failed => "failed",
    Skipped => "skipped",
});

/// One notification's e-mail, with what it tells.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    #[sqlx(flatten)]
    pub notification: Notification,
    #[sqlx(try_from = "String")]
    pub mode: EmailMode,
    #[sqlx(try_from = "String")]
    pub state: DeliveryState,
    pub planned: bool,
    pub attempts: i32,
    pub due_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub message_id: Option<String>,
}

const DELIVERY_COLUMNS: &str = "n.id, n.school_id, n.person_id, n.student_id, n.kind, n.title, \
     n.body, n.source_service, n.source_event_id, n.resource_type, n.resource_id, n.read_at, \
     n.created_at, d.mode, d.state, d.planned, d.attempts, d.due_at, d.last_attempt_at, \
     d.sent_at, d.last_error, d.message_id";

/// Queues `notification` to be e-mailed as `mode` says, in the
/// transaction that stores it. Its due time is the mailer's to set: the
/// stored one, the notification's own, is on the system clock.
pub async fn enqueue(tx: &mut Tx, notification: &Notification, mode: EmailMode) -> Result<()> {
    with_tx!(tx, conn => sqlx::query(
        "INSERT INTO email_deliveries (notification_id, person_id, school_id, mode, state,
             planned, attempts, due_at, last_error)
         VALUES ($1, $2, $3, $4, 'pending', FALSE, 0, $5, '')
         ON CONFLICT (notification_id) DO NOTHING")
        .bind(notification.id).bind(notification.person_id).bind(notification.school_id)
        .bind(mode.as_str()).bind(notification.created_at)
        .execute(&mut *conn).await?.rows_affected());
    Ok(())
}

/// Pending e-mails due by `now` (the mailer's clock), the longest-waiting
/// first; those not yet planned are due at once, to be planned.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM email_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         WHERE d.state = 'pending' AND (NOT d.planned OR d.due_at <= $1)
         ORDER BY d.planned, d.due_at, d.notification_id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now).bind(limit).fetch_all(pool).await?),
    )
}

/// A person's pending digest e-mails due by `now` that are to go under
/// `message_id` (those an earlier attempt already named), or, with none,
/// those no attempt has named yet.
pub async fn digest_of(
    db: &Db,
    person_id: PersonId,
    message_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM email_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         WHERE d.person_id = $1 AND d.state = 'pending' AND d.mode = 'digest' AND d.planned
           AND d.due_at <= $2
           AND (($3 IS NULL AND d.message_id IS NULL) OR d.message_id = $3)
         ORDER BY n.id LIMIT 200"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id).bind(now).bind(message_id).fetch_all(pool).await?),
    )
}

/// The e-mail deliveries of `ids` (a page of a person's notifications).
pub async fn of(db: &Db, ids: &[NotificationId]) -> Result<Vec<Delivery>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM email_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         WHERE d.notification_id IN ({})",
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

/// Places a delivery at `due_at`: after quiet hours, at the digest time.
pub async fn plan(db: &Db, id: NotificationId, due_at: DateTime<Utc>) -> Result<()> {
    with_db!(db, pool => sqlx::query(
        "UPDATE email_deliveries SET planned = TRUE, due_at = $2
         WHERE notification_id = $1 AND state = 'pending'")
        .bind(id).bind(due_at).execute(pool).await?.rows_affected());
    Ok(())
}

/// Names the e-mail that carries `ids` before it is first sent, so that a
/// send repeated after a crash or a failure is the same message. Those an
/// earlier attempt named keep their name.
pub async fn name(db: &Db, ids: &[NotificationId], message_id: &str) -> Result<()> {
    let sql = format!(
        "UPDATE email_deliveries SET message_id = $1
         WHERE message_id IS NULL AND notification_id IN ({})",
        placeholders(2, ids.len())
    );
    with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(message_id);
        for id in ids {
            query = query.bind(id);
        }
        query.execute(pool).await?.rows_affected()
    });
    Ok(())
}

/// What came of an attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    /// Try again at the instant given.
    Retry(DateTime<Utc>, String),
    /// Given up.
    Failed(String),
    Skipped(String),
}

/// Records an attempt on the deliveries `ids` made at `now`.
pub async fn record(
    db: &Db,
    ids: &[NotificationId],
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let (state, due_at, error, sent_at) = match outcome {
        Outcome::Sent => (DeliveryState::Sent, now, "", Some(now)),
        Outcome::Retry(at, error) => (DeliveryState::Pending, *at, error.as_str(), None),
        Outcome::Failed(error) => (DeliveryState::Failed, now, error.as_str(), None),
        Outcome::Skipped(reason) => (DeliveryState::Skipped, now, reason.as_str(), None),
    };
    // A skip is no attempt: nothing was handed to the mail server.
    let attempted = !matches!(outcome, Outcome::Skipped(_));
    let sql = format!(
        "UPDATE email_deliveries SET state = $1, due_at = $2, last_error = $3, sent_at = $4,
             attempts = attempts + CASE WHEN $5 THEN 1 ELSE 0 END,
             last_attempt_at = CASE WHEN $5 THEN $6 ELSE last_attempt_at END
         WHERE state = 'pending' AND notification_id IN ({})",
        placeholders(7, ids.len())
    );
    with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(state.as_str()).bind(due_at).bind(error).bind(sent_at)
            .bind(attempted).bind(now);
        for id in ids {
            query = query.bind(id);
        }
        query.execute(pool).await?.rows_affected()
    });
    Ok(())
}

/// When the next planned e-mail comes due, if any.
pub async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT MIN(due_at) FROM email_deliveries WHERE state = 'pending' AND planned")
        .fetch_one(pool).await?))
}

/// The schools of pending e-mails' people, for their timezones.
pub fn schools(deliveries: &[Delivery]) -> Vec<SchoolId> {
    let mut schools: Vec<SchoolId> = deliveries
        .iter()
        .map(|d| d.notification.school_id)
        .collect();
    schools.sort_unstable_by_key(|id| id.0);
    schools.dedup();
    schools
}
