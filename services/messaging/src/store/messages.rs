//! The messages of threads.

use otmetka_platform::db::Db;
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use super::Written;
use crate::model::{Message, MessageId, Notification, ThreadId};

const MESSAGE_COLUMNS: &str = "id, school_id, thread_id, author_id, text, created_at";

/// Posts a message with its notifications: every participant's list moves
/// the thread to the top and out of their archive, and the author has
/// read up to it. A retry with the author's `request_id` finds the first
/// message and writes nothing.
pub async fn insert_message(
    db: &Db,
    message: &Message,
    request_id: Option<Uuid>,
    notifications: &[Notification],
) -> Result<Written<Message>> {
    let mut tx = db.begin_write().await?;
    if let Some(request_id) = request_id {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM thread_messages WHERE author_id = $1 AND request_id = $2"
        );
        let earlier: Option<Message> = with_tx!(&mut tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(sql)).bind(message.author_id).bind(request_id)
            .fetch_optional(&mut *conn).await?);
        if let Some(earlier) = earlier {
            return Ok(Written::Earlier(earlier));
        }
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO thread_messages (id, school_id, thread_id, author_id, text, request_id,
                                          created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(message.id).bind(message.school_id).bind(message.thread_id)
            .bind(message.author_id).bind(&message.text).bind(request_id)
            .bind(message.created_at)
            .execute(&mut *conn).await?;
        sqlx::query(
            "UPDATE thread_participants SET last_message_id = $2, archived = $3
             WHERE thread_id = $1")
            .bind(message.thread_id).bind(message.id).bind(false)
            .execute(&mut *conn).await?;
        sqlx::query(
            "UPDATE thread_participants SET last_read_message_id = $3, last_read_at = $4
             WHERE thread_id = $1 AND person_id = $2")
            .bind(message.thread_id).bind(message.author_id).bind(message.id)
            .bind(message.created_at)
            .execute(&mut *conn).await?;
    });
    super::notifications::insert(&mut tx, notifications).await?;
    tx.commit().await?;
    Ok(Written::New(message.clone()))
}

pub async fn get_message(db: &Db, thread_id: ThreadId, id: MessageId) -> Result<Option<Message>> {
    let sql =
        format!("SELECT {MESSAGE_COLUMNS} FROM thread_messages WHERE thread_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id).bind(id).fetch_optional(pool).await?),
    )
}

/// A thread's newest message.
pub async fn latest(db: &Db, thread_id: ThreadId) -> Result<Option<Message>> {
    Ok(messages(db, thread_id, None, 1).await?.into_iter().next())
}

/// A thread's messages, newest first, older than `before` (a page's last).
pub async fn messages(
    db: &Db,
    thread_id: ThreadId,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM thread_messages
         WHERE thread_id = $1 AND ($2 IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id).bind(before).bind(limit).fetch_all(pool).await?),
    )
}
