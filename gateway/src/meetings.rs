//! Parent meetings (родительские собрания): a class teacher plans one for
//! their class, the school's management for any classes or named students;
//! the invited guardians read them and reply ([`crate::meeting_invitations`]);
//! its organizer changes or cancels it ([`crate::meeting_changes`]).
//! Messaging keeps them and invites the families; identity decides who may
//! plan for which class. Pages and these routes share every function below.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, TimeDelta, Utc};
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required, timestamp};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::homework::SchoolQuery;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingState {
    Scheduled,
    Cancelled,
}

/// How the invited families replied: for the organizer and the school's
/// management. Counted by invitation (a guardian and a student).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ReplyCountsView {
    pub invited: i32,
    pub accepted: i32,
    pub declined: i32,
    pub tentative: i32,
    pub no_reply: i32,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingView {
    pub id: String,
    pub school_id: String,
    /// The classes whose students' guardians are invited.
    pub class_ids: Vec<String>,
    /// Only these students' guardians (an individual meeting; an invitee
    /// sees only their own children here); every student of the classes
    /// when empty.
    pub student_ids: Vec<String>,
    #[schema(example = "Итоги первой четверти")]
    pub title: String,
    /// Plain text with line breaks.
    pub agenda: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub duration_minutes: i64,
    /// A room; may be empty for an online meeting.
    #[schema(example = "Кабинет 12")]
    pub location: String,
    /// Empty unless it is held online.
    pub online_url: String,
    /// Replies are asked for before this; before the start when absent.
    pub reply_deadline: Option<DateTime<Utc>>,
    pub state: MeetingState,
    /// Why it was cancelled; shown to the invited.
    pub cancel_reason: String,
    pub organizer_id: String,
    /// For the organizer and the school's management.
    pub reply_counts: Option<ReplyCountsView>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl MeetingView {
    /// Replies are taken until the deadline, or the start without one.
    pub fn replies_close_at(&self) -> DateTime<Utc> {
        self.reply_deadline.unwrap_or(self.start_at)
    }
}

pub(crate) fn view(meeting: messaging::ParentMeeting) -> Result<MeetingView> {
    let start_at = required(timestamp(meeting.start_time), "meeting start")?;
    let seconds = meeting.duration.map_or(3600, |duration| duration.seconds);
    let cancelled = meeting.state == i32::from(messaging::ParentMeetingState::Cancelled);
    Ok(MeetingView {
        id: meeting.id,
        school_id: meeting.school_id,
        class_ids: meeting.class_ids,
        student_ids: meeting.student_ids,
        title: meeting.title,
        agenda: meeting.description,
        start_at,
        end_at: start_at + TimeDelta::seconds(seconds),
        duration_minutes: seconds / 60,
        location: meeting.location,
        online_url: meeting.online_url,
        reply_deadline: timestamp(meeting.reply_deadline),
        state: if cancelled {
            MeetingState::Cancelled
        } else {
            MeetingState::Scheduled
        },
        cancel_reason: meeting.cancel_reason,
        organizer_id: meeting.organizer_id,
        reply_counts: meeting.reply_counts.map(|counts| ReplyCountsView {
            invited: counts.invited,
            accepted: counts.accepted,
            declined: counts.declined,
            tentative: counts.tentative,
            no_reply: counts.no_reply,
        }),
        created_at: timestamp(meeting.create_time),
        updated_at: timestamp(meeting.update_time),
    })
}

/// The contract names fields inside the meeting and counts its duration
/// in seconds; the JSON API names them at the top of the body, in minutes.
pub(crate) fn json_names(error: Error) -> Error {
    match error {
        Error::InvalidArgument(mut violations) => {
            for violation in &mut violations {
                let field = violation
                    .field
                    .strip_prefix("meeting.")
                    .unwrap_or(&violation.field)
                    .to_owned();
                violation.field = match field.as_str() {
                    "start_time" => "start_at".to_owned(),
                    "description" => "agenda".to_owned(),
                    "duration" => {
                        violation.description = DURATION_RULE.to_owned();
                        "duration_minutes".to_owned()
                    }
                    "update_mask" => "body".to_owned(),
                    _ => field,
                };
            }
            Error::InvalidArgument(violations)
        }
        other => other,
    }
}

/// How long a meeting may last, as the JSON API words it.
pub const DURATION_RULE: &str = "must be from 5 to 480 minutes";

pub(crate) fn proto_time(time: Option<DateTime<Utc>>) -> Option<prost_types::Timestamp> {
    time.map(otmetka_platform::time::to_timestamp)
}

pub(crate) fn proto_duration(minutes: Option<i32>) -> Option<prost_types::Duration> {
    minutes.map(|minutes| prost_types::Duration {
        seconds: i64::from(minutes) * 60,
        nanos: 0,
    })
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MeetingsQuery {
    /// The school: required unless `invited_only`.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
    /// Only this class's.
    #[param(format = Uuid)]
    pub class_id: Option<String>,
    /// Only those the caller is invited to (a guardian's). Otherwise the
    /// caller's own, or for the school's management all of the school's.
    pub invited_only: Option<bool>,
    /// Only those starting at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub start_after: Option<String>,
    /// 1–500, served up to 100; 20 when absent.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingsView {
    /// The soonest first.
    pub meetings: Vec<MeetingView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// `GET /api/v1/meetings`: the meetings a guardian is invited to, or those
/// a member of staff organized (the school's, for its management).
#[utoipa::path(get, path = "/api/v1/meetings", tag = "messages", params(MeetingsQuery),
    responses((status = 200, description = "The meetings", body = MeetingsView)))]
pub async fn list_meetings(
    caller: Caller,
    ApiQuery(query): ApiQuery<MeetingsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_meetings(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_meetings(caller: &Caller, query: &MeetingsQuery) -> Result<MeetingsView> {
    let mut params = Params::new();
    let school_id = params.optional_id("school_id", query.school_id.as_deref());
    let class_id = params.optional_id("class_id", query.class_id.as_deref());
    let start_after = match query.start_after.as_deref() {
        None => None,
        Some(text) => match DateTime::parse_from_rfc3339(text) {
            Ok(instant) => Some(instant.to_utc()),
            Err(_) => {
                params.refuse("start_after", "must be an instant as RFC 3339");
                None
            }
        },
    };
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let reply = caller
        .messaging()
        .list_parent_meetings(caller.request(messaging::ListParentMeetingsRequest {
            school_id,
            class_id,
            invited_only: query.invited_only.unwrap_or(false),
            start_after: proto_time(start_after),
            page_size,
            page_token: query.page_token.clone().unwrap_or_default(),
        })?)
        .await?
        .into_inner();
    Ok(MeetingsView {
        meetings: reply
            .meetings
            .into_iter()
            .map(view)
            .collect::<Result<_>>()?,
        next_page_token: reply.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct NewMeetingBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// The classes whose families are invited: a class teacher's own, or
    /// any for the school's management.
    #[schema(min_items = 1, max_items = 10)]
    pub class_ids: Vec<String>,
    /// Only these students' guardians (an individual meeting); every
    /// student of the classes when empty.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub student_ids: Vec<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub agenda: String,
    /// Required; in the future.
    pub start_at: Option<DateTime<Utc>>,
    /// An hour when absent.
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: Option<i32>,
    /// A room; required unless `online_url` is set.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub location: String,
    /// An https:// link, for a meeting held online.
    #[serde(default)]
    #[schema(max_length = 500, format = "uri")]
    pub online_url: String,
    /// Replies are asked for before this (not after the start); before
    /// the start when absent.
    pub reply_deadline: Option<DateTime<Utc>>,
    /// A key of the client's choosing (UUID): a retry with it makes nothing new.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: String,
}

/// `POST /api/v1/meetings`: plans a meeting; its families are invited and
/// notified in the background (`reply_counts.invited` grows as they are).
#[utoipa::path(post, path = "/api/v1/meetings", tag = "messages",
    request_body = NewMeetingBody,
    responses((status = 201, description = "The meeting", body = MeetingView)))]
pub async fn create_meeting(
    caller: Caller,
    ApiJson(body): ApiJson<NewMeetingBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let created = plan_meeting(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(created)))
        })
        .await
}

