use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use otmetka_identity::{InitialAdmin, Settings};
use otmetka_platform::BinaryConfig;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{
    ClientCredentials, DatabaseArgs, Secret, ServerArgs, parse_duration,
};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka identity service.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    telemetry: TelemetryArgs,
    /// Lifetime of access tokens (at most 15 minutes).
    #[arg(long, env = "OTMETKA_ACCESS_TOKEN_TTL", default_value = "15m", value_parser = parse_duration)]
    access_token_ttl: Duration,
    /// Lifetime of refresh tokens, which bounds a gateway session.
    #[arg(long, env = "OTMETKA_REFRESH_TOKEN_TTL", default_value = "12h", value_parser = parse_duration)]
    refresh_token_ttl: Duration,
    /// How long an issued access code stays redeemable.
    #[arg(long, env = "OTMETKA_ACCESS_CODE_TTL", default_value = "14d", value_parser = parse_duration)]
    access_code_ttl: Duration,
    /// Id of the gateway's service client (a UUID), provisioned at start.
    #[arg(
        long,
        env = "OTMETKA_GATEWAY_CLIENT_ID",
        requires = "gateway_client_secret"
    )]
    gateway_client_id: Option<uuid::Uuid>,
    /// Secret of the gateway's service client (the same value the gateway holds).
    #[arg(
        long,
        env = "OTMETKA_GATEWAY_CLIENT_SECRET",
        hide_env_values = true,
        requires = "gateway_client_id"
    )]
    gateway_client_secret: Option<Secret>,
    /// Id of gradebook's service client (a UUID), which reads schedule's
    /// change feed; provisioned at start.
    #[arg(
        long,
        env = "OTMETKA_GRADEBOOK_CLIENT_ID",
        requires = "gradebook_client_secret"
    )]
    gradebook_client_id: Option<uuid::Uuid>,
    /// Secret of gradebook's service client (the same value gradebook holds).
    #[arg(
        long,
        env = "OTMETKA_GRADEBOOK_CLIENT_SECRET",
        hide_env_values = true,
        requires = "gradebook_client_id"
    )]
    gradebook_client_secret: Option<Secret>,
    /// Id of schedule's service client (a UUID), which reads gradebook's
    /// change feed; provisioned at start.
    #[arg(
        long,
        env = "OTMETKA_SCHEDULE_CLIENT_ID",
        requires = "schedule_client_secret"
    )]
    schedule_client_id: Option<uuid::Uuid>,
    /// Secret of schedule's service client (the same value schedule holds).
    #[arg(
        long,
        env = "OTMETKA_SCHEDULE_CLIENT_SECRET",
        hide_env_values = true,
        requires = "schedule_client_id"
    )]
    schedule_client_secret: Option<Secret>,
    /// Id of messaging's service client (a UUID), which reads the
    /// journal's feeds and learns students' guardians to notify them;
    /// provisioned at start.
    #[arg(
        long,
        env = "OTMETKA_MESSAGING_CLIENT_ID",
        requires = "messaging_client_secret"
    )]
    messaging_client_id: Option<uuid::Uuid>,
    /// Secret of messaging's service client (the same value messaging holds).
    #[arg(
        long,
        env = "OTMETKA_MESSAGING_CLIENT_SECRET",
        hide_env_values = true,
        requires = "messaging_client_id"
    )]
    messaging_client_secret: Option<Secret>,
    /// How long a new signing key is published before it signs.
    #[arg(long, env = "OTMETKA_KEY_PUBLISH_DELAY", default_value = "2m", value_parser = parse_duration)]
    key_publish_delay: Duration,
    /// Signing keys older than this are replaced automatically.
    #[arg(long, env = "OTMETKA_SIGNING_KEY_LIFETIME", default_value = "30d", value_parser = parse_duration)]
    signing_key_lifetime: Duration,
    /// Login of the initial city operator, created at start if unused.
    #[arg(long, env = "OTMETKA_ADMIN_LOGIN", default_value = "admin")]
    admin_login: String,
    /// Password of the initial city operator; without it none is created.
    #[arg(long, env = "OTMETKA_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<Secret>,
}

impl BinaryConfig for Config {
    fn telemetry(&self) -> &TelemetryArgs {
        &self.telemetry
    }
    fn metrics_addr(&self) -> SocketAddr {
        self.server.metrics_addr
    }
}

fn credentials(id: Option<uuid::Uuid>, secret: Option<Secret>) -> Option<ClientCredentials> {
    id.zip(secret)
        .map(|(id, secret)| ClientCredentials { id, secret })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_binary("otmetka-identity", |config: Config, shutdown| async move {
        anyhow::ensure!(
            config.access_token_ttl <= Duration::from_secs(15 * 60),
            "OTMETKA_ACCESS_TOKEN_TTL must be at most 15 minutes"
        );
        let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
        let settings = Settings {
            database: config.database.settings("identity"),
            limits: config.server.limits,
            access_token_ttl: config.access_token_ttl,
            refresh_token_ttl: config.refresh_token_ttl,
            access_code_ttl: config.access_code_ttl,
            key_publish_delay: config.key_publish_delay,
            signing_key_lifetime: config.signing_key_lifetime,
            gateway_client: credentials(config.gateway_client_id, config.gateway_client_secret),
            feed_readers: [
                (
                    "gradebook",
                    credentials(config.gradebook_client_id, config.gradebook_client_secret),
                ),
                (
                    "schedule",
                    credentials(config.schedule_client_id, config.schedule_client_secret),
                ),
            ]
            .into_iter()
            .filter_map(|(name, client)| Some((name, client?)))
            .collect(),
            notifier_client: credentials(
                config.messaging_client_id,
                config.messaging_client_secret,
            ),
            initial_admin: config.admin_password.map(|password| InitialAdmin {
                login: config.admin_login,
                password,
            }),
            clock: Clock::system(),
        };
        otmetka_identity::run(settings, listener, shutdown).await
    })
    .await
}
