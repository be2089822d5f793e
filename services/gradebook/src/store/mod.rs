//! The gradebook's queries, written once for both backends. Every change
//! of a mark, attendance record or final mark writes its history and its
//! change-feed row in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{BeginWrite, Db, placeholders};
use otmetka_platform::outbox::Change;
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, record_change, with_db};
use uuid::Uuid;

pub mod calendar;

use crate::model::{
    Attendance, FinalMark, Mark, MarkRevision, ReopenRequest, VendorRecord, WorkType,
};
use crate::scale::{CustomValue, Scale, ScaleKind};

const MARK_COLUMNS: &str = "id, school_id, student_id, subject_id, class_id, lesson_date, lesson_id, scale, value, \
     status, weight, work_type_id, comment, author_id, request_id, revision, created_at, updated_at, deleted_at, seen_at, \
     source_vendor_id, revised_by";

fn snapshot(mark: &Mark) -> Result<String> {
    serde_json::to_string(mark).map_err(|error| Error::Internal(error.into()))
}

fn raced() -> Error {
    Error::FailedPrecondition("the record was changed meanwhile; send it again".into())
}

/// Writes the vendor record key `$record` whose stored revision was read as
/// `$previous` (`None`: the key was new) in the open transaction `$tx`, or
/// returns [`raced`] from the enclosing function, dropping (rolling back)
/// the transaction: two pushes of one key racing each other cannot both
/// apply.
macro_rules! put_vendor_record {
    ($tx:expr, $record:expr, $previous:expr) => {{
        let r: &VendorRecord = $record;
        let written = match $previous {
            None => sqlx::query(
                "INSERT INTO vendor_records (vendor_id, school_id, record_type, vendor_record_id, revision,
                                             content_hash, platform_id, mark_revision, deleted, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (vendor_id, school_id, record_type, vendor_record_id) DO NOTHING")
                .bind(r.vendor_id).bind(r.school_id).bind(&r.record_type).bind(&r.vendor_record_id)
                .bind(r.revision).bind(&r.content_hash).bind(r.platform_id).bind(r.mark_revision)
                .bind(r.deleted).bind(r.updated_at)
                .execute(&mut *$tx).await?.rows_affected(),
            Some(previous) => sqlx::query(
                "UPDATE vendor_records SET revision = $5, content_hash = $6, platform_id = $7, mark_revision = $8,
                                           deleted = $9, updated_at = $10
                 WHERE vendor_id = $1 AND school_id = $2 AND record_type = $3 AND vendor_record_id = $4
                   AND revision = $11")
                .bind(r.vendor_id).bind(r.school_id).bind(&r.record_type).bind(&r.vendor_record_id)
                .bind(r.revision).bind(&r.content_hash).bind(r.platform_id).bind(r.mark_revision)
                .bind(r.deleted).bind(r.updated_at).bind(previous)
                .execute(&mut *$tx).await?.rows_affected(),
        };
        if written != 1 {
            return Err(raced());
        }
    }};
}

/// Inserts a new mark with its first revision and its change in the open
/// transaction `$tx`, unless its author already used its request id;
/// evaluates to the rows inserted (0 or 1).
macro_rules! insert_mark_rows {
    ($tx:expr, $mark:expr, $change:expr) => {{
        let mark: &Mark = $mark;
        let after = snapshot(mark)?;
        let inserted = sqlx::query(
            "INSERT INTO marks (id, school_id, student_id, subject_id, class_id, lesson_date, lesson_id, scale,
                                value, status, weight, work_type_id, comment, author_id, request_id, revision,
                                created_at, updated_at, source_vendor_id, revised_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
             ON CONFLICT (author_id, request_id) DO NOTHING")
            .bind(mark.id).bind(mark.school_id).bind(mark.student_id).bind(mark.subject_id)
            .bind(mark.class_id).bind(mark.lesson_date).bind(mark.lesson_id).bind(&mark.scale)
            .bind(&mark.value).bind(&mark.status).bind(mark.weight).bind(mark.work_type_id)
            .bind(&mark.comment).bind(mark.author_id).bind(&mark.request_id).bind(mark.revision)
            .bind(mark.created_at).bind(mark.updated_at).bind(mark.source_vendor_id).bind(mark.revised_by)
            .execute(&mut *$tx).await?.rows_affected();
        if inserted == 1 {
            sqlx::query(
                "INSERT INTO mark_revisions (mark_id, revision, author_id, created_at, before, after, reason)
                 VALUES ($1, $2, $3, $4, NULL, $5, '')")
                .bind(mark.id).bind(mark.revision).bind(mark.author_id).bind(mark.created_at).bind(&after)
                .execute(&mut *$tx).await?;
            record_change!($tx, $change);
        }
        inserted
    }};
}

/// Replaces `$before` by `$after` (its next revision, made by
/// `$after.revised_by`) in the open transaction `$tx`, keeping both in the
/// history; evaluates to the rows updated (0 when someone changed the mark
/// since `$before` was read).
macro_rules! revise_mark_rows {
    ($tx:expr, $before:expr, $after:expr, $reason:expr, $change:expr) => {{
        let (before, after): (&Mark, &Mark) = ($before, $after);
        let (before_json, after_json) = (snapshot(before)?, snapshot(after)?);
        let updated = sqlx::query(
            "UPDATE marks SET value = $3, status = $4, weight = $5, work_type_id = $6, comment = $7,
                              revision = $8, updated_at = $9, deleted_at = $10, revised_by = $11
             WHERE id = $1 AND revision = $2")
            .bind(after.id).bind(before.revision).bind(&after.value).bind(&after.status)
            .bind(after.weight).bind(after.work_type_id).bind(&after.comment).bind(after.revision)
            .bind(after.updated_at).bind(after.deleted_at).bind(after.revised_by)
            .execute(&mut *$tx).await?.rows_affected();
        if updated == 1 {
            sqlx::query(
                "INSERT INTO mark_revisions (mark_id, revision, author_id, created_at, before, after, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(after.id).bind(after.revision).bind(after.revised_by).bind(after.updated_at)
                .bind(&before_json).bind(&after_json).bind($reason)
                .execute(&mut *$tx).await?;
            record_change!($tx, $change);
        }
        updated
    }};
}

/// Records attendance in the open transaction `$tx`, replacing the
/// student's earlier record of the lesson.
macro_rules! put_attendance_row {
    ($tx:expr, $record:expr, $change:expr) => {{
        let record: &Attendance = $record;
        sqlx::query(
            "INSERT INTO attendance (id, school_id, student_id, class_id, lesson_id, subject_id, lesson_date,
                                     kind, late_minutes, reason, author_id, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (student_id, lesson_id) DO UPDATE SET
                 kind = excluded.kind, late_minutes = excluded.late_minutes, reason = excluded.reason,
                 author_id = excluded.author_id, updated_at = excluded.updated_at")
            .bind(record.id).bind(record.school_id).bind(record.student_id).bind(record.class_id)
            .bind(record.lesson_id).bind(record.subject_id).bind(record.lesson_date).bind(&record.kind)
            .bind(record.late_minutes).bind(&record.reason).bind(record.author_id).bind(record.updated_at)
            .execute(&mut *$tx).await?;
        record_change!($tx, $change);
    }};
}

/// Stores a new mark with its first revision and its change, or returns
/// the author's earlier mark with the same request id.
pub async fn insert_mark(db: &Db, mark: &Mark, change: &Change) -> Result<Mark> {
    let inserted = with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let inserted = insert_mark_rows!(tx, mark, change);
        tx.commit().await?;
        inserted
    });
    if inserted == 1 {
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

pub async fn get_mark(db: &Db, id: Uuid) -> Result<Option<Mark>> {
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
    let updated = with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let updated = revise_mark_rows!(tx, before, after, reason, change);
        if updated == 1 {
            tx.commit().await?;
        }
        updated
    });
    if updated == 1 {
        Ok(())
    } else {
        Err(Error::FailedPrecondition(
            "the mark was changed meanwhile; read it again".into(),
        ))
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    mark_id: Uuid,
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
pub async fn mark_revisions(db: &Db, mark_id: Uuid, page: &Page) -> Result<Vec<MarkRevision>> {
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
pub async fn mark_seen(db: &Db, id: Uuid, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
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
    pub subject_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A student's current marks, newest lesson first; the page key is "date\0id".
pub async fn student_marks(
    db: &Db,
    student_id: Uuid,
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
    student_id: Uuid,
    subject_id: Option<Uuid>,
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
    class_id: Uuid,
    subject_id: Uuid,
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

// Scales and work types.

#[derive(sqlx::FromRow)]
struct ScaleRow {
    id: Uuid,
    school_id: Uuid,
    subject_id: Option<Uuid>,
    kind: String,
    name: String,
    modifiers: bool,
    custom_values: String,
}

/// A scale as stored: where it applies, and the scale itself.
#[derive(Debug, Clone)]
pub struct StoredScale {
    pub id: Uuid,
    pub school_id: Uuid,
    pub subject_id: Option<Uuid>,
    pub name: String,
    pub scale: Scale,
}

impl TryFrom<ScaleRow> for StoredScale {
    type Error = Error;

    fn try_from(row: ScaleRow) -> Result<Self> {
        let corrupt = |what: &str| Error::Internal(anyhow::anyhow!("scale {}: bad {what}", row.id));
        let kind = ScaleKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?;
        let custom: Vec<CustomValue> =
            serde_json::from_str(&row.custom_values).map_err(|_| corrupt("values"))?;
        Ok(StoredScale {
            id: row.id,
            school_id: row.school_id,
            subject_id: row.subject_id,
            name: row.name,
            scale: Scale {
                kind,
                modifiers: row.modifiers,
                custom,
            },
        })
    }
}

pub async fn insert_scale(db: &Db, scale: &StoredScale, now: DateTime<Utc>) -> Result<()> {
    let custom =
        serde_json::to_string(&scale.scale.custom).map_err(|e| Error::Internal(e.into()))?;
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO grading_scales (id, school_id, subject_id, kind, name, modifiers, custom_values, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(scale.id).bind(scale.school_id).bind(scale.subject_id).bind(scale.scale.kind.as_str())
        .bind(&scale.name).bind(scale.scale.modifiers).bind(&custom).bind(now)
        .execute(pool).await
        .map_err(|error| match Error::from(error) {
            Error::AlreadyExists(_) => Error::AlreadyExists(
                "this subject (or, without one, the school) already has a scale".into()),
            other => other,
        })?; });
    Ok(())
}

pub async fn list_scales(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<StoredScale>> {
    let after = page.after_id()?;
    let rows: Vec<ScaleRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, subject_id, kind, name, modifiers, custom_values FROM grading_scales
         WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?);
    rows.into_iter().map(StoredScale::try_from).collect()
}

/// The scale marks in a subject are read on: the subject's own, else the
/// school's, else the plain 5-point scale.
pub async fn scale_for(db: &Db, school_id: Uuid, subject_id: Uuid) -> Result<Scale> {
    let rows: Vec<ScaleRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, subject_id, kind, name, modifiers, custom_values FROM grading_scales
         WHERE school_id = $1 AND (subject_id = $2 OR subject_id IS NULL)
         ORDER BY subject_id IS NULL")
        .bind(school_id).bind(subject_id).fetch_all(pool).await?);
    match rows.into_iter().next() {
        Some(row) => Ok(StoredScale::try_from(row)?.scale),
        None => Ok(Scale::default_five_point()),
    }
}

pub async fn insert_work_type(db: &Db, work_type: &WorkType) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO work_types (id, school_id, name, weight) VALUES ($1, $2, $3, $4)")
        .bind(work_type.id).bind(work_type.school_id).bind(&work_type.name).bind(work_type.weight)
        .execute(pool).await?; });
    Ok(())
}

pub async fn get_work_type(db: &Db, id: Uuid) -> Result<Option<WorkType>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, name, weight FROM work_types WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub async fn list_work_types(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<WorkType>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, name, weight FROM work_types
         WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// A school's work type names by id.
pub async fn work_type_names(db: &Db, school_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, name FROM work_types WHERE school_id = $1")
        .bind(school_id).fetch_all(pool).await?))
}

// Vendor records.

const VENDOR_RECORD_COLUMNS: &str = "vendor_id, school_id, record_type, vendor_record_id, revision, content_hash, \
     platform_id, mark_revision, deleted, updated_at";

/// What is stored for these keys of a vendor, where anything is.
pub async fn vendor_records(
    db: &Db,
    vendor_id: Uuid,
    school_id: Uuid,
    record_type: &str,
    vendor_record_ids: &[String],
) -> Result<Vec<VendorRecord>> {
    let sql = format!(
        "SELECT {VENDOR_RECORD_COLUMNS} FROM vendor_records
         WHERE vendor_id = $1 AND school_id = $2 AND record_type = $3 AND vendor_record_id IN ({})",
        placeholders(4, vendor_record_ids.len())
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(vendor_id).bind(school_id).bind(record_type);
        for id in vendor_record_ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await?
    }))
}

/// How many of a vendor's record keys in a school stand for a live record,
/// and how many it deleted since `since`: what the deletion safety valve
/// weighs a request's deletions against.
pub async fn vendor_deletion_load(
    db: &Db,
    vendor_id: Uuid,
    school_id: Uuid,
    since: DateTime<Utc>,
) -> Result<(i64, i64)> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE NOT deleted),
                COUNT(*) FILTER (WHERE deleted AND updated_at >= $3)
         FROM vendor_records WHERE vendor_id = $1 AND school_id = $2")
        .bind(vendor_id).bind(school_id).bind(since).fetch_one(pool).await?))
}

