//! Vendors' record keys: what each vendor record id stands for, at which
//! revision, written in one transaction with what it changes.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::outbox::Change;
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db, with_tx};
use uuid::Uuid;

use super::attendance::put_attendance_row;
use super::marks::{insert_mark_rows, revise_mark_rows};
use crate::model::{Attendance, Mark, VendorRecord};

const VENDOR_RECORD_COLUMNS: &str = "vendor_id, school_id, record_type, vendor_record_id, revision, content_hash, \
     platform_id, mark_revision, deleted, updated_at";

fn raced() -> Error {
    Error::FailedPrecondition("the record was changed meanwhile; send it again".into())
}

/// Writes the vendor record key `r` whose stored revision was read as
/// `previous` (`None`: the key was new) in the open transaction; fails with
/// [`raced`] when another writer got there first, so that two pushes of one
/// key racing each other cannot both apply.
async fn put_vendor_record(tx: &mut Tx, r: &VendorRecord, previous: Option<i64>) -> Result<()> {
    let written = with_tx!(&mut *tx, conn => match previous {
        None => sqlx::query(
            "INSERT INTO vendor_records (vendor_id, school_id, record_type, vendor_record_id, revision,
                                         content_hash, platform_id, mark_revision, deleted, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (vendor_id, school_id, record_type, vendor_record_id) DO NOTHING")
            .bind(r.vendor_id).bind(r.school_id).bind(&r.record_type).bind(&r.vendor_record_id)
            .bind(r.revision).bind(&r.content_hash).bind(r.platform_id).bind(r.mark_revision)
            .bind(r.deleted).bind(r.updated_at)
            .execute(&mut *conn).await?.rows_affected(),
        Some(previous) => sqlx::query(
            "UPDATE vendor_records SET revision = $5, content_hash = $6, platform_id = $7, mark_revision = $8,
                                       deleted = $9, updated_at = $10
             WHERE vendor_id = $1 AND school_id = $2 AND record_type = $3 AND vendor_record_id = $4
               AND revision = $11")
            .bind(r.vendor_id).bind(r.school_id).bind(&r.record_type).bind(&r.vendor_record_id)
            .bind(r.revision).bind(&r.content_hash).bind(r.platform_id).bind(r.mark_revision)
            .bind(r.deleted).bind(r.updated_at).bind(previous)
            .execute(&mut *conn).await?.rows_affected(),
    });
    if written == 1 { Ok(()) } else { Err(raced()) }
}

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
/// Stores vendor records' writes, in order, in one transaction: all or
/// none. Fails with FAILED_PRECONDITION (nothing stored) if another writer
/// changed a key or a mark since it was read.
pub async fn apply_vendor_writes(db: &Db, writes: &[VendorWrite]) -> Result<()> {
    if writes.is_empty() {
        return Ok(());
    }
    // Dropped on an early return, the transaction rolls back.
    let mut tx = db.begin_write().await?;
    for write in writes {
        put_vendor_record(&mut tx, &write.key, write.previous).await?;
        let applied = match &write.change {
            VendorChange::KeyOnly => true,
            VendorChange::NewMark { mark, change } => {
                insert_mark_rows(&mut tx, mark, change).await?
            }
            VendorChange::RevisedMark {
                before,
                after,
                reason,
                change,
            } => revise_mark_rows(&mut tx, before, after, reason, change).await?,
            VendorChange::Attendance { record, change } => {
                put_attendance_row(&mut tx, record, change).await?;
                true
            }
            VendorChange::MovedMark {
                before,
                withdrawn,
                reason,
                withdrawal,
                mark,
                change,
            } => {
                revise_mark_rows(&mut tx, before, withdrawn, reason, withdrawal).await?
                    && insert_mark_rows(&mut tx, mark, change).await?
            }
        };
        if !applied {
            return Err(raced());
        }
    }
    tx.commit().await?;
    Ok(())
}
