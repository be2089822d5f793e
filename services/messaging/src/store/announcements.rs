//! News and announcements, whom they reached and who read them.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, placeholders};
use otmetka_platform::ids::{ClassId, PersonId, SchoolId, StudentId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use super::Written;
use crate::model::{
    Announcement, AnnouncementId, AnnouncementKind, Notification, ParticipantRole, Reach,
};

const ANNOUNCEMENT_COLUMNS: &str = "a.id, a.school_id, a.kind, a.whole_school, a.grade_levels, \
     a.class_ids, a.group_ids, a.roles, a.title, a.body, a.pinned, a.state, a.publish_at, \
     a.expire_at, a.author_id, a.created_at, a.updated_at, a.reach_cursor, a.reached_at";

/// The order of every list: pinned first, then the newest shown first.
const SHOWN_AT: &str = "COALESCE(a.publish_at, a.created_at)";

/// The notification of an announcement names it as its source event.
pub fn source_event(id: AnnouncementId) -> String {
    format!("announcement/{id}")
}

/// Stores a new announcement. A retry with the author's `request_id`
/// finds the one the first attempt made and writes nothing.
pub async fn insert(
    db: &Db,
    announcement: &Announcement,
    request_id: Option<Uuid>,
) -> Result<Written<AnnouncementId>> {
    let mut tx = db.begin_write().await?;
    if let Some(request_id) = request_id {
        let earlier: Option<AnnouncementId> = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT id FROM announcements WHERE author_id = $1 AND request_id = $2")
            .bind(announcement.author_id).bind(request_id).fetch_optional(&mut *conn).await?);
        if let Some(earlier) = earlier {
            return Ok(Written::Earlier(earlier));
        }
    }
    let a = announcement;
    with_tx!(&mut tx, conn => { sqlx::query(
        "INSERT INTO announcements (id, school_id, kind, whole_school, grade_levels, class_ids,
             group_ids, roles, title, body, pinned, state, publish_at, expire_at, author_id,
             request_id, created_at, updated_at, reach_cursor, reached_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, NULL, NULL)")
        .bind(a.id).bind(a.school_id).bind(a.kind.as_str()).bind(a.audience.whole_school)
        .bind(a.audience.grade_levels.stored()).bind(a.audience.class_ids.stored())
        .bind(a.audience.group_ids.stored()).bind(a.audience.roles.stored())
        .bind(&a.title).bind(&a.body).bind(a.pinned).bind(a.state.as_str())
        .bind(a.publish_at).bind(a.expire_at).bind(a.author_id).bind(request_id)
        .bind(a.created_at).bind(a.updated_at)
        .execute(&mut *conn).await?; });
    tx.commit().await?;
    Ok(Written::New(a.id))
}

pub async fn get(db: &Db, school_id: SchoolId, id: AnnouncementId) -> Result<Option<Announcement>> {
    let sql = format!(
        "SELECT {ANNOUNCEMENT_COLUMNS} FROM announcements a WHERE a.id = $1 AND a.school_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).bind(school_id).fetch_optional(pool).await?),
    )
}

/// Writes an announcement's changeable values, unless it was withdrawn
/// meanwhile or, with `unpublished_only`, its publication has begun;
/// whether it was written.
pub async fn update(db: &Db, a: &Announcement, unpublished_only: bool) -> Result<bool> {
    let updated = with_db!(db, pool => sqlx::query(
        "UPDATE announcements SET kind = $3, whole_school = $4, grade_levels = $5,
             class_ids = $6, group_ids = $7, roles = $8, title = $9, body = $10, pinned = $11,
             state = $12, publish_at = $13, expire_at = $14, updated_at = $15
         WHERE id = $1 AND school_id = $2 AND state <> 'withdrawn'
           AND (NOT $16 OR (reach_cursor IS NULL AND reached_at IS NULL))")
        .bind(a.id).bind(a.school_id).bind(a.kind.as_str()).bind(a.audience.whole_school)
        .bind(a.audience.grade_levels.stored()).bind(a.audience.class_ids.stored())
        .bind(a.audience.group_ids.stored()).bind(a.audience.roles.stored())
        .bind(&a.title).bind(&a.body).bind(a.pinned).bind(a.state.as_str())
        .bind(a.publish_at).bind(a.expire_at).bind(a.updated_at).bind(unpublished_only)
        .execute(pool).await?.rows_affected());
    Ok(updated == 1)
}

/// Withdraws an announcement and takes back its notifications, in one
/// transaction; publication stops at its next page.
pub async fn withdraw(
    db: &Db,
    school_id: SchoolId,
    id: AnnouncementId,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE announcements SET state = 'withdrawn', updated_at = $3
             WHERE id = $1 AND school_id = $2")
            .bind(id).bind(school_id).bind(now).execute(&mut *conn).await?;
        // Mail not yet sent goes with them; what went cannot be recalled.
        sqlx::query(
            "DELETE FROM email_deliveries WHERE notification_id IN (
                 SELECT id FROM notifications
                 WHERE source_service = 'messaging' AND source_event_id = $1)")
            .bind(source_event(id)).execute(&mut *conn).await?;
        sqlx::query(
            "DELETE FROM notifications WHERE source_service = 'messaging' AND source_event_id = $1")
            .bind(source_event(id)).execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(())
}

/// Whose announcements a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Shelf {
    /// Those that reached the person and are shown now.
    Received { now: DateTime<Utc> },
    /// Those the person wrote, in any state.
    Authored,
    /// Every announcement of the school, in any state.
    School,
}

