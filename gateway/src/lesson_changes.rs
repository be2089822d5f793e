//! Changes to single lessons that the timetable does not make: a
//! substitute teacher, a cancellation with its reason (and undoing it), a
//! room change. Generation keeps them.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath};
use crate::lessons::LessonView;

const NAMES: &[(&str, &str)] = &[("substitute_teacher_id", "teacher_id")];

/// The lesson a change answers with.
fn changed(lesson: Option<schedule::Lesson>) -> Result<LessonView> {
    Ok(LessonView::from(required(lesson, "lesson")?))
}

#[derive(Deserialize, ToSchema)]
pub struct SubstituteBody {
    /// The substitute, a staff member of the school; absent removes the
    /// substitution.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub teacher_id: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// `PUT /api/v1/schools/{school_id}/lessons/{lesson_id}/substitute`: who
/// gives the lesson instead. School administrators, deputy heads.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/lessons/{lesson_id}/substitute", tag = "lessons",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("lesson_id" = String, Path, format = Uuid, description = "The lesson"),
    ),
    request_body = SubstituteBody,
    responses((status = 200, description = "The lesson", body = LessonView)))]
pub async fn substitute_teacher(
    caller: Caller,
    ApiPath((school_id, lesson_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SubstituteBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            Ok(Json(
                substitute(&caller, &school_id, &lesson_id, body).await?,
            ))
        })
        .await
}

pub async fn substitute(
    caller: &Caller,
    school_id: &str,
    lesson_id: &str,
    body: SubstituteBody,
) -> Result<LessonView> {
    let mut params = Params::new();
    let teacher = params.optional_id("teacher_id", body.teacher_id.as_deref());
    params.finish()?;
    let message = schedule::SubstituteLessonTeacherRequest {
        school_id: path_id("school", school_id)?,
        lesson_id: path_id("lesson", lesson_id)?,
        substitute_teacher_id: teacher,
        reason: body.reason,
    };
    let reply = caller
        .schedule()
        .substitute_lesson_teacher(caller.request(message)?)
        .await
        .map_err(|status| crate::caller::renamed(status.into(), NAMES))?;
    changed(reply.into_inner().lesson)
}

#[derive(Deserialize, ToSchema)]
pub struct CancelBody {
    /// Why the lesson does not take place.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// `POST /api/v1/schools/{school_id}/lessons/{lesson_id}/cancel`: the
/// lesson does not take place. School administrators, deputy heads.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/lessons/{lesson_id}/cancel", tag = "lessons",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("lesson_id" = String, Path, format = Uuid, description = "The lesson"),
    ),
    request_body = CancelBody,
    responses((status = 200, description = "The lesson, cancelled", body = LessonView)))]
pub async fn cancel_lesson(
    caller: Caller,
    ApiPath((school_id, lesson_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<CancelBody>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(cancel(&caller, &school_id, &lesson_id, body).await?)) })
        .await
}

pub async fn cancel(
    caller: &Caller,
    school_id: &str,
    lesson_id: &str,
    body: CancelBody,
) -> Result<LessonView> {
    let mut params = Params::new();
    let reason = params.text("reason", Some(&body.reason), 500);
    params.finish()?;
    let message = schedule::CancelLessonRequest {
        school_id: path_id("school", school_id)?,
        lesson_id: path_id("lesson", lesson_id)?,
        reason,
    };
    let reply = caller
        .schedule()
        .cancel_lesson(caller.request(message)?)
        .await?;
    changed(reply.into_inner().lesson)
}

/// `POST /api/v1/schools/{school_id}/lessons/{lesson_id}/restore`: a
/// cancelled lesson takes place after all. School administrators, deputy heads.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/lessons/{lesson_id}/restore", tag = "lessons",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("lesson_id" = String, Path, format = Uuid, description = "The lesson"),
    ),
    responses((status = 200, description = "The lesson, scheduled again", body = LessonView)))]
pub async fn restore_lesson(
    caller: Caller,
    ApiPath((school_id, lesson_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(restore(&caller, &school_id, &lesson_id).await?)) })
        .await
}

pub async fn restore(caller: &Caller, school_id: &str, lesson_id: &str) -> Result<LessonView> {
    let message = schedule::RestoreLessonRequest {
        school_id: path_id("school", school_id)?,
        lesson_id: path_id("lesson", lesson_id)?,
    };
    let reply = caller
        .schedule()
        .restore_lesson(caller.request(message)?)
        .await?;
    changed(reply.into_inner().lesson)
}

#[derive(Deserialize, ToSchema)]
pub struct RoomBody {
    /// The new room; empty moves the lesson back to its planned room.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub room: String,
}

/// `PUT /api/v1/schools/{school_id}/lessons/{lesson_id}/room`: the lesson
/// moves to another room. School administrators, deputy heads.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/lessons/{lesson_id}/room", tag = "lessons",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("lesson_id" = String, Path, format = Uuid, description = "The lesson"),
    ),
    request_body = RoomBody,
    responses((status = 200, description = "The lesson", body = LessonView)))]
pub async fn change_room(
    caller: Caller,
    ApiPath((school_id, lesson_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<RoomBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            Ok(Json(
                move_room(&caller, &school_id, &lesson_id, body).await?,
            ))
        })
        .await
}

pub async fn move_room(
    caller: &Caller,
    school_id: &str,
    lesson_id: &str,
    body: RoomBody,
) -> Result<LessonView> {
    let message = schedule::ChangeLessonRoomRequest {
        school_id: path_id("school", school_id)?,
        lesson_id: path_id("lesson", lesson_id)?,
        room: body.room,
    };
    let reply = caller
        .schedule()
        .change_lesson_room(caller.request(message)?)
        .await?;
    changed(reply.into_inner().lesson)
}
