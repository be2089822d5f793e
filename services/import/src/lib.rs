//! Import: the vendor-facing gRPC surface through which other e-journals push marks and attendance.
//!
//! The service runs on the shared platform (health, reflection, tokens,
//! telemetry) and publishes its v1 contract; every RPC answers UNIMPLEMENTED
//! until its behaviour is built.

use otmetka_platform::StatelessSettings;
use otmetka_proto::import::v1::import_service_server::{ImportService, ImportServiceServer};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

struct ImportApi;

impl ImportService for ImportApi {}

/// Serves the import contract on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: StatelessSettings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let max = settings.limits.max_message_bytes;
    let service = ImportServiceServer::new(ImportApi)
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    otmetka_platform::serve_stateless("import", service, settings, listener, shutdown).await
}
