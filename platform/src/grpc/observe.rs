//! The outermost layer of every gRPC server: a span per request (joined to
//! the caller's trace), the request's deadline, and request metrics.

use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tracing::Instrument;

use super::context::Deadline;
use crate::telemetry;

#[derive(Clone, Debug)]
pub struct ObserveLayer {
    service: &'static str,
    request_timeout: Duration,
}

impl ObserveLayer {
    pub fn new(service: &'static str, request_timeout: Duration) -> Self {
        Self {
            service,
            request_timeout,
        }
    }
}

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Observe {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Observe<S> {
    inner: S,
    layer: ObserveLayer,
}

impl<S, B, RB> tower::Service<http::Request<B>> for Observe<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>> + Send,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        let span = tracing::info_span!(
            "grpc.server",
            otel.name = %path,
            otel.kind = "server",
            rpc.system = "grpc",
            service = self.layer.service,
            trace_id = tracing::field::Empty,
            grpc.code = tracing::field::Empty,
        );
        telemetry::adopt_remote_parent(&span, request.headers());
        if let Some(trace_id) = telemetry::trace_id(&span) {
            span.record("trace_id", trace_id);
        }

        let client_timeout = request
            .headers()
            .get("grpc-timeout")
            .and_then(|value| value.to_str().ok())
            .and_then(parse_grpc_timeout);
        let timeout = client_timeout.map_or(self.layer.request_timeout, |client| {
            client.min(self.layer.request_timeout)
        });
        let start = Instant::now();
        request.extensions_mut().insert(Deadline(start + timeout));

        let service = self.layer.service;
        let future = self.inner.call(request).instrument(span.clone());
        Box::pin(async move {
            let result = future.await;
            let code = match &result {
                // A status in the headers means a trailers-only answer (an
                // error); otherwise the call got as far as a body: OK so far.
                Ok(response) => tonic::Status::from_header_map(response.headers())
                    .map_or(tonic::Code::Ok, |status| status.code()),
                Err(_) => tonic::Code::Internal,
            };
            span.record("grpc.code", format!("{code:?}"));
            // Unknown paths answer UNIMPLEMENTED: don't let strangers mint label values.
            let method = if code == tonic::Code::Unimplemented {
                "unknown".to_owned()
            } else {
                path
            };
            let code = format!("{code:?}");
            metrics::counter!("otmetka_grpc_requests_total",
                "service" => service, "method" => method.clone(), "code" => code)
            .increment(1);
            metrics::histogram!("otmetka_grpc_request_duration_seconds",
                "service" => service, "method" => method)
            .record(start.elapsed().as_secs_f64());
            result
        })
    }
}

/// Parses a `grpc-timeout` header value: up to 8 digits and a unit (H M S m u n).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    // ASCII only: the unit split below must fall on a character boundary.
    if !value.is_ascii() || value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.checked_mul(3600)?),
        "M" => Duration::from_secs(amount.checked_mul(60)?),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse_grpc_timeout("10S"), Some(Duration::from_secs(10)));
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse_grpc_timeout("9n"), Some(Duration::from_nanos(9)));
    }

    #[test]
    fn rejects_malformed_values() {
        for bad in ["", "S", "10", "10x", "-1S", "123456789S", "1.5S"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_valid_millisecond_value_round_trips(ms in 0u64..100_000_000) {
            prop_assert_eq!(parse_grpc_timeout(&format!("{ms}m")), Some(Duration::from_millis(ms)));
        }

        #[test]
        fn never_panics(text in "\\PC{0,12}") {
            let _ = parse_grpc_timeout(&text);
        }
    }
}
