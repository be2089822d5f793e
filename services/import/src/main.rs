use std::net::SocketAddr;

use clap::Parser;
use otmetka_platform::BinaryConfig;
use otmetka_platform::config::{DatabaseArgs, IdentityArgs, ServerArgs, ServerTlsArgs};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka import service.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    identity: IdentityArgs,
    /// gRPC address of the schedule (reporting periods and lessons of the roster).
    #[arg(
        long,
        env = "OTMETKA_SCHEDULE_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    schedule_url: String,
    /// gRPC address of the gradebook (pushed marks are applied there).
    #[arg(
        long,
        env = "OTMETKA_GRADEBOOK_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    gradebook_url: String,
    #[command(flatten)]
    push: otmetka_import::PushLimits,
    /// Vendors reach import over the internet: TLS, and optionally mutual
    /// TLS with certificates the city issues to vendors.
    #[command(flatten)]
    tls: ServerTlsArgs,
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
    otmetka_platform::run_binary("otmetka-import", |config: Config, shutdown| async move {
        let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
        let settings = otmetka_import::Settings {
            database: config.database.settings("import"),
            limits: config.server.limits,
            identity_url: config.identity.identity_url,
            schedule_url: config.schedule_url,
            gradebook_url: config.gradebook_url,
            push: config.push,
            tls: config.tls.load()?,
            clock: otmetka_platform::clock::Clock::system(),
        };
        otmetka_import::run(settings, listener, shutdown).await
    })
    .await
}
