//! News and announcements of a school, its grade levels, classes and
//! groups: what reached the signed-in person, what they wrote, and for
//! the school's management and class teachers, writing, publishing and
//! withdrawing them. Messaging keeps them; identity decides who may
//! announce to whom. Pages and these routes share every function below.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, renamed, required, unwrapped};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::homework::SchoolQuery;

pub use crate::announcement_views::{
    AnnouncementKind, AnnouncementView, AudienceRole, AudienceView,
};

/// The contract names fields inside the announcement; the JSON API names
/// them at the top of the body.
fn json_names(error: Error) -> Error {
    renamed(
        unwrapped(error, "announcement"),
        &[
            ("publish_time", "publish_at"),
            ("expire_time", "expire_at"),
            ("state", "publish"),
        ],
    )
}

fn proto_time(time: Option<DateTime<Utc>>) -> Option<prost_types::Timestamp> {
    time.map(otmetka_platform::time::to_timestamp)
}

fn proto_state(publish: bool) -> i32 {
    if publish {
        messaging::AnnouncementState::Published
    } else {
        messaging::AnnouncementState::Draft
    }
    .into()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnouncementsQuery {
    /// Only this school's.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
    /// Only those that reached this class.
    #[param(format = Uuid)]
    pub class_id: Option<String>,
    /// `news` or `announcement`; both when absent.
    pub kind: Option<AnnouncementKind>,
    /// Only unread ones.
    pub unread_only: Option<bool>,
    /// Written ones in any state instead of received ones: the caller's
    /// own, or with `school_id` for the school's management all of the
    /// school's.
    pub include_unpublished: Option<bool>,
    /// 1–500, served up to 100; 20 when absent.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AnnouncementsView {
    /// Pinned first, then the newest first.
    pub announcements: Vec<AnnouncementView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// `GET /api/v1/announcements`: what reached the signed-in person, or what
/// they (or their school) wrote.
#[utoipa::path(get, path = "/api/v1/announcements", tag = "messages", params(AnnouncementsQuery),
    responses((status = 200, description = "The announcements", body = AnnouncementsView)))]
pub async fn list_announcements(
    caller: Caller,
    ApiQuery(query): ApiQuery<AnnouncementsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_announcements(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_announcements(
    caller: &Caller,
    query: &AnnouncementsQuery,
) -> Result<AnnouncementsView> {
    let mut params = Params::new();
    let school_id = params.optional_id("school_id", query.school_id.as_deref());
    let class_id = params.optional_id("class_id", query.class_id.as_deref());
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let reply = caller
        .messaging()
        .list_announcements(
            caller.request(messaging::ListAnnouncementsRequest {
                school_id,
                class_id,
                kind: query
                    .kind
                    .map_or(
                        messaging::AnnouncementKind::Unspecified,
                        AnnouncementKind::to_proto,
                    )
                    .into(),
                unread_only: query.unread_only.unwrap_or(false),
                include_unpublished: query.include_unpublished.unwrap_or(false),
                page_size,
                page_token: query.page_token.clone().unwrap_or_default(),
            })?,
        )
        .await?
        .into_inner();
    Ok(AnnouncementsView {
        announcements: reply
            .announcements
            .into_iter()
            .map(AnnouncementView::from)
            .collect(),
        next_page_token: reply.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct NewAnnouncementBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    pub kind: AnnouncementKind,
    pub audience: AudienceView,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    #[serde(default)]
    pub pinned: bool,
    /// Published (now, or at `publish_at`) rather than kept as a draft.
    pub publish: bool,
    /// When it is shown; now when absent.
    pub publish_at: Option<DateTime<Utc>>,
    /// When it stops being shown; never when absent.
    pub expire_at: Option<DateTime<Utc>>,
    /// A key of the client's choosing (UUID): a retry with it makes nothing new.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: String,
}

/// `POST /api/v1/announcements`: news or an announcement, a draft or
/// published. The school's management for any audience; a class teacher
/// for their class and its groups.
#[utoipa::path(post, path = "/api/v1/announcements", tag = "messages",
    request_body = NewAnnouncementBody,
    responses((status = 201, description = "The announcement", body = AnnouncementView)))]
pub async fn create_announcement(
    caller: Caller,
    ApiJson(body): ApiJson<NewAnnouncementBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let created = publish_announcement(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(created)))
        })
        .await
}

pub async fn publish_announcement(
    caller: &Caller,
    body: NewAnnouncementBody,
) -> Result<AnnouncementView> {
    let reply = caller
        .messaging()
        .create_announcement(caller.request(messaging::CreateAnnouncementRequest {
            announcement: Some(messaging::Announcement {
                school_id: body.school_id,
                kind: body.kind.to_proto().into(),
                audience: Some(body.audience.into_proto()),
                title: body.title,
                body: body.body,
                pinned: body.pinned,
                state: proto_state(body.publish),
                publish_time: proto_time(body.publish_at),
                expire_time: proto_time(body.expire_at),
                ..Default::default()
            }),
            request_id: body.request_id,
        })?)
        .await
        .map_err(|status| json_names(status.into()))?
        .into_inner();
    Ok(required(reply.announcement, "announcement")?.into())
}

/// The announcement and its school, checked as ids.
fn announcement_key(id: &str, school_id: Option<&str>) -> Result<(String, String)> {
    let id = path_id("announcement", id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", school_id);
    params.finish()?;
    Ok((id, school_id))
}

/// `GET /api/v1/announcements/{announcement_id}?school_id=`: one that
/// reached the caller, or that they wrote or manage.
#[utoipa::path(get, path = "/api/v1/announcements/{announcement_id}", tag = "messages",
    params(("announcement_id" = String, Path, format = Uuid, description = "The announcement"),
        SchoolQuery),
    responses((status = 200, description = "The announcement", body = AnnouncementView)))]
