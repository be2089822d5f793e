//! Browser-facing protections every response and request passes.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use otmetka_platform::Error;

use crate::problem::Problem;

/// Refuses state-changing requests that a browser marks as coming from
/// another site. JSON bodies already force a CORS preflight, which the
/// gateway never grants; this closes the door for form-encoded tricks too.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|value| value == "cross-site");
    if !safe && cross_site {
        let error = Error::PermissionDenied("cross-site requests are refused".into());
        return Problem::for_request(error, request.headers()).into_response();
    }
    next.run(request).await
}

/// Headers that keep an API response from being framed, sniffed or leaked.
pub fn security_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}
