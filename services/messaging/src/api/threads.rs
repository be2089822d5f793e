//! Threads: starting one, reading them, the caller's list, archive, read
//! marks and unread counts.

use std::collections::{HashMap, HashSet};

use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use otmetka_platform::paging::{Page, bounded_page_size};
use otmetka_platform::text::TextRule;
use otmetka_platform::time::optional_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;

use super::messages::notices_of;
use super::{CallerThread, MessagingApi, convert};
use crate::model::{Message, MessageId, ParticipantRole, Thread, ThreadId, ThreadView};
use crate::store;
use crate::store::threads::{NewParticipant, ThreadFilter};

pub const SUBJECT: TextRule = TextRule::line(200).required();
pub const TEXT: TextRule = TextRule::text(10_000).required();
/// Participants besides the creator: a thread holds 2–50 people.
const MAX_OTHERS: usize = 49;
const DEFAULT_THREADS: u32 = 20;
const MAX_THREADS: u32 = 100;

impl MessagingApi {
    /// The thread as `caller` sees it now.
    async fn view(&self, found: CallerThread) -> Result<ThreadView> {
        let CallerThread {
            thread,
            participants,
            me,
        } = found;
        let last_message = store::messages::latest(&self.db, thread.id)
            .await?
            .ok_or_else(|| {
                Error::Internal(anyhow::anyhow!("thread {} has no message", thread.id))
            })?;
        let unread = store::threads::unread_in(&self.db, thread.id, me.person_id).await?;
        Ok(ThreadView {
            thread,
            participants,
            last_message,
            unread,
            archived: me.archived,
        })
    }
}

pub async fn create_thread(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::CreateThreadRequest,
) -> Result<pb::CreateThreadResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let student_id = StudentId::parse_optional("student_id", &request.student_id)?;
    let request_id = optional_id("request_id", &request.request_id)?;
    let mut violations = Violations::new();
    let subject = SUBJECT.check("subject", &request.subject, &mut violations);
    let text = TEXT.check("text", &request.text, &mut violations);
    if request.participant_ids.is_empty() {
        violations.add("participant_ids", "name at least one person");
    } else if request.participant_ids.len() > MAX_OTHERS {
        violations.add(
            "participant_ids",
            format!("a thread holds at most {} people", MAX_OTHERS + 1),
        );
    }
    let mut others = Vec::new();
    let mut seen = HashSet::new();
    for (index, text) in request.participant_ids.iter().enumerate() {
        let field = format!("participant_ids[{index}]");
        match PersonId::parse(&field, text) {
            Ok(id) if id == caller => violations.add(field, "is you; you take part anyway"),
            Ok(id) if !seen.insert(id) => violations.add(field, "is named twice"),
            Ok(id) => others.push((field, id)),
            Err(_) => violations.add(field, "must be a person's id"),
        }
    }
    violations.into_result()?;
    // Each person is asked about on their own, all at once.
    let asked = others.into_iter().map(|(field, person_id)| {
        let ctx = &ctx;
        async move {
            let correspondent = api
                .identity
                .correspondent(ctx, school_id, person_id, student_id)
                .await?
                .ok_or_else(|| Error::not_found(format!("person ({field})")))?;
            Ok::<_, Error>(NewParticipant {
                person_id,
                role: correspondent.role,
                display_name: correspondent.display_name,
            })
        }
    });
    let mut participants = futures_util::future::try_join_all(asked).await?;
    let my_role = match student_id {
        Some(student_id) if student_id.uuid() == caller.uuid() => ParticipantRole::Student,
        Some(student_id) if api.identity.acts_for(&ctx, student_id).await? => {
            ParticipantRole::Guardian
        }
        _ => ParticipantRole::Staff,
    };
    participants.insert(
        0,
        NewParticipant {
            person_id: caller,
            role: my_role,
            display_name: api.identity.my_name(&ctx).await?,
        },
    );
    let now = api.clock.now();
    let thread = Thread {
        id: ThreadId::generate(),
        school_id,
        student_id,
        subject: subject.to_owned(),
        created_by: caller,
        created_at: now,
    };
    let first = Message {
        id: MessageId::generate(),
        school_id,
        thread_id: thread.id,
        author_id: caller,
        text: text.to_owned(),
        created_at: now,
    };
    let others: Vec<_> = participants[1..]
        .iter()
        .map(|participant| (participant.person_id, participant.role))
        .collect();
    let notices = notices_of(api, &thread, &others, &first, &participants[0].display_name).await?;
    let written = store::threads::insert_thread(
        &api.db,
        &thread,
        &participants,
        &first,
        request_id,
        &notices,
    )
    .await?;
    api.announce(&written, &notices);
    let thread_id = written.into_inner();
    let found = api.thread_of_caller(&ctx, school_id, thread_id).await?;
    let view = api.view(found).await?;
    let message = store::messages::messages(&api.db, thread_id, None, i64::MAX)
        .await?
        .pop()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("thread {thread_id} has no message")))?;
    Ok(pb::CreateThreadResponse {
        thread: Some(convert::thread(view)),
        message: Some(convert::message(message)),
    })
}

fn thread_id(request_id: &str) -> Result<ThreadId> {
    ThreadId::parse("thread_id", request_id)
}

