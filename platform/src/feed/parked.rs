//! A consumer's state in its service's database: the cursor of each
//! consumer, the changes it parked, and the operator's view of them
//! (`otmetka.common.v1.ChangeConsumerService`, city operators only).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use otmetka_proto::common::v1 as pb;
use otmetka_proto::common::v1::change_consumer_service_server::ChangeConsumerService;
use prost::Message;
use tonic::Request;
use uuid::Uuid;

use super::consumer::{ApplyChange, Refusal};
use crate::db::{Db, Tx};
use crate::error::{Error, Result};
use crate::grpc::{CallContext, Reply, handle};
use crate::paging::Page;
use crate::time::{parse_id, to_timestamp};
use crate::{with_db, with_tx};

/// The cursor `consumer` applied up to; empty before its first change.
pub async fn cursor(db: &Db, consumer: &str) -> Result<String> {
    let cursor: Option<String> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT cursor FROM feed_cursors WHERE consumer = $1")
        .bind(consumer).fetch_optional(pool).await?);
    Ok(cursor.unwrap_or_default())
}

/// The cursor of `consumer`, locked until `tx` ends: replicas of a service
/// run the same consumer, and one that finds the cursor moved since it read
/// its page leaves the page to the replica that moved it.
pub async fn lock_cursor(tx: &mut Tx, consumer: &str) -> Result<String> {
    // A row to lock even before the first change.
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO feed_cursors (consumer, cursor, updated_at) VALUES ($1, '', $2)
         ON CONFLICT (consumer) DO NOTHING")
        .bind(consumer).bind(Utc::now()).execute(&mut *conn).await?; });
    let cursor: Option<String> = match tx {
        Tx::Postgres(tx) => {
            sqlx::query_scalar("SELECT cursor FROM feed_cursors WHERE consumer = $1 FOR UPDATE")
                .bind(consumer)
                .fetch_optional(&mut **tx)
                .await?
        }
        // `BEGIN IMMEDIATE` already made this the only writer.
        Tx::Sqlite(tx) => {
            sqlx::query_scalar("SELECT cursor FROM feed_cursors WHERE consumer = $1")
                .bind(consumer)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    Ok(cursor.unwrap_or_default())
}

/// Moves `consumer` past `cursor`, in the transaction of the effects.
pub async fn save_cursor(tx: &mut Tx, consumer: &str, cursor: &str) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO feed_cursors (consumer, cursor, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (consumer) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at")
        .bind(consumer).bind(cursor).bind(Utc::now()).execute(&mut *conn).await?; });
    Ok(())
}

/// Parks `change`, which `consumer` could not apply.
pub async fn park(
    tx: &mut Tx,
    consumer: &str,
    change: &pb::ChangeEnvelope,
    reason: &str,
) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO feed_parked (id, consumer, cursor, envelope, reason, attempts, parked_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6)")
        .bind(Uuid::now_v7()).bind(consumer).bind(&change.cursor).bind(change.encode_to_vec())
        .bind(reason).bind(Utc::now()).execute(&mut *conn).await?; });
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub(super) struct ParkedRow {
    id: Uuid,
    consumer: String,
    envelope: Vec<u8>,
    pub(super) reason: String,
    attempts: i32,
    parked_at: DateTime<Utc>,
}

impl ParkedRow {
    fn envelope(&self) -> Result<pb::ChangeEnvelope> {
        pb::ChangeEnvelope::decode(self.envelope.as_slice()).map_err(|_| {
            Error::Internal(anyhow::anyhow!("parked change {} is unreadable", self.id))
        })
    }

    fn to_proto(&self) -> Result<pb::ParkedChange> {
        Ok(pb::ParkedChange {
            id: self.id.to_string(),
            consumer: self.consumer.clone(),
            change: Some(self.envelope()?),
            reason: self.reason.clone(),
            park_time: Some(to_timestamp(self.parked_at)),
            attempts: self.attempts,
        })
    }
}

async fn parked(db: &Db, id: Uuid) -> Result<Option<ParkedRow>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, consumer, envelope, reason, attempts, parked_at FROM feed_parked WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub(super) async fn list(db: &Db, page: &Page) -> Result<Vec<ParkedRow>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, consumer, envelope, reason, attempts, parked_at FROM feed_parked
         WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2")
        .bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

type BoxedApply<'a> = Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send + 'a>>;

/// [`ApplyChange`] behind a pointer, so one service can hold the retriers
/// of consumers of different kinds.
trait ApplyBoxed: Send + Sync {
    fn apply_boxed<'a>(&'a self, tx: &'a mut Tx, change: &'a pb::ChangeEnvelope) -> BoxedApply<'a>;
}

