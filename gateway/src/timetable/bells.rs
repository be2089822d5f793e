//! Bell schedules (расписание звонков): when each numbered lesson of the day
//! begins and ends. A school has several; one is its default.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::unprefixed;
use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath};
use crate::roster::MAX_PAGES;

/// The highest lesson number a day has.
pub const MAX_LESSON_NUMBER: i32 = 20;

/// One lesson of the day and its times.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct BellSlot {
    /// 0 for a lesson before the first, then 1, 2, …
    #[schema(minimum = 0, maximum = 20)]
    pub lesson_number: i32,
    /// School-local "HH:MM".
    #[schema(example = "08:30", max_length = 5, pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    pub start_time: String,
    /// School-local "HH:MM", after the start.
    #[schema(example = "09:15", max_length = 5, pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    pub end_time: String,
}

#[derive(Serialize, ToSchema)]
pub struct BellScheduleView {
    pub id: String,
    pub school_id: String,
    #[schema(example = "Основное")]
    pub name: String,
    /// By lesson number.
    pub slots: Vec<BellSlot>,
    /// Timetable entries without a schedule of their own use this one.
    pub is_default: bool,
}

impl From<schedule::BellSchedule> for BellScheduleView {
    fn from(bells: schedule::BellSchedule) -> Self {
        let mut slots: Vec<BellSlot> = bells
            .slots
            .into_iter()
            .map(|slot| BellSlot {
                lesson_number: slot.lesson_number,
                start_time: slot.start_time,
                end_time: slot.end_time,
            })
            .collect();
        slots.sort_by_key(|slot| slot.lesson_number);
        Self {
            id: bells.id,
            school_id: bells.school_id,
            name: bells.name,
            slots,
            is_default: bells.is_default,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BellSchedulesView {
    /// The default first, then by name.
    pub bell_schedules: Vec<BellScheduleView>,
}

/// A bell schedule as a client sets it; a change replaces every field.
#[derive(Deserialize, ToSchema)]
pub struct BellScheduleBody {
    #[schema(example = "Сокращённые уроки", min_length = 1, max_length = 200)]
    pub name: String,
    /// Lesson numbers are unique and the slots do not overlap.
    pub slots: Vec<BellSlot>,
    /// Making this one the default makes the others not.
    #[serde(default)]
    pub is_default: bool,
    /// When creating, a client key: posting again with the same key
    /// returns the first schedule.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: Option<String>,
}

/// `GET /api/v1/schools/{school_id}/bell-schedules`: anyone linked to the school.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/bell-schedules", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The school's bell schedules", body = BellSchedulesView)))]
pub async fn list_bell_schedules(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let bell_schedules = load_bells(&caller, &school_id).await?;
            Ok(Json(BellSchedulesView { bell_schedules }))
        })
        .await
}

/// The school's bell schedules, the default first.
pub async fn load_bells(caller: &Caller, school_id: &str) -> Result<Vec<BellScheduleView>> {
    let school_id = path_id("school", school_id)?;
    let mut listed = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = schedule::ListBellSchedulesRequest {
            school_id: school_id.clone(),
            page_size: 100,
            page_token,
        };
        let page = caller
            .schedule()
            .list_bell_schedules(caller.request(message)?)
            .await?
            .into_inner();
        listed.extend(page.bell_schedules.into_iter().map(BellScheduleView::from));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    listed.sort_by(|a, b| (!a.is_default, &a.name).cmp(&(!b.is_default, &b.name)));
    Ok(listed)
}

/// `POST /api/v1/schools/{school_id}/bell-schedules`: school administrators, deputy heads.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/bell-schedules", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = BellScheduleBody,
    responses(
        (status = 201, description = "The bell schedule", body = BellScheduleView),
        (status = 403, description = "The caller may read the school but not keep its timetable", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_bell_schedule(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<BellScheduleBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let created = add_bells(&caller, &school_id, body).await?;
            Ok((StatusCode::CREATED, Json(created)))
        })
        .await
}

pub async fn add_bells(
    caller: &Caller,
    school_id: &str,
    body: BellScheduleBody,
) -> Result<BellScheduleView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let request_id = params.optional_id("request_id", body.request_id.as_deref());
    let bell_schedule = checked(&mut params, school_id, String::new(), body);
    params.finish()?;
    let message = schedule::CreateBellScheduleRequest {
        bell_schedule: Some(bell_schedule),
        request_id,
    };
    let reply = caller
        .schedule()
        .create_bell_schedule(caller.request(message)?)
        .await
        .map_err(|status| unprefixed(status.into(), "bell_schedule."))?;
    Ok(required(reply.into_inner().bell_schedule, "bell schedule")?.into())
}

