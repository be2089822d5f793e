//! Marks and their history. A mark is never overwritten: each change is
//! its next revision, kept beside the one before.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{ClassId, StudentId, SubjectId};
use otmetka_platform::outbox::Change;
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db, with_tx};
use uuid::Uuid;

use super::record_change;
use crate::model::{Mark, MarkId, MarkRevision};

const MARK_COLUMNS: &str = "id, school_id, student_id, subject_id, class_id, lesson_date, lesson_id, scale, value, \
     status, weight, work_type_id, comment, author_id, request_id, revision, created_at, updated_at, deleted_at, seen_at, \
     source_vendor_id, revised_by";

fn snapshot(mark: &Mark) -> Result<String> {
    serde_json::to_string(mark).map_err(|error| Error::Internal(error.into()))
}

/// Inserts a new mark with its first revision and its change in the open
/// transaction, unless its author already used its request id; says whether
/// it was inserted.
pub(super) async fn insert_mark_rows(tx: &mut Tx, mark: &Mark, change: &Change) -> Result<bool> {
    let after = snapshot(mark)?;
    let inserted = with_tx!(&mut *tx, conn => sqlx::query(
        "INSERT INTO marks (id, school_id, student_id, subject_id, class_id, lesson_date, lesson_id, scale,
                            value, status, weight, work_type_id, comment, author_id, request_id, revision,
                            created_at, updated_at, source_vendor_id, revised_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
         ON CONFLICT (author_id, request_id) DO NOTHING")
        .bind(mark.id).bind(mark.school_id).bind(mark.student_id).bind(mark.subject_id)
        .bind(mark.class_id).bind(mark.lesson_date).bind(mark.lesson_id).bind(mark.scale.as_str())
        .bind(&mark.value).bind(mark.status).bind(mark.weight).bind(mark.work_type_id)
        .bind(&mark.comment).bind(mark.author_id).bind(&mark.request_id).bind(mark.revision)
        .bind(mark.created_at).bind(mark.updated_at).bind(mark.source_vendor_id).bind(mark.revised_by)
        .execute(&mut *conn).await?.rows_affected());
    if inserted != 1 {
        return Ok(false);
    }
    with_tx!(&mut *tx, conn => { sqlx::query(
        "INSERT INTO mark_revisions (mark_id, revision, author_id, created_at, before, after, reason)
         VALUES ($1, $2, $3, $4, NULL, $5, '')")
        .bind(mark.id).bind(mark.revision).bind(mark.author_id).bind(mark.created_at).bind(&after)
        .execute(&mut *conn).await?; });
    record_change(tx, change).await?;
    Ok(true)
}

/// Replaces `before` by `after` (its next revision, made by
/// `after.revised_by`) in the open transaction, keeping both in the
/// history; false when someone changed the mark since `before` was read.
pub(super) async fn revise_mark_rows(
    tx: &mut Tx,
    before: &Mark,
    after: &Mark,
    reason: &str,
    change: &Change,
) -> Result<bool> {
    let (before_json, after_json) = (snapshot(before)?, snapshot(after)?);
    let updated = with_tx!(&mut *tx, conn => sqlx::query(
        "UPDATE marks SET value = $3, status = $4, weight = $5, work_type_id = $6, comment = $7,
                          revision = $8, updated_at = $9, deleted_at = $10, revised_by = $11
         WHERE id = $1 AND revision = $2")
        .bind(after.id).bind(before.revision).bind(&after.value).bind(after.status)
        .bind(after.weight).bind(after.work_type_id).bind(&after.comment).bind(after.revision)
        .bind(after.updated_at).bind(after.deleted_at).bind(after.revised_by)
        .execute(&mut *conn).await?.rows_affected());
    if updated != 1 {
        return Ok(false);
    }
    with_tx!(&mut *tx, conn => { sqlx::query(
        "INSERT INTO mark_revisions (mark_id, revision, author_id, created_at, before, after, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(after.id).bind(after.revision).bind(after.revised_by).bind(after.updated_at)
        .bind(&before_json).bind(&after_json).bind(reason)
        .execute(&mut *conn).await?; });
    record_change(tx, change).await?;
    Ok(true)
}

/// Stores a new mark with its first revision and its change, or returns
/// the author's earlier mark with the same request id.
pub async fn insert_mark(db: &Db, mark: &Mark, change: &Change) -> Result<Mark> {
    let mut tx = db.begin_write().await?;
    let inserted = insert_mark_rows(&mut tx, mark, change).await?;
    tx.commit().await?;
    if inserted {
        return Ok(mark.clone());
    }
    let sql = format!("SELECT {MARK_COLUMNS} FROM marks WHERE author_id = $1 AND request_id = $2");
    let earlier: Mark = with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(mark.author_id).bind(&mark.request_id).fetch_one(pool).await?);
    if earlier.student_id != mark.student_id || earlier.subject_id != mark.subject_id {
        return Err(Error::invalid(
            "request_id",
            "was already used for another mark",
        ));
    }
    Ok(earlier)
}

pub async fn get_mark(db: &Db, id: MarkId) -> Result<Option<Mark>> {
    let sql = format!("SELECT {MARK_COLUMNS} FROM marks WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Replaces `before` by `after` (its next revision, made by
/// `after.revised_by`), keeping both in the history. Fails if someone
/// changed the mark since `before` was read.
pub async fn revise_mark(
    db: &Db,
    before: &Mark,
    after: &Mark,
    reason: &str,
    change: &Change,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if revise_mark_rows(&mut tx, before, after, reason, change).await? {
        tx.commit().await?;
        Ok(())
    } else {
        Err(Error::FailedPrecondition(
            "the mark was changed meanwhile; read it again".into(),
        ))
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    mark_id: MarkId,
    revision: i32,
    author_id: Uuid,
    created_at: DateTime<Utc>,
    before: Option<String>,
    after: String,
    reason: String,
}

fn parse_snapshot(json: &str) -> Result<Mark> {
    serde_json::from_str(json).map_err(|error| Error::Internal(error.into()))
}

/// A mark's history, oldest first; the page key is the revision.
pub async fn mark_revisions(db: &Db, mark_id: MarkId, page: &Page) -> Result<Vec<MarkRevision>> {
    let after: i32 = match &page.after {
        Some(key) => key.parse().map_err(|_| bad_token())?,
        None => 0,
    };
    let rows: Vec<RevisionRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT mark_id, revision, author_id, created_at, before, after, reason FROM mark_revisions
         WHERE mark_id = $1 AND revision > $2 ORDER BY revision LIMIT $3")
        .bind(mark_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?);
    rows.into_iter()
        .map(|row| {
            Ok(MarkRevision {
                mark_id: row.mark_id,
                revision: row.revision,
                author_id: row.author_id,
                created_at: row.created_at,
                before: row.before.as_deref().map(parse_snapshot).transpose()?,
                after: parse_snapshot(&row.after)?,
                reason: row.reason,
            })
        })
        .collect()
}

/// Notes the first time a mark was seen; returns when that was.
pub async fn mark_seen(db: &Db, id: MarkId, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    Ok(with_db!(db, pool => {
        sqlx::query("UPDATE marks SET seen_at = $2 WHERE id = $1 AND seen_at IS NULL")
            .bind(id).bind(now).execute(pool).await?;
        sqlx::query_scalar("SELECT seen_at FROM marks WHERE id = $1")
            .bind(id).fetch_one(pool).await?
    }))
}

/// Filters of a student's mark list.
#[derive(Debug, Default)]
pub struct MarkFilter {
    pub subject_id: Option<SubjectId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A student's current marks, newest lesson first; the page key is "date\0id".
pub async fn student_marks(
    db: &Db,
    student_id: StudentId,
    filter: &MarkFilter,
    page: &Page,
) -> Result<Vec<Mark>> {
    let (after_date, after_id) = match page.after_pair()? {
        Some((date, id)) => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?;
            (Some(date), Some(id))
        }
        None => (None, None),
    };
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM marks
         WHERE student_id = $1 AND deleted_at IS NULL
           AND ($2 IS NULL OR subject_id = $2)
           AND ($3 IS NULL OR lesson_date >= $3)
           AND ($4 IS NULL OR lesson_date <= $4)
           AND ($5 IS NULL OR lesson_date < $5 OR (lesson_date = $5 AND id < $6))
         ORDER BY lesson_date DESC, id DESC LIMIT $7"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(filter.subject_id).bind(filter.from).bind(filter.to)
        .bind(after_date).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

pub fn page_key(mark: &Mark) -> String {
    format!("{}\0{}", mark.lesson_date, mark.id)
}

/// Every current mark of a student in a subject over a span of days.
pub async fn student_subject_marks(
    db: &Db,
    student_id: StudentId,
    subject_id: Option<SubjectId>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Mark>> {
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM marks
         WHERE student_id = $1 AND ($2 IS NULL OR subject_id = $2) AND deleted_at IS NULL
           AND lesson_date >= $3 AND lesson_date <= $4
         ORDER BY lesson_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(subject_id).bind(from).bind(to).fetch_all(pool).await?),
    )
}

/// Every current mark given in a class's subject over a span of days: one
/// query for a whole journal grid.
pub async fn class_subject_marks(
    db: &Db,
    class_id: ClassId,
    subject_id: SubjectId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Mark>> {
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM marks
         WHERE class_id = $1 AND subject_id = $2 AND deleted_at IS NULL
           AND lesson_date >= $3 AND lesson_date <= $4
         ORDER BY lesson_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(class_id).bind(subject_id).bind(from).bind(to).fetch_all(pool).await?),
    )
}

/// Marks by id, where they exist.
pub async fn get_marks(db: &Db, ids: &[MarkId]) -> Result<Vec<Mark>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM marks WHERE id IN ({})",
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
