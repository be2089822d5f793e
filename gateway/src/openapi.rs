//! The API's OpenAPI 3.1 document. It is generated from the same
//! declarations that route requests (each handler's `#[utoipa::path]`,
//! registered with `routes!`), so what is served and what is documented
//! cannot part ways; the conventions every operation shares (the session
//! cookie, problem+json errors) are added here once.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};

/// The name of the session security scheme.
pub const SESSION: &str = "session_cookie";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Otmetka",
        description = "The JSON API of Otmetka, the city's school journal and diary. \
            Sign in with `POST /api/v1/session`; the session lives in the \
            `__Host-otmetka_session` cookie (`otmetka_session` where the gateway is served \
            over plain HTTP for development). State-changing requests from other sites are refused. Ids are strings, \
            days are \"YYYY-MM-DD\" in the school's timezone, instants RFC 3339 in UTC. \
            Errors are RFC 9457 problem details (`application/problem+json`) with Russian \
            titles unless `Accept-Language` asks for English; something that does not exist \
            and something the caller may not see both answer 404.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    security(("session_cookie" = [])),
    components(schemas(crate::problem::Body)),
    tags(
        (name = "session", description = "Signing in and out, sessions, passwords, access codes"),
        (name = "family", description = "The diary: what a student and their guardians read"),
        (name = "marks", description = "Marks and their history, for everyone who may read them"),
        (name = "journal", description = "The teacher's journal: marks, attendance, the grid, reopening"),
        (name = "lessons", description = "Dated lessons and their topics"),
        (name = "homework", description = "Homework a teacher sets, its files, and the answers students hand in"),
        (name = "periods", description = "Reporting periods"),
        (name = "timetable", description = "Bell schedules, the weekly timetable, holidays, and generating the dated lessons from them"),
        (name = "roster", description = "A school's classes, students, staff and their roles, teaching assignments, guardians, access codes, vendor grants and audit trail, as its administrators keep them"),
        (name = "messages", description = "Personal messages between families and staff and among colleagues; news and announcements, parent meetings and their invitations, notifications"),
        (name = "city", description = "The city's schools and machine clients, for city operators"),
        (name = "operations", description = "The API's own description"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`: this document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn serve(State(state): State<crate::AppState>) -> impl IntoResponse {
    static SECURE: OnceLock<String> = OnceLock::new();
    static PLAIN: OnceLock<String> = OnceLock::new();
    let secure = state.settings.cookie_secure;
    let json = if secure { &SECURE } else { &PLAIN }.get_or_init(|| {
        document(secure)
            .to_json()
            .expect("the document serialises to JSON")
    });
    ([(header::CONTENT_TYPE, "application/json")], json.as_str())
}

/// The whole document: every routed operation with the shared conventions,
/// naming the session cookie as a gateway with `cookie_secure` sets it.
pub fn document(cookie_secure: bool) -> utoipa::openapi::OpenApi {
    let (_, document) = crate::routes().split_for_parts();
    with_conventions(document, cookie_secure)
}

/// Adds the session cookie scheme and, to every operation, the problem
/// answers it can give besides its own: 400 when it takes input, 401 when
/// it needs a session, 404 when its path names something, and any other
/// failure as the default.
pub fn with_conventions(
    mut document: utoipa::openapi::OpenApi,
    cookie_secure: bool,
) -> utoipa::openapi::OpenApi {
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SESSION,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::cookies::name(crate::session::COOKIE_NAME, "/", cookie_secure),
            "The session cookie that signing in sets (HttpOnly, SameSite=Lax, Secure).".to_owned(),
        ))),
    );
    for (name, description) in PROBLEMS {
        components.responses.insert(
            (*name).to_owned(),
            RefOr::T(
                Response::builder()
                    .description(*description)
                    .content(
                        "application/problem+json",
                        Content::new(Some(Ref::from_schema_name("Problem"))),
                    )
                    .build(),
            ),
        );
    }
    for (path, item) in document.paths.paths.iter_mut() {
        let names_something = path.contains('{');
        for operation in operations(item) {
            add_problems(operation, names_something);
        }
    }
    document
}

const PROBLEMS: &[(&str, &str)] = &[
    (
        "InvalidRequest",
        "A parameter or field is wrong; `errors` names each",
    ),
    ("Unauthenticated", "No session, or it has ended"),
    (
        "NotFound",
        "It does not exist, or the caller may not see it",
    ),
    (
        "Problem",
        "Refused or failed (403, 409, 429, 5xx): see `type` and `detail`",
    ),
];

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn add_problems(operation: &mut Operation, names_something: bool) {
    // `security(())` marks an operation open to everyone.
    let open = operation.security.as_ref().is_some_and(|requirements| {
        requirements
            .iter()
            .all(|r| *r == SecurityRequirement::default())
    });
    let takes_input = operation.request_body.is_some()
        || operation
            .parameters
            .as_ref()
            .is_some_and(|parameters| !parameters.is_empty());
    let answers = [
        ("400", "InvalidRequest", takes_input),
        ("401", "Unauthenticated", !open),
        ("404", "NotFound", names_something),
        ("default", "Problem", true),
    ];
    for (status, name, applies) in answers {
        if applies {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn routed() -> Vec<(String, String)> {
        let document = serde_json::to_value(document(true)).unwrap();
        let mut routed = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                routed.push((method.to_uppercase(), path.clone()));
            }
        }
        routed.sort();
        routed
    }

    #[test]
    fn the_document_is_openapi_3_1_with_the_session_and_problems() {
        let document = serde_json::to_value(document(true)).unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        let scheme = &document["components"]["securitySchemes"][SESSION];
        assert_eq!(scheme["type"], "apiKey");
        assert_eq!(scheme["in"], "cookie");
        assert_eq!(scheme["name"], "__Host-otmetka_session");
        let problem = &document["components"]["schemas"]["Problem"];
        for field in ["type", "title", "status", "detail", "errors"] {
            assert!(problem["properties"].get(field).is_some(), "{field}");
        }
        let week = &document["paths"]["/api/v1/students/{student_id}/week"]["get"];
        assert_eq!(
            week["responses"]["401"]["$ref"],
            "#/components/responses/Unauthenticated"
        );
        assert_eq!(
            week["responses"]["404"]["$ref"],
            "#/components/responses/NotFound"
        );
        let sign_in = &document["paths"]["/api/v1/session"]["post"];
        assert!(sign_in["responses"].get("401").is_some(), "its own 401");
        assert_eq!(sign_in["security"], serde_json::json!([{}]));
    }

    /// What a client sends is described tightly enough that a fuzzer's
    /// schema-valid input is input the API accepts: ids are UUIDs, days are
    /// dates, texts have a length limit, numbers a range.
    #[test]
    fn every_input_is_constrained() {
        let document = serde_json::to_value(document(true)).unwrap();
        let schemas = &document["components"]["schemas"];
        let mut loose = Vec::new();
        let mut check = |place: String, name: &str, schema: &Value| {
            let schema = match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => &schemas[reference.rsplit('/').next().unwrap()],
                None => schema,
            };
            let kinds: Vec<&str> = match &schema["type"] {
                Value::String(kind) => vec![kind.as_str()],
                Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            // `request_id` is the client's own key, not one of ours.
            let constrained = if name.ends_with("_id") && name != "request_id" {
                schema["format"] == "uuid"
            } else if kinds.contains(&"string") {
                schema.get("enum").is_some()
                    || schema.get("format").is_some()
                    || schema.get("maxLength").is_some()
                    || schema.get("pattern").is_some()
            } else if kinds.contains(&"integer") {
                schema.get("minimum").is_some() && schema.get("maximum").is_some()
            } else {
                true
            };
            if !constrained {
                loose.push(format!("{place} {name}: {schema}"));
            }
        };
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let place = format!("{method} {path}");
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap();
                    check(place.clone(), name, &parameter["schema"]);
                }
                let body = &operation["requestBody"]["content"]["application/json"]["schema"];
                if let Some(reference) = body.get("$ref").and_then(Value::as_str) {
                    let body = &schemas[reference.rsplit('/').next().unwrap()];
                    for (name, field) in body["properties"].as_object().into_iter().flatten() {
                        check(place.clone(), name, field);
                    }
                }
            }
        }
        assert!(
            loose.is_empty(),
            "unconstrained inputs:\n{}",
            loose.join("\n")
        );
    }

    #[test]
    fn operation_ids_are_unique() {
        let document = serde_json::to_value(document(true)).unwrap();
        let mut ids = Vec::new();
        for item in document["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                if let Some(id) = operation["operationId"].as_str() {
                    ids.push(id.to_owned());
                }
            }
        }
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "{ids:?}");
    }

    /// Every route the gateway serves, listed once more by hand: a route
    /// added without its documentation, or documentation without its route,
    /// fails here (the router and the document are built from the same
    /// declarations, so they cannot differ from each other).
    #[test]
    fn every_route_is_documented() {
        let expected = [
            ("DELETE", "/api/v1/marks/{mark_id}"),
            ("GET", "/api/v1/threads"),
            ("POST", "/api/v1/threads"),
            ("GET", "/api/v1/threads/{thread_id}"),
            ("GET", "/api/v1/threads/{thread_id}/messages"),
            ("POST", "/api/v1/threads/{thread_id}/messages"),
            ("POST", "/api/v1/threads/{thread_id}/read"),
            ("POST", "/api/v1/threads/{thread_id}/archive"),
            ("GET", "/api/v1/notifications"),
            ("POST", "/api/v1/notifications/read"),
            ("GET", "/api/v1/notifications/stream"),
            ("GET", "/api/v1/notification-settings"),
            ("PUT", "/api/v1/notification-settings"),
            ("GET", "/api/v1/announcements"),
            ("POST", "/api/v1/announcements"),
            ("GET", "/api/v1/announcements/{announcement_id}"),
            ("PATCH", "/api/v1/announcements/{announcement_id}"),
            ("DELETE", "/api/v1/announcements/{announcement_id}"),
            ("POST", "/api/v1/announcements/read"),
            ("GET", "/api/v1/meetings"),
            ("POST", "/api/v1/meetings"),
            ("GET", "/api/v1/meetings/{meeting_id}"),
            ("PATCH", "/api/v1/meetings/{meeting_id}"),
            ("POST", "/api/v1/meetings/{meeting_id}/cancel"),
            ("GET", "/api/v1/meetings/{meeting_id}/invitations"),
            ("PUT", "/api/v1/meeting-invitations/{invitation_id}/reply"),
            ("GET", "/api/v1/unread-counts"),
            ("GET", "/api/v1/correspondents"),
            ("DELETE", "/api/v1/session"),
            ("DELETE", "/api/v1/sessions"),
            ("DELETE", "/api/v1/sessions/{session_id}"),
            ("DELETE", "/api/v1/access-codes/{code_id}"),
            ("DELETE", "/api/v1/clients/{client_id}"),
            ("GET", "/api/v1/schools/{school_id}/staff"),
            ("POST", "/api/v1/schools/{school_id}/staff"),
            (
                "PUT",
                "/api/v1/schools/{school_id}/staff/{person_id}/roles/{role}",
            ),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/staff/{person_id}/roles/{role}",
            ),
            ("GET", "/api/v1/schools/{school_id}/teaching-assignments"),
            ("POST", "/api/v1/schools/{school_id}/teaching-assignments"),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/teaching-assignments/{assignment_id}",
            ),
            (
                "GET",
                "/api/v1/schools/{school_id}/students/{student_id}/guardians",
            ),
            (
                "POST",
                "/api/v1/schools/{school_id}/students/{student_id}/guardians",
            ),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/students/{student_id}/guardians/{guardian_id}",
            ),
            ("GET", "/api/v1/schools/{school_id}/vendor-grants"),
            (
                "PUT",
                "/api/v1/schools/{school_id}/vendor-grants/{client_id}",
            ),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/vendor-grants/{client_id}",
            ),
            ("GET", "/api/v1/schools/{school_id}/audit-events"),
            ("GET", "/api/v1/audit-events"),
            ("GET", "/api/v1/classes/{class_id}/students"),
            ("GET", "/api/v1/classes/{class_id}/groups"),
            ("POST", "/api/v1/classes/{class_id}/groups"),
            ("GET", "/api/v1/clients"),
            ("GET", "/api/v1/schools"),
            ("GET", "/api/v1/schools/{school_id}"),
            ("GET", "/api/v1/schools/{school_id}/access-codes"),
            ("GET", "/api/v1/schools/{school_id}/classes"),
            ("POST", "/api/v1/classes/{class_id}/access-codes"),
            ("POST", "/api/v1/classes/{class_id}/students"),
            ("POST", "/api/v1/clients"),
            ("POST", "/api/v1/schools"),
            ("POST", "/api/v1/schools/{school_id}/classes"),
            ("POST", "/api/v1/schools/{school_id}/roster-imports"),
            ("POST", "/api/v1/people/{person_id}/credentials"),
            ("POST", "/api/v1/signing-keys"),
            ("POST", "/api/v1/students/{student_id}/access-codes"),
            ("PUT", "/api/v1/schools/{school_id}"),
            ("GET", "/api/v1/attachments/{attachment_id}"),
            ("GET", "/api/v1/guardianships"),
            ("GET", "/api/v1/journal"),
            ("GET", "/api/v1/journal/reopen-requests"),
            ("GET", "/api/v1/lessons"),
            ("GET", "/api/v1/lessons/{lesson_id}/homework"),
            ("GET", "/api/v1/homework/{homework_id}"),
            ("GET", "/api/v1/homework/{homework_id}/submissions"),
            ("POST", "/api/v1/homework/{homework_id}/submissions"),
            ("PATCH", "/api/v1/submissions/{submission_id}"),
            ("POST", "/api/v1/submissions/{submission_id}/return"),
            ("POST", "/api/v1/submissions/{submission_id}/mark"),
            ("GET", "/api/v1/marks/{mark_id}"),
            ("GET", "/api/v1/marks/{mark_id}/revisions"),
            ("GET", "/api/v1/me"),
            ("GET", "/api/v1/oidc/providers"),
            ("GET", "/api/v1/oidc/{provider}/callback"),
            ("GET", "/api/v1/oidc/{provider}/link"),
            ("GET", "/api/v1/oidc/{provider}/login"),
            ("GET", "/api/v1/openapi.json"),
            ("GET", "/api/v1/schools/{school_id}/academic-years"),
            ("GET", "/api/v1/schools/{school_id}/journals"),
            ("GET", "/api/v1/schools/{school_id}/periods"),
            ("GET", "/api/v1/session"),
            ("GET", "/api/v1/sessions"),
            ("GET", "/api/v1/students/{student_id}/attendance"),
            ("GET", "/api/v1/students/{student_id}/averages"),
            ("GET", "/api/v1/students/{student_id}/final-marks"),
            ("GET", "/api/v1/students/{student_id}/marks"),
            ("GET", "/api/v1/students/{student_id}/periods"),
            ("GET", "/api/v1/students/{student_id}/week"),
            ("GET", "/api/v1/students/{student_id}/what-if"),
            ("GET", "/api/v1/teaching/journals"),
            ("GET", "/api/v1/teaching/lessons"),
            ("GET", "/api/v1/teaching/lessons/{lesson_id}"),
            ("PATCH", "/api/v1/marks/{mark_id}"),
            ("POST", "/api/v1/attachments"),
            ("POST", "/api/v1/final-marks"),
            ("POST", "/api/v1/guardianships"),
            ("POST", "/api/v1/journal/cohort"),
            ("POST", "/api/v1/journal/cohort/messages"),
            ("POST", "/api/v1/journal/reopen-requests"),
            (
                "POST",
                "/api/v1/journal/reopen-requests/{request_id}/decision",
            ),
            ("POST", "/api/v1/lessons/{lesson_id}/homework"),
            ("POST", "/api/v1/marks"),
            ("POST", "/api/v1/marks/{mark_id}/seen"),
            ("POST", "/api/v1/oidc/registrations"),
            ("POST", "/api/v1/registrations"),
            (
                "POST",
                "/api/v1/schools/{school_id}/periods/{period_id}/close",
            ),
            (
                "POST",
                "/api/v1/schools/{school_id}/periods/{period_id}/reopen",
            ),
            (
                "POST",
                "/api/v1/schools/{school_id}/lessons/{lesson_id}/cancel",
            ),
            (
                "POST",
                "/api/v1/schools/{school_id}/lessons/{lesson_id}/restore",
            ),
            ("GET", "/api/v1/schools/{school_id}/lessons"),
            ("GET", "/api/v1/schools/{school_id}/bell-schedules"),
            ("POST", "/api/v1/schools/{school_id}/bell-schedules"),
            (
                "PUT",
                "/api/v1/schools/{school_id}/bell-schedules/{bell_schedule_id}",
            ),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/bell-schedules/{bell_schedule_id}",
            ),
            ("GET", "/api/v1/schools/{school_id}/timetable-entries"),
            ("POST", "/api/v1/schools/{school_id}/timetable-entries"),
            (
                "PUT",
                "/api/v1/schools/{school_id}/timetable-entries/{entry_id}",
            ),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/timetable-entries/{entry_id}",
            ),
            ("GET", "/api/v1/schools/{school_id}/holidays"),
            ("POST", "/api/v1/schools/{school_id}/holidays"),
            ("PUT", "/api/v1/schools/{school_id}/holidays/{holiday_id}"),
            (
                "DELETE",
                "/api/v1/schools/{school_id}/holidays/{holiday_id}",
            ),
            ("POST", "/api/v1/schools/{school_id}/lesson-generation"),
            ("POST", "/api/v1/session"),
            ("POST", "/api/v1/session/password"),
            ("PUT", "/api/v1/lessons/{lesson_id}/attendance/{student_id}"),
            ("PUT", "/api/v1/lessons/{lesson_id}/topic"),
            (
                "PUT",
                "/api/v1/schools/{school_id}/lessons/{lesson_id}/room",
            ),
            (
                "PUT",
                "/api/v1/schools/{school_id}/lessons/{lesson_id}/substitute",
            ),
        ];
        let mut expected: Vec<(String, String)> = expected
            .iter()
            .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
            .collect();
        expected.sort();
        assert_eq!(routed(), expected);
    }

    /// The only routes registered past the document are the probes.
    #[test]
    fn nothing_is_routed_around_the_document() {
        let source = include_str!("lib.rs");
        let plain: Vec<&str> = source
            .match_indices(".route(\"")
            .map(|(at, _)| {
                let rest = &source[at + ".route(\"".len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert_eq!(plain, ["/healthz", "/readyz"]);
    }
}