/// Every vendor's record keys in a school that stand for these marks or
/// attendance records.
pub async fn vendor_keys_of(
    db: &Db,
    school_id: Uuid,
    platform_ids: &[Uuid],
) -> Result<Vec<VendorRecord>> {
    if platform_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {VENDOR_RECORD_COLUMNS} FROM vendor_records
         WHERE school_id = $1 AND platform_id IN ({})",
        placeholders(2, platform_ids.len())
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(school_id);
        for id in platform_ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await?
    }))
}

/// A vendor's stored keys of one record type in a school, in vendor record
/// id order after the page's key, each with the date of the mark or
/// attendance record it stands for.
pub async fn vendor_record_keys(
    db: &Db,
    vendor_id: Uuid,
    school_id: Uuid,
    record_type: &str,
    page: &Page,
) -> Result<Vec<(VendorRecord, Option<NaiveDate>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        record: VendorRecord,
        lesson_date: Option<NaiveDate>,
    }
    let columns = VENDOR_RECORD_COLUMNS
        .split(", ")
        .map(|column| format!("v.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    // The records' own table, named by a constant.
    let records = if record_type == "attendance" {
        "attendance"
    } else {
        "marks"
    };
    let sql = format!(
        "SELECT {columns}, r.lesson_date FROM vendor_records v
         LEFT JOIN {records} r ON r.id = v.platform_id
         WHERE v.vendor_id = $1 AND v.school_id = $2 AND v.record_type = $3
           AND ($4 IS NULL OR v.vendor_record_id > $4)
         ORDER BY v.vendor_record_id LIMIT $5"
    );
    let rows: Vec<Row> = with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(vendor_id).bind(school_id).bind(record_type).bind(page.after.as_deref())
        .bind(page.fetch_limit()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|row| (row.record, row.lesson_date))
        .collect())
}