#[derive(Debug, Clone)]
pub struct AnnouncementFilter {
    pub shelf: Shelf,
    pub school_id: Option<SchoolId>,
    pub class_id: Option<ClassId>,
    pub kind: Option<AnnouncementKind>,
    pub unread_only: bool,
}

/// Where the previous page ended, in the list's order.
#[derive(Debug, Clone, Copy)]
pub struct ShelfKey {
    pub pinned: bool,
    pub shown_at: DateTime<Utc>,
    pub id: Uuid,
}

/// An announcement with the person's read mark, if it reached them and
/// they read it.
#[derive(Debug, sqlx::FromRow)]
pub struct Shelved {
    #[sqlx(flatten)]
    pub announcement: Announcement,
    pub read_at: Option<DateTime<Utc>>,
}

/// One page of a person's announcements, pinned first, then the newest
/// shown first.
pub async fn list(
    db: &Db,
    person_id: PersonId,
    filter: &AnnouncementFilter,
    after: Option<ShelfKey>,
    limit: i64,
) -> Result<Vec<Shelved>> {
    let (shelf, now) = match filter.shelf {
        Shelf::Received { now } => (
            "r.person_id IS NOT NULL AND a.state = 'published' AND a.publish_at <= $10
             AND (a.expire_at IS NULL OR a.expire_at > $10)",
            Some(now),
        ),
        Shelf::Authored => ("a.author_id = $1", None),
        Shelf::School => ("a.school_id = $2", None),
    };
    let sql = format!(
        "SELECT {ANNOUNCEMENT_COLUMNS}, r.read_at
         FROM announcements a
         LEFT JOIN announcement_recipients r ON r.announcement_id = a.id AND r.person_id = $1
         WHERE {shelf}
           AND ($2 IS NULL OR a.school_id = $2)
           AND ($3 IS NULL OR a.kind = $3)
           AND (NOT $4 OR (r.person_id IS NOT NULL AND r.read_at IS NULL))
           AND ($5 IS NULL OR EXISTS (SELECT 1 FROM announcement_families f
                                       WHERE f.announcement_id = a.id AND f.class_id = $5))
           AND ($8 IS NULL OR a.pinned < $6 OR (a.pinned = $6 AND ({SHOWN_AT} < $7
                OR ({SHOWN_AT} = $7 AND a.id < $8))))
         ORDER BY a.pinned DESC, {SHOWN_AT} DESC, a.id DESC LIMIT $9"
    );
    Ok(with_db!(db, pool => {
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(person_id).bind(filter.school_id)
            .bind(filter.kind.map(AnnouncementKind::as_str))
            .bind(filter.unread_only).bind(filter.class_id)
            .bind(after.map(|key| key.pinned)).bind(after.map(|key| key.shown_at))
            .bind(after.map(|key| key.id)).bind(limit);
        // Only the received shelf speaks of now.
        match now {
            Some(now) => query.bind(now),
            None => query,
        }
        .fetch_all(pool).await?
    }))
}

/// Whether the announcement reached the person, and when they read it.
pub async fn reached(
    db: &Db,
    id: AnnouncementId,
    person_id: PersonId,
) -> Result<Option<Option<DateTime<Utc>>>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT read_at FROM announcement_recipients WHERE announcement_id = $1 AND person_id = $2")
        .bind(id).bind(person_id).fetch_optional(pool).await?))
}

