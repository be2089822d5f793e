//! Messaging: threads between families and staff, news and announcements
//! of schools and classes, parent meetings with their invitations, replies
//! and reminders, and notifications of what the journal says about a
//! student. Who may write to whom, and announce to or invite whom, is
//! decided by identity.

mod api;
mod feed;
#[macro_use]
mod model;
mod notify;
mod preferences;
mod store;

use std::sync::Arc;
use std::time::Duration;

use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, ServerLimits};
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::feed::{Consumer, ConsumerOptions, RemoteFeed};
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_platform::grpc::{FeedServices, ServeOptions, serve};
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::messaging::v1::messaging_service_server::MessagingServiceServer;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

pub use notify::mailer::MailSettings;

pub const MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DbSettings,
    pub limits: ServerLimits,
    pub identity_url: String,
    /// The gradebook, whose change feed says what families hear about.
    pub gradebook_url: String,
    /// The schedule, whose change feed says what a class's families hear
    /// about: homework and changes of lessons.
    pub schedule_url: String,
    /// Messaging's own client at identity: it reads the journal's feed and
    /// learns students' families.
    pub credentials: ClientCredentials,
    /// Journal changes older than this when read notify nobody.
    pub news_horizon: Duration,
    /// Where notifications are e-mailed through; none: e-mail waits.
    pub mail: Option<MailSettings>,
    /// What the rules read as now: the system clock in production, a
    /// pinned date in tests and demos.
    pub clock: Clock,
}

/// Serves messaging on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let db = Db::open(&settings.database, MIGRATIONS).await?;
    let identity = IdentityServiceClient::new(lazy_channel(&settings.identity_url)?);
    let limits = settings.limits;
    let token = Arc::new(ServiceToken::new(
        settings.credentials.id,
        settings.credentials.secret,
    ));
    let kept = Arc::new(Notify::new());
    let consumer = Consumer::new(
        ConsumerOptions::new(feed::journal::CONSUMER),
        db.clone(),
        RemoteFeed::new(
            lazy_channel(&settings.gradebook_url)?,
            identity.clone(),
            token.clone(),
            limits.request_timeout,
        ),
        feed::journal::JournalNews {
            horizon: settings.news_horizon,
            kept: kept.clone(),
        },
    );
    let schedule_consumer = Consumer::new(
        ConsumerOptions::new(feed::schedule::CONSUMER),
        db.clone(),
        RemoteFeed::new(
            lazy_channel(&settings.schedule_url)?,
            identity.clone(),
            token.clone(),
            limits.request_timeout,
        ),
        feed::schedule::ScheduleNews {
            horizon: settings.news_horizon,
            clock: settings.clock,
            kept: kept.clone(),
        },
    );
    let consumers = vec![
        (consumer.handle(), consumer.retrier()),
        (schedule_consumer.handle(), schedule_consumer.retrier()),
    ];
    let consuming = tokio::spawn(consumer.run(shutdown.clone()));
    let consuming_schedule = tokio::spawn(schedule_consumer.run(shutdown.clone()));
    let (stored, watching) = watch::channel(0);
    let stored = Arc::new(stored);
    let directory =
        notify::directory::Directory::new(identity.clone(), token, limits.request_timeout);
    let notifier = notify::Notifier {
        db: db.clone(),
        directory: directory.clone(),
        kept,
        stored: stored.clone(),
        clock: settings.clock,
    };
    let notifying = tokio::spawn(notifier.run(shutdown.clone()));
    let published = Arc::new(Notify::new());
    let announcer = notify::announcer::Announcer {
        db: db.clone(),
        directory: directory.clone(),
        published: published.clone(),
        stored: stored.clone(),
        clock: settings.clock,
    };
    let announcing = tokio::spawn(announcer.run(shutdown.clone()));
    let planned = Arc::new(Notify::new());
    let inviter = notify::inviter::Inviter {
        db: db.clone(),
        directory: directory.clone(),
        planned: planned.clone(),
        stored: stored.clone(),
        clock: settings.clock,
    };
    let inviting = tokio::spawn(inviter.run(shutdown.clone()));
    let mailing = match &settings.mail {
        Some(mail) => {
            let mailer =
                notify::mailer::Mailer::new(mail, db.clone(), directory.clone(), settings.clock)?;
            Some(tokio::spawn(
                mailer.run(stored.subscribe(), shutdown.clone()),
            ))
        }
        None => None,
    };
    let hub = notify::hub::Hub::new();
    let broadcasting = tokio::spawn(hub.clone().run(db.clone(), watching, shutdown.clone()));
    let service = MessagingServiceServer::new(api::MessagingApi::new(
        db.clone(),
        identity,
        settings.clock,
        directory,
        hub,
        api::Wakers {
            stored,
            published,
            planned,
        },
        shutdown.clone(),
    ))
    .max_decoding_message_size(limits.max_message_bytes)
    .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "messaging",
        verifier: TokenVerifier::remote(&settings.identity_url)?,
        limits,
        public_methods: &[],
        tls: None,
        feeds: Some(FeedServices {
            db: db.clone(),
            serves_changes: false,
            consumers,
        }),
    };
    let result = serve(service, options, listener, shutdown.clone()).await;
    shutdown.cancel();
    consuming.await?;
    consuming_schedule.await?;
    notifying.await?;
    announcing.await?;
    inviting.await?;
    if let Some(mailing) = mailing {
        mailing.await?;
    }
    broadcasting.await?;
    db.close().await;
    result
}