/// What a vendor record changes in the journal besides its key.
#[derive(Debug, Clone)]
pub enum VendorChange {
    /// Nothing: a replay of a correction that changes nothing, or the
    /// deletion of what is already gone.
    KeyOnly,
    NewMark {
        mark: Mark,
        change: Change,
    },
    RevisedMark {
        before: Box<Mark>,
        after: Box<Mark>,
        reason: String,
        change: Change,
    },
    Attendance {
        record: Attendance,
        change: Change,
    },
    /// The key's mark withdrawn and a new one posted in its place (the
    /// vendor moved its record to another student, subject or lesson).
    MovedMark {
        before: Box<Mark>,
        withdrawn: Box<Mark>,
        reason: String,
        withdrawal: Change,
        mark: Box<Mark>,
        change: Change,
    },
}

/// A vendor record key's next state with what it changes. `previous` is
/// the key's revision read before deciding (`None`: the key was new).
#[derive(Debug, Clone)]
pub struct VendorWrite {
    pub key: VendorRecord,
    pub previous: Option<i64>,
    pub change: VendorChange,
}

/// Stores vendor records' writes, in order, in one transaction: all or
/// none. Fails with FAILED_PRECONDITION (nothing stored) if another writer
/// changed a key or a mark since it was read.
pub async fn apply_vendor_writes(db: &Db, writes: &[VendorWrite]) -> Result<()> {
    if writes.is_empty() {
        return Ok(());
    }
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for write in writes {
            put_vendor_record!(tx, &write.key, write.previous);
            match &write.change {
                VendorChange::KeyOnly => {}
                VendorChange::NewMark { mark, change } => {
                    if insert_mark_rows!(tx, mark, change) != 1 {
                        return Err(raced());
                    }
                }
                VendorChange::RevisedMark { before, after, reason, change } => {
                    if revise_mark_rows!(tx, before.as_ref(), after.as_ref(), reason.as_str(), change) != 1 {
                        return Err(raced());
                    }
                }
                VendorChange::Attendance { record, change } => {
                    put_attendance_row!(tx, record, change);
                }
                VendorChange::MovedMark { before, withdrawn, reason, withdrawal, mark, change } => {
                    if revise_mark_rows!(tx, before.as_ref(), withdrawn.as_ref(), reason.as_str(), withdrawal) != 1
                        || insert_mark_rows!(tx, mark.as_ref(), change) != 1
                    {
                        return Err(raced());
                    }
                }
            }
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Marks by id, where they exist.
pub async fn get_marks(db: &Db, ids: &[Uuid]) -> Result<Vec<Mark>> {
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

/// Attendance records by id, where they exist.
pub async fn get_attendances(db: &Db, ids: &[Uuid]) -> Result<Vec<Attendance>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE id IN ({})",
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

// Journal settings.

/// Days after a lesson its teacher may still change it, unless the school
/// chose otherwise.
pub const DEFAULT_EDIT_WINDOW_DAYS: i32 = 14;

pub async fn edit_window_days(db: &Db, school_id: Uuid) -> Result<i32> {
    let days: Option<i32> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT edit_window_days FROM journal_settings WHERE school_id = $1")
        .bind(school_id).fetch_optional(pool).await?);
    Ok(days.unwrap_or(DEFAULT_EDIT_WINDOW_DAYS))
}

pub async fn vendors_override_teachers(db: &Db, school_id: Uuid) -> Result<bool> {
    let chosen: Option<bool> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT vendors_override_teachers FROM journal_settings WHERE school_id = $1")
        .bind(school_id).fetch_optional(pool).await?);
    Ok(chosen.unwrap_or(false))
}

pub async fn set_journal_settings(
    db: &Db,
    school_id: Uuid,
    edit_window_days: i32,
    vendors_override_teachers: bool,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO journal_settings (school_id, edit_window_days, vendors_override_teachers) VALUES ($1, $2, $3)
         ON CONFLICT (school_id) DO UPDATE SET edit_window_days = excluded.edit_window_days,
             vendors_override_teachers = excluded.vendors_override_teachers")
        .bind(school_id).bind(edit_window_days).bind(vendors_override_teachers)
        .execute(pool).await?; });
    Ok(())
}

