//! Threads and who takes part in them.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use super::Written;
use crate::model::{
    Message, MessageId, Notification, Participant, ParticipantRole, Thread, ThreadId,
};

const THREAD_COLUMNS: &str = "id, school_id, student_id, subject, created_by, created_at";
const PARTICIPANT_COLUMNS: &str =
    "person_id, role, display_name, last_read_message_id, last_read_at, archived";

/// A person joining a thread as it begins.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    pub person_id: PersonId,
    pub role: ParticipantRole,
    pub display_name: String,
}

/// Starts a thread with its participants (the creator first), its first
/// message and the notifications of it, in one transaction. A retry with the creator's `request_id`
/// finds the thread the first attempt made and writes nothing.
pub async fn insert_thread(
    db: &Db,
    thread: &Thread,
    participants: &[NewParticipant],
    first: &Message,
    request_id: Option<Uuid>,
    notifications: &[Notification],
) -> Result<Written<ThreadId>> {
    let mut tx = db.begin_write().await?;
    if let Some(request_id) = request_id {
        let earlier: Option<ThreadId> = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT id FROM threads WHERE created_by = $1 AND request_id = $2")
            .bind(thread.created_by).bind(request_id).fetch_optional(&mut *conn).await?);
        if let Some(earlier) = earlier {
            return Ok(Written::Earlier(earlier));
        }
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO threads (id, school_id, student_id, subject, created_by, request_id,
                                  created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(thread.id).bind(thread.school_id).bind(thread.student_id)
            .bind(&thread.subject).bind(thread.created_by).bind(request_id)
            .bind(thread.created_at)
            .execute(&mut *conn).await?;
        for (position, participant) in participants.iter().enumerate() {
            let creator = participant.person_id == thread.created_by;
            sqlx::query(
                "INSERT INTO thread_participants (thread_id, person_id, school_id, role,
                     display_name, position, last_read_message_id, last_read_at, archived,
                     last_message_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(thread.id).bind(participant.person_id).bind(thread.school_id)
                .bind(participant.role.as_str()).bind(&participant.display_name)
                .bind(position as i32)
                // The creator has read what they wrote.
                .bind(creator.then_some(first.id))
                .bind(creator.then_some(first.created_at))
                .bind(false).bind(first.id)
                .execute(&mut *conn).await?;
        }
        sqlx::query(
            "INSERT INTO thread_messages (id, school_id, thread_id, author_id, text, request_id,
                                          created_at)
             VALUES ($1, $2, $3, $4, $5, NULL, $6)")
            .bind(first.id).bind(first.school_id).bind(first.thread_id).bind(first.author_id)
            .bind(&first.text).bind(first.created_at)
            .execute(&mut *conn).await?;
    });
    super::notifications::insert(&mut tx, notifications).await?;
    tx.commit().await?;
    Ok(Written::New(thread.id))
}