/// Whom the announcement reached and how many of them read it.
pub async fn reach(db: &Db, id: AnnouncementId) -> Result<Reach> {
    let (families, families_read): (i64, i64) = with_db!(db, pool => sqlx::query_as(
        "SELECT COUNT(DISTINCT f.student_id),
                COUNT(DISTINCT CASE WHEN r.read_at IS NOT NULL THEN f.student_id END)
         FROM announcement_families f
         JOIN announcement_recipients r
           ON r.announcement_id = f.announcement_id AND r.person_id = f.person_id
         WHERE f.announcement_id = $1")
        .bind(id).fetch_one(pool).await?);
    let (staff, staff_read): (i64, i64) = with_db!(db, pool => sqlx::query_as(
        "SELECT COUNT(*), COUNT(read_at) FROM announcement_recipients
         WHERE announcement_id = $1 AND role = 'staff'")
        .bind(id).fetch_one(pool).await?);
    Ok(Reach {
        families,
        families_read,
        staff,
        staff_read,
    })
}

/// Marks the announcements among `ids` that reached the person read, with
/// their notifications, in one transaction.
pub async fn mark_read(
    db: &Db,
    person_id: PersonId,
    ids: &[AnnouncementId],
    now: DateTime<Utc>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    let among = placeholders(3, ids.len());
    let recipients = format!(
        "UPDATE announcement_recipients SET read_at = $2
         WHERE person_id = $1 AND read_at IS NULL AND announcement_id IN ({among})"
    );
    let notifications = format!(
        "UPDATE notifications SET read_at = $2
         WHERE person_id = $1 AND read_at IS NULL AND source_service = 'messaging'
           AND source_event_id IN ({among})"
    );
    with_tx!(&mut tx, conn => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(recipients)).bind(person_id).bind(now);
        for id in ids {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
        let mut query = sqlx::query(sqlx::AssertSqlSafe(notifications)).bind(person_id).bind(now);
        for id in ids {
            query = query.bind(source_event(*id));
        }
        query.execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(())
}

/// Announcements shown to the person now (in the school, if named) that
/// they have not read.
pub async fn unread_count(
    db: &Db,
    person_id: PersonId,
    school_id: Option<SchoolId>,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM announcement_recipients r
         JOIN announcements a ON a.id = r.announcement_id
         WHERE r.person_id = $1 AND r.read_at IS NULL AND a.state = 'published'
           AND a.publish_at <= $2 AND (a.expire_at IS NULL OR a.expire_at > $2)
           AND ($3 IS NULL OR r.school_id = $3)")
        .bind(person_id).bind(now).bind(school_id).fetch_one(pool).await?))
}

/// Published announcements whose time has come that have not yet reached
/// their whole audience, the earliest first.
pub async fn unreached(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<Announcement>> {
    let sql = format!(
        "SELECT {ANNOUNCEMENT_COLUMNS} FROM announcements a
         WHERE a.state = 'published' AND a.reached_at IS NULL AND a.publish_at <= $1
         ORDER BY a.publish_at, a.id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now).bind(limit).fetch_all(pool).await?),
    )
}

/// When the next scheduled announcement is due, if one is waiting.
pub async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT MIN(publish_at) FROM announcements
         WHERE state = 'published' AND reached_at IS NULL")
        .fetch_one(pool).await?))
}

/// One person an announcement reaches, with the family they belong to.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub person_id: PersonId,
    pub role: ParticipantRole,
    /// The student and their class, for a family member.
    pub family: Option<(StudentId, ClassId)>,
}

/// What one page of publication writes.
pub struct ReachedPage<'a> {
    pub recipients: &'a [Recipient],
    pub notifications: &'a [Notification],
    /// Identity's token for the page after this one; None on the last.
    pub cursor: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Records that a page of the audience was reached, with its
/// notifications, and how far publication has gone, in one transaction;
/// a page reached twice (after a crash) adds nothing. False when the
/// announcement was withdrawn meanwhile: nothing is written.
pub async fn reach_page(db: &Db, a: &Announcement, page: ReachedPage<'_>) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let reached_at = page.cursor.is_none().then_some(page.now);
    // Written first, so that a withdrawal waits for this page or this page
    // sees the withdrawal.
    let still_published = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE announcements SET reach_cursor = $2, reached_at = $3
         WHERE id = $1 AND state = 'published'")
        .bind(a.id).bind(page.cursor).bind(reached_at)
        .execute(&mut *conn).await?.rows_affected())
        == 1;
    if !still_published {
        return Ok(false);
    }
    with_tx!(&mut tx, conn => {
        for recipient in page.recipients {
            sqlx::query(
                "INSERT INTO announcement_recipients (announcement_id, person_id, school_id,
                     role, read_at)
                 VALUES ($1, $2, $3, $4, NULL) ON CONFLICT DO NOTHING")
                .bind(a.id).bind(recipient.person_id).bind(a.school_id)
                .bind(recipient.role.as_str())
                .execute(&mut *conn).await?;
            if let Some((student_id, class_id)) = recipient.family {
                sqlx::query(
                    "INSERT INTO announcement_families (announcement_id, student_id, person_id,
                         class_id)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(a.id).bind(student_id).bind(recipient.person_id).bind(class_id)
                    .execute(&mut *conn).await?;
            }
        }
    });
    super::notifications::insert(&mut tx, page.notifications).await?;
    tx.commit().await?;
    Ok(true)
}
