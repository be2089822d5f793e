//! Invitations to parent meetings: written page by page as the classes'
//! families are invited, listed for the organizer and the invitee, and
//! answered.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, placeholders};
use otmetka_platform::ids::{ClassId, PersonId, SchoolId, StudentId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use crate::model::{Invitation, InvitationId, Meeting, MeetingId, Notification, Reply};

const INVITATION_COLUMNS: &str = "i.id, i.school_id, i.meeting_id, i.guardian_id, i.student_id, \
     i.reply, i.reply_comment, i.replied_at, i.created_at";

/// A guardian to invite about a student of one of the meeting's classes.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub guardian_id: PersonId,
    pub student_id: StudentId,
    pub class_id: ClassId,
}

/// What one page of inviting writes.
pub struct InvitedPage<'a> {
    pub invitations: &'a [NewInvitation],
    pub notifications: &'a [Notification],
    /// Identity's token for the page after this one; None on the last.
    pub cursor: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Records a page of invitations, with their notifications, and how far
/// inviting has gone, in one transaction; a page written twice (after a
/// crash) adds nothing. `None`, writing nothing, when the meeting was
/// cancelled or changed since `meeting` was read; else how many
/// notifications were new.
pub async fn invite_page(db: &Db, meeting: &Meeting, page: InvitedPage<'_>) -> Result<Option<u64>> {
    let mut tx = db.begin_write().await?;
    let invited_at = page.cursor.is_none().then_some(page.now);
    // Written first, so that a change or a cancellation waits for this
    // page or this page sees it.
    let unchanged = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE parent_meetings SET invite_cursor = $2, invited_at = $3
         WHERE id = $1 AND state = 'scheduled' AND revision = $4")
        .bind(meeting.id).bind(page.cursor).bind(invited_at).bind(meeting.revision)
        .execute(&mut *conn).await?.rows_affected())
        == 1;
    if !unchanged {
        return Ok(None);
    }
    with_tx!(&mut tx, conn => {
        for invitation in page.invitations {
            sqlx::query(
                "INSERT INTO meeting_invitations (id, meeting_id, school_id, guardian_id,
                     student_id, class_id, reply, reply_comment, replied_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, '', NULL, $7)
                 ON CONFLICT (meeting_id, guardian_id, student_id) DO NOTHING")
                .bind(InvitationId::generate()).bind(meeting.id).bind(meeting.school_id)
                .bind(invitation.guardian_id).bind(invitation.student_id)
                .bind(invitation.class_id).bind(page.now)
                .execute(&mut *conn).await?;
        }
    });
    let told = super::notifications::insert(&mut tx, page.notifications).await?;
    tx.commit().await?;
    Ok(Some(told))
}

pub async fn get(db: &Db, school_id: SchoolId, id: InvitationId) -> Result<Option<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM meeting_invitations i
         WHERE i.id = $1 AND i.school_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).bind(school_id).fetch_optional(pool).await?),
    )
}

/// The students the guardian is invited about: to one meeting, if named,
/// in one school, if named.
pub async fn students_of(
    db: &Db,
    guardian_id: PersonId,
    meeting_id: Option<MeetingId>,
    school_id: Option<SchoolId>,
) -> Result<Vec<StudentId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT DISTINCT student_id FROM meeting_invitations
         WHERE guardian_id = $1 AND ($2 IS NULL OR meeting_id = $2)
           AND ($3 IS NULL OR school_id = $3)")
        .bind(guardian_id).bind(meeting_id).bind(school_id).fetch_all(pool).await?))
}

/// Which invitations a list shows.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    pub meeting_id: Option<MeetingId>,
    pub school_id: Option<SchoolId>,
    /// Only the guardian's, about these students.
    pub guardian: Option<(PersonId, Vec<StudentId>)>,
    pub reply: Option<Reply>,
}

/// One page of invitations, in the order they were sent.
pub async fn list(
    db: &Db,
    filter: &InvitationFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Invitation>> {
    let guardian = match &filter.guardian {
        Some((_, students)) if students.is_empty() => return Ok(Vec::new()),
        Some((_, students)) => format!(
            " AND i.guardian_id = $6 AND i.student_id IN ({})",
            placeholders(7, students.len())
        ),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM meeting_invitations i
         WHERE ($1 IS NULL OR i.meeting_id = $1) AND ($2 IS NULL OR i.school_id = $2)
           AND ($3 IS NULL OR i.reply = $3) AND ($4 IS NULL OR i.id > $4){guardian}
         ORDER BY i.id LIMIT $5"
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(filter.meeting_id).bind(filter.school_id)
            .bind(filter.reply.map(Reply::as_str)).bind(after).bind(limit);
        if let Some((guardian_id, students)) = &filter.guardian {
            query = query.bind(*guardian_id);
            for student in students {
                query = query.bind(*student);
            }
        }
        query.fetch_all(pool).await?
    }))
}

/// Writes the guardian's reply, replacing an earlier one, while the
/// meeting is scheduled and takes replies at `now`; whether it was written.
pub async fn reply(
    db: &Db,
    id: InvitationId,
    reply: Reply,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let written = with_db!(db, pool => sqlx::query(
        "UPDATE meeting_invitations SET reply = $2, reply_comment = $3, replied_at = $4
         WHERE id = $1 AND EXISTS (
             SELECT 1 FROM parent_meetings m
             WHERE m.id = meeting_invitations.meeting_id AND m.state = 'scheduled'
               AND COALESCE(m.reply_deadline, m.start_at) > $4)")
        .bind(id).bind(reply.as_str()).bind(comment).bind(now)
        .execute(pool).await?.rows_affected());
    Ok(written == 1)
}

/// The guardian's invitations (in the school, if named) without a reply
/// to scheduled meetings that have not started at `now`, counted by the
/// student they are about.
pub async fn pending(
    db: &Db,
    guardian_id: PersonId,
    school_id: Option<SchoolId>,
    now: DateTime<Utc>,
) -> Result<Vec<(StudentId, i64)>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT i.student_id, COUNT(*) FROM meeting_invitations i
         JOIN parent_meetings m ON m.id = i.meeting_id
         WHERE i.guardian_id = $1 AND i.reply IS NULL AND m.state = 'scheduled'
           AND m.start_at > $2 AND ($3 IS NULL OR i.school_id = $3)
         GROUP BY i.student_id")
        .bind(guardian_id).bind(now).bind(school_id).fetch_all(pool).await?))
}
