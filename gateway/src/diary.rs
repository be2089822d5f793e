//! The family's diary: a student's week, averages with their explanation,
//! what it takes to reach a mark, final marks, attendance and the
//! reporting periods to choose from.

use axum::Json;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, renamed, required, timestamp};
use crate::extract::{ApiPath, ApiQuery};
use crate::views::{AverageView, PeriodKind, PeriodState};

pub mod records;
pub mod week;

const STUDENT: &str = "student";

/// Where a student learns: their school and class.
pub struct Place {
    pub school_id: String,
    pub class_id: String,
}

/// The student's class on `date` (their current one when `date` is empty),
/// from their memberships; whoever may not see the student learns nothing.
pub async fn place_of(caller: &Caller, student_id: &str, date: &str) -> Result<Place> {
    let message = identity::ListStudentMembershipsRequest {
        student_id: student_id.to_owned(),
        page_size: 100,
        page_token: String::new(),
    };
    let memberships = caller
        .identity()
        .list_student_memberships(caller.request(message)?)
        .await?
        .into_inner()
        .memberships;
    let covers = |m: &&identity::ClassMembership| {
        if date.is_empty() {
            m.end_date.is_empty()
        } else {
            m.start_date.as_str() <= date && (m.end_date.is_empty() || date <= m.end_date.as_str())
        }
    };
    // Memberships come oldest first: with none covering the day, the latest.
    let membership = memberships
        .iter()
        .rev()
        .find(covers)
        .or(memberships.last())
        .ok_or_else(|| Error::not_found(STUDENT))?;
    Ok(Place {
        school_id: membership.school_id.clone(),
        class_id: membership.class_id.clone(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AveragesQuery {
    /// The reporting period (see the student's periods).
    #[param(required = true, format = Uuid)]
    period_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AveragesView {
    pub averages: Vec<AverageView>,
}

/// `GET /api/v1/students/{student_id}/averages`: the weighted average of
/// every subject in a period, how it was computed, and the suggested mark.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/averages", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student"), AveragesQuery),
    responses((status = 200, description = "One average per subject with marks", body = AveragesView)))]
pub async fn averages(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AveragesQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_averages(&caller, &student_id, query.period_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

/// A student's averages in a period, for the JSON route and the page of
/// subjects.
pub async fn load_averages(
    caller: &Caller,
    student_id: &str,
    period_id: Option<&str>,
) -> Result<AveragesView> {
    let student_id = path_id(STUDENT, student_id)?;
    let mut params = Params::new();
    let reporting_period_id = params.id("period_id", period_id);
    params.finish()?;
    let message = gradebook::GetStudentAveragesRequest {
        student_id,
        reporting_period_id,
    };
    let averages = caller
        .gradebook()
        .get_student_averages(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), PERIOD_NAMES))?
        .into_inner()
        .averages;
    Ok(AveragesView {
        averages: averages.into_iter().map(AverageView::from).collect(),
    })
}

const PERIOD_NAMES: &[(&str, &str)] = &[
    ("reporting_period_id", "period_id"),
    ("target_mark", "target"),
];

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct WhatIfQuery {
    #[param(required = true, format = Uuid)]
    pub subject_id: Option<String>,
    #[param(required = true, format = Uuid)]
    pub period_id: Option<String>,
    /// The period mark wanted, e.g. `5`; at most 8 characters.
    #[param(required = true, max_length = 8)]
    pub target: Option<String>,
}

/// Further marks of one value and weight.
#[derive(Serialize, ToSchema)]
pub struct HypotheticalMarkView {
    #[schema(example = "5")]
    pub value: String,
    pub weight: i32,
    pub count: i32,
}

#[derive(Serialize, ToSchema)]
pub struct WhatIfView {
    pub reachable: bool,
    /// The smallest sets of further marks that reach the target.
    pub marks_needed: Vec<HypotheticalMarkView>,
    pub explanation: String,
}

/// `GET /api/v1/students/{student_id}/what-if`: which further marks would
/// reach `target` in a subject and period, by the school's own rules.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/what-if", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student"), WhatIfQuery),
    responses((status = 200, description = "What it takes", body = WhatIfView)))]
pub async fn what_if(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<WhatIfQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_what_if(&caller, &student_id, query).await.map(Json) })
        .await
}

