//! The weekly timetable: on this weekday, at this lesson number, this class
//! (or a group of it) has this subject with this teacher in this room.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bells::MAX_LESSON_NUMBER;
use super::unprefixed;
use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::roster::MAX_PAGES;
use crate::views::{WeekPeriodicity, Weekday};

#[derive(Serialize, ToSchema)]
pub struct TimetableEntryView {
    pub id: String,
    pub school_id: String,
    pub academic_year_id: String,
    pub class_id: String,
    /// Set when only a group of the class attends.
    pub group_id: String,
    pub weekday: Option<Weekday>,
    pub lesson_number: i32,
    pub subject_id: String,
    pub teacher_id: String,
    #[schema(example = "214")]
    pub room: String,
    pub periodicity: Option<WeekPeriodicity>,
    /// The first day it applies; empty from the start of the year.
    pub start_date: String,
    /// The last day it applies; empty to the end of the year.
    pub end_date: String,
    /// Empty when the school's default bell schedule applies.
    pub bell_schedule_id: String,
}

impl From<schedule::TimetableEntry> for TimetableEntryView {
    fn from(entry: schedule::TimetableEntry) -> Self {
        Self {
            weekday: Weekday::from_proto(entry.weekday),
            periodicity: WeekPeriodicity::from_proto(entry.periodicity),
            id: entry.id,
            school_id: entry.school_id,
            academic_year_id: entry.academic_year_id,
            class_id: entry.class_id,
            group_id: entry.group_id,
            lesson_number: entry.lesson_number,
            subject_id: entry.subject_id,
            teacher_id: entry.teacher_id,
            room: entry.room,
            start_date: entry.start_date,
            end_date: entry.end_date,
            bell_schedule_id: entry.bell_schedule_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TimetableEntriesView {
    /// By weekday and lesson number.
    pub timetable_entries: Vec<TimetableEntryView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    #[param(required = true, format = Uuid)]
    pub academic_year_id: Option<String>,
    /// Only this class's entries, its groups' included.
    #[param(format = Uuid)]
    pub class_id: Option<String>,
    /// Only this teacher's entries.
    #[param(format = Uuid)]
    pub teacher_id: Option<String>,
}

/// `GET /api/v1/schools/{school_id}/timetable-entries?academic_year_id&class_id?&teacher_id?`:
/// anyone linked to the school.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/timetable-entries", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), EntriesQuery),
    responses((status = 200, description = "The year's timetable entries", body = TimetableEntriesView)))]
pub async fn list_timetable_entries(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<EntriesQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let timetable_entries = load_entries(&caller, &school_id, query).await?;
            Ok(Json(TimetableEntriesView { timetable_entries }))
        })
        .await
}

pub async fn load_entries(
    caller: &Caller,
    school_id: &str,
    query: EntriesQuery,
) -> Result<Vec<TimetableEntryView>> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let academic_year_id = params.id("academic_year_id", query.academic_year_id.as_deref());
    let class_id = params.optional_id("class_id", query.class_id.as_deref());
    let teacher_id = params.optional_id("teacher_id", query.teacher_id.as_deref());
    params.finish()?;
    let mut listed = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = schedule::ListTimetableEntriesRequest {
            school_id: school_id.clone(),
            academic_year_id: academic_year_id.clone(),
            class_id: class_id.clone(),
            teacher_id: teacher_id.clone(),
            page_size: 500,
            page_token,
            ..Default::default()
        };
        let page = caller
            .schedule()
            .list_timetable_entries(caller.request(message)?)
            .await?
            .into_inner();
        listed.extend(
            page.timetable_entries
                .into_iter()
                .map(TimetableEntryView::from),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(listed)
}

/// A timetable entry as a client sets it; a change replaces every field
/// but the year.
#[derive(Deserialize, ToSchema)]
pub struct TimetableEntryBody {
    /// Required to create an entry; an entry stays in its year.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub academic_year_id: Option<String>,
    #[schema(format = Uuid)]
    pub class_id: String,
    /// Only this group of the class attends; absent for the whole class.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub group_id: Option<String>,
    pub weekday: Weekday,
    /// Its times come from the bell schedule, which must have it.
    #[schema(minimum = 0, maximum = 20)]
    pub lesson_number: i32,
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// A teacher of the school.
    #[schema(format = Uuid)]
    pub teacher_id: String,
    #[serde(default)]
    #[schema(example = "214", max_length = 50)]
    pub room: String,
    /// Every week when absent.
    #[serde(default)]
    pub periodicity: Option<WeekPeriodicity>,
    /// From the start of the year when absent.
    #[serde(default)]
    #[schema(format = Date)]
    pub start_date: Option<String>,
    /// To the end of the year when absent.
    #[serde(default)]
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// The school's default bell schedule when absent.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub bell_schedule_id: Option<String>,
    /// When creating, a client key: posting again with the same key
    /// returns the first entry.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: Option<String>,
}

