//! Marks: a teacher posts, corrects and withdraws them (always with a
//! reason kept in the history); the family reads them and marks them seen.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::gradebook::v1 as gradebook;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required, timestamp};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::views::{MarkStatus, MarkView, ScaleKind};

const MARK: &str = "mark";

/// A mark value as people type it: `5` or `"4-"`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MarkValueInput {
    Number(i64),
    Text(String),
}

impl MarkValueInput {
    fn into_text(self) -> String {
        match self {
            Self::Number(number) => number.to_string(),
            Self::Text(text) => text,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateMarkBody {
    #[schema(format = Uuid)]
    pub student_id: String,
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// The school-local day of the lesson; not in the future.
    #[schema(example = "2026-11-27", format = Date)]
    pub lesson_date: String,
    /// The dated lesson, when the mark belongs to one (it must be on `lesson_date`).
    #[schema(format = Uuid)]
    pub lesson_id: Option<String>,
    /// Required when `status` is `graded` (the default).
    pub value: Option<MarkValueInput>,
    /// Defaults to `graded`.
    pub status: Option<MarkStatus>,
    /// Defaults to the subject's scale; if given, it must be that scale.
    pub scale: Option<ScaleKind>,
    /// 1–10; defaults to the work type's weight, or 1.
    #[schema(minimum = 1, maximum = 10)]
    pub weight: Option<i32>,
    #[schema(format = Uuid)]
    pub work_type_id: Option<String>,
    /// Up to 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: String,
    /// A client key: posting again with the same key returns the first mark.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub request_id: String,
}

/// `POST /api/v1/marks`: a teacher posts a mark.
#[utoipa::path(post, path = "/api/v1/marks", tag = "journal",
    request_body = CreateMarkBody,
    responses(
        (status = 201, description = "The mark as recorded", body = MarkView),
        (status = 409, description = "The journal of that day is locked (closed period or past the edit window)", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_mark(
    caller: Caller,
    ApiJson(body): ApiJson<CreateMarkBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let mark = post_mark(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(mark)))
        })
        .await
}

/// Posts a mark for the route and the pages alike.
pub async fn post_mark(caller: &Caller, body: CreateMarkBody) -> Result<MarkView> {
    // The documented forms, all checked at once; the service would read
    // some outside them (an empty id, a weight of 0) as absent.
    let mut params = Params::new();
    let student_id = params.id("student_id", Some(&body.student_id));
    let subject_id = params.id("subject_id", Some(&body.subject_id));
    let lesson_date = params.date("lesson_date", Some(&body.lesson_date));
    let lesson_id = params.optional_id("lesson_id", body.lesson_id.as_deref());
    let weight = params.optional_number("weight", body.weight, 1..=10);
    let work_type_id = params.optional_id("work_type_id", body.work_type_id.as_deref());
    params.finish()?;
    let message = gradebook::CreateMarkRequest {
        student_id,
        subject_id,
        lesson_date,
        lesson_id,
        scale: body.scale.map_or(0, ScaleKind::to_proto),
        value: body
            .value
            .map(MarkValueInput::into_text)
            .unwrap_or_default(),
        status: body.status.map_or(0, MarkStatus::to_proto),
        weight,
        work_type_id,
        comment: body.comment,
        request_id: body.request_id,
    };
    let reply = caller
        .gradebook()
        .create_mark(caller.request(message)?)
        .await?;
    Ok(MarkView::from(required(reply.into_inner().mark, MARK)?))
}

/// Reads one mark the caller may see.
async fn fetch(caller: &Caller, id: String) -> Result<gradebook::Mark> {
    let reply = caller
        .gradebook()
        .get_mark(caller.request(gradebook::GetMarkRequest { id })?)
        .await?;
    required(reply.into_inner().mark, MARK)
}

/// One mark (`mark_id` as a path segment), for the JSON route and the
/// mark's page.
pub async fn load_mark(caller: &Caller, mark_id: &str) -> Result<MarkView> {
    let mark = fetch(caller, path_id(MARK, mark_id)?).await?;
    Ok(MarkView::from(mark))
}

/// `GET /api/v1/marks/{mark_id}`.
#[utoipa::path(get, path = "/api/v1/marks/{mark_id}", tag = "marks",
    params(("mark_id" = String, Path, format = Uuid, description = "The mark")),
    responses((status = 200, description = "The mark", body = MarkView)))]
