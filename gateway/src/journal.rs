//! The teacher's journal: the grid of a class and subject in a period,
//! attendance per lesson, and requests to reopen a locked journal.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_proto::gradebook::v1 as gradebook;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::{Caller, path_id, renamed, required};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::views::{AttendanceKind, AttendanceView};

pub mod cohort;
pub mod finals;
mod grid;
pub mod reopen;

const JOURNAL_NAMES: &[(&str, &str)] = &[("reporting_period_id", "period_id")];

pub use grid::{JournalLessonView, JournalQuery, JournalView, load as load_journal};
pub use reopen::{
    DecisionBody, ReopenBody, ReopenListQuery, ReopenView, ask_reopen, decide, load_reopen_requests,
};

/// `GET /api/v1/journal`: the class's (or group's) journal of a subject in
/// a period, with the students' names and the lessons' dates. Its teacher
/// of the subject, the class teacher, deputy heads.
#[utoipa::path(get, path = "/api/v1/journal", tag = "journal",
    params(JournalQuery),
    responses((status = 200, description = "The grid", body = JournalView)))]
pub async fn journal(caller: Caller, ApiQuery(query): ApiQuery<JournalQuery>) -> impl IntoResponse {
    caller
        .answer(async { load_journal(&caller, &query).await.map(Json) })
        .await
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceBody {
    /// The lesson's subject.
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// The lesson's date, "YYYY-MM-DD".
    #[schema(format = Date)]
    pub lesson_date: String,
    pub kind: AttendanceKind,
    /// 1–240, only for `late`.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 240)]
    pub late_minutes: i32,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

const ATTENDANCE_NAMES: &[(&str, &str)] = &[
    ("record.student_id", "student_id"),
    ("record.lesson_id", "lesson_id"),
    ("record.subject_id", "subject_id"),
    ("record.lesson_date", "lesson_date"),
    ("record.kind", "kind"),
    ("record.late_minutes", "late_minutes"),
    ("record.reason", "reason"),
];

/// `PUT /api/v1/lessons/{lesson_id}/attendance/{student_id}`: records a
/// student's attendance at a lesson, replacing an earlier record.
#[utoipa::path(put, path = "/api/v1/lessons/{lesson_id}/attendance/{student_id}", tag = "journal",
    params(
        ("lesson_id" = String, Path, format = Uuid, description = "The lesson"),
        ("student_id" = String, Path, format = Uuid, description = "The student"),
    ),
    request_body = AttendanceBody,
    responses(
        (status = 200, description = "The record as kept", body = AttendanceView),
        (status = 409, description = "The journal of that day is locked", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn set_attendance(
    caller: Caller,
    ApiPath((lesson_id, student_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            record_attendance(&caller, &lesson_id, &student_id, body)
                .await
                .map(Json)
        })
        .await
}

/// Records attendance for the route and the lesson page alike; the ids are
/// path segments.
pub async fn record_attendance(
    caller: &Caller,
    lesson_id: &str,
    student_id: &str,
    body: AttendanceBody,
) -> otmetka_platform::Result<AttendanceView> {
    let record = gradebook::AttendanceRecord {
        lesson_id: path_id("lesson", lesson_id)?,
        student_id: path_id("student", student_id)?,
        subject_id: body.subject_id,
        lesson_date: body.lesson_date,
        kind: body.kind.to_proto(),
        late_minutes: body.late_minutes,
        reason: body.reason,
        ..Default::default()
    };
    let message = gradebook::SetAttendanceRequest {
        record: Some(record),
    };
    let reply = caller
        .gradebook()
        .set_attendance(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), ATTENDANCE_NAMES))?;
    let record = required(reply.into_inner().record, "attendance record")?;
    Ok(AttendanceView::from(record))
}
