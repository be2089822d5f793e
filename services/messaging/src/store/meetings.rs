//! Parent meetings: planning, changing and cancelling them, the reply
//! totals, and the reminder a day before. Whatever the invitees are told
//! of a change is stored in the transaction that makes it.

use chrono::{DateTime, TimeDelta, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{ClassId, PersonId, SchoolId, StudentId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use super::Written;
use crate::model::{Meeting, MeetingId, MeetingNotice, Notification, ReplyCounts};

const MEETING_COLUMNS: &str = "m.id, m.school_id, m.class_ids, m.student_ids, m.title, \
     m.description, m.start_at, m.duration_seconds, m.location, m.online_url, m.reply_deadline, \
     m.state, m.cancel_reason, m.organizer_id, m.created_at, m.updated_at, m.revision, \
     m.invite_cursor, m.invited_at";

/// How long before the start invitees are reminded.
const REMINDED_BEFORE: TimeDelta = TimeDelta::days(1);

fn remind_at(meeting: &Meeting) -> DateTime<Utc> {
    meeting.start_at - REMINDED_BEFORE
}

/// Stores a new meeting with its classes. A retry with the organizer's
/// `request_id` finds the one the first attempt made and writes nothing.
pub async fn insert(
    db: &Db,
    meeting: &Meeting,
    request_id: Option<Uuid>,
) -> Result<Written<MeetingId>> {
    let mut tx = db.begin_write().await?;
    if let Some(request_id) = request_id {
        let earlier: Option<MeetingId> = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT id FROM parent_meetings WHERE organizer_id = $1 AND request_id = $2")
            .bind(meeting.organizer_id).bind(request_id).fetch_optional(&mut *conn).await?);
        if let Some(earlier) = earlier {
            return Ok(Written::Earlier(earlier));
        }
    }
    let m = meeting;
    with_tx!(&mut tx, conn => { sqlx::query(
        "INSERT INTO parent_meetings (id, school_id, class_ids, student_ids, title, description,
             start_at, duration_seconds, location, online_url, reply_deadline, state,
             cancel_reason, organizer_id, request_id, created_at, updated_at, revision,
             invite_cursor, invited_at, remind_at, reminded_start_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, NULL, NULL, $19, NULL)")
        .bind(m.id).bind(m.school_id).bind(m.class_ids.stored()).bind(m.student_ids.stored())
        .bind(&m.title).bind(&m.description).bind(m.start_at).bind(m.duration_seconds)
        .bind(&m.location).bind(&m.online_url).bind(m.reply_deadline).bind(m.state.as_str())
        .bind(&m.cancel_reason).bind(m.organizer_id).bind(request_id).bind(m.created_at)
        .bind(m.updated_at).bind(m.revision).bind(remind_at(m))
        .execute(&mut *conn).await?; });
    write_classes(&mut tx, m).await?;
    tx.commit().await?;
    Ok(Written::New(m.id))
}

/// The meeting's classes, for a class's list, as the meeting names them.
async fn write_classes(tx: &mut Tx, meeting: &Meeting) -> Result<()> {
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM parent_meeting_classes WHERE meeting_id = $1")
            .bind(meeting.id).execute(&mut *conn).await?;
        for class_id in &meeting.class_ids.0 {
            sqlx::query(
                "INSERT INTO parent_meeting_classes (meeting_id, class_id) VALUES ($1, $2)")
                .bind(meeting.id).bind(*class_id).execute(&mut *conn).await?;
        }
    });
    Ok(())
}

pub async fn get(db: &Db, school_id: SchoolId, id: MeetingId) -> Result<Option<Meeting>> {
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM parent_meetings m WHERE m.id = $1 AND m.school_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).bind(school_id).fetch_optional(pool).await?),
    )
}

