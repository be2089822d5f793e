//! Personal messages: a person's threads with families or colleagues, the
//! people they may write to, and a thread's messages. Messaging keeps the
//! threads; identity decides who may write to whom. Pages and these
//! routes share every function below.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required, timestamp};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::homework::SchoolQuery;

#[derive(Serialize, ToSchema)]
pub struct ParticipantView {
    pub person_id: String,
    /// `guardian`, `student` or `staff`.
    #[schema(example = "guardian")]
    pub role: &'static str,
    #[schema(example = "Иванова Мария Петровна")]
    pub display_name: String,
    /// Read up to this message; empty when nothing was read.
    pub last_read_message_id: String,
    pub last_read_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    pub thread_id: String,
    pub author_id: String,
    pub text: String,
    pub created_at: Option<DateTime<Utc>>,
}

impl From<messaging::ThreadMessage> for MessageView {
    fn from(message: messaging::ThreadMessage) -> Self {
        Self {
            id: message.id,
            thread_id: message.thread_id,
            author_id: message.author_id,
            text: message.text,
            created_at: timestamp(message.create_time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ThreadView {
    pub id: String,
    pub school_id: String,
    /// The student it is about; empty between colleagues.
    pub student_id: String,
    #[schema(example = "Контрольная по математике")]
    pub subject: String,
    /// Everyone in it, the one who began it first.
    pub participants: Vec<ParticipantView>,
    pub created_by_id: String,
    pub last_message: Option<MessageView>,
    /// Messages of others the caller has not read.
    pub unread_count: i32,
    /// The caller archived it.
    pub archived: bool,
    pub created_at: Option<DateTime<Utc>>,
    /// When the latest message was posted.
    pub updated_at: Option<DateTime<Utc>>,
}

fn role_name(role: i32) -> &'static str {
    match messaging::ParticipantRole::try_from(role) {
        Ok(messaging::ParticipantRole::Guardian) => "guardian",
        Ok(messaging::ParticipantRole::Student) => "student",
        _ => "staff",
    }
}

impl From<messaging::Thread> for ThreadView {
    fn from(thread: messaging::Thread) -> Self {
        Self {
            id: thread.id,
            school_id: thread.school_id,
            student_id: thread.student_id,
            subject: thread.subject,
            participants: thread
                .participants
                .into_iter()
                .map(|participant| ParticipantView {
                    person_id: participant.person_id,
                    role: role_name(participant.role),
                    display_name: participant.display_name,
                    last_read_message_id: participant.last_read_message_id,
                    last_read_at: timestamp(participant.last_read_time),
                })
                .collect(),
            created_by_id: thread.created_by_id,
            last_message: thread.last_message.map(MessageView::from),
            unread_count: thread.unread_count,
            archived: thread.archived,
            created_at: timestamp(thread.create_time),
            updated_at: timestamp(thread.update_time),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadsQuery {
    /// Only this school's threads.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
    /// Only threads about this student.
    #[param(format = Uuid)]
    pub student_id: Option<String>,
    /// Only threads with unread messages.
    pub unread_only: Option<bool>,
    /// Archived threads too.
    pub include_archived: Option<bool>,
    /// 1–500, served up to 100; 20 when absent.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadsView {
    /// Most recent activity first.
    pub threads: Vec<ThreadView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// `GET /api/v1/threads`: the signed-in person's threads.
#[utoipa::path(get, path = "/api/v1/threads", tag = "messages", params(ThreadsQuery),
    responses((status = 200, description = "The threads", body = ThreadsView)))]
pub async fn list_threads(
    caller: Caller,
    ApiQuery(query): ApiQuery<ThreadsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_threads(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_threads(caller: &Caller, query: &ThreadsQuery) -> Result<ThreadsView> {
    let mut params = Params::new();
    let school_id = params.optional_id("school_id", query.school_id.as_deref());
    let student_id = params.optional_id("student_id", query.student_id.as_deref());
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let reply = caller
        .messaging()
        .list_threads(caller.request(messaging::ListThreadsRequest {
            school_id,
            student_id,
            unread_only: query.unread_only.unwrap_or(false),
            include_archived: query.include_archived.unwrap_or(false),
            page_size,
            page_token: query.page_token.clone().unwrap_or_default(),
        })?)
        .await?
        .into_inner();
    Ok(ThreadsView {
        threads: reply.threads.into_iter().map(ThreadView::from).collect(),
        next_page_token: reply.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct NewThreadBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// The student it is about; required whenever a student or a guardian
    /// takes part.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub student_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub subject: String,
    /// Whom to write to (from `GET /api/v1/correspondents`); the caller is added.
    #[schema(min_items = 1, max_items = 49)]
    pub participant_ids: Vec<String>,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// A key of the client's choosing (UUID): a retry with it makes nothing new.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewThreadView {
    pub thread: ThreadView,
    pub message: MessageView,
}

/// `POST /api/v1/threads`: a new thread with its first message.
#[utoipa::path(post, path = "/api/v1/threads", tag = "messages", request_body = NewThreadBody,
    responses((status = 201, description = "The thread and its first message", body = NewThreadView)))]
pub async fn create_thread(
    caller: Caller,
    ApiJson(body): ApiJson<NewThreadBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let created = start_thread(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(created)))
        })
        .await
}

pub async fn start_thread(caller: &Caller, body: NewThreadBody) -> Result<NewThreadView> {
    let reply = caller
        .messaging()
        .create_thread(caller.request(messaging::CreateThreadRequest {
            school_id: body.school_id,
            student_id: body.student_id,
            subject: body.subject,
            participant_ids: body.participant_ids,
            text: body.text,
            request_id: body.request_id,
        })?)
        .await?
        .into_inner();
    Ok(NewThreadView {
        thread: required(reply.thread, "thread")?.into(),
        message: required(reply.message, "message")?.into(),
    })
}

/// `GET /api/v1/threads/{thread_id}?school_id=`: one thread with the
/// caller's read state. Its participants only.
#[utoipa::path(get, path = "/api/v1/threads/{thread_id}", tag = "messages",
    params(("thread_id" = String, Path, format = Uuid, description = "The thread"), SchoolQuery),
    responses((status = 200, description = "The thread", body = ThreadView)))]
pub async fn get_thread(
    caller: Caller,
    ApiPath(thread_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_thread(&caller, &thread_id, query.school_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

/// The thread and its school, checked as ids.
fn thread_key(thread_id: &str, school_id: Option<&str>) -> Result<(String, String)> {
    let thread_id = path_id("thread", thread_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", school_id);
    params.finish()?;
    Ok((thread_id, school_id))
}

pub async fn load_thread(
    caller: &Caller,
    thread_id: &str,
    school_id: Option<&str>,
) -> Result<ThreadView> {
    let (id, school_id) = thread_key(thread_id, school_id)?;
    let thread = caller
        .messaging()
        .get_thread(caller.request(messaging::GetThreadRequest { school_id, id })?)
        .await?
        .into_inner()
        .thread;
    Ok(required(thread, "thread")?.into())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    #[param(required = true, format = Uuid)]
    pub school_id: Option<String>,
    /// 1–500; 50 when absent.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`: older messages.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MessagesView {
    /// Newest first.
    pub messages: Vec<MessageView>,
    /// Empty when there are no older messages.
    pub next_page_token: String,
}

/// `GET /api/v1/threads/{thread_id}/messages?school_id=`: a thread's
/// messages, newest first. Its participants only.
#[utoipa::path(get, path = "/api/v1/threads/{thread_id}/messages", tag = "messages",
    params(("thread_id" = String, Path, format = Uuid, description = "The thread"), MessagesQuery),
    responses((status = 200, description = "The messages", body = MessagesView)))]
pub async fn list_messages(
    caller: Caller,
    ApiPath(thread_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_messages(&caller, &thread_id, &query).await.map(Json) })
        .await
}

pub async fn load_messages(
    caller: &Caller,
    thread_id: &str,
    query: &MessagesQuery,
) -> Result<MessagesView> {
    let (thread_id, school_id) = thread_key(thread_id, query.school_id.as_deref())?;
    let mut params = Params::new();
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let reply = caller
        .messaging()
        .list_thread_messages(caller.request(messaging::ListThreadMessagesRequest {
            school_id,
            thread_id,
            page_size,
            page_token: query.page_token.clone().unwrap_or_default(),
        })?)
        .await?
        .into_inner();
    Ok(MessagesView {
        messages: reply.messages.into_iter().map(MessageView::from).collect(),
        next_page_token: reply.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct NewMessageBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// A key of the client's choosing (UUID): a retry with it makes nothing new.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: String,
}

/// `POST /api/v1/threads/{thread_id}/messages`: a reply. Its participants only.
#[utoipa::path(post, path = "/api/v1/threads/{thread_id}/messages", tag = "messages",
    params(("thread_id" = String, Path, format = Uuid, description = "The thread")),
    request_body = NewMessageBody,
    responses((status = 201, description = "The message", body = MessageView)))]
pub async fn create_message(
    caller: Caller,
    ApiPath(thread_id): ApiPath<String>,
    ApiJson(body): ApiJson<NewMessageBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let message = post_message(&caller, &thread_id, body).await?;
            Ok((StatusCode::CREATED, Json(message)))
        })
        .await
}

pub async fn post_message(
    caller: &Caller,
    thread_id: &str,
    body: NewMessageBody,
) -> Result<MessageView> {
    let thread_id = path_id("thread", thread_id)?;
    let message = caller
        .messaging()
        .create_thread_message(caller.request(messaging::CreateThreadMessageRequest {
            school_id: body.school_id,
            thread_id,
            text: body.text,
            request_id: body.request_id,
        })?)
        .await?
        .into_inner()
        .message;
    Ok(required(message, "message")?.into())
}

#[derive(Deserialize, ToSchema)]
pub struct ReadBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// Read up to this message; the newest when absent.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub message_id: String,
}

