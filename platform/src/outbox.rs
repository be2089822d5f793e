//! The transactional outbox behind every service's change feed.
//!
//! A service writes a change row in the same transaction as the change
//! itself ([`record`], [`record_all`]), so the feed never misses or
//! invents one.
//! Readers page through it with an opaque cursor ([`list`]).
//!
//! Handing out rows in sequence order alone would lose changes on
//! PostgreSQL: a transaction can take sequence number 8, commit after
//! another took 9 and committed, and a reader that already moved past 9
//! would never see 8. So PostgreSQL rows carry their transaction id and are
//! read in (transaction id, sequence) order, and only from transactions older
//! than every transaction still running (the snapshot's `xmin`): whatever
//! commits later sorts after the cursor. SQLite runs one write transaction
//! at a time, so there sequence order is commit order.
//!
//! Each service's migrations create the table (both backends):
//! `changes (seq, [txid xid8 DEFAULT pg_current_xact_id()], school_id,
//! resource_type, resource_id, kind, payload, created_at)`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Result;
use crate::db::{Db, Tx};
use crate::error::Error;
use crate::with_tx;

/// What happened to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Created,
    Updated,
    Deleted,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Created, Self::Updated, Self::Deleted]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// One change, as written and as read back.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Change {
    pub school_id: Uuid,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub kind: String,
    /// The resource after the change, protobuf-encoded; `None` for deletions.
    pub payload: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

impl Change {
    pub fn new(
        school_id: Uuid,
        resource_type: &str,
        resource_id: Uuid,
        kind: ChangeKind,
        payload: Option<Vec<u8>>,
    ) -> Self {
        Self {
            school_id,
            resource_type: resource_type.to_owned(),
            resource_id,
            kind: kind.as_str().to_owned(),
            payload,
            created_at: Utc::now(),
        }
    }
}

/// Rows per statement when many changes are recorded at once: well under
/// both backends' limits on bound parameters (six per row).
const ROWS_PER_STATEMENT: usize = 500;

/// Records `change` in the open write transaction.
pub async fn record(tx: &mut Tx, change: &Change) -> Result<()> {
    record_all(tx, std::slice::from_ref(change)).await
}

/// Records `changes` in the open write transaction, many per statement.
pub async fn record_all(tx: &mut Tx, changes: &[Change]) -> Result<()> {
    for chunk in changes.chunks(ROWS_PER_STATEMENT) {
        with_tx!(&mut *tx, conn => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO changes (school_id, resource_type, resource_id, kind, payload, created_at) ",
            );
            insert.push_values(chunk, |mut row, change| {
                row.push_bind(change.school_id)
                    .push_bind(&change.resource_type)
                    .push_bind(change.resource_id)
                    .push_bind(&change.kind)
                    .push_bind(&change.payload)
                    .push_bind(change.created_at);
            });
            insert.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// A change read from the feed, with the cursor just past it.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub cursor: String,
    pub change: Change,
}

#[derive(sqlx::FromRow)]
struct PostgresRow {
    seq: i64,
    txid: String,
    #[sqlx(flatten)]
    change: Change,
}

#[derive(sqlx::FromRow)]
struct SqliteRow {
    seq: i64,
    #[sqlx(flatten)]
    change: Change,
}

fn bad_cursor() -> Error {
    Error::invalid("cursor", "is not a cursor this feed handed out")
}

/// Whether changes after `cursor` exist that a page ending there did not
/// hand out: on PostgreSQL, committed changes wait while an older
/// transaction is open, and a change may commit between reading a page and
/// asking this. Either way the reader is not caught up. (SQLite commits one
/// writer at a time, in sequence order, so a short page is the end.)
pub async fn held_back(db: &Db, cursor: &str) -> Result<bool> {
    let Db::Postgres(pool) = db else {
        return Ok(false);
    };
    let (txid, seq) = postgres_position(cursor)?;
    let held: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE (txid, seq) > ($1::text::xid8, $2))",
    )
    .bind(txid.to_string())
    .bind(seq)
    .fetch_one(pool)
    .await?;
    Ok(held)
}

/// A PostgreSQL cursor's (transaction id, sequence); "" is the beginning.
fn postgres_position(cursor: &str) -> Result<(u64, i64)> {
    if cursor.is_empty() {
        return Ok((0, 0));
    }
    let (txid, seq) = cursor.split_once('.').ok_or_else(bad_cursor)?;
    Ok((
        txid.parse().map_err(|_| bad_cursor())?,
        seq.parse().map_err(|_| bad_cursor())?,
    ))
}

/// Up to `limit` changes after `cursor` ("" for the beginning), optionally
/// of one school, and the cursor to continue from (the request's own when
/// nothing is new).
pub async fn list(
    db: &Db,
    cursor: &str,
    school_id: Option<Uuid>,
    limit: i64,
) -> Result<(Vec<FeedEntry>, String)> {
    let entries: Vec<FeedEntry> = match db {
        Db::Postgres(pool) => {
            let (txid, seq) = postgres_position(cursor)?;
            let rows: Vec<PostgresRow> = sqlx::query_as(
                "SELECT seq, txid::text AS txid, school_id, resource_type, resource_id, kind, payload, created_at
                 FROM changes
                 WHERE (txid, seq) > ($1::text::xid8, $2)
                   AND txid < pg_snapshot_xmin(pg_current_snapshot())
                   AND ($3::uuid IS NULL OR school_id = $3)
                 ORDER BY txid, seq LIMIT $4",
            )
            .bind(txid.to_string())
            .bind(seq)
            .bind(school_id)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|row| FeedEntry {
                    cursor: format!("{}.{}", row.txid, row.seq),
                    change: row.change,
                })
                .collect()
        }
        Db::Sqlite(pool) => {
            let seq: i64 = if cursor.is_empty() {
                0
            } else {
                cursor.parse().map_err(|_| bad_cursor())?
            };
            let rows: Vec<SqliteRow> = sqlx::query_as(
                "SELECT seq, school_id, resource_type, resource_id, kind, payload, created_at
                 FROM changes
                 WHERE seq > $1 AND ($2 IS NULL OR school_id = $2)
                 ORDER BY seq LIMIT $3",
            )
            .bind(seq)
            .bind(school_id)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|row| FeedEntry {
                    cursor: row.seq.to_string(),
                    change: row.change,
                })
                .collect()
        }
    };
    let next = entries
        .last()
        .map_or_else(|| cursor.to_owned(), |entry| entry.cursor.clone());
    Ok((entries, next))
}
