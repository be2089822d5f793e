//! Homework submissions (сданные работы): the student hands in an answer
//! with files; the teachers of the class return it for rework or mark it,
//! the mark going into the journal like any other.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, renamed, required, timestamp};
use crate::diary::week::AttachmentView;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::homework::{SchoolQuery, TeacherHomeworkView};
use crate::marks::{CreateMarkBody, MarkValueInput, post_mark};
use crate::views::SubmissionStatus;

const SUBMISSION: &str = "submission";

/// A student's answer to a homework.
#[derive(Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: String,
    pub school_id: String,
    pub homework_id: String,
    pub student_id: String,
    pub text: String,
    pub attachments: Vec<AttachmentView>,
    pub status: Option<SubmissionStatus>,
    /// When it was last handed in.
    pub submit_time: Option<DateTime<Utc>>,
    /// Handed in after the due lesson started.
    pub late: bool,
    /// The teacher's comment when returning or marking it.
    pub teacher_comment: String,
    /// The journal's mark given for it; empty until marked.
    pub mark_id: String,
    /// The teacher who returned or marked it last.
    pub reviewed_by_id: String,
    pub review_time: Option<DateTime<Utc>>,
}

impl From<schedule::Submission> for SubmissionView {
    fn from(submission: schedule::Submission) -> Self {
        Self {
            status: SubmissionStatus::from_proto(submission.status),
            submit_time: timestamp(submission.submit_time),
            review_time: timestamp(submission.review_time),
            attachments: submission
                .attachments
                .into_iter()
                .map(AttachmentView::from)
                .collect(),
            id: submission.id,
            school_id: submission.school_id,
            homework_id: submission.homework_id,
            student_id: submission.student_id,
            text: submission.text,
            late: submission.late,
            teacher_comment: submission.teacher_comment,
            mark_id: submission.mark_id,
            reviewed_by_id: submission.reviewed_by_id,
        }
    }
}

/// `GET /api/v1/homework/{homework_id}`: one homework. Staff of the
/// school; students of the class or group and their guardians.
#[utoipa::path(get, path = "/api/v1/homework/{homework_id}", tag = "homework",
    params(("homework_id" = String, Path, format = Uuid, description = "The homework"), SchoolQuery),
    responses((status = 200, description = "The homework", body = TeacherHomeworkView)))]
pub async fn get_homework(
    caller: Caller,
    ApiPath(homework_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_homework(&caller, &homework_id, query.school_id.as_deref())
                .await
                .map(TeacherHomeworkView::from)
                .map(Json)
        })
        .await
}

pub async fn load_homework(
    caller: &Caller,
    homework_id: &str,
    school_id: Option<&str>,
) -> Result<schedule::Homework> {
    let id = path_id("homework", homework_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", school_id);
    params.finish()?;
    let message = schedule::GetHomeworkRequest { school_id, id };
    let reply = caller
        .schedule()
        .get_homework(caller.request(message)?)
        .await?;
    required(reply.into_inner().homework, "homework")
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionsQuery {
    #[param(required = true, format = Uuid)]
    pub school_id: Option<String>,
    /// Only this student's submission (the student and their guardians
    /// must name it; teachers see every student's).
    #[param(format = Uuid)]
    pub student_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SubmissionList {
    /// Newest first.
    pub submissions: Vec<SubmissionView>,
}

/// `GET /api/v1/homework/{homework_id}/submissions`: the answers handed in
/// for a homework. Its teachers and deputy heads see all; a student and
/// their guardians, naming the student, their own.
#[utoipa::path(get, path = "/api/v1/homework/{homework_id}/submissions", tag = "homework",
    params(("homework_id" = String, Path, format = Uuid, description = "The homework"), SubmissionsQuery),
    responses((status = 200, description = "The submissions", body = SubmissionList)))]
pub async fn list_submissions(
    caller: Caller,
    ApiPath(homework_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SubmissionsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_submissions(&caller, &homework_id, &query)
                .await
                .map(Json)
        })
        .await
}

