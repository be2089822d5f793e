//! The change feed: the outbox, read by cursor.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use prost::Message;

use super::ScheduleApi;
use super::access::Action;
use super::input::Input;
use crate::model::ChangeType;
use crate::store::{self, StoredChange};

fn to_proto(stored: &StoredChange) -> Result<pb::Change> {
    let decoded = pb::Change::decode(stored.resource.as_slice())
        .map_err(|error| Error::Internal(anyhow::Error::new(error).context("an outbox row")))?;
    let change_type = match ChangeType::parse(&stored.change_type) {
        Some(ChangeType::Created) => pb::ChangeType::Created,
        Some(ChangeType::Updated) => pb::ChangeType::Updated,
        Some(ChangeType::Deleted) => pb::ChangeType::Deleted,
        None => pb::ChangeType::Unspecified,
    };
    Ok(pb::Change {
        id: stored.id.to_string(),
        school_id: stored.school_id.to_string(),
        change_type: change_type.into(),
        resource_id: stored.resource_id.to_string(),
        commit_time: Some(to_timestamp(stored.committed_at)),
        actor_id: stored.actor_id.to_string(),
        resource: decoded.resource,
    })
}

/// The cursor is the last sequence number handed out; nothing is pruned
/// from the outbox yet, so every cursor stays valid.
pub async fn list_changes(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListChangesRequest,
) -> Result<pb::ListChangesResponse> {
    let page = Page::parse(request.page_size, "")?;
    let mut input = Input::new();
    let school_id = input.optional_id("school_id", &request.school_id);
    let after = if request.page_token.is_empty() {
        0
    } else {
        request
            .page_token
            .parse::<i64>()
            .ok()
            .filter(|seq| *seq >= 0)
            .unwrap_or_else(|| {
                input.refuse("page_token", "not a token from a previous call");
                0
            })
    };
    input.finish()?;
    let Some(school_id) = school_id else {
        // Every school's feed is for platform services, and none reads it yet.
        return Err(Error::PermissionDenied(
            "name a school: only platform services read every school's changes".into(),
        ));
    };
    api.identity
        .school(&ctx, Action::ReadRoster, school_id)
        .await?;
    let mut rows = store::changes_after(&api.db, school_id, after, page.fetch_limit()).await?;
    let caught_up = rows.len() <= page.size as usize;
    rows.truncate(page.size as usize);
    let last = rows.last().map_or(after, |row| row.seq);
    Ok(pb::ListChangesResponse {
        changes: rows.iter().map(to_proto).collect::<Result<_>>()?,
        next_page_token: last.to_string(),
        caught_up,
    })
}
