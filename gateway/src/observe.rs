//! A span per HTTP request, joined to the caller's trace if they sent one,
//! and request metrics labelled by route (never by raw path).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub async fn observe(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |path| path.as_str())
        .to_owned();
    let method = request.method().clone();
    let span = tracing::info_span!(
        "http.server",
        otel.name = format!("{method} {route}"),
        otel.kind = "server",
        http.request.method = %method,
        http.route = %route,
        http.response.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    otmetka_platform::telemetry::adopt_remote_parent(&span, request.headers());
    if let Some(trace_id) = otmetka_platform::telemetry::trace_id(&span) {
        span.record("trace_id", trace_id);
    }
    let start = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("http.response.status_code", status);
    metrics::counter!("otmetka_http_requests_total",
        "method" => method.to_string(), "route" => route.clone(), "status" => status.to_string())
    .increment(1);
    metrics::histogram!("otmetka_http_request_duration_seconds",
        "method" => method.to_string(), "route" => route)
    .record(start.elapsed().as_secs_f64());
    response
}