pub async fn get_thread(db: &Db, school_id: SchoolId, id: ThreadId) -> Result<Option<Thread>> {
    let sql = format!("SELECT {THREAD_COLUMNS} FROM threads WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// A thread by id alone, for a list that already knows the caller is in it.
pub async fn get_thread_anywhere(db: &Db, id: ThreadId) -> Result<Option<Thread>> {
    let sql = format!("SELECT {THREAD_COLUMNS} FROM threads WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Everyone in a thread, in the order they were named.
pub async fn participants(db: &Db, thread_id: ThreadId) -> Result<Vec<Participant>> {
    let sql = format!(
        "SELECT {PARTICIPANT_COLUMNS} FROM thread_participants WHERE thread_id = $1
         ORDER BY position"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id).fetch_all(pool).await?),
    )
}

/// One of a person's threads as their list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedThread {
    pub thread_id: ThreadId,
    pub last_message_id: MessageId,
    pub archived: bool,
    pub unread: i64,
}

/// Which of a person's threads a list asks for.
#[derive(Debug, Clone, Default)]
pub struct ThreadFilter {
    pub school_id: Option<SchoolId>,
    pub student_id: Option<StudentId>,
    pub unread_only: bool,
    pub include_archived: bool,
}

/// What a participant has not read: messages of others after their read mark.
const UNREAD: &str = "(SELECT COUNT(*) FROM thread_messages m
      WHERE m.thread_id = p.thread_id AND m.author_id <> p.person_id
        AND (p.last_read_message_id IS NULL OR m.id > p.last_read_message_id))";

/// A person's threads, most recent activity first, after the thread whose
/// newest message is `after` (a page's last).
pub async fn threads_of(
    db: &Db,
    person_id: PersonId,
    filter: &ThreadFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ListedThread>> {
    let sql = format!(
        "SELECT p.thread_id, p.last_message_id, p.archived, {UNREAD} AS unread
         FROM thread_participants p JOIN threads t ON t.id = p.thread_id
         WHERE p.person_id = $1
           AND ($2 IS NULL OR p.school_id = $2)
           AND ($3 IS NULL OR t.student_id = $3)
           AND ($4 OR NOT p.archived)
           AND ($5 IS NULL OR p.last_message_id < $5)
           AND (NOT $6 OR {UNREAD} > 0)
         ORDER BY p.last_message_id DESC
         LIMIT $7"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id).bind(filter.school_id).bind(filter.student_id)
        .bind(filter.include_archived).bind(after).bind(filter.unread_only).bind(limit)
        .fetch_all(pool).await?),
    )
}

/// One participant's unread messages in one thread.
pub async fn unread_in(db: &Db, thread_id: ThreadId, person_id: PersonId) -> Result<i64> {
    let sql = format!(
        "SELECT {UNREAD} FROM thread_participants p WHERE p.thread_id = $1 AND p.person_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(thread_id).bind(person_id).fetch_optional(pool).await?)
        .unwrap_or(0),
    )
}

/// Unread messages, and threads holding them, of one kind of a person's
/// threads that are not archived: those where they take part in one role,
/// about one student.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnreadGroup {
    #[sqlx(try_from = "String")]
    pub role: ParticipantRole,
    pub student_id: Option<StudentId>,
    pub messages: i64,
    pub threads: i64,
}

/// What a person has not read, by role and student, so that threads a
/// guardian no longer reads can be left out.
pub async fn unread_groups(
    db: &Db,
    person_id: PersonId,
    school_id: Option<SchoolId>,
) -> Result<Vec<UnreadGroup>> {
    let sql = format!(
        "SELECT counted.role, t.student_id,
                CAST(SUM(counted.unread) AS BIGINT) AS messages,
                CAST(COUNT(*) AS BIGINT) AS threads
         FROM (SELECT p.thread_id, p.role, {UNREAD} AS unread FROM thread_participants p
               WHERE p.person_id = $1 AND ($2 IS NULL OR p.school_id = $2)
                 AND NOT p.archived) AS counted
         JOIN threads t ON t.id = counted.thread_id
         WHERE counted.unread > 0
         GROUP BY counted.role, t.student_id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id).bind(school_id).fetch_all(pool).await?),
    )
}

/// Moves a participant's read mark forward to `message_id`, never back.
pub async fn mark_read(
    db: &Db,
    thread_id: ThreadId,
    person_id: PersonId,
    message_id: MessageId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE thread_participants SET last_read_message_id = $3, last_read_at = $4
         WHERE thread_id = $1 AND person_id = $2
           AND (last_read_message_id IS NULL OR last_read_message_id < $3)")
        .bind(thread_id).bind(person_id).bind(message_id).bind(at)
        .execute(pool).await?; });
    Ok(())
}

/// Archives a thread for one participant, or brings it back.
pub async fn set_archived(
    db: &Db,
    thread_id: ThreadId,
    person_id: PersonId,
    archived: bool,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE thread_participants SET archived = $3 WHERE thread_id = $1 AND person_id = $2")
        .bind(thread_id).bind(person_id).bind(archived)
        .execute(pool).await?; });
    Ok(())
}