/// Every submission of a homework (a class has at most a few dozen).
pub async fn load_submissions(
    caller: &Caller,
    homework_id: &str,
    query: &SubmissionsQuery,
) -> Result<SubmissionList> {
    let homework_id = path_id("homework", homework_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", query.school_id.as_deref());
    let student_id = params.optional_id("student_id", query.student_id.as_deref());
    params.finish()?;
    let mut submissions = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = schedule::ListSubmissionsRequest {
            school_id: school_id.clone(),
            homework_id: homework_id.clone(),
            student_id: student_id.clone(),
            page_size: 200,
            page_token,
            ..Default::default()
        };
        let page = caller
            .schedule()
            .list_submissions(caller.request(message)?)
            .await?
            .into_inner();
        submissions.extend(page.submissions.into_iter().map(SubmissionView::from));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(SubmissionList { submissions })
}

#[derive(Deserialize, ToSchema)]
pub struct HandInBody {
    /// The homework's school.
    #[schema(format = Uuid)]
    pub school_id: String,
    /// The answer; may be empty when files are attached. Tabs and line
    /// breaks allowed.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub text: String,
    /// Files stored with `POST /api/v1/attachments`.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub attachment_ids: Vec<String>,
    /// A client key: posting again with the same key returns the first submission.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub request_id: String,
}

const SUBMISSION_NAMES: &[(&str, &str)] = &[
    ("submission.school_id", "school_id"),
    ("submission.homework_id", "homework_id"),
    ("submission.text", "text"),
    ("submission.attachment_ids", "attachment_ids"),
];

/// `POST /api/v1/homework/{homework_id}/submissions`: the student hands in
/// an answer. One per homework: afterwards it is changed with `PATCH`.
#[utoipa::path(post, path = "/api/v1/homework/{homework_id}/submissions", tag = "homework",
    params(("homework_id" = String, Path, format = Uuid, description = "The homework")),
    request_body = HandInBody,
    responses(
        (status = 201, description = "The submission", body = SubmissionView),
        (status = 409, description = "Already handed in: change that submission instead", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn hand_in(
    caller: Caller,
    ApiPath(homework_id): ApiPath<String>,
    ApiJson(body): ApiJson<HandInBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let submission = hand_in_answer(&caller, &homework_id, body).await?;
            Ok((StatusCode::CREATED, Json(submission)))
        })
        .await
}

fn attachment_ids(params: &mut Params, ids: &[String]) -> Vec<String> {
    if ids.len() > 20 {
        params.refuse("attachment_ids", "must name at most 20 files");
    }
    ids.iter()
        .map(|id| params.id("attachment_ids", Some(id)))
        .collect()
}

/// Hands in an answer for the route and the homework page alike.
pub async fn hand_in_answer(
    caller: &Caller,
    homework_id: &str,
    body: HandInBody,
) -> Result<SubmissionView> {
    let homework_id = path_id("homework", homework_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", Some(&body.school_id));
    let attachment_ids = attachment_ids(&mut params, &body.attachment_ids);
    params.finish()?;
    let submission = schedule::Submission {
        school_id,
        homework_id,
        student_id: caller.session.person_id.to_string(),
        text: body.text,
        attachment_ids,
        ..Default::default()
    };
    let message = schedule::CreateSubmissionRequest {
        submission: Some(submission),
        request_id: body.request_id,
    };
    let reply = caller
        .schedule()
        .create_submission(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), SUBMISSION_NAMES))?;
    Ok(required(reply.into_inner().submission, SUBMISSION)?.into())
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeSubmissionBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// The new answer; unchanged when absent.
    #[schema(max_length = 10000)]
    pub text: Option<String>,
    /// The new files, replacing the old ones; unchanged when absent.
    #[schema(max_items = 20)]
    pub attachment_ids: Option<Vec<String>>,
}

/// `PATCH /api/v1/submissions/{submission_id}`: the student changes the
/// answer until it is marked; a returned one is handed in again.
#[utoipa::path(patch, path = "/api/v1/submissions/{submission_id}", tag = "homework",
    params(("submission_id" = String, Path, format = Uuid, description = "The submission")),
    request_body = ChangeSubmissionBody,
    responses(
        (status = 200, description = "The submission, handed in again", body = SubmissionView),
        (status = 409, description = "Already marked", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn change_submission(
    caller: Caller,
    ApiPath(submission_id): ApiPath<String>,
    ApiJson(body): ApiJson<ChangeSubmissionBody>,
) -> impl IntoResponse {
    caller
        .answer(async { change_answer(&caller, &submission_id, body).await.map(Json) })
        .await
}

/// Changes an answer for the route and the homework page alike.
pub async fn change_answer(
    caller: &Caller,
    submission_id: &str,
    body: ChangeSubmissionBody,
) -> Result<SubmissionView> {
    let id = path_id(SUBMISSION, submission_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", Some(&body.school_id));
    let mut paths = Vec::new();
    let mut submission = schedule::Submission {
        id,
        school_id,
        ..Default::default()
    };
    if let Some(text) = body.text {
        submission.text = text;
        paths.push("text".to_owned());
    }
    if let Some(ids) = &body.attachment_ids {
        submission.attachment_ids = attachment_ids(&mut params, ids);
        paths.push("attachment_ids".to_owned());
    }
    if paths.is_empty() {
        params.refuse("text", "set text, attachment_ids or both");
    }
    params.finish()?;
    let message = schedule::UpdateSubmissionRequest {
        submission: Some(submission),
        update_mask: Some(prost_types::FieldMask { paths }),
    };
    let reply = caller
        .schedule()
        .update_submission(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), SUBMISSION_NAMES))?;
    Ok(required(reply.into_inner().submission, SUBMISSION)?.into())
}

#[derive(Deserialize, ToSchema)]
pub struct ReturnBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// What to redo.
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: String,
}

/// `POST /api/v1/submissions/{submission_id}/return`: a teacher of the
/// class sends the answer back for rework.
#[utoipa::path(post, path = "/api/v1/submissions/{submission_id}/return", tag = "homework",
    params(("submission_id" = String, Path, format = Uuid, description = "The submission")),
    request_body = ReturnBody,
    responses((status = 200, description = "The submission, returned", body = SubmissionView)))]
