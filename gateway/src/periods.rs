//! The school's calendar as its leadership runs it: academic years, and
//! closing and reopening reporting periods (gradebook locks the journal of
//! a closed period's dates).

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, Params, path_id, required};
use crate::diary::PeriodView;
use crate::extract::{ApiJson, ApiPath};

/// An academic year of a school.
#[derive(Serialize, ToSchema)]
pub struct AcademicYearView {
    pub id: String,
    #[schema(example = "2026/2027")]
    pub name: String,
    pub start_date: String,
    /// Inclusive.
    pub end_date: String,
}

#[derive(Serialize, ToSchema)]
pub struct AcademicYearsView {
    /// Newest first.
    pub academic_years: Vec<AcademicYearView>,
}

/// `GET /api/v1/schools/{school_id}/academic-years`: anyone linked to the school.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/academic-years", tag = "periods",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The school's academic years, newest first", body = AcademicYearsView)))]
pub async fn list_academic_years(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(load_years(&caller, &school_id).await?)) })
        .await
}

/// The school's academic years, newest first.
pub async fn load_years(caller: &Caller, school_id: &str) -> Result<AcademicYearsView> {
    let school_id = path_id("school", school_id)?;
    let mut academic_years = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = schedule::ListAcademicYearsRequest {
            school_id: school_id.clone(),
            page_size: 100,
            page_token,
        };
        let page = caller
            .schedule()
            .list_academic_years(caller.request(message)?)
            .await?
            .into_inner();
        academic_years.extend(
            page.academic_years
                .into_iter()
                .map(|year| AcademicYearView {
                    id: year.id,
                    name: year.name,
                    start_date: year.start_date,
                    end_date: year.end_date,
                }),
        );
        if page.next_page_token.is_empty() || academic_years.len() >= 100 {
            return Ok(AcademicYearsView { academic_years });
        }
        page_token = page.next_page_token;
    }
}

/// `POST /api/v1/schools/{school_id}/periods/{period_id}/close`: closes a
/// period, locking its journal. Deputy heads and the director; repeating
/// it changes nothing.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/periods/{period_id}/close", tag = "periods",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("period_id" = String, Path, format = Uuid, description = "The reporting period"),
    ),
    responses(
        (status = 200, description = "The period, closed", body = PeriodView),
        (status = 403, description = "The caller may read the school but not close its periods", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn close_period(
    caller: Caller,
    ApiPath((school_id, period_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(close(&caller, &school_id, &period_id).await?)) })
        .await
}

pub async fn close(caller: &Caller, school_id: &str, period_id: &str) -> Result<PeriodView> {
    let message = schedule::CloseReportingPeriodRequest {
        school_id: path_id("school", school_id)?,
        id: path_id("reporting period", period_id)?,
    };
    let reply = caller
        .schedule()
        .close_reporting_period(caller.request(message)?)
        .await?;
    let period = required(reply.into_inner().reporting_period, "reporting period")?;
    Ok(PeriodView::from(period))
}

#[derive(Deserialize, ToSchema)]
pub struct ReopenPeriodBody {
    /// Why the period is reopened; kept in the audit trail.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// `POST /api/v1/schools/{school_id}/periods/{period_id}/reopen`: reopens a
/// closed period, with the reason. Deputy heads and the director.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/periods/{period_id}/reopen", tag = "periods",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("period_id" = String, Path, format = Uuid, description = "The reporting period"),
    ),
    request_body = ReopenPeriodBody,
    responses(
        (status = 200, description = "The period, open", body = PeriodView),
        (status = 403, description = "The caller may read the school but not reopen its periods", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn reopen_period(
    caller: Caller,
    ApiPath((school_id, period_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ReopenPeriodBody>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(reopen(&caller, &school_id, &period_id, body).await?)) })
        .await
}

pub async fn reopen(
    caller: &Caller,
    school_id: &str,
    period_id: &str,
    body: ReopenPeriodBody,
) -> Result<PeriodView> {
    let school_id = path_id("school", school_id)?;
    let id = path_id("reporting period", period_id)?;
    let mut params = Params::new();
    let reason = params.text("reason", Some(&body.reason), 2000);
    params.finish()?;
    let message = schedule::ReopenReportingPeriodRequest {
        school_id,
        id,
        reason,
    };
    let reply = caller
        .schedule()
        .reopen_reporting_period(caller.request(message)?)
        .await?;
    let period = required(reply.into_inner().reporting_period, "reporting period")?;
    Ok(PeriodView::from(period))
}
