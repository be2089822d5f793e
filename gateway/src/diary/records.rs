//! What the school recorded about a student beyond the week: final marks
//! of periods and the year, and attendance over a range of days. The JSON
//! routes and the family's pages read them through the same loaders.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::gradebook::v1 as gradebook;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::STUDENT;
use crate::caller::{Caller, Params, path_id};
use crate::extract::{ApiPath, ApiQuery};
use crate::marks::PageQuery;
use crate::views::{AttendanceView, FinalMarkView};

#[derive(Serialize, ToSchema)]
pub struct FinalMarksPage {
    pub final_marks: Vec<FinalMarkView>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub next_page_token: String,
}

/// `GET /api/v1/students/{student_id}/final-marks`.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/final-marks", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student"), PageQuery),
    responses((status = 200, description = "A page of final marks", body = FinalMarksPage)))]
pub async fn final_marks(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_final_marks(&caller, &student_id, query)
                .await
                .map(Json)
        })
        .await
}

/// A page of a student's final marks.
pub async fn load_final_marks(
    caller: &Caller,
    student_id: &str,
    query: PageQuery,
) -> Result<FinalMarksPage> {
    let student_id = path_id(STUDENT, student_id)?;
    let (page_size, page_token) = query.checked()?;
    let message = gradebook::ListFinalMarksRequest {
        student_id,
        page_size,
        page_token,
    };
    let page = caller
        .gradebook()
        .list_final_marks(caller.request(message)?)
        .await?
        .into_inner();
    Ok(FinalMarksPage {
        final_marks: page
            .final_marks
            .into_iter()
            .map(FinalMarkView::from)
            .collect(),
        next_page_token: page.next_page_token,
    })
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AttendanceQuery {
    /// First lesson day, inclusive, "YYYY-MM-DD".
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last lesson day, inclusive, "YYYY-MM-DD".
    #[param(format = Date)]
    pub to: Option<String>,
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    #[param(max_length = 1024)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttendancePage {
    pub records: Vec<AttendanceView>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub next_page_token: String,
}

/// `GET /api/v1/students/{student_id}/attendance`: what was recorded, by lesson day.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/attendance", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student"), AttendanceQuery),
    responses((status = 200, description = "A page of attendance records", body = AttendancePage)))]
pub async fn attendance(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AttendanceQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_attendance(&caller, &student_id, query).await.map(Json) })
        .await
}

/// A page of what was recorded about a student's attendance.
pub async fn load_attendance(
    caller: &Caller,
    student_id: &str,
    query: AttendanceQuery,
) -> Result<AttendancePage> {
    let student_id = path_id(STUDENT, student_id)?;
    let mut params = Params::new();
    let from_date = params.optional_date("from", query.from.as_deref());
    let to_date = params.optional_date("to", query.to.as_deref());
    params.range(&from_date, &to_date, "to");
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let message = gradebook::ListStudentAttendanceRequest {
        student_id,
        from_date,
        to_date,
        page_size,
        page_token: query.page_token.unwrap_or_default(),
    };
    let page = caller
        .gradebook()
        .list_student_attendance(caller.request(message)?)
        .await?
        .into_inner();
    Ok(AttendancePage {
        records: page.records.into_iter().map(AttendanceView::from).collect(),
        next_page_token: page.next_page_token,
    })
}