pub async fn get_thread(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::GetThreadRequest,
) -> Result<pb::GetThreadResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = ThreadId::parse("id", &request.id)?;
    let found = api.thread_of_caller(&ctx, school_id, id).await?;
    Ok(pb::GetThreadResponse {
        thread: Some(convert::thread(api.view(found).await?)),
    })
}

pub async fn list_threads(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ListThreadsRequest,
) -> Result<pb::ListThreadsResponse> {
    let caller = PersonId(ctx.person_id()?);
    let filter = ThreadFilter {
        school_id: SchoolId::parse_optional("school_id", &request.school_id)?,
        student_id: StudentId::parse_optional("student_id", &request.student_id)?,
        unread_only: request.unread_only,
        include_archived: request.include_archived,
    };
    let size = bounded_page_size(request.page_size, DEFAULT_THREADS, MAX_THREADS)?;
    let page = Page {
        size,
        ..Page::parse(0, &request.page_token)?
    };
    let mut rows = store::threads::threads_of(
        &api.db,
        caller,
        &filter,
        page.after_id()?,
        page.fetch_limit(),
    )
    .await?;
    let next_page_token = page.finish(&mut rows, |row| row.last_message_id.to_string());
    // A guardian whose guardianship ended no longer sees the threads about
    // that student: asked once per student on the page.
    let mut family_access: HashMap<StudentId, bool> = HashMap::new();
    let mut threads = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(thread) = store::threads::get_thread_anywhere(&api.db, row.thread_id).await?
        else {
            continue;
        };
        let participants = store::threads::participants(&api.db, thread.id).await?;
        let Some(me) = participants.iter().find(|p| p.person_id == caller).cloned() else {
            continue;
        };
        if me.role == ParticipantRole::Guardian {
            let Some(student_id) = thread.student_id else {
                continue;
            };
            let allowed = match family_access.get(&student_id) {
                Some(allowed) => *allowed,
                None => {
                    let allowed = api.identity.acts_for(&ctx, student_id).await?;
                    family_access.insert(student_id, allowed);
                    allowed
                }
            };
            if !allowed {
                continue;
            }
        }
        let Some(last_message) =
            store::messages::get_message(&api.db, thread.id, row.last_message_id).await?
        else {
            continue;
        };
        threads.push(convert::thread(ThreadView {
            thread,
            participants,
            last_message,
            unread: row.unread,
            archived: row.archived,
        }));
    }
    Ok(pb::ListThreadsResponse {
        threads,
        next_page_token,
    })
}

pub async fn archive_thread(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ArchiveThreadRequest,
) -> Result<pb::ArchiveThreadResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = thread_id(&request.thread_id)?;
    let found = api.thread_of_caller(&ctx, school_id, id).await?;
    store::threads::set_archived(&api.db, id, found.me.person_id, request.archived).await?;
    let found = api.thread_of_caller(&ctx, school_id, id).await?;
    Ok(pb::ArchiveThreadResponse {
        thread: Some(convert::thread(api.view(found).await?)),
    })
}

pub async fn mark_thread_read(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::MarkThreadReadRequest,
) -> Result<pb::MarkThreadReadResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = thread_id(&request.thread_id)?;
    let found = api.thread_of_caller(&ctx, school_id, id).await?;
    let up_to = match MessageId::parse_optional("message_id", &request.message_id)? {
        Some(message_id) => {
            store::messages::get_message(&api.db, id, message_id)
                .await?
                .ok_or_else(|| Error::invalid("message_id", "is not a message of this thread"))?
                .id
        }
        None => {
            store::messages::latest(&api.db, id)
                .await?
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("thread {id} has no message")))?
                .id
        }
    };
    store::threads::mark_read(&api.db, id, found.me.person_id, up_to, api.clock.now()).await?;
    let found = api.thread_of_caller(&ctx, school_id, id).await?;
    Ok(pb::MarkThreadReadResponse {
        thread: Some(convert::thread(api.view(found).await?)),
    })
}

pub async fn get_unread_counts(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::GetUnreadCountsRequest,
) -> Result<pb::GetUnreadCountsResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse_optional("school_id", &request.school_id)?;
    let (mut messages, mut threads) = (0, 0);
    for group in store::threads::unread_groups(&api.db, caller, school_id).await? {
        // A guardian whose guardianship has ended no longer reads those threads.
        let readable = match (group.role, group.student_id) {
            (ParticipantRole::Guardian, Some(student_id)) => {
                api.identity.acts_for(&ctx, student_id).await?
            }
            (ParticipantRole::Guardian, None) => false,
            _ => true,
        };
        if readable {
            messages += group.messages;
            threads += group.threads;
        }
    }
    let notifications = store::notifications::unread_count(&api.db, caller, school_id).await?;
    let announcements =
        store::announcements::unread_count(&api.db, caller, school_id, api.clock.now()).await?;
    let pending = api.pending_invitations(&ctx, school_id).await?;
    Ok(pb::GetUnreadCountsResponse {
        unread_messages: convert::count(messages),
        unread_threads: convert::count(threads),
        unread_announcements: convert::count(announcements),
        unread_notifications: convert::count(notifications),
        pending_invitations: convert::count(pending),
    })
}