/// `POST /api/v1/threads/{thread_id}/read`: marks the thread read up to a
/// message (never backwards).
#[utoipa::path(post, path = "/api/v1/threads/{thread_id}/read", tag = "messages",
    params(("thread_id" = String, Path, format = Uuid, description = "The thread")),
    request_body = ReadBody,
    responses((status = 200, description = "The thread", body = ThreadView)))]
pub async fn read_thread(
    caller: Caller,
    ApiPath(thread_id): ApiPath<String>,
    ApiJson(body): ApiJson<ReadBody>,
) -> impl IntoResponse {
    caller
        .answer(async { mark_read(&caller, &thread_id, body).await.map(Json) })
        .await
}

pub async fn mark_read(caller: &Caller, thread_id: &str, body: ReadBody) -> Result<ThreadView> {
    let thread_id = path_id("thread", thread_id)?;
    let thread = caller
        .messaging()
        .mark_thread_read(caller.request(messaging::MarkThreadReadRequest {
            school_id: body.school_id,
            thread_id,
            message_id: body.message_id,
        })?)
        .await?
        .into_inner()
        .thread;
    Ok(required(thread, "thread")?.into())
}

#[derive(Deserialize, ToSchema)]
pub struct ArchiveBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// True to archive, false to bring it back.
    pub archived: bool,
}

