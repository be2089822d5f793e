//! Browser-facing protections every response and request passes.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use otmetka_platform::Error;

use crate::problem::Problem;

/// Refuses state-changing requests from other sites: those a browser marks
/// `Sec-Fetch-Site: cross-site`, and those whose `Origin` is not the
/// gateway's own. JSON bodies and DELETE already force a CORS preflight,
/// which the gateway never grants; this closes the door for the rest.
pub async fn refuse_cross_site(
    axum::extract::State(own_origin): axum::extract::State<std::sync::Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|value| value == "cross-site");
    let foreign_origin = headers
        .get(header::ORIGIN)
        .is_some_and(|origin| origin.as_bytes() != own_origin.as_bytes());
    if !safe && (cross_site || foreign_origin) {
        let error = Error::PermissionDenied("cross-site requests are refused".into());
        return Problem::for_request(error, request.headers()).into_response();
    }
    next.run(request).await
}

/// The Content-Security-Policy of every response that sets none of its own
/// (pages set theirs): nothing loads, nothing frames it. `object-src` and
/// `base-uri` are spelled out although `default-src` covers the first:
/// `base-uri` never falls back to it.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Headers that keep a response from being framed, sniffed, cached or
/// leaked; and, served over HTTPS, that keep browsers from ever trying plain
/// HTTP. Each applies unless the response set its own: pages bring their
/// own content policy, the web app's files their own caching.
pub fn security_headers(public_url: &str) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
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
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    if public_url.starts_with("https://") {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    headers
}

/// The origin (`scheme://host[:port]`) of the gateway's public URL.
pub fn origin_of(public_url: &str) -> String {
    match url::Url::parse(public_url) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => public_url.trim_end_matches('/').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_transport_only_over_https() {
        let has_hsts = |url: &str| {
            security_headers(url)
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        };
        assert!(has_hsts("https://otmetka.example.city"));
        assert!(!has_hsts("http://127.0.0.1:8080"));
    }

    #[test]
    fn the_content_security_policy_allows_nothing_and_sets_the_base() {
        let policy = security_headers("https://otmetka.example.city")
            .into_iter()
            .find(|(name, _)| name == header::CONTENT_SECURITY_POLICY)
            .map(|(_, value)| value.to_str().unwrap().to_owned())
            .expect("a Content-Security-Policy");
        let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
        for wanted in [
            "default-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(directives.contains(&wanted), "{wanted} missing: {policy}");
        }
    }

    #[test]
    fn every_response_header_is_set_on_http_too() {
        let names: Vec<HeaderName> = security_headers("http://127.0.0.1:8080")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        for wanted in [
            header::X_CONTENT_TYPE_OPTIONS,
            header::X_FRAME_OPTIONS,
            header::REFERRER_POLICY,
            header::CONTENT_SECURITY_POLICY,
            header::CACHE_CONTROL,
        ] {
            assert!(names.contains(&wanted), "{wanted} missing");
        }
    }

    #[test]
    fn origins_drop_paths_and_keep_ports() {
        assert_eq!(
            origin_of("https://otmetka.example.city/"),
            "https://otmetka.example.city"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080/api"),
            "http://127.0.0.1:8080"
        );
    }
}
