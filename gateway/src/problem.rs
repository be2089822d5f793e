//! RFC 9457 problem details: every error the gateway answers with.
//!
//! Titles are Russian unless the client prefers English; field violations
//! name the JSON field exactly as the request spelled it.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use otmetka_platform::error::{Error, FieldViolation, bounded};
use serde::Serialize;

/// An error on its way to becoming a problem+json response.
#[derive(Debug)]
pub struct Problem {
    error: Error,
    english: bool,
}

impl Problem {
    pub fn new(error: Error) -> Self {
        Self {
            error,
            english: false,
        }
    }

    /// Picks the title language from `Accept-Language`.
    pub fn for_request(error: Error, headers: &HeaderMap) -> Self {
        Self::localized(error, prefers_english(headers))
    }

    /// With English titles when the client asked for them.
    pub fn localized(error: Error, english: bool) -> Self {
        Self { error, english }
    }
}

pub fn prefers_english(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .is_some_and(|first| first.trim().to_ascii_lowercase().starts_with("en"))
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Self::new(error)
    }
}

impl From<tonic::Status> for Problem {
    fn from(status: tonic::Status) -> Self {
        Self::new(Error::from(status))
    }
}

/// An RFC 9457 problem: what went wrong, for people and for programs.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct Body {
    /// `urn:otmetka:problem:<slug>`: invalid-request, not-found,
    /// already-exists, forbidden, unauthenticated, failed-precondition,
    /// too-many-requests, timeout, unavailable, internal; and, from the
    /// HTTP layer itself, method-not-allowed, payload-too-large,
    /// unsupported-media-type, not-acceptable, http-error.
    #[serde(rename = "type")]
    #[schema(example = "urn:otmetka:problem:invalid-request")]
    kind: String,
    /// Russian, or English when `Accept-Language` asks for it first.
    #[schema(example = "Неверные данные запроса")]
    title: &'static str,
    /// The HTTP status, repeated.
    status: u16,
    detail: String,
    /// For invalid requests: every wrong field or parameter, named as the
    /// client spelled it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
}

/// One invalid field of a request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldError {
    #[schema(example = "date")]
    field: String,
    #[schema(example = "must be a date as YYYY-MM-DD")]
    detail: String,
}

/// (HTTP status, problem type slug, Russian title, English title).
pub(crate) fn describe(error: &Error) -> (StatusCode, &'static str, &'static str, &'static str) {
    match error {
        Error::InvalidArgument(_) => (
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "Неверные данные запроса",
            "Invalid request",
        ),
        Error::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "not-found",
            "Не найдено",
            "Not found",
        ),
        Error::AlreadyExists(_) => (
            StatusCode::CONFLICT,
            "already-exists",
            "Уже существует",
            "Already exists",
        ),
        Error::PermissionDenied(_) => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "Нет доступа",
            "Forbidden",
        ),
        Error::Unauthenticated(_) => (
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Требуется вход",
            "Authentication required",
        ),
        Error::FailedPrecondition(_) | Error::Aborted(_) => (
            StatusCode::CONFLICT,
            "failed-precondition",
            "Действие сейчас невозможно",
            "Not possible now",
        ),
        Error::ResourceExhausted(_) | Error::RateLimited { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "Слишком много запросов",
            "Too many requests",
        ),
        Error::DeadlineExceeded => (
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            "Сервис не ответил вовремя",
            "The service did not answer in time",
        ),
        Error::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Сервис временно недоступен",
            "Service unavailable",
        ),
        Error::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Внутренняя ошибка",
            "Internal error",
        ),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, slug, russian, english) = describe(&self.error);
        let errors = match &self.error {
            Error::InvalidArgument(violations) => violations
                .iter()
                .map(|FieldViolation { field, description }| FieldError {
                    field: bounded(field.clone()),
                    detail: bounded(description.clone()),
                })
                .collect(),
            _ => Vec::new(),
        };
        let detail = match &self.error {
            Error::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                "internal error".to_owned()
            }
            other => bounded(other.to_string()),
        };
        let retry_after = match &self.error {
            Error::RateLimited { retry_after, .. } => Some(retry_after.as_secs().max(1)),
            _ => None,
        };
        let title = if self.english { english } else { russian };
        let mut response = respond(status, slug, title, detail, errors);
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

fn respond(
    status: StatusCode,
    slug: &str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
) -> Response {
    let body = Body {
        kind: format!("urn:otmetka:problem:{slug}"),
        title,
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Cookie realm=\"otmetka\""),
        );
    }
    response
}

/// Answers the errors the HTTP layer makes by itself (an unknown route, a
/// wrong method, a body too large, a request it cannot read) as
/// problem+json too, so a client parses one kind of error. Their own text
/// is dropped: it is meant for developers and may name internals. A browser
/// asking for a page outside the API gets the web app's error page instead.
pub async fn http_errors_as_problems(
    axum::extract::State(secure_cookies): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let english = prefers_english(request.headers());
    let page_lang =
        wants_page(&request).then(|| crate::web::Lang::of(request.headers(), secure_cookies));
    let response = next.run(request).await;
    let status = response.status();
    let answered = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| {
            kind == "application/problem+json" || kind.as_bytes().starts_with(b"text/html")
        });
    if answered || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if let Some(lang) = page_lang {
        return crate::web::status_page(status, lang);
    }
    let (slug, russian, english_title, detail) = match status {
        StatusCode::NOT_FOUND => ("not-found", "Не найдено", "Not found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "Метод не поддерживается",
            "Method not allowed",
            "this resource does not answer this method; see the Allow header",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload-too-large",
            "Слишком большой запрос",
            "Payload too large",
            "the request body is larger than 64 KiB",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "Неподдерживаемый формат",
            "Unsupported media type",
            "send the body as application/json",
        ),
        StatusCode::BAD_REQUEST => (
            "invalid-request",
            "Неверные данные запроса",
            "Invalid request",
            "the request could not be read",
        ),
        _ => (
            "http-error",
            "Ошибка запроса",
            "Request error",
            "the request failed",
        ),
    };
    let title = if english { english_title } else { russian };
    let mut problem = respond(status, slug, title, detail.to_owned(), Vec::new());
    if let Some(allow) = response.headers().get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}

/// A browser navigating to a page, not a program calling the API.
fn wants_page(request: &Request) -> bool {
    let accepts_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    accepts_html && !request.uri().path().starts_with("/api/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_only_when_asked_first() {
        let mut headers = HeaderMap::new();
        assert!(!prefers_english(&headers));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9,ru;q=0.8"),
        );
        assert!(prefers_english(&headers));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("ru-RU,en;q=0.5"),
        );
        assert!(!prefers_english(&headers));
    }

    #[test]
    fn every_error_maps_to_its_status() {
        assert_eq!(
            describe(&Error::invalid("value", "x")).0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            describe(&Error::not_found("student")).0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            describe(&Error::Unauthenticated("x".into())).0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            describe(&Error::DeadlineExceeded).0,
            StatusCode::GATEWAY_TIMEOUT
        );
    }
}