pub async fn get_announcement(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_announcement(&caller, &id, query.school_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

pub async fn load_announcement(
    caller: &Caller,
    id: &str,
    school_id: Option<&str>,
) -> Result<AnnouncementView> {
    let (id, school_id) = announcement_key(id, school_id)?;
    let announcement = caller
        .messaging()
        .get_announcement(caller.request(messaging::GetAnnouncementRequest { school_id, id })?)
        .await?
        .into_inner()
        .announcement;
    Ok(required(announcement, "announcement")?.into())
}

/// The values to change; what is absent stays.
#[derive(Deserialize, ToSchema, Default)]
pub struct AnnouncementChanges {
    #[schema(format = Uuid)]
    pub school_id: String,
    pub kind: Option<AnnouncementKind>,
    pub audience: Option<AudienceView>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub body: Option<String>,
    pub pinned: Option<bool>,
    /// `true` publishes a draft; `false` takes a scheduled one back to drafts.
    pub publish: Option<bool>,
    pub publish_at: Option<DateTime<Utc>>,
    pub expire_at: Option<DateTime<Utc>>,
}

/// `PATCH /api/v1/announcements/{announcement_id}`: its author or the
/// school's management. Once it is shown, its kind, audience and time are
/// fixed.
#[utoipa::path(patch, path = "/api/v1/announcements/{announcement_id}", tag = "messages",
    params(("announcement_id" = String, Path, format = Uuid, description = "The announcement")),
    request_body = AnnouncementChanges,
    responses((status = 200, description = "The announcement", body = AnnouncementView)))]
pub async fn update_announcement(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(changes): ApiJson<AnnouncementChanges>,
) -> impl IntoResponse {
    caller
        .answer(async { change_announcement(&caller, &id, changes).await.map(Json) })
        .await
}

pub async fn change_announcement(
    caller: &Caller,
    id: &str,
    changes: AnnouncementChanges,
) -> Result<AnnouncementView> {
    let id = path_id("announcement", id)?;
    let mut paths = Vec::new();
    let mut changed = |path: &str, present: bool| {
        if present {
            paths.push(path.to_owned());
        }
    };
    changed("kind", changes.kind.is_some());
    changed("audience", changes.audience.is_some());
    changed("title", changes.title.is_some());
    changed("body", changes.body.is_some());
    changed("pinned", changes.pinned.is_some());
    changed("state", changes.publish.is_some());
    changed("publish_time", changes.publish_at.is_some());
    changed("expire_time", changes.expire_at.is_some());
    if paths.is_empty() {
        return Err(Error::invalid("body", "name at least one value to change"));
    }
    let announcement = messaging::Announcement {
        id,
        school_id: changes.school_id,
        kind: changes
            .kind
            .map_or(
                messaging::AnnouncementKind::Unspecified,
                AnnouncementKind::to_proto,
            )
            .into(),
        audience: changes.audience.map(AudienceView::into_proto),
        title: changes.title.unwrap_or_default(),
        body: changes.body.unwrap_or_default(),
        pinned: changes.pinned.unwrap_or_default(),
        state: changes.publish.map_or(0, proto_state),
        publish_time: proto_time(changes.publish_at),
        expire_time: proto_time(changes.expire_at),
        ..Default::default()
    };
    let reply = caller
        .messaging()
        .update_announcement(caller.request(messaging::UpdateAnnouncementRequest {
            announcement: Some(announcement),
            update_mask: Some(prost_types::FieldMask { paths }),
        })?)
        .await
        .map_err(|status| json_names(status.into()))?
        .into_inner();
    Ok(required(reply.announcement, "announcement")?.into())
}

/// `DELETE /api/v1/announcements/{announcement_id}?school_id=`: withdraws
/// it, with its notifications. Its author or the school's management.
#[utoipa::path(delete, path = "/api/v1/announcements/{announcement_id}", tag = "messages",
    params(("announcement_id" = String, Path, format = Uuid, description = "The announcement"),
        SchoolQuery),
    responses((status = 204, description = "Withdrawn")))]
pub async fn delete_announcement(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            withdraw_announcement(&caller, &id, query.school_id.as_deref()).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn withdraw_announcement(
    caller: &Caller,
    id: &str,
    school_id: Option<&str>,
) -> Result<()> {
    let (id, school_id) = announcement_key(id, school_id)?;
    caller
        .messaging()
        .delete_announcement(
            caller.request(messaging::DeleteAnnouncementRequest { school_id, id })?,
        )
        .await?;
    Ok(())
}

#[derive(Deserialize, ToSchema)]
pub struct ReadAnnouncementsBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// At most 500; those that did not reach the caller change nothing.
    #[schema(min_items = 1, max_items = 500)]
    pub announcement_ids: Vec<String>,
}

/// `POST /api/v1/announcements/read`: marks announcements read, with their
/// notifications.
#[utoipa::path(post, path = "/api/v1/announcements/read", tag = "messages",
    request_body = ReadAnnouncementsBody,
    responses((status = 204, description = "Marked read")))]
pub async fn read_announcements(
    caller: Caller,
    ApiJson(body): ApiJson<ReadAnnouncementsBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            mark_announcements_read(&caller, body).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn mark_announcements_read(caller: &Caller, body: ReadAnnouncementsBody) -> Result<()> {
    caller
        .messaging()
        .mark_announcements_read(caller.request(messaging::MarkAnnouncementsReadRequest {
            school_id: body.school_id,
            announcement_ids: body.announcement_ids,
        })?)
        .await?;
    Ok(())
}