// Attendance.

const ATTENDANCE_COLUMNS: &str = "id, school_id, student_id, class_id, lesson_id, subject_id, lesson_date, kind, \
     late_minutes, reason, author_id, updated_at";

pub async fn attendance_at(
    db: &Db,
    student_id: Uuid,
    lesson_id: Uuid,
) -> Result<Option<Attendance>> {
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE student_id = $1 AND lesson_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(lesson_id).fetch_optional(pool).await?),
    )
}

/// Records attendance, replacing the student's earlier record of the lesson.
pub async fn put_attendance(db: &Db, record: &Attendance, change: &Change) -> Result<()> {
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        put_attendance_row!(tx, record, change);
        tx.commit().await?;
    });
    Ok(())
}

/// A student's attendance over a span of days, in lesson order; the page
/// key is "date\0id".
pub async fn student_attendance(
    db: &Db,
    student_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: &Page,
) -> Result<Vec<Attendance>> {
    let (after_date, after_id) = match page.after_pair()? {
        Some((date, id)) => (
            Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?),
            Some(id),
        ),
        None => (None, None),
    };
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance
         WHERE student_id = $1 AND ($2 IS NULL OR lesson_date >= $2) AND ($3 IS NULL OR lesson_date <= $3)
           AND ($4 IS NULL OR lesson_date > $4 OR (lesson_date = $4 AND id > $5))
         ORDER BY lesson_date, id LIMIT $6"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(from).bind(to).bind(after_date).bind(after_id)
        .bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

