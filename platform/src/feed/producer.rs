//! A service's side of its change feed: the outbox, served to platform
//! services as `otmetka.common.v1.ChangeFeedService`.

use otmetka_proto::common::v1 as pb;
use otmetka_proto::common::v1::change_feed_service_server::ChangeFeedService;
use tonic::Request;

use super::entity_type;
use crate::authz::SCOPE_ALL_CHANGES_READ;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::grpc::{CallContext, Reply, handle};
use crate::outbox::{self, ChangeKind, FeedEntry};
use crate::time::to_timestamp;

const DEFAULT_PAGE: i64 = 100;
const MAX_PAGE: i64 = 1000;

/// Serves the outbox of `db`.
#[derive(Debug, Clone)]
pub struct ChangeFeed {
    db: Db,
}

impl ChangeFeed {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn read_changes(
        &self,
        ctx: CallContext,
        request: pb::ReadChangesRequest,
    ) -> Result<pb::ReadChangesResponse> {
        if !ctx.principal.has_scope(SCOPE_ALL_CHANGES_READ) {
            return Err(Error::PermissionDenied(
                "only platform services read every school's changes".into(),
            ));
        }
        let limit = match i64::from(request.page_size) {
            0 => DEFAULT_PAGE,
            size if size < 0 => return Err(Error::invalid("page_size", "must not be negative")),
            size => size.min(MAX_PAGE),
        };
        let (entries, next_cursor) = outbox::list(&self.db, &request.cursor, None, limit).await?;
        let caught_up =
            (entries.len() as i64) < limit && !outbox::held_back(&self.db, &next_cursor).await?;
        let changes = entries
            .into_iter()
            .map(envelope)
            .collect::<Result<Vec<_>>>()?;
        Ok(pb::ReadChangesResponse {
            changes,
            next_cursor,
            caught_up,
        })
    }
}

#[tonic::async_trait]
impl ChangeFeedService for ChangeFeed {
    async fn read_changes(
        &self,
        request: Request<pb::ReadChangesRequest>,
    ) -> Reply<pb::ReadChangesResponse> {
        handle(request, |ctx, message| self.read_changes(ctx, message)).await
    }
}

/// One outbox row as the common contract carries it.
pub fn envelope(entry: FeedEntry) -> Result<pb::ChangeEnvelope> {
    let FeedEntry { cursor, change } = entry;
    let corrupt = || Error::Internal(anyhow::anyhow!("change {cursor} is unreadable"));
    let change_type = match ChangeKind::parse(&change.kind).ok_or_else(corrupt)? {
        ChangeKind::Created => pb::ChangeType::Created,
        ChangeKind::Updated => pb::ChangeType::Updated,
        ChangeKind::Deleted => pb::ChangeType::Deleted,
    };
    let entity_type = entity_type(&change.resource_type).ok_or_else(corrupt)?;
    Ok(pb::ChangeEnvelope {
        school_id: change.school_id.to_string(),
        entity_type: entity_type.into(),
        entity_id: change.resource_id.to_string(),
        change_type: change_type.into(),
        commit_time: Some(to_timestamp(change.created_at)),
        payload: change.payload.unwrap_or_default(),
        cursor,
    })
}
