//! The schedule's queries, written once for both backends.
//!
//! Every change is written with its outbox row (`changes`) in one
//! transaction. Writers take one lock before they write (an advisory lock on
//! PostgreSQL; SQLite has a single writer anyway), so the outbox's sequence
//! follows commit order and a feed reader's cursor never passes a change
//! that commits later with a smaller number. Schedule writes are few
//! (timetables, topics, substitutions), so one lock costs little.

mod calendar;
mod lessons;
mod timetable;

pub use calendar::*;
pub use lessons::*;
pub use timetable::*;

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Error, Result, with_db};
use sqlx::{Postgres, Sqlite, Transaction};
use uuid::Uuid;

use crate::model::{ChangeType, ResourceKind};

/// The advisory lock every schedule writer holds until it commits.
const WRITE_LOCK: i64 = 0x6f74_6d65_7363_6864; // "otmeschd"

/// Makes writers take turns until commit.
pub trait SerializeWrites {
    fn serialize_writes(&mut self) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

impl SerializeWrites for Transaction<'static, Postgres> {
    async fn serialize_writes(&mut self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut **self)
            .await
            .map(drop)
    }
}

impl SerializeWrites for Transaction<'static, Sqlite> {
    async fn serialize_writes(&mut self) -> Result<(), sqlx::Error> {
        // `BEGIN IMMEDIATE` already made this the only writer.
        Ok(())
    }
}

/// Runs `$body` in a write transaction bound to `$tx`, committing when it
/// finishes; an early return (`?`) rolls it back.
macro_rules! write_tx {
    ($db:expr, $tx:ident => $body:block) => {
        otmetka_platform::with_db!($db, pool => {
            let mut $tx = otmetka_platform::db::BeginWrite::begin_write(pool).await?;
            $crate::store::SerializeWrites::serialize_writes(&mut $tx).await?;
            let result = $body;
            $tx.commit().await?;
            result
        })
    };
}
pub(crate) use write_tx;

/// Writes the outbox row of `$change` in transaction `$tx`.
macro_rules! record_change {
    ($tx:expr, $change:expr) => {{
        let change: &$crate::store::Change = $change;
        sqlx::query(
            "INSERT INTO changes (id, school_id, change_type, resource_kind, resource_id,
                                  actor_id, committed_at, resource)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(change.id)
        .bind(change.school_id)
        .bind(change.change_type.as_str())
        .bind(change.kind.as_str())
        .bind(change.resource_id)
        .bind(change.actor_id)
        .bind(change.at)
        .bind(&change.resource)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use record_change;

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

/// One outbox row: what changed, and the resource as the contract shows it.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: Uuid,
    pub school_id: Uuid,
    pub change_type: ChangeType,
    pub kind: ResourceKind,
    pub resource_id: Uuid,
    pub actor_id: Uuid,
    pub at: DateTime<Utc>,
    /// The contract's message of the resource, encoded.
    pub resource: Vec<u8>,
}

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

/// A stored outbox row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredChange {
    pub seq: i64,
    pub id: Uuid,
    pub school_id: Uuid,
    pub change_type: String,
    pub resource_id: Uuid,
    pub actor_id: Uuid,
    pub committed_at: DateTime<Utc>,
    pub resource: Vec<u8>,
}

/// A school's changes after `after` (a sequence number), oldest first.
pub async fn changes_after(
    db: &Db,
    school_id: Uuid,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredChange>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT seq, id, school_id, change_type, resource_id, actor_id,
                committed_at, resource
         FROM changes WHERE school_id = $1 AND seq > $2
         ORDER BY seq LIMIT $3")
        .bind(school_id).bind(after).bind(limit)
        .fetch_all(pool).await?))
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