/// Every attendance record of a student over a span of days, in lesson order.
pub async fn student_attendance_between(
    db: &Db,
    student_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Attendance>> {
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance
         WHERE student_id = $1 AND lesson_date >= $2 AND lesson_date <= $3
         ORDER BY lesson_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(from).bind(to).fetch_all(pool).await?),
    )
}

pub async fn class_subject_attendance(
    db: &Db,
    class_id: Uuid,
    subject_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Attendance>> {
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance
         WHERE class_id = $1 AND subject_id = $2 AND lesson_date >= $3 AND lesson_date <= $4
         ORDER BY lesson_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(class_id).bind(subject_id).bind(from).bind(to).fetch_all(pool).await?),
    )
}

// Calculation policies.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PolicyRow {
    pub school_id: Uuid,
    pub scale: String,
    pub version: i64,
    pub thresholds: String,
    pub rounding: String,
    pub created_at: DateTime<Utc>,
}

/// Publishes the next version of a school's policy for a scale; versions
/// are never changed afterwards.
pub async fn insert_policy(db: &Db, mut policy: PolicyRow, author_id: Uuid) -> Result<PolicyRow> {
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM calculation_policies WHERE school_id = $1 AND scale = $2")
            .bind(policy.school_id).bind(&policy.scale).fetch_one(&mut *tx).await?;
        policy.version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO calculation_policies (school_id, scale, version, thresholds, rounding, author_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(policy.school_id).bind(&policy.scale).bind(policy.version).bind(&policy.thresholds)
            .bind(&policy.rounding).bind(author_id).bind(policy.created_at)
            .execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(policy)
}

/// A given version of a school's policy for a scale, or the newest (`version` 0).
pub async fn policy(
    db: &Db,
    school_id: Uuid,
    scale: &str,
    version: i64,
) -> Result<Option<PolicyRow>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT school_id, scale, version, thresholds, rounding, created_at FROM calculation_policies
         WHERE school_id = $1 AND scale = $2 AND ($3 = 0 OR version = $3)
         ORDER BY version DESC LIMIT 1")
        .bind(school_id).bind(scale).bind(version).fetch_optional(pool).await?))
}

