//! Changes to a parent meeting by its organizer or the school's
//! management: its words, its time and place (told to every invited
//! family), and its cancellation.

use axum::Json;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use crate::caller::{Caller, path_id, required};
use crate::extract::{ApiJson, ApiPath};
use crate::meetings::{MeetingView, json_names, proto_duration, proto_time, view};

/// A field a client may send as `null` to clear it: absent is `None`,
/// `null` is `Some(None)`.
fn sent<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> std::result::Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// The values to change; what is absent stays.
#[derive(Deserialize, ToSchema, Default)]
pub struct MeetingChanges {
    #[schema(format = Uuid)]
    pub school_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub agenda: Option<String>,
    pub start_at: Option<DateTime<Utc>>,
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: Option<i32>,
    #[schema(max_length = 200)]
    pub location: Option<String>,
    #[schema(max_length = 500, format = "uri")]
    pub online_url: Option<String>,
    /// `null` asks for replies until the start.
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub reply_deadline: Option<Option<DateTime<Utc>>>,
    /// Only until the invitations are out.
    #[schema(max_items = 10)]
    pub class_ids: Option<Vec<String>>,
    /// Only until the invitations are out.
    #[schema(max_items = 100)]
    pub student_ids: Option<Vec<String>>,
}

/// `PATCH /api/v1/meetings/{meeting_id}`: its organizer or the school's
/// management. A new time or place is told to every invited family.
#[utoipa::path(patch, path = "/api/v1/meetings/{meeting_id}", tag = "messages",
    params(("meeting_id" = String, Path, format = Uuid, description = "The meeting")),
    request_body = MeetingChanges,
    responses((status = 200, description = "The meeting", body = MeetingView)))]
pub async fn update_meeting(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(changes): ApiJson<MeetingChanges>,
) -> impl IntoResponse {
    caller
        .answer(async { change_meeting(&caller, &id, changes).await.map(Json) })
        .await
}

pub async fn change_meeting(
    caller: &Caller,
    id: &str,
    changes: MeetingChanges,
) -> Result<MeetingView> {
    let id = path_id("meeting", id)?;
    let mut paths = Vec::new();
    let mut changed = |path: &str, present: bool| {
        if present {
            paths.push(path.to_owned());
        }
    };
    changed("title", changes.title.is_some());
    changed("description", changes.agenda.is_some());
    changed("start_time", changes.start_at.is_some());
    changed("duration", changes.duration_minutes.is_some());
    changed("location", changes.location.is_some());
    changed("online_url", changes.online_url.is_some());
    changed("reply_deadline", changes.reply_deadline.is_some());
    changed("class_ids", changes.class_ids.is_some());
    changed("student_ids", changes.student_ids.is_some());
    if paths.is_empty() {
        return Err(Error::invalid("body", "name at least one value to change"));
    }
    let meeting = messaging::ParentMeeting {
        id,
        school_id: changes.school_id,
        title: changes.title.unwrap_or_default(),
        description: changes.agenda.unwrap_or_default(),
        start_time: proto_time(changes.start_at),
        duration: proto_duration(changes.duration_minutes),
        location: changes.location.unwrap_or_default(),
        online_url: changes.online_url.unwrap_or_default(),
        reply_deadline: proto_time(changes.reply_deadline.flatten()),
        class_ids: changes.class_ids.unwrap_or_default(),
        student_ids: changes.student_ids.unwrap_or_default(),
        ..Default::default()
    };
    let reply = caller
        .messaging()
        .update_parent_meeting(caller.request(messaging::UpdateParentMeetingRequest {
            meeting: Some(meeting),
            update_mask: Some(prost_types::FieldMask { paths }),
        })?)
        .await
        .map_err(|status| json_names(status.into()))?
        .into_inner();
    view(required(reply.meeting, "meeting")?)
}

#[derive(Deserialize, ToSchema)]
pub struct CancelMeetingBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// Why; the invited families read it.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// `POST /api/v1/meetings/{meeting_id}/cancel`: cancels it and tells every
/// invited family, once; cancelling again changes nothing. Its organizer
/// or the school's management.
#[utoipa::path(post, path = "/api/v1/meetings/{meeting_id}/cancel", tag = "messages",
    params(("meeting_id" = String, Path, format = Uuid, description = "The meeting")),
    request_body = CancelMeetingBody,
    responses((status = 200, description = "The cancelled meeting", body = MeetingView)))]
pub async fn cancel_meeting(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CancelMeetingBody>,
) -> impl IntoResponse {
    caller
        .answer(async { call_off_meeting(&caller, &id, body).await.map(Json) })
        .await
}

pub async fn call_off_meeting(
    caller: &Caller,
    id: &str,
    body: CancelMeetingBody,
) -> Result<MeetingView> {
    let id = path_id("meeting", id)?;
    let reply = caller
        .messaging()
        .cancel_parent_meeting(caller.request(messaging::CancelParentMeetingRequest {
            school_id: body.school_id,
            id,
            reason: body.reason,
        })?)
        .await?
        .into_inner();
    view(required(reply.meeting, "meeting")?)
}
