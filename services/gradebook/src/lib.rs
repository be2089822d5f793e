//! Gradebook: the journal — marks on each subject's scale with their full
//! history, attendance, averages with explanations, what-ifs, final marks,
//! period locks and reopening, and the change feed. Access is decided by
//! identity; the calendar (periods, lessons) is schedule's, of which
//! gradebook keeps a copy fed by schedule's change feed.

use std::sync::Arc;

mod api;
pub mod calc;
mod calendar;
mod cohort;
mod convert;
mod feed;
mod model;
mod scale;
mod store;
mod verdict;

/// The parsers and checks a stranger's input reaches without the database,
/// for the fuzz targets in `fuzz/`. Not an API: it may change at any time.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::api::vendor::check_fields as check_vendor_record;
    pub use crate::scale::{CustomValue, Graded, Scale, ScaleKind};
}

use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, ServerLimits};
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::feed::{Consumer, ConsumerOptions, RemoteFeed};
use otmetka_platform::grpc::access::AccessClient;
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_platform::grpc::{FeedServices, ServeOptions, serve};
use otmetka_proto::gradebook::v1::gradebook_service_server::GradebookServiceServer;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

pub const MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// Vendors' batches applied at once by default: the rest wait, so that a
/// flooding vendor never holds every database connection teachers need.
pub const DEFAULT_VENDOR_BATCHES_AT_ONCE: usize = 2;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DbSettings,
    pub limits: ServerLimits,
    pub identity_url: String,
    /// Schedule, whose change feed keeps gradebook's copy of lessons and
    /// periods.
    pub schedule_url: String,
    /// Gradebook's own client at identity, to read schedule's feed.
    pub credentials: ClientCredentials,
    /// Vendors' batches applied at once.
    pub vendor_batches_at_once: usize,
    /// Where today comes from.
    pub clock: Clock,
}

/// Serves the gradebook on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    serve_with(settings, listener, shutdown, AccessClient::new).await
}

/// As [`run`], but every access question is allowed without identity's
/// policy (`AccessClient::unchecked`): for benchmarks that measure what the
/// checks cost. Only builds with the `unchecked-access` feature have it;
/// the service's binary does not.
#[cfg(feature = "unchecked-access")]
pub async fn run_without_access_checks(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    serve_with(settings, listener, shutdown, AccessClient::unchecked).await
}

async fn serve_with(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
    access: fn(IdentityServiceClient<Channel>) -> AccessClient,
) -> anyhow::Result<()> {
    let db = Db::open(&settings.database, MIGRATIONS).await?;
    let identity = IdentityServiceClient::new(lazy_channel(&settings.identity_url)?);
    let limits = settings.limits;
    let token = Arc::new(ServiceToken::new(
        settings.credentials.id,
        settings.credentials.secret,
    ));
    let schedule_feed = RemoteFeed::new(
        lazy_channel(&settings.schedule_url)?,
        identity.clone(),
        token,
        limits.request_timeout,
    );
    let consumer = Consumer::new(
        ConsumerOptions::new(feed::calendar::CONSUMER),
        db.clone(),
        schedule_feed,
        feed::calendar::CalendarCopy,
    );
    let calendar = calendar::Calendar::new(db.clone(), consumer.handle(), identity.clone());
    let consumers = vec![(consumer.handle(), consumer.retrier())];
    let consuming = tokio::spawn(consumer.run(shutdown.clone()));
    let verifier = TokenVerifier::remote(&settings.identity_url)?;
    let access = access(identity.clone());
    let service = GradebookServiceServer::new(api::GradebookApi::new(
        db.clone(),
        identity,
        access,
        calendar,
        settings.clock,
        settings.vendor_batches_at_once,
    ))
    .max_decoding_message_size(limits.max_message_bytes)
    .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "gradebook",
        limits,
        verifier,
        public_methods: &[],
        tls: None,
        feeds: Some(FeedServices {
            db: db.clone(),
            serves_changes: true,
            consumers,
        }),
    };
    let result = serve(service, options, listener, shutdown).await;
    consuming.await?;
    db.close().await;
    result
}
