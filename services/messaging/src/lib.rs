//! Messaging: threads between families and teachers, news and announcements, parent meetings, notifications.
//!
//! The service runs on the shared platform (health, reflection, tokens,
//! telemetry) and publishes its v1 contract; every RPC answers UNIMPLEMENTED
//! until its behaviour is built.

use otmetka_platform::StatelessSettings;
use otmetka_proto::messaging::v1::messaging_service_server::{
    MessagingService, MessagingServiceServer,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

struct MessagingApi;

impl MessagingService for MessagingApi {}

/// Serves the messaging contract on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: StatelessSettings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let max = settings.limits.max_message_bytes;
    let service = MessagingServiceServer::new(MessagingApi)
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    otmetka_platform::serve_stateless("messaging", service, settings, listener, shutdown).await
}
