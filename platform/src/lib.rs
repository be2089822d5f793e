//! What every Otmetka service and the gateway share: configuration,
//! telemetry, the database, the gRPC server and client plumbing, token
//! verification, the authorization policy and the error vocabulary.

pub mod auth;
pub mod authz;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod feed;
pub mod grpc;
pub mod ids;
pub mod memo;
pub mod metrics;
pub mod outbox;
pub mod paging;
pub mod refusal;
pub mod shutdown;
pub mod telemetry;
pub mod text;
pub mod time;

pub use error::{Error, Result};

/// The memory allocator every Otmetka binary uses, declared in each
/// binary's root as `#[global_allocator] static ALLOCATOR: Allocator = Allocator;`.
/// Serving a request allocates and frees many small buffers (protobuf and
/// JSON bodies, HTTP/2 frames) from many threads at once, where the system
/// allocator's shared arenas make threads wait on each other.
pub use mimalloc::MiMalloc as Allocator;

use std::future::Future;
use std::net::SocketAddr;

use tokio_util::sync::CancellationToken;

/// What a binary's configuration exposes to [`run_binary`].
pub trait BinaryConfig: clap::Parser + std::fmt::Debug {
    fn telemetry(&self) -> &telemetry::TelemetryArgs;
    fn metrics_addr(&self) -> SocketAddr;
}

/// The body of every binary's `main`: read the configuration, start
/// telemetry and metrics, run until SIGTERM or Ctrl-C.
pub async fn run_binary<C, F, Fut>(name: &'static str, run: F) -> anyhow::Result<()>
where
    C: BinaryConfig,
    F: FnOnce(C, CancellationToken) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    config::load_config_file()?;
    let config = C::parse();
    let _telemetry = telemetry::init(config.telemetry(), name)?;
    metrics::install_prometheus(config.metrics_addr())?;
    tracing::info!(?config, "starting {name}");
    let result = run(config, shutdown::on_signals()).await;
    if let Err(error) = &result {
        tracing::error!(error = format!("{error:#}"), "{name} failed");
    }
    result
}

/// The configuration of a service that keeps no data of its own yet: where
/// it listens, where identity is, how it reports.
#[derive(clap::Parser, Debug)]
#[command(version)]
pub struct StatelessServiceConfig {
    #[command(flatten)]
    pub server: config::ServerArgs,
    #[command(flatten)]
    pub identity: config::IdentityArgs,
    #[command(flatten)]
    pub telemetry: telemetry::TelemetryArgs,
}

impl BinaryConfig for StatelessServiceConfig {
    fn telemetry(&self) -> &telemetry::TelemetryArgs {
        &self.telemetry
    }
    fn metrics_addr(&self) -> SocketAddr {
        self.server.metrics_addr
    }
}

/// Settings of a service whose only dependency is identity.
#[derive(Debug, Clone)]
pub struct StatelessSettings {
    pub limits: config::ServerLimits,
    pub identity_url: String,
}

impl From<StatelessServiceConfig> for StatelessSettings {
    fn from(config: StatelessServiceConfig) -> Self {
        Self {
            limits: config.server.limits,
            identity_url: config.identity.identity_url,
        }
    }
}

/// Serves `service`, whose callers' tokens are checked with identity's keys.
pub async fn serve_stateless<S>(
    name: &'static str,
    service: S,
    settings: StatelessSettings,
    listener: tokio::net::TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()>
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = std::convert::Infallible,
        > + tonic::server::NamedService
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let options = grpc::ServeOptions {
        name,
        verifier: auth::TokenVerifier::remote(&settings.identity_url)?,
        limits: settings.limits,
        public_methods: &[],
        tls: None,
        feeds: None,
    };
    grpc::serve(service, options, listener, shutdown).await
}

/// `main` of a service configured by [`StatelessServiceConfig`].
pub async fn run_stateless_binary<F, Fut>(name: &'static str, run: F) -> anyhow::Result<()>
where
    F: FnOnce(StatelessSettings, tokio::net::TcpListener, CancellationToken) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    run_binary(
        name,
        |config: StatelessServiceConfig, shutdown| async move {
            let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
            run(config.into(), listener, shutdown).await
        },
    )
    .await
}
