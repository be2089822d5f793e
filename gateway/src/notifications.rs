//! A person's notifications: the list, read marks, and the live stream as
//! Server-Sent Events. Messaging keeps them; pages and these routes share
//! every function below.

use std::time::Duration;

use axum::Json;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, timestamp};
use crate::extract::{ApiJson, ApiQuery};
use crate::views::NotificationKind;

/// How long one live stream lasts. The browser reconnects on its own,
/// with the last event's id, and the reconnection checks the session
/// afresh: a session that has ended stops streaming within this bound.
const STREAM_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// A comment this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub school_id: String,
    /// The student it concerns; for a guardian, which child.
    pub student_id: String,
    /// What it is about; `null` for a kind this version does not know.
    pub kind: Option<NotificationKind>,
    #[schema(example = "Новая оценка 5 — Алгебра")]
    pub title: String,
    #[schema(example = "Петров Иван Сергеевич, урок 2 декабря")]
    pub body: String,
    /// What it links to: `mark`, `attendance`, `final_mark`, `homework`,
    /// `lesson`, `thread`, `announcement`, `parent_meeting`.
    pub resource_type: String,
    pub resource_id: String,
    /// Unset while unread.
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
}

impl From<messaging::Notification> for NotificationView {
    fn from(notification: messaging::Notification) -> Self {
        Self {
            id: notification.id,
            school_id: notification.school_id,
            student_id: notification.student_id,
            kind: NotificationKind::from_proto(notification.kind),
            title: notification.title,
            body: notification.body,
            resource_type: notification.resource_type,
            resource_id: notification.resource_id,
            read_at: timestamp(notification.read_time),
            created_at: timestamp(notification.create_time),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationsQuery {
    /// Only unread ones.
    pub unread_only: Option<bool>,
    /// 1–500, served up to 100; 20 when absent.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`: older ones.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationsView {
    /// Newest first.
    pub notifications: Vec<NotificationView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// `GET /api/v1/notifications`: the signed-in person's notifications.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "messages", params(NotificationsQuery),
    responses((status = 200, description = "The notifications", body = NotificationsView)))]
pub async fn list_notifications(
    caller: Caller,
    ApiQuery(query): ApiQuery<NotificationsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_notifications(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_notifications(
    caller: &Caller,
    query: &NotificationsQuery,
) -> Result<NotificationsView> {
    let mut params = Params::new();
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let reply = caller
        .messaging()
        .list_notifications(caller.request(messaging::ListNotificationsRequest {
            unread_only: query.unread_only.unwrap_or(false),
            page_size,
            page_token: query.page_token.clone().unwrap_or_default(),
            ..Default::default()
        })?)
        .await?
        .into_inner();
    Ok(NotificationsView {
        notifications: reply
            .notifications
            .into_iter()
            .map(NotificationView::from)
            .collect(),
        next_page_token: reply.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct ReadNotificationsBody {
    /// The notifications read (at most 500); none together with `all`.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub notification_ids: Vec<String>,
    /// Everything up to now is read.
    #[serde(default)]
    pub all: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ReadNotificationsView {
    /// How many were unread until now.
    pub marked_count: i32,
}

/// `POST /api/v1/notifications/read`: marks notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "messages",
    request_body = ReadNotificationsBody,
    responses((status = 200, description = "How many were unread", body = ReadNotificationsView)))]
pub async fn read_notifications(
    caller: Caller,
    ApiJson(body): ApiJson<ReadNotificationsBody>,
) -> impl IntoResponse {
    caller
        .answer(async { mark_read(&caller, body).await.map(Json) })
        .await
}

pub async fn mark_read(
    caller: &Caller,
    body: ReadNotificationsBody,
) -> Result<ReadNotificationsView> {
    let reply = caller
        .messaging()
        .mark_notifications_read(caller.request(messaging::MarkNotificationsReadRequest {
            notification_ids: body.notification_ids,
            all: body.all,
            ..Default::default()
        })?)
        .await?
        .into_inner();
    Ok(ReadNotificationsView {
        marked_count: reply.marked_count,
    })
}

/// `GET /api/v1/notifications/stream`: new notifications as Server-Sent
/// Events (`event: notification`, the id as the event id, the
/// notification as JSON data). `Last-Event-ID` resumes after that
/// notification; a notification may come again after a reconnection
/// (drop repeats by id). Each stream ends after five minutes, and the
/// browser's reconnection re-checks the session.
#[utoipa::path(get, path = "/api/v1/notifications/stream", tag = "messages",
    params(("Last-Event-ID" = Option<String>, Header, format = Uuid,
        description = "Resume after this notification")),
    responses((status = 200, description = "The stream of new notifications",
        content_type = "text/event-stream", body = NotificationView)))]
pub async fn stream_notifications(caller: Caller, headers: HeaderMap) -> impl IntoResponse {
    caller
        .answer(async {
            let cursor = match headers.get("last-event-id") {
                None => String::new(),
                Some(value) => value
                    .to_str()
                    .ok()
                    .and_then(|text| uuid::Uuid::parse_str(text).ok())
                    .map(|id| id.to_string())
                    .ok_or_else(|| {
                        Error::invalid("Last-Event-ID", "must be a notification's id")
                    })?,
            };
            let request = caller.session.request(
                messaging::WatchNotificationsRequest {
                    cursor,
                    ..Default::default()
                },
                STREAM_LIFETIME,
            )?;
            let stream = caller
                .messaging()
                .watch_notifications(request)
                .await?
                .into_inner();
            // The stream ends, as the browser's reconnection expects, when
            // its lifetime is up or messaging stops.
            let events = stream
                .take_while(|item| std::future::ready(item.is_ok()))
                .filter_map(|item| {
                    std::future::ready(item.ok().and_then(|heard| {
                        let notification = NotificationView::from(heard.notification?);
                        Event::default()
                            .event("notification")
                            .id(heard.cursor)
                            .json_data(notification)
                            .ok()
                            .map(Ok::<_, std::convert::Infallible>)
                    }))
                });
            Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
        })
        .await
}
