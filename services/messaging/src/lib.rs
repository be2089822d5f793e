//! Messaging: threads between families and staff (built), news and
//! announcements, parent meetings and notifications (contract only: they
//! answer UNIMPLEMENTED until built). Who may write to whom is decided by
//! identity.

mod api;
mod model;
mod store;

use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::ServerLimits;
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::{ServeOptions, serve};
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::messaging::v1::messaging_service_server::MessagingServiceServer;
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
    let service =
        MessagingServiceServer::new(api::MessagingApi::new(db.clone(), identity, settings.clock))
            .max_decoding_message_size(limits.max_message_bytes)
            .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "messaging",
        verifier: TokenVerifier::remote(&settings.identity_url)?,
        limits,
        public_methods: &[],
        tls: None,
        feeds: None,
    };
    let result = serve(service, options, listener, shutdown).await;
    db.close().await;
    result
}