pub async fn return_submission(
    caller: Caller,
    ApiPath(submission_id): ApiPath<String>,
    ApiJson(body): ApiJson<ReturnBody>,
) -> impl IntoResponse {
    caller
        .answer(async { send_back(&caller, &submission_id, body).await.map(Json) })
        .await
}

/// Returns an answer for the route and the teacher's page alike.
pub async fn send_back(
    caller: &Caller,
    submission_id: &str,
    body: ReturnBody,
) -> Result<SubmissionView> {
    let submission_id = path_id(SUBMISSION, submission_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", Some(&body.school_id));
    let comment = params.text("comment", Some(&body.comment), 2000);
    params.finish()?;
    let message = schedule::ReturnSubmissionRequest {
        school_id,
        submission_id,
        comment,
    };
    let reply = caller
        .schedule()
        .return_submission(caller.request(message)?)
        .await?;
    Ok(required(reply.into_inner().submission, SUBMISSION)?.into())
}

#[derive(Deserialize, ToSchema)]
pub struct MarkSubmissionBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    /// The mark to give, on the subject's scale: it is recorded in the
    /// journal for the lesson the homework is due on (or today, if that
    /// lesson is still ahead). Either this or `mark_id`.
    pub value: Option<MarkValueInput>,
    /// 1–10; defaults to 1.
    #[schema(minimum = 1, maximum = 10)]
    pub weight: Option<i32>,
    /// A mark already recorded for this student and subject. Either this or `value`.
    #[schema(format = Uuid)]
    pub mark_id: Option<String>,
    /// For the student; also the mark's comment when `value` is given.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: String,
}

/// `POST /api/v1/submissions/{submission_id}/mark`: a teacher of the
/// class marks the answer.
#[utoipa::path(post, path = "/api/v1/submissions/{submission_id}/mark", tag = "homework",
    params(("submission_id" = String, Path, format = Uuid, description = "The submission")),
    request_body = MarkSubmissionBody,
    responses((status = 200, description = "The submission, marked", body = SubmissionView)))]
pub async fn mark_submission(
    caller: Caller,
    ApiPath(submission_id): ApiPath<String>,
    ApiJson(body): ApiJson<MarkSubmissionBody>,
) -> impl IntoResponse {
    caller
        .answer(async { give_mark(&caller, &submission_id, body).await.map(Json) })
        .await
}

/// Marks an answer for the route and the teacher's page alike.
pub async fn give_mark(
    caller: &Caller,
    submission_id: &str,
    body: MarkSubmissionBody,
) -> Result<SubmissionView> {
    let submission_id = path_id(SUBMISSION, submission_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", Some(&body.school_id));
    let mark_id = params.optional_id("mark_id", body.mark_id.as_deref());
    // Optional, so its length is the services' to check.
    let comment = body.comment;
    match (&body.value, mark_id.is_empty()) {
        (Some(_), false) => params.refuse("mark_id", "give either value or mark_id, not both"),
        (None, true) => params.refuse("value", "is required (or name a recorded mark_id)"),
        _ => {}
    }
    params.finish()?;
    let mark_id = match body.value {
        Some(value) => {
            let submission = fetch(caller, &school_id, &submission_id).await?;
            let homework = load_homework(caller, &submission.homework_id, Some(&school_id)).await?;
            record_mark(caller, &submission, homework, value, body.weight, &comment).await?
        }
        None => mark_id,
    };
    let message = schedule::MarkSubmissionRequest {
        school_id,
        submission_id,
        mark_id,
        comment,
    };
    let reply = caller
        .schedule()
        .mark_submission(caller.request(message)?)
        .await?;
    Ok(required(reply.into_inner().submission, SUBMISSION)?.into())
}

async fn fetch(
    caller: &Caller,
    school_id: &str,
    submission_id: &str,
) -> Result<schedule::Submission> {
    let message = schedule::GetSubmissionRequest {
        school_id: school_id.to_owned(),
        id: submission_id.to_owned(),
    };
    let reply = caller
        .schedule()
        .get_submission(caller.request(message)?)
        .await?;
    required(reply.into_inner().submission, SUBMISSION)
}

/// The journal's mark for an answer: on the lesson it was due, unless that
/// lesson is still ahead (a mark is never dated in the future).
async fn record_mark(
    caller: &Caller,
    submission: &schedule::Submission,
    homework: schedule::Homework,
    value: MarkValueInput,
    weight: Option<i32>,
    comment: &str,
) -> Result<String> {
    let today = crate::teaching::names::today(caller, &homework.school_id)
        .await?
        .to_string();
    let (lesson_date, lesson_id) = if homework.due_date <= today {
        (homework.due_date, Some(homework.due_lesson_id))
    } else {
        (today, None)
    };
    let body = CreateMarkBody {
        student_id: submission.student_id.clone(),
        subject_id: homework.subject_id,
        lesson_date,
        lesson_id,
        value: Some(value),
        status: None,
        scale: None,
        weight,
        work_type_id: None,
        comment: comment.to_owned(),
        // Marking the same answer twice gives one mark, not two.
        request_id: format!("submission-{}", submission.id),
    };
    Ok(post_mark(caller, body).await?.id)
}
