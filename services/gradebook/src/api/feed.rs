//! The change feed: every change of marks, attendance and final marks of a
//! school, in commit order, deletions included, with who made each change;
//! for a vendor, also its own record key of each resource it pushed.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::outbox::{self, ChangeKind, FeedEntry};
use otmetka_platform::paging::bounded_page_size;
use otmetka_platform::time::{parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;
use uuid::Uuid;

use super::GradebookApi;
use super::attendance::ATTENDANCE;
use super::marks::MARK;
use super::results::FINAL_MARK;
use crate::store;

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;

fn change(entry: FeedEntry) -> Result<pb::Change> {
    let FeedEntry { cursor, change } = entry;
    let corrupt = || Error::Internal(anyhow::anyhow!("change {cursor} has a bad payload"));
    let kind = match ChangeKind::parse(&change.kind) {
        Some(ChangeKind::Created) => pb::ChangeKind::Created,
        Some(ChangeKind::Updated) => pb::ChangeKind::Updated,
        Some(ChangeKind::Deleted) => pb::ChangeKind::Deleted,
        None => return Err(corrupt()),
    };
    let resource = match (&change.payload, change.resource_type.as_str()) {
        (None, _) => None,
        (Some(bytes), MARK) => Some(pb::change::Resource::Mark(
            pb::Mark::decode(bytes.as_slice()).map_err(|_| corrupt())?,
        )),
        (Some(bytes), ATTENDANCE) => Some(pb::change::Resource::Attendance(
            pb::AttendanceRecord::decode(bytes.as_slice()).map_err(|_| corrupt())?,
        )),
        (Some(bytes), FINAL_MARK) => Some(pb::change::Resource::FinalMark(
            pb::FinalMark::decode(bytes.as_slice()).map_err(|_| corrupt())?,
        )),
        (Some(_), _) => return Err(corrupt()),
    };
    let written_by = match &resource {
        Some(pb::change::Resource::Mark(mark)) => mark.revised_by.clone(),
        Some(pb::change::Resource::Attendance(record)) => record.author_id.clone(),
        Some(pb::change::Resource::FinalMark(mark)) => mark.author_id.clone(),
        None => String::new(),
    };
    Ok(pb::Change {
        school_id: change.school_id.to_string(),
        resource_type: change.resource_type,
        resource_id: change.resource_id.to_string(),
        kind: kind.into(),
        create_time: Some(to_timestamp(change.created_at)),
        resource,
        cursor,
        written_by,
        ..Default::default()
    })
}

impl GradebookApi {
    /// A school's changes, for those who may read all its records.
    pub(super) async fn list_changes(
        &self,
        ctx: CallContext,
        request: pb::ListChangesRequest,
    ) -> Result<pb::ListChangesResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        let limit = bounded_page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE)?;
        self.school(&ctx, identity::Action::ReadSchoolRecords, school_id)
            .await?;
        let (entries, next_cursor) =
            outbox::list(&self.db, &request.cursor, Some(school_id), i64::from(limit)).await?;
        let mut changes: Vec<pb::Change> =
            entries.into_iter().map(change).collect::<Result<_>>()?;
        self.mark_vendor_changes(&ctx, school_id, &mut changes)
            .await?;
        Ok(pb::ListChangesResponse {
            changes,
            next_cursor,
        })
    }

    /// Tells which changes were vendors' pushes, and gives a vendor caller
    /// its own record key of each resource it holds one for.
    async fn mark_vendor_changes(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        changes: &mut [pb::Change],
    ) -> Result<()> {
        let pushed_types = [MARK, ATTENDANCE];
        let mut ids: Vec<Uuid> = changes
            .iter()
            .filter(|c| pushed_types.contains(&c.resource_type.as_str()))
            .filter_map(|c| Uuid::parse_str(&c.resource_id).ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let keys = store::vendor_keys_of(&self.db, school_id, &ids).await?;
        let caller = ctx.principal.is_client().then_some(ctx.principal.id);
        for change in changes {
            let of_change = |key: &&crate::model::VendorRecord| {
                key.record_type == change.resource_type
                    && key.platform_id.map(|id| id.to_string()) == Some(change.resource_id.clone())
            };
            change.written_by_vendor = keys
                .iter()
                .filter(of_change)
                .any(|key| key.vendor_id.to_string() == change.written_by);
            if let Some(key) = keys
                .iter()
                .filter(of_change)
                .find(|key| Some(key.vendor_id) == caller)
            {
                change.vendor_record_id = key.vendor_record_id.clone();
            }
        }
        Ok(())
    }
}