/// Which further marks reach a target, for the JSON route and the page.
pub async fn load_what_if(
    caller: &Caller,
    student_id: &str,
    query: WhatIfQuery,
) -> Result<WhatIfView> {
    let student_id = path_id(STUDENT, student_id)?;
    let mut params = Params::new();
    let subject_id = params.id("subject_id", query.subject_id.as_deref());
    let reporting_period_id = params.id("period_id", query.period_id.as_deref());
    let target_mark = params.text("target", query.target.as_deref(), 8);
    params.finish()?;
    let message = gradebook::ComputeWhatIfRequest {
        student_id,
        subject_id,
        reporting_period_id,
        target_mark,
    };
    let answer = caller
        .gradebook()
        .compute_what_if(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), PERIOD_NAMES))?
        .into_inner();
    let marks_needed = answer
        .marks_needed
        .into_iter()
        .map(|mark| HypotheticalMarkView {
            value: mark.value,
            weight: mark.weight,
            count: mark.count,
        })
        .collect();
    Ok(WhatIfView {
        reachable: answer.reachable,
        marks_needed,
        explanation: answer.explanation,
    })
}

/// A reporting period: a quarter, trimester, half-year or the year.
#[derive(Serialize, ToSchema)]
pub struct PeriodView {
    pub id: String,
    pub school_id: String,
    pub academic_year_id: String,
    pub kind: Option<PeriodKind>,
    /// Ordinal within the year and kind, from 1.
    pub number: i32,
    #[schema(example = "II четверть")]
    pub name: String,
    pub grade_levels: Vec<i32>,
    pub start_date: String,
    /// Inclusive.
    pub end_date: String,
    pub state: Option<PeriodState>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<schedule::ReportingPeriod> for PeriodView {
    fn from(period: schedule::ReportingPeriod) -> Self {
        Self {
            kind: PeriodKind::from_proto(period.kind),
            state: PeriodState::from_proto(period.state),
            closed_at: timestamp(period.close_time),
            id: period.id,
            school_id: period.school_id,
            academic_year_id: period.academic_year_id,
            number: period.number,
            name: period.name,
            grade_levels: period.grade_levels,
            start_date: period.start_date,
            end_date: period.end_date,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeriodsView {
    pub periods: Vec<PeriodView>,
}

/// Every period of a school that matches, by start date.
pub(crate) async fn periods(
    caller: &Caller,
    school_id: String,
    academic_year_id: String,
    grade_level: i32,
) -> Result<PeriodsView> {
    let mut periods = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = schedule::ListReportingPeriodsRequest {
            school_id: school_id.clone(),
            academic_year_id: academic_year_id.clone(),
            grade_level,
            page_size: 100,
            page_token,
            ..Default::default()
        };
        let page = caller
            .schedule()
            .list_reporting_periods(caller.request(message)?)
            .await?
            .into_inner();
        periods.extend(page.reporting_periods.into_iter().map(PeriodView::from));
        if page.next_page_token.is_empty() || periods.len() >= 1000 {
            return Ok(PeriodsView { periods });
        }
        page_token = page.next_page_token;
    }
}

/// `GET /api/v1/students/{student_id}/periods`: the periods of the
/// student's school for their grade level, to pick one for averages.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/periods", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student")),
    responses((status = 200, description = "The periods of the student's school and grade level, by start date", body = PeriodsView)))]
pub async fn student_periods(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async { load_student_periods(&caller, &student_id).await.map(Json) })
        .await
}

/// The periods a student's marks are counted in, for the JSON route and
/// the page of subjects.
pub async fn load_student_periods(caller: &Caller, student_id: &str) -> Result<PeriodsView> {
    let student_id = path_id(STUDENT, student_id)?;
    let place = place_of(caller, &student_id, "").await?;
    let grade_level = grade_level(caller, place.class_id).await?;
    periods(caller, place.school_id, String::new(), grade_level).await
}

/// The class's grade level.
async fn grade_level(caller: &Caller, class_id: String) -> Result<i32> {
    let message = identity::GetClassRequest { id: class_id };
    let reply = caller
        .identity()
        .get_class(caller.request(message)?)
        .await?;
    Ok(required(reply.into_inner().class, "class")?.grade_level)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchoolPeriodsQuery {
    /// Only periods of this academic year.
    #[param(format = Uuid)]
    academic_year_id: Option<String>,
    /// Only periods for this grade level (1–11).
    #[param(value_type = Option<i32>, minimum = 1, maximum = 11)]
    grade_level: Option<String>,
}

/// `GET /api/v1/schools/{school_id}/periods`: anyone linked to the school.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/periods", tag = "periods",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), SchoolPeriodsQuery),
    responses((status = 200, description = "The school's periods, by start date", body = PeriodsView)))]
pub async fn school_periods(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolPeriodsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let school_id = path_id("school", &school_id)?;
            let mut params = Params::new();
            let academic_year_id =
                params.optional_id("academic_year_id", query.academic_year_id.as_deref());
            let grade_level = params.number("grade_level", query.grade_level.as_deref(), 1..=11);
            params.finish()?;
            Ok(Json(
                periods(&caller, school_id, academic_year_id, grade_level).await?,
            ))
        })
        .await
}
