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
use tonic_health::server::HealthReporter;

use super::auth_layer::AuthLayer;
use super::observe::ObserveLayer;
use crate::auth::TokenVerifier;
use crate::config::{ServerLimits, ServerTls};
use crate::db::Db;
use crate::feed::parked::{ParkedChanges, Retrier};
use crate::feed::{ChangeFeed, ConsumerHandle};
use otmetka_proto::common::v1::change_consumer_service_server::ChangeConsumerServiceServer;
use otmetka_proto::common::v1::change_feed_service_server::ChangeFeedServiceServer;

pub struct ServeOptions {
    /// Short name for logs and metrics, e.g. "gradebook".
    pub name: &'static str,
    pub limits: ServerLimits,
    pub verifier: TokenVerifier,
    /// Methods callable without a token (full gRPC paths).
    pub public_methods: &'static [&'static str],
    /// Serve TLS (mutual, when it names a client CA) instead of plain HTTP/2.
    pub tls: Option<ServerTls>,
    /// The service's change feed and its consumers of other services' feeds.
    pub feeds: Option<FeedServices>,
}

/// What a service serves of the change feeds beside its own API.
pub struct FeedServices {
    /// The service's database: its outbox, its consumers' cursors and
    /// parked changes.
    pub db: Db,
    /// Serve `otmetka.common.v1.ChangeFeedService` from the outbox.
    pub serves_changes: bool,
    /// The consumers it runs, each with a health status of its own
    /// (`otmetka.feed.<name>`) and its parked changes retried through
    /// `otmetka.common.v1.ChangeConsumerService`.
    pub consumers: Vec<(ConsumerHandle, Retrier)>,
}

impl FeedServices {
    fn into_parts(
        self,
    ) -> (
        Option<ChangeFeedServiceServer<ChangeFeed>>,
        Option<ChangeConsumerServiceServer<ParkedChanges>>,
        Vec<ConsumerHandle>,
    ) {
        let feed = self
            .serves_changes
            .then(|| ChangeFeedServiceServer::new(ChangeFeed::new(self.db.clone())));
        let (handles, retriers): (Vec<_>, Vec<_>) = self.consumers.into_iter().unzip();
        let parked = (!retriers.is_empty())
            .then(|| ChangeConsumerServiceServer::new(ParkedChanges::new(self.db, retriers)));
        (feed, parked, handles)
    }
}

/// Keeps a consumer's health status in step with its progress.
async fn report_consumer_health(
    health: HealthReporter,
    consumer: ConsumerHandle,
    shutdown: CancellationToken,
) {
    let name = format!("otmetka.feed.{}", consumer.name());
    let mut progress = consumer.progress();
    loop {
        let status = if progress.borrow_and_update().healthy(consumer.lag_alarm()) {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        health.set_service_status(&name, status).await;
        tokio::select! {
            () = shutdown.cancelled() => break,
            changed = progress.changed() => if changed.is_err() { break },
        }
    }
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
    let (change_feed, parked_changes, consumers) = options
        .feeds
        .map(FeedServices::into_parts)
        .unwrap_or_default();
    for consumer in consumers {
        tokio::spawn(report_consumer_health(
            health.clone(),
            consumer,
            shutdown.clone(),
        ));
    }
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
        .add_optional_service(change_feed)
        .add_optional_service(parked_changes)
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
