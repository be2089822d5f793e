//! Messages of a thread: posting one (which notifies the others in it),
//! reading them newest first.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::time::optional_id;
use otmetka_proto::messaging::v1 as pb;

use super::threads::TEXT;
use super::{MessagingApi, convert};
use crate::model::{
    Message, MessageId, Notification, NotificationId, NotificationKind, ParticipantRole, Thread,
    ThreadId,
};
use crate::notify::texts;
use crate::store;
use crate::store::Written;

/// One notification of `message` for each of `others` who may still read
/// the thread: a guardian only while the guardianship of its student lasts
/// (asked of identity now, as the reader's access is).
pub(super) async fn notices_of(
    api: &MessagingApi,
    thread: &Thread,
    others: &[(PersonId, ParticipantRole)],
    message: &Message,
    author_name: &str,
) -> Result<Vec<Notification>> {
    let guardians_now = match thread.student_id {
        Some(student_id)
            if others
                .iter()
                .any(|(_, role)| *role == ParticipantRole::Guardian) =>
        {
            let facts = api
                .directory
                .facts(
                    std::iter::once(student_id),
                    std::iter::empty(),
                    std::iter::empty(),
                )
                .await?;
            facts
                .families
                .get(&student_id)
                .map(|family| family.guardians.clone())
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let (title, body) = texts::new_message(&thread.subject, author_name, &message.text);
    Ok(others
        .iter()
        .filter(|(person_id, role)| {
            *role != ParticipantRole::Guardian || guardians_now.contains(person_id)
        })
        .map(|&(person_id, _)| Notification {
            id: NotificationId::generate(),
            school_id: thread.school_id,
            person_id,
            student_id: thread.student_id,
            kind: NotificationKind::NewMessage,
            title: title.clone(),
            body: body.clone(),
            source_service: "messaging".into(),
            source_event_id: format!("message/{}", message.id),
            resource_type: "thread".into(),
            resource_id: thread.id.to_string(),
            read_at: None,
            created_at: message.created_at,
        })
        .collect())
}

impl MessagingApi {
    /// Lets this replica's live streams know that `written` stored
    /// notifications.
    pub(super) fn announce<T>(&self, written: &Written<T>, notices: &[Notification]) {
        if matches!(written, Written::New(_)) && !notices.is_empty() {
            self.stored.send_modify(|round| *round += 1);
        }
    }
}

pub async fn create_thread_message(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::CreateThreadMessageRequest,
) -> Result<pb::CreateThreadMessageResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let thread_id = ThreadId::parse("thread_id", &request.thread_id)?;
    let text = TEXT.parse("text", &request.text)?;
    let request_id = optional_id("request_id", &request.request_id)?;
    let found = api.thread_of_caller(&ctx, school_id, thread_id).await?;
    let message = Message {
        id: MessageId::generate(),
        school_id,
        thread_id,
        author_id: found.me.person_id,
        text: text.to_owned(),
        created_at: api.clock.now(),
    };
    let others: Vec<_> = found
        .participants
        .iter()
        .filter(|participant| participant.person_id != found.me.person_id)
        .map(|participant| (participant.person_id, participant.role))
        .collect();
    let notices = notices_of(
        api,
        &found.thread,
        &others,
        &message,
        &found.me.display_name,
    )
    .await?;
    let written = store::messages::insert_message(&api.db, &message, request_id, &notices).await?;
    api.announce(&written, &notices);
    let message = written.into_inner();
    Ok(pb::CreateThreadMessageResponse {
        message: Some(convert::message(message)),
    })
}

pub async fn list_thread_messages(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ListThreadMessagesRequest,
) -> Result<pb::ListThreadMessagesResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let thread_id = ThreadId::parse("thread_id", &request.thread_id)?;
    let page = Page::parse(request.page_size, &request.page_token)?;
    api.thread_of_caller(&ctx, school_id, thread_id).await?;
    let mut messages =
        store::messages::messages(&api.db, thread_id, page.after_id()?, page.fetch_limit()).await?;
    let next_page_token = page.finish(&mut messages, |message| message.id.to_string());
    Ok(pb::ListThreadMessagesResponse {
        messages: messages.into_iter().map(convert::message).collect(),
        next_page_token,
    })
}
