//! The change feed: the shared outbox, read by cursor.

use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::outbox::{self, ChangeKind, FeedEntry};
use otmetka_platform::paging::Page;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use prost::Message;

use super::ScheduleApi;
use super::access::Action;
use super::input::Input;

/// One outbox row as the contract shows it: the payload is the contract's
/// `Change` (event id, actor, resource); the columns tell the rest.
fn to_proto(entry: &FeedEntry) -> Result<pb::Change> {
    let change = &entry.change;
    let corrupt = || Error::Internal(anyhow::anyhow!("change {} is unreadable", entry.cursor));
    let decoded = change
        .payload
        .as_deref()
        .map(pb::Change::decode)
        .transpose()
        .map_err(|_| corrupt())?
        .unwrap_or_default();
    let change_type = match ChangeKind::parse(&change.kind).ok_or_else(corrupt)? {
        ChangeKind::Created => pb::ChangeType::Created,
        ChangeKind::Updated => pb::ChangeType::Updated,
        ChangeKind::Deleted => pb::ChangeType::Deleted,
    };
    Ok(pb::Change {
        id: decoded.id,
        school_id: change.school_id.to_string(),
        change_type: change_type.into(),
        resource_id: change.resource_id.to_string(),
        commit_time: Some(to_timestamp(change.created_at)),
        actor_id: decoded.actor_id,
        resource: decoded.resource,
    })
}

/// The cursor before the first change: the contract hands out a cursor
/// even when there is nothing yet, and the outbox's own is then empty.
fn start_cursor(db: &Db) -> &'static str {
    match db {
        Db::Postgres(_) => "0.0",
        Db::Sqlite(_) => "0",
    }
}

/// Nothing is pruned from the outbox yet, so every cursor stays valid.
pub async fn list_changes(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListChangesRequest,
) -> Result<pb::ListChangesResponse> {
    let page = Page::parse(request.page_size, "")?;
    let mut input = Input::new();
    let school_id = input.optional_id::<SchoolId>("school_id", &request.school_id);
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
    let (mut entries, _) = outbox::list(
        &api.db,
        &request.page_token,
        Some(school_id.uuid()),
        page.fetch_limit(),
    )
    .await
    .map_err(|error| match error {
        Error::InvalidArgument(_) => {
            Error::invalid("page_token", "not a token from a previous call")
        }
        other => other,
    })?;
    let caught_up = entries.len() <= page.size as usize;
    entries.truncate(page.size as usize);
    let next_page_token = match entries.last() {
        Some(entry) => entry.cursor.clone(),
        None if request.page_token.is_empty() => start_cursor(&api.db).to_owned(),
        None => request.page_token,
    };
    Ok(pb::ListChangesResponse {
        changes: entries.iter().map(to_proto).collect::<Result<_>>()?,
        next_page_token,
        caught_up,
    })
}
