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

/// The origin (`scheme://host[:port]`) of the gateway's public URL.
pub fn origin_of(public_url: &str) -> String {
    match url::Url::parse(public_url) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => public_url.trim_end_matches('/').to_owned(),
    }
}

/// Limits sign-in attempts per source address: a burst, then one every few
/// seconds. Identity also counts failures; this bounds the load of guessing
/// at all. The limiter forgets idle addresses every minute.
pub fn limit_sign_ins<S: Clone + Send + Sync + 'static>(
    router: utoipa_axum::router::OpenApiRouter<S>,
    shutdown: tokio_util::sync::CancellationToken,
) -> utoipa_axum::router::OpenApiRouter<S> {
    let config = std::sync::Arc::new(
        tower_governor::governor::GovernorConfigBuilder::default()
            .key_extractor(crate::client_ip::ClientIpKey)
            .per_second(SIGN_IN_REFILL_SECONDS)
            .burst_size(SIGN_IN_BURST)
            .finish()
            .expect("a valid rate limit"),
    );
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(std::time::Duration::from_secs(60)) => limiter.retain_recent(),
                () = shutdown.cancelled() => return,
            }
        }
    });
    router.layer(
        tower_governor::GovernorLayer::new(config).error_handler(|error| {
            let detail = match error {
                tower_governor::GovernorError::TooManyRequests { wait_time, .. } => {
                    format!(
                        "too many sign-in attempts from this address; try again in {wait_time} s"
                    )
                }
                _ => "too many sign-in attempts".to_owned(),
            };
            Problem::new(Error::ResourceExhausted(detail)).into_response()
        }),
    )
}

/// The burst of sign-in attempts an address may make…
pub const SIGN_IN_BURST: u32 = 20;
/// …and how often one more is allowed after it.
pub const SIGN_IN_REFILL_SECONDS: u64 = 3;

#[cfg(test)]
mod tests {
    use super::*;

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
