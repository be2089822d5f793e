//! The gRPC face of the schedule: parse and validate, ask identity whether
//! the caller may, call the store, convert.

mod access;
mod attachments;
mod bells;
mod calendar;
mod changes;
mod convert;
mod diary;
mod generation;
mod holidays;
mod homework;
mod homework_list;
mod input;
mod lesson_edits;
mod lessons;
mod periods;
mod reviews;
mod service;
mod submissions;
mod timetable;
mod years;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::feed::ConsumerHandle;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as pb;
use prost::Message;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::files::FileStore;
use crate::model::{ChangeType, ResourceKind};
use crate::store::{Change, Created};

pub use access::Identity;
pub use lessons::encode_lesson;

pub struct ScheduleApi {
    db: Db,
    identity: Identity,
    gradebook: GradebookServiceClient<Channel>,
    files: Arc<dyn FileStore>,
    attachments: AttachmentLimits,
    class_weeks: diary::ClassWeeks,
    /// What the rules read as now and today.
    clock: Clock,
    /// The consumer of gradebook's feed that sets lessons' record flags.
    journal_feed: ConsumerHandle,
}

/// What uploads may be.
#[derive(Debug, Clone, Copy)]
pub struct AttachmentLimits {
    pub max_bytes: u64,
}

impl ScheduleApi {
    pub fn new(
        db: Db,
        identity: IdentityServiceClient<Channel>,
        gradebook: GradebookServiceClient<Channel>,
        files: Arc<dyn FileStore>,
        attachments: AttachmentLimits,
        clock: Clock,
        journal_feed: ConsumerHandle,
    ) -> Self {
        Self {
            db,
            identity: Identity::new(identity),
            gradebook,
            files,
            attachments,
            class_weeks: diary::class_weeks(),
            clock,
            journal_feed,
        }
    }

    /// Brings lessons' record flags up to date with gradebook before a
    /// write that would drop lessons without records: a mark posted a
    /// moment ago must keep its lesson.
    async fn flags_up_to_date(&self) -> Result<()> {
        if self.journal_feed.catch_up(FLAGS_CATCH_UP_WITHIN).await {
            Ok(())
        } else {
            Err(Error::Unavailable(
                "the journal's marks could not be checked just now; try again shortly".into(),
            ))
        }
    }
}

/// How long a write that drops lessons waits for gradebook's feed.
const FLAGS_CATCH_UP_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// The outbox row of a change to one resource, made by the caller. The
/// payload is the contract's `Change` with what the shared outbox has no
/// column for: the event id, the actor and the resource itself (as it was
/// before, for deletions).
pub fn change(
    actor_id: impl Into<Uuid>,
    school_id: SchoolId,
    change_type: ChangeType,
    resource_id: impl Into<Uuid>,
    resource: pb::change::Resource,
    at: DateTime<Utc>,
) -> Change {
    let kind = match &resource {
        pb::change::Resource::AcademicYear(_) => ResourceKind::AcademicYear,
        pb::change::Resource::ReportingPeriod(_) => ResourceKind::ReportingPeriod,
        pb::change::Resource::BellSchedule(_) => ResourceKind::BellSchedule,
        pb::change::Resource::TimetableEntry(_) => ResourceKind::TimetableEntry,
        pb::change::Resource::Holiday(_) => ResourceKind::Holiday,
        pb::change::Resource::Lesson(_) => ResourceKind::Lesson,
        pb::change::Resource::Homework(_) => ResourceKind::Homework,
        pb::change::Resource::Submission(_) => ResourceKind::Submission,
    };
    let payload = pb::Change {
        id: Uuid::now_v7().to_string(),
        actor_id: actor_id.into().to_string(),
        resource: Some(resource),
        ..Default::default()
    }
    .encode_to_vec();
    Change {
        created_at: at,
        ..Change::new(
            school_id.uuid(),
            kind.as_str(),
            resource_id.into(),
            change_type.outbox_kind(),
            Some(payload),
        )
    }
}

/// The id a create ends with: the new one, or the one an earlier request
/// with the same key made.
pub fn created_id<Id: From<Uuid>>(created: Created, new: Id) -> Id {
    match created {
        Created::New => new,
        Created::Earlier(id) => Id::from(id),
    }
}

/// The row a create made or found, which must exist now.
pub fn stored<T>(row: Option<T>) -> Result<T> {
    row.ok_or_else(|| Error::Internal(anyhow::anyhow!("a row just written is gone")))
}
