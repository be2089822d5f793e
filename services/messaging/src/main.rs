use std::net::SocketAddr;

use clap::Parser;
use otmetka_platform::BinaryConfig;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{DatabaseArgs, IdentityArgs, ServerArgs};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka messaging service.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    identity: IdentityArgs,
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
    otmetka_platform::run_binary("otmetka-messaging", |config: Config, shutdown| async move {
        let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
        let settings = otmetka_messaging::Settings {
            database: config.database.settings("messaging"),
            limits: config.server.limits,
            identity_url: config.identity.identity_url,
            clock: Clock::system(),
        };
        otmetka_messaging::run(settings, listener, shutdown).await
    })
    .await
}
