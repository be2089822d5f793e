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
mod calendar;
mod homework;
mod lessons;
mod submissions;
mod timetable;

pub use attachments::*;
pub use calendar::*;
pub use homework::*;
pub use lessons::*;
pub use submissions::*;
pub use timetable::*;

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Error, Result, with_db};
use sqlx::{Postgres, Sqlite, Transaction};
use uuid::Uuid;

pub use otmetka_platform::outbox::Change;
pub(crate) use otmetka_platform::record_change;

/// The advisory lock key of a school's rule-checking writes: the random
/// half of its UUIDv7. Two schools sharing a key only wait for each other.
fn school_lock_key(school_id: Uuid) -> i64 {
    school_id.as_u64_pair().1 as i64
}

/// Makes a school's rule-checking writers take turns until commit.
pub trait LockSchool {
    fn lock_school(
        &mut self,
        school_id: Uuid,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

impl LockSchool for Transaction<'static, Postgres> {
    async fn lock_school(&mut self, school_id: Uuid) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(school_lock_key(school_id))
            .execute(&mut **self)
            .await
            .map(drop)
    }
}

impl LockSchool for Transaction<'static, Sqlite> {
    async fn lock_school(&mut self, _school_id: Uuid) -> Result<(), sqlx::Error> {
        // `BEGIN IMMEDIATE` already made this the only writer.
        Ok(())
    }
}

/// Runs `$body` in a write transaction bound to `$tx`, holding the lock of
/// school `$school`, committing when it finishes; an early return (`?`)
/// rolls it back.
macro_rules! write_tx {
    ($db:expr, $school:expr, $tx:ident => $body:block) => {
        otmetka_platform::with_db!($db, pool => {
            let mut $tx = otmetka_platform::db::BeginWrite::begin_write(pool).await?;
            $crate::store::LockSchool::lock_school(&mut $tx, $school).await?;
            let result = $body;
            $tx.commit().await?;
            result
        })
    };
}
pub(crate) use write_tx;

/// As [`write_tx!`], without the school's lock: for writes whose rules hold
/// within their own rows.
macro_rules! plain_write_tx {
    ($db:expr, $tx:ident => $body:block) => {
        otmetka_platform::with_db!($db, pool => {
            let mut $tx = otmetka_platform::db::BeginWrite::begin_write(pool).await?;
            let result = $body;
            $tx.commit().await?;
            result
        })
    };
}
pub(crate) use plain_write_tx;

/// Returns `Created::Earlier` from the enclosing function when `$key` was
/// used before, and claims it for `$id` otherwise.
macro_rules! claim_request {
    ($tx:expr, $key:expr, $school_id:expr, $kind:expr, $id:expr, $now:expr) => {
        if let Some(key) = $key {
            let key: &$crate::store::RequestKey = key;
            let earlier: Option<(String, uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
                "SELECT resource_kind, school_id, resource_id FROM create_requests
                 WHERE actor_id = $1 AND request_id = $2",
            )
            .bind(key.actor_id)
            .bind(&key.request_id)
            .fetch_optional(&mut *$tx)
            .await?;
            if let Some((kind, school_id, id)) = earlier {
                if crate::model::ResourceKind::parse(&kind) != Some($kind)
                    || school_id != $school_id
                {
                    return Err(otmetka_platform::Error::invalid(
                        "request_id",
                        "was already used for another kind of request",
                    ));
                }
                return Ok($crate::store::Created::Earlier(id));
            }
            sqlx::query(
                "INSERT INTO create_requests (actor_id, request_id, school_id, resource_kind,
                                              resource_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(key.actor_id)
            .bind(&key.request_id)
            .bind($school_id)
            .bind($kind.as_str())
            .bind($id)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
    };
}
pub(crate) use claim_request;

/// A create request's idempotency key, per caller.
#[derive(Debug, Clone)]
pub struct RequestKey {
    pub actor_id: Uuid,
    pub request_id: String,
}

/// What a create did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    /// The key was used before: this is what it created.
    Earlier(Uuid),
}

/// The timezone identity last gave for a school.
pub async fn school_timezone(db: &Db, school_id: Uuid) -> Result<Option<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT timezone FROM school_timezones WHERE school_id = $1")
        .bind(school_id).fetch_optional(pool).await?))
}

pub async fn save_school_timezone(
    db: &Db,
    school_id: Uuid,
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
