use std::net::SocketAddr;

use clap::Parser;
use otmetka_platform::BinaryConfig;
use otmetka_platform::config::{ClientArgs, DatabaseArgs, IdentityArgs, ServerArgs};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka gradebook service.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    identity: IdentityArgs,
    /// gRPC address of the schedule service, whose change feed keeps
    /// gradebook's copy of lessons and reporting periods.
    #[arg(
        long,
        env = "OTMETKA_SCHEDULE_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    schedule_url: String,
    /// Vendors' batches of pushed records applied at once; more wait, so
    /// that teachers' writes always find a database connection.
    #[arg(
        long,
        env = "OTMETKA_VENDOR_BATCHES_AT_ONCE",
        default_value_t = otmetka_gradebook::DEFAULT_VENDOR_BATCHES_AT_ONCE
    )]
    vendor_batches_at_once: usize,
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
    otmetka_platform::run_binary("otmetka-gradebook", |config: Config, shutdown| async move {
        let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
        let settings = otmetka_gradebook::Settings {
            database: config.database.settings("gradebook"),
            limits: config.server.limits,
            identity_url: config.identity.identity_url,
            schedule_url: config.schedule_url,
            credentials: config.client.into(),
            vendor_batches_at_once: config.vendor_batches_at_once,
            clock: otmetka_platform::clock::Clock::system(),
        };
        otmetka_gradebook::run(settings, listener, shutdown).await
    })
    .await
}
