//! A student's final mark of a period in a subject, set by the subject's
//! teacher beside the mark the average suggests.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::gradebook::v1 as gradebook;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::{Caller, Params, renamed, required};
use crate::extract::ApiJson;
use crate::views::FinalMarkView;

const NAMES: &[(&str, &str)] = &[("reporting_period_id", "period_id")];

#[derive(Deserialize, ToSchema)]
pub struct FinalMarkBody {
    #[schema(format = Uuid)]
    pub student_id: String,
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// The reporting period (or the year) the mark closes.
    #[schema(format = Uuid)]
    pub period_id: String,
    /// A value of the subject's scale, such as "5".
    #[schema(min_length = 1, max_length = 16)]
    pub value: String,
    /// Why an earlier final mark is replaced; not needed for the first.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// `POST /api/v1/final-marks`: sets a student's final mark of a period in
/// a subject, replacing an earlier one (with a reason). The subject's
/// teacher of the student; a locked period refuses it until reopened.
#[utoipa::path(post, path = "/api/v1/final-marks", tag = "journal",
    request_body = FinalMarkBody,
    responses(
        (status = 200, description = "The final mark as kept", body = FinalMarkView),
        (status = 409, description = "The period's journal is locked", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn set_final_mark(
    caller: Caller,
    ApiJson(body): ApiJson<FinalMarkBody>,
) -> impl IntoResponse {
    caller
        .answer(async { record_final_mark(&caller, body).await.map(Json) })
        .await
}

/// Sets a final mark for the route and the journal's page of finals alike.
pub async fn record_final_mark(caller: &Caller, body: FinalMarkBody) -> Result<FinalMarkView> {
    let mut params = Params::new();
    let message = gradebook::SetFinalMarkRequest {
        student_id: params.id("student_id", Some(&body.student_id)),
        subject_id: params.id("subject_id", Some(&body.subject_id)),
        reporting_period_id: params.id("period_id", Some(&body.period_id)),
        value: params.text("value", Some(&body.value), 16),
        reason: body.reason,
    };
    params.finish()?;
    let reply = caller
        .gradebook()
        .set_final_mark(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), NAMES))?;
    let mark = required(reply.into_inner().final_mark, "final mark")?;
    Ok(FinalMarkView::from(mark))
}
