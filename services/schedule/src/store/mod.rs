//! The schedule's queries, written once for both backends.
//!
//! Every change is written with its outbox row (`changes`, the platform's
//! shared outbox) in one transaction; the feed reads it in commit order
//! without any lock of ours (`otmetka_platform::outbox`).
//!
//! Some writes check rules that span rows before they write: timetable
//! clashes, overlapping years and periods, generation's reading of a
//! school's lessons, and a lesson's record flags, which homework sets. Those
//! take the school's lock first (a PostgreSQL advisory lock keyed by the
//! school; SQLite has one writer anyway), so two of them in one school take
//! turns and no two schools wait for each other. Writes that touch one row
//! of their own (files, submissions) take no lock.

mod attachments;
mod bells;
mod holidays;
mod homework;
pub mod journal_entries;
mod lessons;
mod periods;
mod submissions;
mod timetable;
mod years;

pub use attachments::*;
pub use bells::*;
pub use holidays::*;
pub use homework::*;
pub use lessons::*;
pub use periods::*;
pub use submissions::*;
pub use timetable::*;
pub use years::*;

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db, with_tx};
use uuid::Uuid;

pub use otmetka_platform::outbox::Change;

use crate::model::ResourceKind;

/// Rows per multi-row statement: at 29 parameters a lesson, the widest row
/// written in bulk, stays far below either backend's limit on parameters.
const BATCH: usize = 500;

/// The advisory lock key of a school's rule-checking writes: the random
/// half of its UUIDv7. Two schools sharing a key only wait for each other.
fn school_lock_key(school_id: SchoolId) -> i64 {
    school_id.uuid().as_u64_pair().1 as i64
}

/// Makes a school's rule-checking writers take turns until commit.
pub async fn lock_school(tx: &mut Tx, school_id: SchoolId) -> Result<()> {
    match tx {
        Tx::Postgres(tx) => {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(school_lock_key(school_id))
                .execute(&mut **tx)
                .await?;
        }
        // `BEGIN IMMEDIATE` already made this the only writer.
        Tx::Sqlite(_) => {}
    }
    Ok(())
}

/// A write transaction holding the lock of `school_id`; dropped without a
/// commit (an early return), it rolls back.
pub async fn begin_in_school(db: &Db, school_id: SchoolId) -> Result<Tx> {
    let mut tx = db.begin_write().await?;
    lock_school(&mut tx, school_id).await?;
    Ok(tx)
}

pub use otmetka_platform::outbox::{record as record_change, record_all as record_changes};

/// Claims `key` (if any) for the new `id`; when the key was used before,
/// says what that request created instead, and the caller writes nothing.
pub async fn claim_request(
    tx: &mut Tx,
    key: Option<&RequestKey>,
    school_id: SchoolId,
    kind: ResourceKind,
    id: impl Into<Uuid>,
    now: DateTime<Utc>,
) -> Result<Created> {
    let Some(key) = key else {
        return Ok(Created::New);
    };
    let earlier: Option<(String, SchoolId, Uuid)> = with_tx!(&mut *tx, conn => sqlx::query_as(
        "SELECT resource_kind, school_id, resource_id FROM create_requests
         WHERE actor_id = $1 AND request_id = $2")
        .bind(key.actor_id).bind(&key.request_id).fetch_optional(&mut *conn).await?);
    if let Some((earlier_kind, earlier_school, earlier_id)) = earlier {
        if ResourceKind::parse(&earlier_kind) != Some(kind) || earlier_school != school_id {
            return Err(Error::invalid(
                "request_id",
                "was already used for another kind of request",
            ));
        }
        return Ok(Created::Earlier(earlier_id));
    }
    with_tx!(&mut *tx, conn => {
        sqlx::query(
            "INSERT INTO create_requests (actor_id, request_id, school_id, resource_kind,
                                          resource_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(key.actor_id).bind(&key.request_id).bind(school_id).bind(kind.as_str())
            .bind(id.into()).bind(now).execute(&mut *conn).await?;
    });
    Ok(Created::New)
}

/// A create request's idempotency key, per caller.
#[derive(Debug, Clone)]
pub struct RequestKey {
    /// Any principal: a person, or a vendor client.
    pub actor_id: Uuid,
    pub request_id: String,
}

/// What a create did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    /// The key was used before: this is what it created, of the kind the
    /// key was claimed for.
    Earlier(Uuid),
}

/// The timezone identity last gave for a school.
pub async fn school_timezone(db: &Db, school_id: SchoolId) -> Result<Option<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT timezone FROM school_timezones WHERE school_id = $1")
        .bind(school_id).fetch_optional(pool).await?))
}

pub async fn save_school_timezone(
    db: &Db,
    school_id: SchoolId,
    timezone: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO school_timezones (school_id, timezone, fetched_at) VALUES ($1, $2, $3)
         ON CONFLICT (school_id) DO UPDATE SET timezone = excluded.timezone,
                                               fetched_at = excluded.fetched_at")
        .bind(school_id).bind(timezone).bind(now).execute(pool).await?; });
    Ok(())
}

/// A stored row the caller asked for by id, or "not found" naming it.
pub fn found<T>(row: Option<T>, what: &str) -> Result<T> {
    row.ok_or_else(|| Error::not_found(what))
}

/// A page key of "date\0id" lists.
pub fn date_key(date: NaiveDate, id: impl std::fmt::Display) -> String {
    format!("{date}\0{id}")
}

/// The previous page's (date, id), for lists in that order.
fn after_date(page: &Page) -> Result<(Option<NaiveDate>, Option<Uuid>)> {
    match page.after_pair()? {
        Some((date, id)) => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?;
            Ok((Some(date), Some(id)))
        }
        None => Ok((None, None)),
    }
}