/// The entry as the contract carries it, its fields checked on `params`.
fn checked(params: &mut Params, body: &TimetableEntryBody) -> schedule::TimetableEntry {
    let start_date = params.optional_date("start_date", body.start_date.as_deref());
    let end_date = params.optional_date("end_date", body.end_date.as_deref());
    params.range(&start_date, &end_date, "end_date");
    params.optional_number(
        "lesson_number",
        Some(body.lesson_number),
        0..=MAX_LESSON_NUMBER,
    );
    schedule::TimetableEntry {
        class_id: params.id("class_id", Some(&body.class_id)),
        group_id: params.optional_id("group_id", body.group_id.as_deref()),
        weekday: body.weekday.to_proto(),
        lesson_number: body.lesson_number,
        subject_id: params.id("subject_id", Some(&body.subject_id)),
        teacher_id: params.id("teacher_id", Some(&body.teacher_id)),
        room: body.room.trim().to_owned(),
        periodicity: body.periodicity.map_or(0, WeekPeriodicity::to_proto),
        start_date,
        end_date,
        bell_schedule_id: params.optional_id("bell_schedule_id", body.bell_schedule_id.as_deref()),
        ..Default::default()
    }
}

/// `POST /api/v1/schools/{school_id}/timetable-entries`: a class, group,
/// teacher or room holds one entry per weekday, lesson and week parity (409
/// names the clash). School administrators, deputy heads.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/timetable-entries", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = TimetableEntryBody,
    responses(
        (status = 201, description = "The entry", body = TimetableEntryView),
        (status = 403, description = "The caller may read the school but not keep its timetable", body = crate::problem::Body, content_type = "application/problem+json"),
        (status = 409, description = "It clashes with another entry", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_timetable_entry(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<TimetableEntryBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let created = add_entry(&caller, &school_id, body).await?;
            Ok((StatusCode::CREATED, Json(created)))
        })
        .await
}

pub async fn add_entry(
    caller: &Caller,
    school_id: &str,
    body: TimetableEntryBody,
) -> Result<TimetableEntryView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let academic_year_id = params.id("academic_year_id", body.academic_year_id.as_deref());
    let request_id = params.optional_id("request_id", body.request_id.as_deref());
    let entry = checked(&mut params, &body);
    params.finish()?;
    let message = schedule::CreateTimetableEntryRequest {
        timetable_entry: Some(schedule::TimetableEntry {
            school_id,
            academic_year_id,
            ..entry
        }),
        request_id,
    };
    let reply = caller
        .schedule()
        .create_timetable_entry(caller.request(message)?)
        .await
        .map_err(|status| unprefixed(status.into(), "timetable_entry."))?;
    Ok(required(reply.into_inner().timetable_entry, "timetable entry")?.into())
}

/// `PUT /api/v1/schools/{school_id}/timetable-entries/{entry_id}`: lessons
/// follow on the next generation. School administrators, deputy heads.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/timetable-entries/{entry_id}", tag = "timetable",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("entry_id" = String, Path, format = Uuid, description = "The timetable entry"),
    ),
    request_body = TimetableEntryBody,
    responses(
        (status = 200, description = "The entry", body = TimetableEntryView),
        (status = 409, description = "It clashes with another entry", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn update_timetable_entry(
    caller: Caller,
    ApiPath((school_id, entry_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<TimetableEntryBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            Ok(Json(
                change_entry(&caller, &school_id, &entry_id, body).await?,
            ))
        })
        .await
}

pub async fn change_entry(
    caller: &Caller,
    school_id: &str,
    entry_id: &str,
    body: TimetableEntryBody,
) -> Result<TimetableEntryView> {
    let school_id = path_id("school", school_id)?;
    let id = path_id("timetable entry", entry_id)?;
    let mut params = Params::new();
    let entry = checked(&mut params, &body);
    params.finish()?;
    let paths = [
        "class_id",
        "group_id",
        "weekday",
        "lesson_number",
        "subject_id",
        "teacher_id",
        "room",
        "periodicity",
        "start_date",
        "end_date",
        "bell_schedule_id",
    ];
    let message = schedule::UpdateTimetableEntryRequest {
        timetable_entry: Some(schedule::TimetableEntry {
            school_id,
            id,
            ..entry
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.map(String::from).to_vec(),
        }),
    };
    let reply = caller
        .schedule()
        .update_timetable_entry(caller.request(message)?)
        .await
        .map_err(|status| unprefixed(status.into(), "timetable_entry."))?;
    Ok(required(reply.into_inner().timetable_entry, "timetable entry")?.into())
}

/// `DELETE /api/v1/schools/{school_id}/timetable-entries/{entry_id}`: its
/// future lessons without records go on the next generation. School
/// administrators, deputy heads.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/timetable-entries/{entry_id}", tag = "timetable",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("entry_id" = String, Path, format = Uuid, description = "The timetable entry"),
    ),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_timetable_entry(
    caller: Caller,
    ApiPath((school_id, entry_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            remove_entry(&caller, &school_id, &entry_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn remove_entry(caller: &Caller, school_id: &str, entry_id: &str) -> Result<()> {
    let message = schedule::DeleteTimetableEntryRequest {
        school_id: path_id("school", school_id)?,
        id: path_id("timetable entry", entry_id)?,
    };
    caller
        .schedule()
        .delete_timetable_entry(caller.request(message)?)
        .await?;
    Ok(())
}