pub async fn get_mark(caller: Caller, ApiPath(mark_id): ApiPath<String>) -> impl IntoResponse {
    caller
        .answer(async { load_mark(&caller, &mark_id).await.map(Json) })
        .await
}

/// A correction: fields left out keep their values.
#[derive(Deserialize, ToSchema)]
pub struct UpdateMarkBody {
    pub value: Option<MarkValueInput>,
    pub status: Option<MarkStatus>,
    /// 1–10.
    #[schema(minimum = 1, maximum = 10)]
    pub weight: Option<i32>,
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
    /// Why the mark changes; required and kept in the history.
    #[schema(
        example = "Ошибка при вводе: ответ был на четвёрку",
        min_length = 1,
        max_length = 500
    )]
    pub reason: String,
}

/// The mark after `body` is applied to `current`.
fn corrected(current: gradebook::Mark, body: UpdateMarkBody) -> gradebook::UpdateMarkRequest {
    let graded = MarkStatus::Graded.to_proto();
    let status = match (body.status, &body.value) {
        (Some(status), _) => status.to_proto(),
        (None, Some(_)) => graded,
        (None, None) => current.status,
    };
    let value = match body.value {
        Some(value) => value.into_text(),
        None if status == graded && current.status == graded => current.value,
        None => String::new(),
    };
    gradebook::UpdateMarkRequest {
        id: current.id,
        value,
        status,
        weight: body.weight.unwrap_or(0),
        comment: body.comment.unwrap_or(current.comment),
        reason: body.reason,
    }
}

