//! Holidays, vacations and other days without lessons: generation leaves
//! their days empty.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::unprefixed;
use crate::caller::{Caller, Params, path_id, renamed, required};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::roster::MAX_PAGES;
use crate::views::HolidayKind;

#[derive(Serialize, ToSchema)]
pub struct HolidayView {
    pub id: String,
    pub school_id: String,
    pub academic_year_id: String,
    pub kind: Option<HolidayKind>,
    #[schema(example = "Осенние каникулы")]
    pub name: String,
    pub start_date: String,
    /// Inclusive.
    pub end_date: String,
    /// Empty for the whole school.
    pub grade_levels: Vec<i32>,
}

impl From<schedule::Holiday> for HolidayView {
    fn from(holiday: schedule::Holiday) -> Self {
        Self {
            kind: HolidayKind::from_proto(holiday.kind),
            id: holiday.id,
            school_id: holiday.school_id,
            academic_year_id: holiday.academic_year_id,
            name: holiday.name,
            start_date: holiday.start_date,
            end_date: holiday.end_date,
            grade_levels: holiday.grade_levels,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HolidaysView {
    /// By start date.
    pub holidays: Vec<HolidayView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidaysQuery {
    /// Only this year's holidays.
    #[param(format = Uuid)]
    pub academic_year_id: Option<String>,
    /// Only holidays ending on or after this day.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Only holidays starting on or before this day.
    #[param(format = Date)]
    pub to: Option<String>,
}

const LIST_NAMES: &[(&str, &str)] = &[("from_date", "from"), ("to_date", "to")];

/// `GET /api/v1/schools/{school_id}/holidays?academic_year_id?&from?&to?`:
/// anyone linked to the school.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/holidays", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), HolidaysQuery),
    responses((status = 200, description = "The holidays", body = HolidaysView)))]
pub async fn list_holidays(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HolidaysQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let holidays = load_holidays(&caller, &school_id, query).await?;
            Ok(Json(HolidaysView { holidays }))
        })
        .await
}

pub async fn load_holidays(
    caller: &Caller,
    school_id: &str,
    query: HolidaysQuery,
) -> Result<Vec<HolidayView>> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let academic_year_id =
        params.optional_id("academic_year_id", query.academic_year_id.as_deref());
    let from_date = params.optional_date("from", query.from.as_deref());
    let to_date = params.optional_date("to", query.to.as_deref());
    params.range(&from_date, &to_date, "to");
    params.finish()?;
    let mut listed = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = schedule::ListHolidaysRequest {
            school_id: school_id.clone(),
            academic_year_id: academic_year_id.clone(),
            from_date: from_date.clone(),
            to_date: to_date.clone(),
            page_size: 500,
            page_token,
        };
        let page = caller
            .schedule()
            .list_holidays(caller.request(message)?)
            .await
            .map_err(|status| renamed(status.into(), LIST_NAMES))?
            .into_inner();
        listed.extend(page.holidays.into_iter().map(HolidayView::from));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(listed)
}

/// A holiday as a client sets it; a change replaces every field but the year.
#[derive(Deserialize, ToSchema)]
pub struct HolidayBody {
    /// Required to create a holiday; a holiday stays in its year.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub academic_year_id: Option<String>,
    pub kind: HolidayKind,
    #[schema(example = "Осенние каникулы", min_length = 1, max_length = 200)]
    pub name: String,
    /// Within the academic year.
    #[schema(format = Date)]
    pub start_date: String,
    /// Inclusive, within the academic year.
    #[schema(format = Date)]
    pub end_date: String,
    /// Only these grades rest (an extra week for grade 1); absent or empty
    /// for the whole school.
    #[serde(default)]
    #[schema(example = json!([1]))]
    pub grade_levels: Vec<i32>,
    /// When creating, a client key: posting again with the same key
    /// returns the first holiday.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub request_id: Option<String>,
}

