//! Reporting: performance and attendance reports, ratings, dynamics, exports and report jobs.
//!
//! The service runs on the shared platform (health, reflection, tokens,
//! telemetry) and publishes its v1 contract; every RPC answers UNIMPLEMENTED
//! until its behaviour is built.

use otmetka_platform::StatelessSettings;
use otmetka_proto::reporting::v1::reporting_service_server::{
    ReportingService, ReportingServiceServer,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

struct ReportingApi;

impl ReportingService for ReportingApi {}

/// Serves the reporting contract on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: StatelessSettings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let max = settings.limits.max_message_bytes;
    let service = ReportingServiceServer::new(ReportingApi)
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    otmetka_platform::serve_stateless("reporting", service, settings, listener, shutdown).await
}