/// Tells `notice` once to each guardian invited to the meeting, but,
/// with `except_declined`, those who declined every invitation; how many
/// were told.
async fn tell_invitees(
    tx: &mut Tx,
    meeting_id: MeetingId,
    notice: &MeetingNotice,
    except_declined: bool,
) -> Result<u64> {
    let guardians: Vec<PersonId> = with_tx!(tx, conn => sqlx::query_scalar(
        "SELECT DISTINCT guardian_id FROM meeting_invitations
         WHERE meeting_id = $1 AND (NOT $2 OR reply IS NULL OR reply <> 'declined')")
        .bind(meeting_id).bind(except_declined).fetch_all(&mut *conn).await?);
    // Notifications are instants on the system clock, as their ids are.
    let now = Utc::now();
    let notifications: Vec<Notification> = guardians
        .into_iter()
        .map(|guardian| notice.to(guardian, now))
        .collect();
    super::notifications::insert(tx, &notifications).await
}

/// Writes the meeting's changeable values over revision `seen`, and tells
/// its invitees `notice`, in one transaction; with `invitees_changed` its
/// classes and students too, only while nobody has been invited. `None`,
/// writing nothing, when it changed or was cancelled meanwhile, or inviting
/// began; else how many were told.
pub async fn update(
    db: &Db,
    m: &Meeting,
    seen: i32,
    invitees_changed: bool,
    notice: Option<&MeetingNotice>,
) -> Result<Option<u64>> {
    let mut tx = db.begin_write().await?;
    let updated = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE parent_meetings SET class_ids = $3, student_ids = $4, title = $5,
             description = $6, start_at = $7, duration_seconds = $8, location = $9,
             online_url = $10, reply_deadline = $11, updated_at = $12, revision = $13,
             remind_at = $14
         WHERE id = $1 AND school_id = $2 AND state = 'scheduled' AND revision = $15
           AND (NOT $16 OR (invite_cursor IS NULL AND invited_at IS NULL))")
        .bind(m.id).bind(m.school_id).bind(m.class_ids.stored()).bind(m.student_ids.stored())
        .bind(&m.title).bind(&m.description).bind(m.start_at).bind(m.duration_seconds)
        .bind(&m.location).bind(&m.online_url).bind(m.reply_deadline).bind(m.updated_at)
        .bind(m.revision).bind(remind_at(m)).bind(seen).bind(invitees_changed)
        .execute(&mut *conn).await?.rows_affected())
        == 1;
    if !updated {
        return Ok(None);
    }
    if invitees_changed {
        write_classes(&mut tx, m).await?;
    }
    let told = match notice {
        Some(notice) => tell_invitees(&mut tx, m.id, notice, false).await?,
        None => 0,
    };
    tx.commit().await?;
    Ok(Some(told))
}

/// Cancels a scheduled meeting and tells everyone invited `notice`, in one
/// transaction; inviting stops at its next page. `None` when it was
/// cancelled meanwhile; else how many were told.
pub async fn cancel(
    db: &Db,
    m: &Meeting,
    reason: &str,
    now: DateTime<Utc>,
    notice: &MeetingNotice,
) -> Result<Option<u64>> {
    let mut tx = db.begin_write().await?;
    // Written first, so that a page of invitations waits for this or sees it.
    let cancelled = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE parent_meetings SET state = 'cancelled', cancel_reason = $3, updated_at = $4,
             revision = revision + 1
         WHERE id = $1 AND school_id = $2 AND state = 'scheduled'")
        .bind(m.id).bind(m.school_id).bind(reason).bind(now)
        .execute(&mut *conn).await?.rows_affected())
        == 1;
    if !cancelled {
        return Ok(None);
    }
    let told = tell_invitees(&mut tx, m.id, notice, false).await?;
    tx.commit().await?;
    Ok(Some(told))
}

/// Whose meetings a list shows.
#[derive(Debug, Clone)]
pub enum Shelf {
    /// Those the guardian is invited to about one of `students`.
    Invited {
        guardian: PersonId,
        students: Vec<StudentId>,
    },
    /// Those the person organized.
    Organized(PersonId),
    /// Every meeting of the school.
    School,
}

#[derive(Debug, Clone)]
pub struct MeetingFilter {
    pub shelf: Shelf,
    pub school_id: Option<SchoolId>,
    pub class_id: Option<ClassId>,
    pub start_after: Option<DateTime<Utc>>,
}

/// Where the previous page ended: the soonest first.
#[derive(Debug, Clone, Copy)]
pub struct MeetingKey {
    pub start_at: DateTime<Utc>,
    pub id: Uuid,
}