/// `PATCH /api/v1/marks/{mark_id}`: a teacher corrects a mark, with a reason.
#[utoipa::path(patch, path = "/api/v1/marks/{mark_id}", tag = "journal",
    params(("mark_id" = String, Path, format = Uuid, description = "The mark")),
    request_body = UpdateMarkBody,
    responses(
        (status = 200, description = "The corrected mark", body = MarkView),
        (status = 409, description = "The journal is locked, or the mark was withdrawn", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn update_mark(
    caller: Caller,
    ApiPath(mark_id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateMarkBody>,
) -> impl IntoResponse {
    caller
        .answer(async { correct_mark(&caller, &mark_id, body).await.map(Json) })
        .await
}

/// Corrects a mark for the route and the mark's page alike.
pub async fn correct_mark(
    caller: &Caller,
    mark_id: &str,
    body: UpdateMarkBody,
) -> Result<MarkView> {
    let mut params = Params::new();
    if body.reason.trim().is_empty() {
        params.refuse("reason", "is required");
    }
    params.optional_number("weight", body.weight, 1..=10);
    params.finish()?;
    let current = fetch(caller, path_id(MARK, mark_id)?).await?;
    let message = corrected(current, body);
    let reply = caller
        .gradebook()
        .update_mark(caller.request(message)?)
        .await?;
    Ok(MarkView::from(required(reply.into_inner().mark, MARK)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WithdrawQuery {
    /// Why the mark is withdrawn (or send `{"reason": …}` as the body).
    #[param(max_length = 500)]
    reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawBody {
    #[schema(min_length = 1, max_length = 500)]
    reason: String,
}

/// `DELETE /api/v1/marks/{mark_id}`: withdraws a mark. Nothing is erased:
/// the mark stays in the history with the reason.
#[utoipa::path(delete, path = "/api/v1/marks/{mark_id}", tag = "journal",
    params(("mark_id" = String, Path, format = Uuid, description = "The mark"), WithdrawQuery),
    request_body(content = Option<WithdrawBody>, description = "The reason, unless given as a parameter"),
    responses((status = 200, description = "The withdrawn mark, with `deleted_at`", body = MarkView)))]
pub async fn delete_mark(
    caller: Caller,
    ApiPath(mark_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<WithdrawQuery>,
    body: axum::body::Bytes,
) -> impl IntoResponse {
    caller
        .answer(async {
            let from_body = if body.is_empty() {
                None
            } else {
                let parsed: WithdrawBody = crate::extract::decode_json(&body)?;
                Some(parsed.reason)
            };
            withdraw_mark(&caller, &mark_id, query.reason.or(from_body).as_deref())
                .await
                .map(Json)
        })
        .await
}

/// Withdraws a mark for the route and the mark's page alike.
pub async fn withdraw_mark(
    caller: &Caller,
    mark_id: &str,
    reason: Option<&str>,
) -> Result<MarkView> {
    let id = path_id(MARK, mark_id)?;
    let mut params = Params::new();
    let reason = params.text("reason", reason, 500);
    params.finish()?;
    let reply = caller
        .gradebook()
        .delete_mark(caller.request(gradebook::DeleteMarkRequest { id, reason })?)
        .await?;
    Ok(MarkView::from(required(reply.into_inner().mark, MARK)?))
}

/// One recorded change of a mark: who, when, before → after, why.
#[derive(Serialize, ToSchema)]
pub struct RevisionView {
    pub mark_id: String,
    pub revision: i32,
    pub author_id: String,
    pub created_at: Option<DateTime<Utc>>,
    /// Absent for the first revision (the mark's posting).
    pub before: Option<MarkView>,
    pub after: Option<MarkView>,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevisionsPage {
    pub revisions: Vec<RevisionView>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub next_page_token: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    #[param(max_length = 1024)]
    pub page_token: Option<String>,
}

impl PageQuery {
    /// The page size and token, checked.
    pub fn checked(self) -> Result<(i32, String)> {
        let mut params = Params::new();
        let page_size = params.page_size(self.page_size.as_deref());
        params.finish()?;
        Ok((page_size, self.page_token.unwrap_or_default()))
    }
}

/// `GET /api/v1/marks/{mark_id}/revisions`: the mark's history, oldest first.
#[utoipa::path(get, path = "/api/v1/marks/{mark_id}/revisions", tag = "marks",
    params(("mark_id" = String, Path, format = Uuid, description = "The mark"), PageQuery),
    responses((status = 200, description = "Every change of the mark", body = RevisionsPage)))]
pub async fn list_revisions(
    caller: Caller,
    ApiPath(mark_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_revisions(&caller, &mark_id, query).await.map(Json) })
        .await
}

/// A mark's history (`mark_id` as a path segment), for the JSON route and
/// the mark's page.
pub async fn load_revisions(
    caller: &Caller,
    mark_id: &str,
    query: PageQuery,
) -> Result<RevisionsPage> {
    let mark_id = path_id(MARK, mark_id)?;
    let (page_size, page_token) = query.checked()?;
    let message = gradebook::ListMarkRevisionsRequest {
        mark_id,
        page_size,
        page_token,
    };
    let page = caller
        .gradebook()
        .list_mark_revisions(caller.request(message)?)
        .await?
        .into_inner();
    let revisions = page
        .revisions
        .into_iter()
        .map(|revision| RevisionView {
            mark_id: revision.mark_id,
            revision: revision.revision,
            author_id: revision.author_id,
            created_at: timestamp(revision.create_time),
            before: revision.before.map(MarkView::from),
            after: revision.after.map(MarkView::from),
            reason: revision.reason,
        })
        .collect();
    Ok(RevisionsPage {
        revisions,
        next_page_token: page.next_page_token,
    })
}

#[derive(Serialize, ToSchema)]
pub struct SeenView {
    pub mark_id: String,
    /// When the family first marked it seen (a repeat keeps the first time).
    seen_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/marks/{mark_id}/seen`: the student or a guardian has seen the mark.
#[utoipa::path(post, path = "/api/v1/marks/{mark_id}/seen", tag = "family",
    params(("mark_id" = String, Path, format = Uuid, description = "The mark")),
    responses((status = 200, description = "Recorded", body = SeenView)))]
pub async fn mark_seen(caller: Caller, ApiPath(mark_id): ApiPath<String>) -> impl IntoResponse {
    caller
        .answer(async { record_seen(&caller, &mark_id).await.map(Json) })
        .await
}

/// Records that the family has seen a mark (`mark_id` as a path segment).
pub async fn record_seen(caller: &Caller, mark_id: &str) -> Result<SeenView> {
    let mark_id = path_id(MARK, mark_id)?;
    let message = gradebook::MarkSeenRequest {
        mark_id: mark_id.clone(),
    };
    let reply = caller
        .gradebook()
        .mark_seen(caller.request(message)?)
        .await?;
    Ok(SeenView {
        mark_id,
        seen_at: timestamp(reply.into_inner().seen_time),
    })
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MarksQuery {
    /// Only this subject.
    #[param(format = Uuid)]
    pub subject_id: Option<String>,
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
pub struct MarksPage {
    pub marks: Vec<MarkView>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub next_page_token: String,
}

/// `GET /api/v1/students/{student_id}/marks`: newest lesson first. The
/// student, their guardians, their teachers and the school's leadership.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/marks", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student"), MarksQuery),
    responses((status = 200, description = "A page of marks", body = MarksPage)))]
pub async fn list_student_marks(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<MarksQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_student_marks(&caller, &student_id, query)
                .await
                .map(Json)
        })
        .await
}

/// A page of a student's marks, for the JSON route and the family's pages.
pub async fn load_student_marks(
    caller: &Caller,
    student_id: &str,
    query: MarksQuery,
) -> Result<MarksPage> {
    let student_id = path_id("student", student_id)?;
    let mut params = Params::new();
    let subject_id = params.optional_id("subject_id", query.subject_id.as_deref());
    let from_date = params.optional_date("from", query.from.as_deref());
    let to_date = params.optional_date("to", query.to.as_deref());
    params.range(&from_date, &to_date, "to");
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let message = gradebook::ListStudentMarksRequest {
        student_id,
        subject_id,
        from_date,
        to_date,
        page_size,
        page_token: query.page_token.unwrap_or_default(),
    };
    let page = caller
        .gradebook()
        .list_student_marks(caller.request(message)?)
        .await?
        .into_inner();
    Ok(MarksPage {
        marks: page.marks.into_iter().map(MarkView::from).collect(),
        next_page_token: page.next_page_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(value: &str, status: MarkStatus) -> gradebook::Mark {
        gradebook::Mark {
            id: "m".into(),
            value: value.into(),
            status: status.to_proto(),
            comment: "у доски".into(),
            ..Default::default()
        }
    }

    fn body(json: serde_json::Value) -> UpdateMarkBody {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_correction_keeps_what_it_does_not_name() {
        let message = corrected(
            mark("5", MarkStatus::Graded),
            body(serde_json::json!({ "weight": 2, "reason": "контрольная" })),
        );
        assert_eq!(
            (
                message.value.as_str(),
                message.comment.as_str(),
                message.weight
            ),
            ("5", "у доски", 2)
        );
        let message = corrected(
            mark("5", MarkStatus::Graded),
            body(serde_json::json!({ "value": 4, "comment": "", "reason": "ошибка" })),
        );
        assert_eq!(
            (message.value.as_str(), message.comment.as_str()),
            ("4", "")
        );
    }

    #[test]
    fn a_status_replaces_the_value_and_a_value_replaces_the_status() {
        let message = corrected(
            mark("5", MarkStatus::Graded),
            body(serde_json::json!({ "status": "absent", "reason": "не был" })),
        );
        assert_eq!(message.value, "");
        assert_eq!(message.status, MarkStatus::Absent.to_proto());
        let message = corrected(
            mark("", MarkStatus::Pending),
            body(serde_json::json!({ "value": "4+", "reason": "ответил" })),
        );
        assert_eq!(message.value, "4+");
        assert_eq!(message.status, MarkStatus::Graded.to_proto());
    }
}
