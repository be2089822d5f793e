//! Homework as its teacher sets it: on a lesson, due on a later one, with
//! files uploaded beforehand (`attachments`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, renamed, required};
use crate::diary::week::AttachmentView;
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// A homework.
#[derive(Serialize, ToSchema)]
pub struct TeacherHomeworkView {
    pub id: String,
    pub school_id: String,
    /// The lesson it was set on.
    pub lesson_id: String,
    /// The lesson it is due on.
    pub due_lesson_id: String,
    #[schema(example = "2026-12-09")]
    pub due_date: String,
    pub text: String,
    pub attachments: Vec<AttachmentView>,
    pub submission_required: bool,
}

impl From<schedule::Homework> for TeacherHomeworkView {
    fn from(homework: schedule::Homework) -> Self {
        Self {
            id: homework.id,
            school_id: homework.school_id,
            lesson_id: homework.lesson_id,
            due_lesson_id: homework.due_lesson_id,
            due_date: homework.due_date,
            text: homework.text,
            attachments: homework
                .attachments
                .into_iter()
                .map(AttachmentView::from)
                .collect(),
            submission_required: homework.submission_required,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateHomeworkBody {
    /// The lesson's school.
    #[schema(format = Uuid)]
    pub school_id: String,
    /// A later lesson of the same class (or group) and subject.
    #[schema(format = Uuid)]
    pub due_lesson_id: String,
    /// The task; tabs and line breaks allowed.
    #[schema(max_length = 10000)]
    pub text: String,
    /// Files stored with `POST /api/v1/attachments`.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub attachment_ids: Vec<String>,
    #[serde(default)]
    pub submission_required: bool,
    /// A client key: posting again with the same key returns the first homework.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub request_id: String,
}

const HOMEWORK_NAMES: &[(&str, &str)] = &[
    ("homework.school_id", "school_id"),
    ("homework.due_lesson_id", "due_lesson_id"),
    ("homework.text", "text"),
    ("homework.attachment_ids", "attachment_ids"),
];

/// `POST /api/v1/lessons/{lesson_id}/homework`: sets homework on a lesson.
/// The lesson's teacher (or substitute), the class teacher, deputy heads.
#[utoipa::path(post, path = "/api/v1/lessons/{lesson_id}/homework", tag = "homework",
    params(("lesson_id" = String, Path, format = Uuid, description = "The lesson it is set on")),
    request_body = CreateHomeworkBody,
    responses((status = 201, description = "The homework", body = TeacherHomeworkView)))]
pub async fn create_homework(
    caller: Caller,
    ApiPath(lesson_id): ApiPath<String>,
    ApiJson(body): ApiJson<CreateHomeworkBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let homework = set_homework(&caller, &lesson_id, body).await?;
            Ok((StatusCode::CREATED, Json(homework)))
        })
        .await
}

/// Sets homework for the route and the lesson page alike.
pub async fn set_homework(
    caller: &Caller,
    lesson_id: &str,
    body: CreateHomeworkBody,
) -> Result<TeacherHomeworkView> {
    let lesson_id = path_id("lesson", lesson_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", Some(&body.school_id));
    let due_lesson_id = params.id("due_lesson_id", Some(&body.due_lesson_id));
    let attachment_ids: Vec<String> = body
        .attachment_ids
        .iter()
        .map(|id| params.id("attachment_ids", Some(id)))
        .collect();
    if attachment_ids.len() > 20 {
        params.refuse("attachment_ids", "must name at most 20 files");
    }
    params.finish()?;
    let homework = schedule::Homework {
        school_id,
        lesson_id,
        due_lesson_id,
        text: body.text,
        attachment_ids,
        submission_required: body.submission_required,
        ..Default::default()
    };
    let message = schedule::CreateHomeworkRequest {
        homework: Some(homework),
        request_id: body.request_id,
    };
    let reply = caller
        .schedule()
        .create_homework(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), HOMEWORK_NAMES))?;
    Ok(required(reply.into_inner().homework, "homework")?.into())
}

/// The school a homework, an answer or a lesson belongs to, as a query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchoolQuery {
    #[param(required = true, format = Uuid)]
    pub school_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HomeworkList {
    /// Set on or due on the lesson, by due date.
    pub homework: Vec<TeacherHomeworkView>,
}

/// `GET /api/v1/lessons/{lesson_id}/homework`: homework set on or due on a
/// lesson. Staff of the school; students of the class and their guardians.
#[utoipa::path(get, path = "/api/v1/lessons/{lesson_id}/homework", tag = "homework",
    params(("lesson_id" = String, Path, format = Uuid, description = "The lesson"), SchoolQuery),
    responses((status = 200, description = "The lesson's homework", body = HomeworkList)))]
pub async fn lesson_homework(
    caller: Caller,
    ApiPath(lesson_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_homework(&caller, &lesson_id, query.school_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

pub async fn load_homework(
    caller: &Caller,
    lesson_id: &str,
    school_id: Option<&str>,
) -> Result<HomeworkList> {
    let lesson_id = path_id("lesson", lesson_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", school_id);
    params.finish()?;
    let message = schedule::ListHomeworkRequest {
        school_id,
        lesson_id,
        page_size: 100,
        ..Default::default()
    };
    let homework = caller
        .schedule()
        .list_homework(caller.request(message)?)
        .await?
        .into_inner()
        .homework;
    Ok(HomeworkList {
        homework: homework
            .into_iter()
            .map(TeacherHomeworkView::from)
            .collect(),
    })
}