/// One page of meetings, the soonest first.
pub async fn list(
    db: &Db,
    filter: &MeetingFilter,
    after: Option<MeetingKey>,
    limit: i64,
) -> Result<Vec<Meeting>> {
    let (shelf, person, students) = match &filter.shelf {
        Shelf::Invited { guardian, students } => (
            format!(
                "EXISTS (SELECT 1 FROM meeting_invitations i WHERE i.meeting_id = m.id
                     AND i.guardian_id = $1 AND i.student_id IN ({}))",
                placeholders(8, students.len())
            ),
            Some(*guardian),
            students.as_slice(),
        ),
        Shelf::Organized(person) => ("m.organizer_id = $1".to_owned(), Some(*person), &[][..]),
        // The list's school, which it names.
        Shelf::School => ("m.school_id = $2".to_owned(), None, &[][..]),
    };
    if matches!(filter.shelf, Shelf::Invited { .. }) && students.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM parent_meetings m
         WHERE {shelf}
           AND ($2 IS NULL OR m.school_id = $2)
           AND ($3 IS NULL OR EXISTS (SELECT 1 FROM parent_meeting_classes c
                                       WHERE c.meeting_id = m.id AND c.class_id = $3))
           AND ($4 IS NULL OR m.start_at >= $4)
           AND ($6 IS NULL OR m.start_at > $5 OR (m.start_at = $5 AND m.id > $6))
         ORDER BY m.start_at, m.id LIMIT $7"
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(person).bind(filter.school_id).bind(filter.class_id)
            .bind(filter.start_after).bind(after.map(|key| key.start_at))
            .bind(after.map(|key| key.id)).bind(limit);
        for student in students {
            query = query.bind(*student);
        }
        query.fetch_all(pool).await?
    }))
}

/// How the meeting's invitations were answered.
pub async fn reply_counts(db: &Db, id: MeetingId) -> Result<ReplyCounts> {
    let (invited, accepted, declined, tentative): (i64, i64, i64, i64) = with_db!(db, pool => sqlx::query_as(
        "SELECT COUNT(*),
                COUNT(CASE WHEN reply = 'accepted' THEN 1 END),
                COUNT(CASE WHEN reply = 'declined' THEN 1 END),
                COUNT(CASE WHEN reply = 'tentative' THEN 1 END)
         FROM meeting_invitations WHERE meeting_id = $1")
        .bind(id).fetch_one(pool).await?);
    Ok(ReplyCounts {
        invited,
        accepted,
        declined,
        tentative,
    })
}

/// Scheduled meetings whose classes are not all invited yet, the oldest
/// first.
pub async fn uninvited(db: &Db, limit: i64) -> Result<Vec<Meeting>> {
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM parent_meetings m
         WHERE m.state = 'scheduled' AND m.invited_at IS NULL
         ORDER BY m.created_at, m.id LIMIT $1"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit).fetch_all(pool).await?),
    )
}

/// The reminder of a meeting is due from a day before its start until it
/// starts, once everyone is invited, unless it was sent for this start.
const REMINDER_DUE: &str = "m.state = 'scheduled' AND m.start_at > $1
     AND (m.reminded_start_at IS NULL OR m.reminded_start_at <> m.start_at)";

/// Meetings whose reminder is due at `now`, the earliest first.
pub async fn due_reminders(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<Meeting>> {
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM parent_meetings m
         WHERE {REMINDER_DUE} AND m.invited_at IS NOT NULL AND m.remind_at <= $1
         ORDER BY m.remind_at, m.id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now).bind(limit).fetch_all(pool).await?),
    )
}

/// When the next reminder is due, if one is waiting.
pub async fn next_reminder(db: &Db, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let sql = format!("SELECT MIN(m.remind_at) FROM parent_meetings m WHERE {REMINDER_DUE}");
    Ok(
        with_db!(db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(now).fetch_one(pool).await?),
    )
}

/// Reminds everyone invited who has not declined, and notes the start it
/// reminded of, in one transaction. `None` when the meeting changed
/// meanwhile (its next reading decides); else how many were reminded.
pub async fn remind(db: &Db, m: &Meeting, notice: &MeetingNotice) -> Result<Option<u64>> {
    let mut tx = db.begin_write().await?;
    let unchanged = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE parent_meetings SET reminded_start_at = start_at
         WHERE id = $1 AND state = 'scheduled' AND revision = $2")
        .bind(m.id).bind(m.revision).execute(&mut *conn).await?.rows_affected())
        == 1;
    if !unchanged {
        return Ok(None);
    }
    let told = tell_invitees(&mut tx, m.id, notice, true).await?;
    tx.commit().await?;
    Ok(Some(told))
}