/// `POST /api/v1/threads/{thread_id}/archive`: archives the thread for the
/// caller, or brings it back; a new message brings it back too.
#[utoipa::path(post, path = "/api/v1/threads/{thread_id}/archive", tag = "messages",
    params(("thread_id" = String, Path, format = Uuid, description = "The thread")),
    request_body = ArchiveBody,
    responses((status = 200, description = "The thread", body = ThreadView)))]
pub async fn archive_thread(
    caller: Caller,
    ApiPath(thread_id): ApiPath<String>,
    ApiJson(body): ApiJson<ArchiveBody>,
) -> impl IntoResponse {
    caller
        .answer(async { set_archived(&caller, &thread_id, body).await.map(Json) })
        .await
}

pub async fn set_archived(
    caller: &Caller,
    thread_id: &str,
    body: ArchiveBody,
) -> Result<ThreadView> {
    let thread_id = path_id("thread", thread_id)?;
    let thread = caller
        .messaging()
        .archive_thread(caller.request(messaging::ArchiveThreadRequest {
            school_id: body.school_id,
            thread_id,
            archived: body.archived,
        })?)
        .await?
        .into_inner()
        .thread;
    Ok(required(thread, "thread")?.into())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnreadQuery {
    /// Only this school; all of the caller's when absent.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnreadView {
    /// Unread messages over the threads that are not archived.
    pub messages: i32,
    /// Threads holding them.
    pub threads: i32,
}

/// `GET /api/v1/unread-counts`: what the signed-in person has not read.
#[utoipa::path(get, path = "/api/v1/unread-counts", tag = "messages", params(UnreadQuery),
    responses((status = 200, description = "The counts", body = UnreadView)))]
pub async fn unread_counts(
    caller: Caller,
    ApiQuery(query): ApiQuery<UnreadQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_unread(&caller, query.school_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

pub async fn load_unread(caller: &Caller, school_id: Option<&str>) -> Result<UnreadView> {
    let mut params = Params::new();
    let school_id = params.optional_id("school_id", school_id);
    params.finish()?;
    let reply = caller
        .messaging()
        .get_unread_counts(caller.request(messaging::GetUnreadCountsRequest { school_id })?)
        .await?
        .into_inner();
    Ok(UnreadView {
        messages: reply.unread_messages,
        threads: reply.unread_threads,
    })
}
