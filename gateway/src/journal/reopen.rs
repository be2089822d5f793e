//! Requests to reopen a locked journal: a teacher asks with a reason, the
//! deputy head decides once; each read with the names people know.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::gradebook::v1 as gradebook;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::JOURNAL_NAMES;
use crate::caller::{Caller, Params, path_id, renamed, required, timestamp};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::school_names::RosterNames;
use crate::views::ReopenState;

/// A teacher's request to reopen a locked journal, with the names people
/// read beside the ids.
#[derive(Serialize, ToSchema)]
pub struct ReopenView {
    pub id: String,
    pub school_id: String,
    pub class_id: String,
    /// "5А"
    pub class_name: String,
    pub subject_id: String,
    pub subject_name: String,
    pub period_id: String,
    pub period_name: String,
    pub requester_id: String,
    /// "Иванова Мария"
    pub requester_name: String,
    pub reason: String,
    pub state: Option<ReopenState>,
    pub decider_id: String,
    /// Empty until decided.
    pub decider_name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ReopenView {
    fn named(request: gradebook::ReopenRequest, names: &RosterNames) -> Self {
        Self {
            state: ReopenState::from_proto(request.state),
            created_at: timestamp(request.create_time),
            decided_at: timestamp(request.decide_time),
            class_name: names.class(&request.class_id),
            subject_name: names.subject(&request.subject_id),
            period_name: names.period(&request.reporting_period_id),
            requester_name: names.person(&request.requester_id),
            decider_name: names.person(&request.decider_id),
            id: request.id,
            school_id: request.school_id,
            class_id: request.class_id,
            subject_id: request.subject_id,
            period_id: request.reporting_period_id,
            requester_id: request.requester_id,
            reason: request.reason,
            decider_id: request.decider_id,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ReopenBody {
    #[schema(format = Uuid)]
    pub class_id: String,
    #[schema(format = Uuid)]
    pub subject_id: String,
    #[schema(format = Uuid)]
    pub period_id: String,
    /// Why the journal must change.
    #[schema(max_length = 500)]
    pub reason: String,
}

/// `POST /api/v1/journal/reopen-requests`: a teacher asks the deputy head to
/// reopen the journal of a class and subject in a period.
#[utoipa::path(post, path = "/api/v1/journal/reopen-requests", tag = "journal",
    request_body = ReopenBody,
    responses((status = 201, description = "The pending request", body = ReopenView)))]
pub async fn request_reopen(
    caller: Caller,
    ApiJson(body): ApiJson<ReopenBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let request = ask_reopen(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(request)))
        })
        .await
}

/// Asks to reopen a journal, for the route and the journal page alike.
pub async fn ask_reopen(caller: &Caller, body: ReopenBody) -> Result<ReopenView> {
    let message = gradebook::RequestReopenRequest {
        class_id: body.class_id,
        subject_id: body.subject_id,
        reporting_period_id: body.period_id,
        reason: body.reason,
    };
    let reply = caller
        .gradebook()
        .request_reopen(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), JOURNAL_NAMES))?;
    let request = required(reply.into_inner().reopen_request, "reopen request")?;
    let names = RosterNames::load(caller, &request.school_id).await?;
    Ok(ReopenView::named(request, &names))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReopenListQuery {
    /// The school.
    #[param(required = true, format = Uuid)]
    pub school_id: Option<String>,
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    #[param(max_length = 1024)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReopenPage {
    pub reopen_requests: Vec<ReopenView>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub next_page_token: String,
}

/// `GET /api/v1/journal/reopen-requests`: a deputy head sees the school's
/// requests; a teacher sees their own.
#[utoipa::path(get, path = "/api/v1/journal/reopen-requests", tag = "journal",
    params(ReopenListQuery),
    responses((status = 200, description = "A page of requests", body = ReopenPage)))]
pub async fn list_reopen_requests(
    caller: Caller,
    ApiQuery(query): ApiQuery<ReopenListQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(load_reopen_requests(&caller, query).await?)) })
        .await
}

/// A page of the school's reopen requests, named.
pub async fn load_reopen_requests(caller: &Caller, query: ReopenListQuery) -> Result<ReopenPage> {
    let mut params = Params::new();
    let school_id = params.id("school_id", query.school_id.as_deref());
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let message = gradebook::ListReopenRequestsRequest {
        school_id: school_id.clone(),
        page_size,
        page_token: query.page_token.unwrap_or_default(),
    };
    let page = caller
        .gradebook()
        .list_reopen_requests(caller.request(message)?)
        .await?
        .into_inner();
    let names = RosterNames::load(caller, &school_id).await?;
    Ok(ReopenPage {
        reopen_requests: page
            .reopen_requests
            .into_iter()
            .map(|request| ReopenView::named(request, &names))
            .collect(),
        next_page_token: page.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    pub approve: bool,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub comment: String,
}

/// `POST /api/v1/journal/reopen-requests/{request_id}/decision`: the deputy
/// head approves or refuses; a request is decided once.
#[utoipa::path(post, path = "/api/v1/journal/reopen-requests/{request_id}/decision", tag = "journal",
    params(("request_id" = String, Path, format = Uuid, description = "The reopen request")),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "The decided request", body = ReopenView),
        (status = 409, description = "Decided already", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn decide_reopen(
    caller: Caller,
    ApiPath(request_id): ApiPath<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(decide(&caller, &request_id, body).await?)) })
        .await
}

/// Approves or refuses one request, as the caller.
pub async fn decide(caller: &Caller, request_id: &str, body: DecisionBody) -> Result<ReopenView> {
    let message = gradebook::DecideReopenRequest {
        id: path_id("reopen request", request_id)?,
        approve: body.approve,
        comment: body.comment,
    };
    let reply = caller
        .gradebook()
        .decide_reopen(caller.request(message)?)
        .await?;
    let request = required(reply.into_inner().reopen_request, "reopen request")?;
    let names = RosterNames::load(caller, &request.school_id).await?;
    Ok(ReopenView::named(request, &names))
}