impl<A: ApplyChange> ApplyBoxed for A {
    fn apply_boxed<'a>(&'a self, tx: &'a mut Tx, change: &'a pb::ChangeEnvelope) -> BoxedApply<'a> {
        Box::pin(self.apply(tx, change))
    }
}

/// Applies a consumer's parked changes again.
#[derive(Clone)]
pub struct Retrier {
    consumer: &'static str,
    db: Db,
    apply: Arc<dyn ApplyBoxed>,
}

impl std::fmt::Debug for Retrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retrier")
            .field("consumer", &self.consumer)
            .finish()
    }
}

impl Retrier {
    pub(super) fn new<A: ApplyChange>(consumer: &'static str, db: Db, apply: Arc<A>) -> Self {
        Self {
            consumer,
            db,
            apply,
        }
    }

    /// Applies the parked change and forgets it, or keeps it parked with the
    /// new reason. The answer is the change as it stays parked, if it does.
    pub(super) async fn retry(&self, row: ParkedRow) -> Result<Option<pb::ParkedChange>> {
        let change = row.envelope()?;
        let mut tx = self.db.begin_write().await?;
        let reason = match self.apply.apply_boxed(&mut tx, &change).await {
            Ok(()) => {
                with_tx!(&mut tx, conn => { sqlx::query("DELETE FROM feed_parked WHERE id = $1")
                    .bind(row.id).execute(&mut *conn).await?; });
                tx.commit().await?;
                tracing::info!(consumer = self.consumer, id = %row.id, "applied a parked change");
                return Ok(None);
            }
            Err(Refusal::Retry(error)) => return Err(error),
            Err(Refusal::Park(reason)) => reason,
        };
        drop(tx);
        let now = Utc::now();
        let mut tx = self.db.begin_write().await?;
        with_tx!(&mut tx, conn => { sqlx::query(
            "UPDATE feed_parked SET reason = $2, attempts = attempts + 1, parked_at = $3 WHERE id = $1")
            .bind(row.id).bind(&reason).bind(now).execute(&mut *conn).await?; });
        tx.commit().await?;
        let row = ParkedRow {
            reason,
            attempts: row.attempts + 1,
            parked_at: now,
            ..row
        };
        row.to_proto().map(Some)
    }
}

/// The operator's view of a service's parked changes.
#[derive(Debug, Clone)]
pub struct ParkedChanges {
    db: Db,
    retriers: Vec<Retrier>,
}

impl ParkedChanges {
    pub fn new(db: Db, retriers: Vec<Retrier>) -> Self {
        Self { db, retriers }
    }

    fn require_operator(ctx: &CallContext) -> Result<()> {
        if ctx.principal.city_operator && !ctx.principal.is_client() {
            Ok(())
        } else {
            Err(Error::PermissionDenied(
                "only the city's operators see parked changes".into(),
            ))
        }
    }

    async fn list_parked(
        &self,
        ctx: CallContext,
        request: pb::ListParkedChangesRequest,
    ) -> Result<pb::ListParkedChangesResponse> {
        Self::require_operator(&ctx)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let mut rows = list(&self.db, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
        let parked_changes = rows
            .iter()
            .map(ParkedRow::to_proto)
            .collect::<Result<_>>()?;
        Ok(pb::ListParkedChangesResponse {
            parked_changes,
            next_page_token,
        })
    }

    async fn retry_parked(
        &self,
        ctx: CallContext,
        request: pb::RetryParkedChangeRequest,
    ) -> Result<pb::RetryParkedChangeResponse> {
        Self::require_operator(&ctx)?;
        let id = parse_id("id", &request.id)?;
        let row = parked(&self.db, id)
            .await?
            .ok_or_else(|| Error::not_found("parked change"))?;
        let retrier = self
            .retriers
            .iter()
            .find(|retrier| retrier.consumer == row.consumer)
            .ok_or_else(|| {
                Error::FailedPrecondition(format!(
                    "no consumer {:?} runs in this service",
                    row.consumer
                ))
            })?;
        let parked_change = retrier.retry(row).await?;
        Ok(pb::RetryParkedChangeResponse {
            applied: parked_change.is_none(),
            parked_change,
        })
    }
}

#[tonic::async_trait]
impl ChangeConsumerService for ParkedChanges {
    async fn list_parked_changes(
        &self,
        request: Request<pb::ListParkedChangesRequest>,
    ) -> Reply<pb::ListParkedChangesResponse> {
        handle(request, |ctx, message| self.list_parked(ctx, message)).await
    }

    async fn retry_parked_change(
        &self,
        request: Request<pb::RetryParkedChangeRequest>,
    ) -> Reply<pb::RetryParkedChangeResponse> {
        handle(request, |ctx, message| self.retry_parked(ctx, message)).await
    }
}