// Final marks.

const FINAL_COLUMNS: &str = "id, school_id, student_id, subject_id, reporting_period_id, value, policy_version, \
     author_id, reason, updated_at";

pub async fn final_mark(
    db: &Db,
    student_id: Uuid,
    subject_id: Uuid,
    period_id: Uuid,
) -> Result<Option<FinalMark>> {
    let sql = format!(
        "SELECT {FINAL_COLUMNS} FROM final_marks
         WHERE student_id = $1 AND subject_id = $2 AND reporting_period_id = $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(subject_id).bind(period_id).fetch_optional(pool).await?),
    )
}

/// Sets a final mark, replacing an earlier one of the same period.
pub async fn put_final_mark(db: &Db, mark: &FinalMark, change: &Change) -> Result<()> {
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO final_marks (id, school_id, student_id, subject_id, reporting_period_id, value,
                                      policy_version, author_id, reason, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (student_id, subject_id, reporting_period_id) DO UPDATE SET
                 value = excluded.value, policy_version = excluded.policy_version,
                 author_id = excluded.author_id, reason = excluded.reason, updated_at = excluded.updated_at")
            .bind(mark.id).bind(mark.school_id).bind(mark.student_id).bind(mark.subject_id)
            .bind(mark.reporting_period_id).bind(&mark.value).bind(mark.policy_version)
            .bind(mark.author_id).bind(&mark.reason).bind(mark.updated_at)
            .execute(&mut *tx).await?;
        record_change!(tx, change);
        tx.commit().await?;
    });
    Ok(())
}

