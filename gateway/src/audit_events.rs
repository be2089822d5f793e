//! A school's audit trail: sign-ins, access codes, guardians, roles,
//! vendors and staff reads of students' records, newest first.

use axum::Json;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, timestamp};
use crate::extract::{ApiPath, ApiQuery};

/// The kinds of event identity records about a school. A kind added there
/// later is still listed; only a filter must name a known one.
pub const AUDIT_KINDS: [&str; 19] = [
    "login",
    "login.failed",
    "password.changed",
    "credentials.issued",
    "access_code.issued",
    "access_code.revoked",
    "access_code.redeemed",
    "access_code.failed",
    "guardian.linked",
    "guardian.unlinked",
    "staff_role.granted",
    "staff_role.revoked",
    "student_record.read",
    "vendor.granted",
    "vendor.revoked",
    "person.disabled",
    "roster.imported",
    "external_identity.linked",
    "session.ended",
];

/// The kinds of the city's own trail, of no school.
pub const CITY_AUDIT_KINDS: [&str; 9] = [
    "login",
    "login.failed",
    "password.changed",
    "session.ended",
    "client.created",
    "client.revoked",
    "school.created",
    "school.updated",
    "signing_key.rotated",
];

/// One thing that happened.
#[derive(Serialize, ToSchema, Clone)]
pub struct AuditEventView {
    pub id: String,
    /// One of the kinds the `kind` filter takes, or one added since.
    #[schema(example = "guardian.linked")]
    pub kind: String,
    /// The person or vendor client who acted; empty when unknown (a
    /// failed sign-in).
    pub actor_id: String,
    /// What was acted on (a person, a client, a code), if anything.
    pub object_id: String,
    /// The address the request came from, as the gateway saw it.
    pub source_address: String,
    pub created_at: Option<DateTime<Utc>>,
}

impl From<identity::AuditEvent> for AuditEventView {
    fn from(event: identity::AuditEvent) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            actor_id: event.actor_id,
            object_id: event.object_id,
            source_address: event.source_address,
            created_at: timestamp(event.create_time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventsView {
    /// The newest first.
    pub audit_events: Vec<AuditEventView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditEventsQuery {
    /// Only events of this kind: `login`, `login.failed`,
    /// `password.changed`, `credentials.issued`, `access_code.issued`,
    /// `access_code.revoked`, `access_code.redeemed`, `access_code.failed`,
    /// `guardian.linked`, `guardian.unlinked`, `staff_role.granted`,
    /// `staff_role.revoked`, `student_record.read`, `vendor.granted`,
    /// `vendor.revoked`, `person.disabled`, `roster.imported`,
    /// `external_identity.linked`, `session.ended`.
    #[param(max_length = 50)]
    pub kind: Option<String>,
    /// Only events of this school-local day.
    #[param(format = Date)]
    pub date: Option<String>,
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

/// `GET /api/v1/schools/{school_id}/audit-events`: a page of the school's
/// audit trail, newest first. The school's administrators, city operators.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/audit-events", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), AuditEventsQuery),
    responses((status = 200, description = "A page of events", body = AuditEventsView)))]
pub async fn list_audit_events(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AuditEventsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_audit_page(&caller, &school_id, query).await.map(Json) })
        .await
}

pub async fn load_audit_page(
    caller: &Caller,
    school_id: &str,
    query: AuditEventsQuery,
) -> Result<AuditEventsView> {
    let school_id = path_id("school", school_id)?;
    fetch(caller, school_id, query).await
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct CityAuditEventsQuery {
    /// Only events of this kind: `login`, `login.failed`, `client.created`,
    /// `client.revoked`, `school.created`, `school.updated`,
    /// `signing_key.rotated`, `session.ended`.
    #[param(max_length = 50)]
    pub kind: Option<String>,
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

/// `GET /api/v1/audit-events`: a page of the city's own trail (no
/// school's): city operators' sign-ins, schools created and changed,
/// vendor clients registered and revoked, signing keys rotated. City
/// operators.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "city",
    params(CityAuditEventsQuery),
    responses((status = 200, description = "A page of events", body = AuditEventsView)))]
pub async fn list_city_audit_events(
    caller: Caller,
    ApiQuery(query): ApiQuery<CityAuditEventsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_city_audit_page(&caller, query).await.map(Json) })
        .await
}

pub async fn load_city_audit_page(
    caller: &Caller,
    query: CityAuditEventsQuery,
) -> Result<AuditEventsView> {
    let query = AuditEventsQuery {
        kind: query.kind,
        date: None,
        page_size: query.page_size,
        page_token: query.page_token,
    };
    fetch(caller, String::new(), query).await
}

/// A page of a school's trail, or of the city's when `school_id` is empty.
async fn fetch(
    caller: &Caller,
    school_id: String,
    query: AuditEventsQuery,
) -> Result<AuditEventsView> {
    let mut params = Params::new();
    let kind = query.kind.unwrap_or_default();
    let known = |kinds: &[&str]| kinds.contains(&kind.as_str());
    if !kind.is_empty() && !known(&AUDIT_KINDS) && !known(&CITY_AUDIT_KINDS) {
        params.refuse("kind", "must be a kind of audit event");
    }
    let date = params.optional_date("date", query.date.as_deref().filter(|d| !d.is_empty()));
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let message = identity::ListAuditEventsRequest {
        school_id,
        page_size,
        page_token: query.page_token.unwrap_or_default(),
        kind,
        date,
    };
    let reply = caller
        .identity()
        .list_audit_events(caller.request(message)?)
        .await?
        .into_inner();
    Ok(AuditEventsView {
        audit_events: reply
            .audit_events
            .into_iter()
            .map(AuditEventView::from)
            .collect(),
        next_page_token: reply.next_page_token,
    })
}
