//! Schedule: academic years, reporting periods, bell schedules, holidays,
//! the weekly timetable and the dated lessons generated from it, with the
//! changes people make to them (topics, substitutions, cancellations, room
//! changes), the diary week and a change feed. Who may do what is decided
//! by identity.

mod api;
mod calendar;
mod feed;
mod files;
mod generate;
mod model;
mod store;
mod sweep;

use std::path::PathBuf;
use std::sync::Arc;

use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, ServerLimits};
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::feed::{Consumer, ConsumerOptions, RemoteFeed};
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_platform::grpc::{FeedServices, ServeOptions, serve};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1::schedule_service_server::ScheduleServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub const MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DbSettings,
    pub limits: ServerLimits,
    pub identity_url: String,
    /// Where homework and submission files are kept (every replica must
    /// see the same folder).
    pub attachments_dir: PathBuf,
    /// Largest file accepted, in bytes.
    pub max_attachment_bytes: u64,
    /// The gradebook: marks and attendance for the diary, marks for
    /// submissions, and its change feed, which sets lessons' record flags.
    pub gradebook_url: String,
    /// Schedule's own client at identity, to read gradebook's feed.
    pub credentials: ClientCredentials,
    /// What the rules read as now and today: the system clock in
    /// production, a pinned date in tests and demos.
    pub clock: Clock,
}

/// Serves the schedule on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let db = Db::open(&settings.database, MIGRATIONS).await?;
    let files: Arc<dyn files::FileStore> =
        Arc::new(files::LocalDir::new(&settings.attachments_dir)?);
    let identity = IdentityServiceClient::new(lazy_channel(&settings.identity_url)?);
    let gradebook_channel = lazy_channel(&settings.gradebook_url)?;
    let gradebook = GradebookServiceClient::new(gradebook_channel.clone());
    let verifier = TokenVerifier::remote(&settings.identity_url)?;
    let limits = settings.limits;
    let token = Arc::new(ServiceToken::new(
        settings.credentials.id,
        settings.credentials.secret,
    ));
    let gradebook_feed = RemoteFeed::new(
        gradebook_channel,
        identity.clone(),
        token,
        limits.request_timeout,
    );
    let consumer = Consumer::new(
        ConsumerOptions::new(feed::lesson_flags::CONSUMER),
        db.clone(),
        gradebook_feed,
        feed::lesson_flags::LessonFlags {
            clock: settings.clock,
        },
    );
    let journal_feed = consumer.handle();
    let consumers = vec![(consumer.handle(), consumer.retrier())];
    let consuming = tokio::spawn(consumer.run(shutdown.clone()));
    let sweeper = tokio::spawn(sweep::run(
        db.clone(),
        files.clone(),
        settings.clock,
        shutdown.clone(),
    ));
    let attachments = api::AttachmentLimits {
        max_bytes: settings.max_attachment_bytes,
    };
    let service = ScheduleServiceServer::new(api::ScheduleApi::new(
        db.clone(),
        identity,
        gradebook,
        files,
        attachments,
        settings.clock,
        journal_feed,
    ))
    .max_decoding_message_size(limits.max_message_bytes)
    .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "schedule",
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
    let result = serve(service, options, listener, shutdown.clone()).await;
    shutdown.cancel();
    let _ = sweeper.await;
    consuming.await?;
    db.close().await;
    result
}