pub async fn student_final_marks(db: &Db, student_id: Uuid, page: &Page) -> Result<Vec<FinalMark>> {
    let after = page.after_id()?;
    let sql = format!(
        "SELECT {FINAL_COLUMNS} FROM final_marks
         WHERE student_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

// Reopen requests.

const REOPEN_COLUMNS: &str = "id, school_id, class_id, subject_id, reporting_period_id, requester_id, reason, state, \
     decider_id, decision_comment, created_at, decided_at";

pub async fn insert_reopen_request(db: &Db, request: &ReopenRequest) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO reopen_requests (id, school_id, class_id, subject_id, reporting_period_id, requester_id,
                                      reason, state, decision_comment, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9)")
        .bind(request.id).bind(request.school_id).bind(request.class_id).bind(request.subject_id)
        .bind(request.reporting_period_id).bind(request.requester_id).bind(&request.reason)
        .bind(&request.state).bind(request.created_at)
        .execute(pool).await?; });
    Ok(())
}

pub async fn get_reopen_request(db: &Db, id: Uuid) -> Result<Option<ReopenRequest>> {
    let sql = format!("SELECT {REOPEN_COLUMNS} FROM reopen_requests WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Decides a pending request; false if it was decided already.
pub async fn decide_reopen_request(db: &Db, request: &ReopenRequest) -> Result<bool> {
    let updated = with_db!(db, pool => sqlx::query(
        "UPDATE reopen_requests SET state = $2, decider_id = $3, decision_comment = $4, decided_at = $5
         WHERE id = $1 AND state = 'pending'")
        .bind(request.id).bind(&request.state).bind(request.decider_id)
        .bind(&request.decision_comment).bind(request.decided_at)
        .execute(pool).await?.rows_affected());
    Ok(updated == 1)
}

/// A school's reopen requests (only `requester`'s, when given), oldest first.
pub async fn list_reopen_requests(
    db: &Db,
    school_id: Uuid,
    requester: Option<Uuid>,
    page: &Page,
) -> Result<Vec<ReopenRequest>> {
    let after = page.after_id()?;
    let sql = format!(
        "SELECT {REOPEN_COLUMNS} FROM reopen_requests
         WHERE school_id = $1 AND ($2 IS NULL OR requester_id = $2) AND ($3 IS NULL OR id > $3)
         ORDER BY id LIMIT $4"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(requester).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

/// Whether a deputy head reopened this journal (class, subject, period)
/// since `since`.
pub async fn journal_reopened(
    db: &Db,
    class_id: Uuid,
    subject_id: Uuid,
    period_id: Uuid,
    since: DateTime<Utc>,
) -> Result<bool> {
    let found: Option<Uuid> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM reopen_requests
         WHERE class_id = $1 AND subject_id = $2 AND reporting_period_id = $3 AND state = 'approved'
           AND decided_at >= $4
         LIMIT 1")
        .bind(class_id).bind(subject_id).bind(period_id).bind(since).fetch_optional(pool).await?);
    Ok(found.is_some())
}