/// The holiday as the contract carries it, its fields checked on `params`.
fn checked(params: &mut Params, body: HolidayBody) -> schedule::Holiday {
    let start_date = params.date("start_date", Some(&body.start_date));
    let end_date = params.date("end_date", Some(&body.end_date));
    params.range(&start_date, &end_date, "end_date");
    for (i, grade) in body.grade_levels.iter().enumerate() {
        params.optional_number(&format!("grade_levels[{i}]"), Some(*grade), 1..=11);
    }
    schedule::Holiday {
        kind: body.kind.to_proto(),
        name: params.text("name", Some(&body.name), 200),
        start_date,
        end_date,
        grade_levels: body.grade_levels,
        ..Default::default()
    }
}

/// `POST /api/v1/schools/{school_id}/holidays`: school administrators, deputy heads.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/holidays", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = HolidayBody,
    responses(
        (status = 201, description = "The holiday", body = HolidayView),
        (status = 403, description = "The caller may read the school but not keep its timetable", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_holiday(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<HolidayBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let created = add_holiday(&caller, &school_id, body).await?;
            Ok((StatusCode::CREATED, Json(created)))
        })
        .await
}

pub async fn add_holiday(
    caller: &Caller,
    school_id: &str,
    body: HolidayBody,
) -> Result<HolidayView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let academic_year_id = params.id("academic_year_id", body.academic_year_id.as_deref());
    let request_id = params.optional_id("request_id", body.request_id.as_deref());
    let holiday = checked(&mut params, body);
    params.finish()?;
    let message = schedule::CreateHolidayRequest {
        holiday: Some(schedule::Holiday {
            school_id,
            academic_year_id,
            ..holiday
        }),
        request_id,
    };
    let reply = caller
        .schedule()
        .create_holiday(caller.request(message)?)
        .await
        .map_err(|status| unprefixed(status.into(), "holiday."))?;
    Ok(required(reply.into_inner().holiday, "holiday")?.into())
}

/// `PUT /api/v1/schools/{school_id}/holidays/{holiday_id}`: school
/// administrators, deputy heads.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/holidays/{holiday_id}", tag = "timetable",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("holiday_id" = String, Path, format = Uuid, description = "The holiday"),
    ),
    request_body = HolidayBody,
    responses((status = 200, description = "The holiday", body = HolidayView)))]
pub async fn update_holiday(
    caller: Caller,
    ApiPath((school_id, holiday_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<HolidayBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            Ok(Json(
                change_holiday(&caller, &school_id, &holiday_id, body).await?,
            ))
        })
        .await
}

pub async fn change_holiday(
    caller: &Caller,
    school_id: &str,
    holiday_id: &str,
    body: HolidayBody,
) -> Result<HolidayView> {
    let school_id = path_id("school", school_id)?;
    let id = path_id("holiday", holiday_id)?;
    let mut params = Params::new();
    let holiday = checked(&mut params, body);
    params.finish()?;
    let paths = ["kind", "name", "start_date", "end_date", "grade_levels"];
    let message = schedule::UpdateHolidayRequest {
        holiday: Some(schedule::Holiday {
            school_id,
            id,
            ..holiday
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.map(String::from).to_vec(),
        }),
    };
    let reply = caller
        .schedule()
        .update_holiday(caller.request(message)?)
        .await
        .map_err(|status| unprefixed(status.into(), "holiday."))?;
    Ok(required(reply.into_inner().holiday, "holiday")?.into())
}

/// `DELETE /api/v1/schools/{school_id}/holidays/{holiday_id}`: lessons come
/// back on its days with the next generation. School administrators, deputy heads.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/holidays/{holiday_id}", tag = "timetable",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("holiday_id" = String, Path, format = Uuid, description = "The holiday"),
    ),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_holiday(
    caller: Caller,
    ApiPath((school_id, holiday_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            remove_holiday(&caller, &school_id, &holiday_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn remove_holiday(caller: &Caller, school_id: &str, holiday_id: &str) -> Result<()> {
    let message = schedule::DeleteHolidayRequest {
        school_id: path_id("school", school_id)?,
        id: path_id("holiday", holiday_id)?,
    };
    caller
        .schedule()
        .delete_holiday(caller.request(message)?)
        .await?;
    Ok(())
}
