//! Serving a gRPC service with everything the platform promises around it:
//! health (NOT_SERVING until ready and again on shutdown), reflection,
//! authentication, a span and metrics per request, a server-side deadline,
//! and graceful shutdown with a bounded drain.

use std::convert::Infallible;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;

use super::auth_layer::AuthLayer;
use super::observe::ObserveLayer;
use crate::auth::TokenVerifier;
use crate::config::{ServerLimits, ServerTls};

pub struct ServeOptions {
    /// Short name for logs and metrics, e.g. "gradebook".
    pub name: &'static str,
    pub limits: ServerLimits,
    pub verifier: TokenVerifier,
    /// Methods callable without a token (full gRPC paths).
    pub public_methods: &'static [&'static str],
    /// Serve TLS (mutual, when it names a client CA) instead of plain HTTP/2.
    pub tls: Option<ServerTls>,
}

/// Serves `service` on `listener` until `shutdown` is cancelled.
pub async fn serve<S>(
    service: S,
    options: ServeOptions,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()>
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
        > + NamedService
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_not_serving::<S>().await;
    health
        .set_service_status("", ServingStatus::NotServing)
        .await;

    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(otmetka_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;

    let address = listener.local_addr()?;
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let drain = options.limits.shutdown_drain;
    let name = options.name;

    // Order: observe first, so that refused requests are traced and counted
    // too; then authentication; the handlers see only verified callers.
    let mut builder = Server::builder();
    if let Some(tls) = options.tls {
        let mut config = tonic::transport::ServerTlsConfig::new().identity(tls.identity);
        if let Some(ca) = tls.client_ca {
            config = config.client_ca_root(ca);
        }
        builder = builder.tls_config(config)?;
    }
    let server = builder
        .timeout(options.limits.request_timeout)
        .layer(ObserveLayer::new(name, options.limits.request_timeout))
        .layer(AuthLayer::new(options.verifier, options.public_methods))
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(service)
        .serve_with_incoming_shutdown(incoming, {
            let health = health.clone();
            let shutdown = shutdown.clone();
            async move {
                shutdown.cancelled().await;
                tracing::info!(service = name, "shutting down: not serving, draining");
                health.set_not_serving::<S>().await;
                health
                    .set_service_status("", ServingStatus::NotServing)
                    .await;
            }
        });

    health.set_serving::<S>().await;
    health.set_service_status("", ServingStatus::Serving).await;
    tracing::info!(service = name, %address, "serving gRPC");

    tokio::select! {
        result = server => result?,
        () = async { shutdown.cancelled().await; tokio::time::sleep(drain).await } => {
            tracing::warn!(service = name, ?drain, "drain took too long; dropping the remaining calls");
        }
    }
    tracing::info!(service = name, "stopped");
    Ok(())
}
