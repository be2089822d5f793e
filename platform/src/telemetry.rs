//! Logs, traces and their propagation, set up once per process.
//!
//! Every process gets an OpenTelemetry tracer so that spans carry W3C trace
//! ids even when nothing is exported: the ids go into logs and across
//! HTTP/gRPC hops. Spans are exported over OTLP (HTTP/protobuf) only when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

use opentelemetry::propagation::Injector;
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanExporter};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object a line, with the current span's fields (trace_id included).
    Json,
    /// Readable lines for a terminal.
    Text,
}

#[derive(clap::Args, Debug, Clone)]
pub struct TelemetryArgs {
    /// `json` in production, `text` for people.
    #[arg(long, env = "OTMETKA_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Log filter in `tracing` syntax, e.g. `info,otmetka_gradebook=debug`.
    #[arg(long = "log", env = "OTMETKA_LOG", default_value = "info")]
    pub log_filter: String,
    /// OTLP/HTTP collector, e.g. `http://otel-collector:4318`; unset: no export.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// The `service.name` resource of exported spans. Default: the binary's name.
    #[arg(long, env = "OTEL_SERVICE_NAME")]
    pub service_name: Option<String>,
}

impl Default for TelemetryArgs {
    fn default() -> Self {
        Self {
            log_format: LogFormat::Text,
            log_filter: "info".into(),
            otlp_endpoint: None,
            service_name: None,
        }
    }
}

/// Flushes and stops span export when dropped: keep it alive in `main`.
#[must_use = "dropping the guard stops span export"]
pub struct TelemetryGuard {
    provider: SdkTracerProvider,
}

impl TelemetryGuard {
    /// Hands every finished span to the exporter now.
    pub fn flush(&self) -> anyhow::Result<()> {
        self.provider.force_flush()?;
        Ok(())
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            eprintln!("telemetry shutdown: {error}");
        }
    }
}

/// Installs the global subscriber, tracer and W3C propagator.
pub fn init(args: &TelemetryArgs, default_service_name: &str) -> anyhow::Result<TelemetryGuard> {
    let exporter = match &args.otlp_endpoint {
        Some(endpoint) => Some(
            opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
                .build()?,
        ),
        None => None,
    };
    init_with_exporter(args, default_service_name, exporter)
}

/// As [`init`], with spans handed to `exporter` (tests pass an in-memory one).
pub fn init_with_exporter<E: SpanExporter + 'static>(
    args: &TelemetryArgs,
    default_service_name: &str,
    exporter: Option<E>,
) -> anyhow::Result<TelemetryGuard> {
    let service_name = args
        .service_name
        .clone()
        .unwrap_or_else(|| default_service_name.to_owned());
    let mut builder = SdkTracerProvider::builder().with_resource(
        Resource::builder()
            .with_service_name(service_name.clone())
            .build(),
    );
    if let Some(exporter) = exporter {
        builder = builder.with_batch_exporter(exporter);
    }
    let provider = builder.build();
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    opentelemetry::global::set_tracer_provider(provider.clone());

    let filter = EnvFilter::try_new(&args.log_filter)
        .map_err(|e| anyhow::anyhow!("OTMETKA_LOG {:?}: {e}", args.log_filter))?;
    let fmt_layer = match args.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer().compact().boxed(),
    };
    let otel_layer = tracing_opentelemetry::layer().with_tracer(provider.tracer(service_name));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt_layer)
        .with(otel_layer)
        .try_init()?;
    Ok(TelemetryGuard { provider })
}

/// Makes `span` a child of the trace context in incoming `headers`, if any.
pub fn adopt_remote_parent(span: &tracing::Span, headers: &http::HeaderMap) {
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&opentelemetry_http::HeaderExtractor(headers))
    });
    if parent.span().span_context().is_valid() {
        // Fails only when no OpenTelemetry layer is installed: nothing to link then.
        let _ = span.set_parent(parent);
    }
}

/// The W3C trace id of `span`, for logs and problem details.
pub fn trace_id(span: &tracing::Span) -> Option<String> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}

/// Writes the current span's trace context into outgoing gRPC metadata.
pub fn inject_current_context(metadata: &mut tonic::metadata::MetadataMap) {
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut MetadataInjector(metadata));
    });
}

struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        let key = tonic::metadata::MetadataKey::from_bytes(key.as_bytes());
        let value = tonic::metadata::MetadataValue::try_from(value.as_str());
        if let (Ok(key), Ok(value)) = (key, value) {
            self.0.insert(key, value);
        }
    }
}
