use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use otmetka_platform::BinaryConfig;
use otmetka_platform::config::{DatabaseArgs, IdentityArgs, parse_duration};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka HTTP gateway.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    /// Address the HTTP server listens on.
    #[arg(long, env = "OTMETKA_HTTP_ADDR", default_value = "0.0.0.0:8080")]
    http_addr: SocketAddr,
    /// Address of the Prometheus `/metrics` endpoint.
    #[arg(long, env = "OTMETKA_METRICS_ADDR", default_value = "0.0.0.0:9090")]
    metrics_addr: SocketAddr,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    identity: IdentityArgs,
    /// gRPC address of the gradebook service.
    #[arg(
        long,
        env = "OTMETKA_GRADEBOOK_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    gradebook_url: String,
    /// gRPC address of the schedule service.
    #[arg(
        long,
        env = "OTMETKA_SCHEDULE_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    schedule_url: String,
    /// gRPC address of the messaging service.
    #[arg(
        long,
        env = "OTMETKA_MESSAGING_URL",
        default_value = "http://127.0.0.1:50054"
    )]
    messaging_url: String,
    /// Longest time one call to a service may take.
    #[arg(long, env = "OTMETKA_UPSTREAM_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    upstream_timeout: Duration,
    /// Mark the session cookie Secure; turn off only for plain-HTTP development.
    #[arg(long, env = "OTMETKA_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    cookie_secure: bool,
    /// A session ends after this long without requests.
    #[arg(long, env = "OTMETKA_SESSION_IDLE_TIMEOUT", default_value = "30m", value_parser = parse_duration)]
    session_idle_timeout: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    #[arg(long, env = "OTMETKA_SESSION_LIFETIME", default_value = "12h", value_parser = parse_duration)]
    session_lifetime: Duration,
    /// On SIGTERM: how long in-flight requests may finish.
    #[arg(long, env = "OTMETKA_SHUTDOWN_DRAIN", default_value = "10s", value_parser = parse_duration)]
    shutdown_drain: Duration,
    /// How often to learn from identity whose sessions must end.
    #[arg(long, env = "OTMETKA_REVOCATION_POLL", default_value = "2s", value_parser = parse_duration)]
    revocation_poll: Duration,
    /// Where people reach the gateway (OpenID Connect redirect URIs hang off it).
    #[arg(
        long,
        env = "OTMETKA_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// OpenID Connect providers, a JSON list of
    /// {"id","title","issuer","client_id","client_secret","scopes","algorithms"}.
    #[arg(
        long,
        env = "OTMETKA_OIDC_PROVIDERS",
        default_value = "[]",
        hide_env_values = true
    )]
    oidc_providers: String,
    /// The gateway's client id at identity (a UUID).
    #[arg(long, env = "OTMETKA_CLIENT_ID", requires = "client_secret")]
    client_id: Option<uuid::Uuid>,
    /// The gateway's client secret at identity.
    #[arg(
        long,
        env = "OTMETKA_CLIENT_SECRET",
        hide_env_values = true,
        requires = "client_id"
    )]
    client_secret: Option<otmetka_platform::config::Secret>,
    /// Proxies in front of the gateway (addresses or networks, comma-separated)
    /// whose X-Forwarded-For names the client; with none, the TCP peer is the client.
    #[arg(long, env = "OTMETKA_TRUSTED_PROXIES", default_value = "", value_parser = otmetka_gateway::TrustedProxies::parse)]
    trusted_proxies: otmetka_gateway::TrustedProxies,
    #[command(flatten)]
    telemetry: TelemetryArgs,
}

impl BinaryConfig for Config {
    fn telemetry(&self) -> &TelemetryArgs {
        &self.telemetry
    }
    fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_binary("otmetka-gateway", |config: Config, shutdown| async move {
        let listener = tokio::net::TcpListener::bind(config.http_addr).await?;
        let settings = otmetka_gateway::Settings {
            database: config.database.settings("gateway"),
            identity_url: config.identity.identity_url,
            gradebook_url: config.gradebook_url,
            schedule_url: config.schedule_url,
            messaging_url: config.messaging_url,
            upstream_timeout: config.upstream_timeout,
            cookie_secure: config.cookie_secure,
            session_idle_timeout: config.session_idle_timeout,
            session_lifetime: config.session_lifetime,
            shutdown_drain: config.shutdown_drain,
            public_url: config.public_url,
            revocation_poll: config.revocation_poll,
            oidc_providers: otmetka_gateway::parse_providers(&config.oidc_providers)?,
            service_client: config.client_id.zip(config.client_secret),
            trusted_proxies: config.trusted_proxies,
            clock: otmetka_platform::clock::Clock::system(),
        };
        otmetka_gateway::run(settings, listener, shutdown).await
    })
    .await
}