/// The schedule as the contract carries it, its fields checked on `params`.
fn checked(
    params: &mut Params,
    school_id: String,
    id: String,
    body: BellScheduleBody,
) -> schedule::BellSchedule {
    let name = params.text("name", Some(&body.name), 200);
    if body.slots.is_empty() {
        params.refuse("slots", "must name at least one lesson");
    }
    let slots = body
        .slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            let field = format!("slots[{i}].lesson_number");
            params.optional_number(&field, Some(slot.lesson_number), 0..=MAX_LESSON_NUMBER);
            schedule::BellSlot {
                lesson_number: slot.lesson_number,
                start_time: slot.start_time,
                end_time: slot.end_time,
            }
        })
        .collect();
    schedule::BellSchedule {
        id,
        school_id,
        name,
        slots,
        is_default: body.is_default,
        ..Default::default()
    }
}

/// `PUT /api/v1/schools/{school_id}/bell-schedules/{bell_schedule_id}`:
/// lessons already generated keep their times until generation runs again.
/// School administrators, deputy heads.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/bell-schedules/{bell_schedule_id}", tag = "timetable",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("bell_schedule_id" = String, Path, format = Uuid, description = "The bell schedule"),
    ),
    request_body = BellScheduleBody,
    responses((status = 200, description = "The bell schedule", body = BellScheduleView)))]
pub async fn update_bell_schedule(
    caller: Caller,
    ApiPath((school_id, bells_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<BellScheduleBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            Ok(Json(
                change_bells(&caller, &school_id, &bells_id, body).await?,
            ))
        })
        .await
}

pub async fn change_bells(
    caller: &Caller,
    school_id: &str,
    bells_id: &str,
    body: BellScheduleBody,
) -> Result<BellScheduleView> {
    let school_id = path_id("school", school_id)?;
    let id = path_id("bell schedule", bells_id)?;
    let mut params = Params::new();
    let bell_schedule = checked(&mut params, school_id, id, body);
    params.finish()?;
    let message = schedule::UpdateBellScheduleRequest {
        bell_schedule: Some(bell_schedule),
        update_mask: Some(prost_types::FieldMask {
            paths: ["name", "slots", "is_default"].map(String::from).to_vec(),
        }),
    };
    let reply = caller
        .schedule()
        .update_bell_schedule(caller.request(message)?)
        .await
        .map_err(|status| unprefixed(status.into(), "bell_schedule."))?;
    Ok(required(reply.into_inner().bell_schedule, "bell schedule")?.into())
}

/// `DELETE /api/v1/schools/{school_id}/bell-schedules/{bell_schedule_id}`:
/// only a schedule no timetable entry uses. School administrators, deputy heads.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/bell-schedules/{bell_schedule_id}", tag = "timetable",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("bell_schedule_id" = String, Path, format = Uuid, description = "The bell schedule"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "A timetable entry uses it", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn delete_bell_schedule(
    caller: Caller,
    ApiPath((school_id, bells_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            remove_bells(&caller, &school_id, &bells_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn remove_bells(caller: &Caller, school_id: &str, bells_id: &str) -> Result<()> {
    let message = schedule::DeleteBellScheduleRequest {
        school_id: path_id("school", school_id)?,
        id: path_id("bell schedule", bells_id)?,
    };
    caller
        .schedule()
        .delete_bell_schedule(caller.request(message)?)
        .await?;
    Ok(())
}
