//! The gRPC face of messaging: parse and validate, ask identity whether the
//! caller may, call the store, convert.

mod announcement_fields;
mod announcements;
mod convert;
mod identity;
mod input;
mod invitations;
mod meeting_changes;
mod meeting_fields;
mod meetings;
mod messages;
mod notifications;
mod service;
mod settings;
mod threads;

use std::sync::Arc;

use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

use crate::model::{Participant, ParticipantRole, Thread, ThreadId};
use crate::notify::StoredSignal;
use crate::notify::directory::Directory;
use crate::notify::hub::Hub;
use crate::store;

pub use identity::Identity;

pub struct MessagingApi {
    db: Db,
    identity: Identity,
    /// When messages are posted and read.
    clock: Clock,
    /// Whom a new message may notify: a guardian only while the
    /// guardianship lasts.
    directory: Directory,
    /// New notifications for the live streams.
    hub: Hub,
    /// Wakes this replica's live streams when a message notifies.
    stored: StoredSignal,
    /// Wakes this replica's announcer when an announcement is published.
    published: Arc<Notify>,
    /// Wakes this replica's inviter when a meeting is planned or changed.
    planned: Arc<Notify>,
    /// Ends live streams when the server shuts down.
    shutdown: CancellationToken,
}

/// What the API wakes in this replica's background work.
pub struct Wakers {
    /// The live streams, when a message notifies.
    pub stored: StoredSignal,
    /// The announcer, when an announcement is published.
    pub published: Arc<Notify>,
    /// The inviter, when a meeting is planned or changed.
    pub planned: Arc<Notify>,
}

impl MessagingApi {
    pub fn new(
        db: Db,
        identity: IdentityServiceClient<Channel>,
        clock: Clock,
        directory: Directory,
        hub: Hub,
        wakers: Wakers,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            db,
            identity: Identity::new(identity),
            clock,
            directory,
            hub,
            stored: wakers.stored,
            published: wakers.published,
            planned: wakers.planned,
            shutdown,
        }
    }

    /// Whether the caller is the school's management, who run its
    /// announcements and meetings (identity's ACTION_ANNOUNCE to the school).
    async fn manages_school(&self, ctx: &CallContext, school_id: SchoolId) -> Result<bool> {
        Ok(self
            .identity
            .announces_in(ctx, school_id, None, None)
            .await?
            == Some(school_id))
    }

    /// Refuses unless the caller may speak to the families of every class
    /// of `class_ids` (their class teacher, or the school's management);
    /// the first class refused is "not found" under `field[index]`.
    async fn require_classes(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        field: &str,
        class_ids: &[ClassId],
    ) -> Result<()> {
        for (index, class_id) in class_ids.iter().enumerate() {
            if self
                .identity
                .announces_in(ctx, school_id, Some(*class_id), None)
                .await?
                != Some(school_id)
            {
                return Err(Error::not_found(format!("class ({field}[{index}])")));
            }
        }
        Ok(())
    }

    /// A thread the caller takes part in, with everyone in it, or "thread
    /// not found". A guardian's part ends with the guardianship of the
    /// student the thread is about; a student and staff keep theirs (a
    /// thread stays readable after a student moves school).
    async fn thread_of_caller(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        thread_id: ThreadId,
    ) -> Result<CallerThread> {
        let not_found = || Error::not_found("thread");
        let caller = PersonId(ctx.person_id()?);
        let thread = store::threads::get_thread(&self.db, school_id, thread_id)
            .await?
            .ok_or_else(not_found)?;
        let participants = store::threads::participants(&self.db, thread_id).await?;
        let me = participants
            .iter()
            .find(|participant| participant.person_id == caller)
            .cloned()
            .ok_or_else(not_found)?;
        if me.role == ParticipantRole::Guardian {
            let still_guardian = match thread.student_id {
                Some(student_id) => self.identity.acts_for(ctx, student_id).await?,
                None => false,
            };
            if !still_guardian {
                return Err(not_found());
            }
        }
        Ok(CallerThread {
            thread,
            participants,
            me,
        })
    }
}

/// A thread as the caller may read it.
struct CallerThread {
    thread: Thread,
    participants: Vec<Participant>,
    me: Participant,
}
