//! Messages of a thread: posting one, reading them newest first.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_platform::time::optional_id;
use otmetka_proto::messaging::v1 as pb;

use super::threads::TEXT;
use super::{MessagingApi, convert};
use crate::model::{Message, MessageId, ThreadId};
use crate::store;

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
    let message = store::messages::insert_message(&api.db, &message, request_id)
        .await?
        .into_inner();
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
