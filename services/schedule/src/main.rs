use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use otmetka_platform::BinaryConfig;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientArgs, DatabaseArgs, IdentityArgs, ServerArgs};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka schedule service.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    identity: IdentityArgs,
    /// gRPC address of the gradebook (marks and attendance for the diary,
    /// and its change feed, which sets lessons' record flags).
    #[arg(
        long,
        env = "OTMETKA_GRADEBOOK_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    gradebook_url: String,
    /// Folder for homework and submission files; every replica must see
    /// the same one (a shared volume).
    #[arg(
        long,
        env = "OTMETKA_ATTACHMENTS_DIR",
        default_value = "data/attachments"
    )]
    attachments_dir: PathBuf,
    /// Largest homework or submission file accepted, in bytes.
    #[arg(long, env = "OTMETKA_MAX_ATTACHMENT_BYTES", default_value_t = 20 * 1024 * 1024)]
    max_attachment_bytes: u64,
    #[command(flatten)]
    client: ClientArgs,
    #[command(flatten)]
    telemetry: TelemetryArgs,
}

impl BinaryConfig for Config {
    fn telemetry(&self) -> &TelemetryArgs {
        &self.telemetry
    }
    fn metrics_addr(&self) -> SocketAddr {
        self.server.metrics_addr
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_binary("otmetka-schedule", |config: Config, shutdown| async move {
        let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
        let settings = otmetka_schedule::Settings {
            database: config.database.settings("schedule"),
            limits: config.server.limits,
            identity_url: config.identity.identity_url,
            attachments_dir: config.attachments_dir,
            max_attachment_bytes: config.max_attachment_bytes,
            gradebook_url: config.gradebook_url,
            credentials: config.client.into(),
            clock: Clock::system(),
        };
        otmetka_schedule::run(settings, listener, shutdown).await
    })
    .await
}