pub async fn plan_meeting(caller: &Caller, body: NewMeetingBody) -> Result<MeetingView> {
    let reply = caller
        .messaging()
        .create_parent_meeting(caller.request(messaging::CreateParentMeetingRequest {
            meeting: Some(messaging::ParentMeeting {
                school_id: body.school_id,
                class_ids: body.class_ids,
                student_ids: body.student_ids,
                title: body.title,
                description: body.agenda,
                start_time: proto_time(body.start_at),
                duration: proto_duration(body.duration_minutes),
                location: body.location,
                online_url: body.online_url,
                reply_deadline: proto_time(body.reply_deadline),
                ..Default::default()
            }),
            request_id: body.request_id,
        })?)
        .await
        .map_err(|status| json_names(status.into()))?
        .into_inner();
    view(required(reply.meeting, "meeting")?)
}

/// The meeting and its school, checked as ids.
pub fn meeting_key(id: &str, school_id: Option<&str>) -> Result<(String, String)> {
    let id = path_id("meeting", id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", school_id);
    params.finish()?;
    Ok((id, school_id))
}

/// `GET /api/v1/meetings/{meeting_id}?school_id=`: one the caller is
/// invited to, organized or manages.
#[utoipa::path(get, path = "/api/v1/meetings/{meeting_id}", tag = "messages",
    params(("meeting_id" = String, Path, format = Uuid, description = "The meeting"), SchoolQuery),
    responses((status = 200, description = "The meeting", body = MeetingView)))]
pub async fn get_meeting(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_meeting(&caller, &id, query.school_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

pub async fn load_meeting(
    caller: &Caller,
    id: &str,
    school_id: Option<&str>,
) -> Result<MeetingView> {
    let (id, school_id) = meeting_key(id, school_id)?;
    let meeting = caller
        .messaging()
        .get_parent_meeting(caller.request(messaging::GetParentMeetingRequest { school_id, id })?)
        .await?
        .into_inner()
        .meeting;
    view(required(meeting, "meeting")?)
}
