//! Import: the vendor-facing gRPC surface. The roster pull of granted
//! schools (served from identity and schedule, which own the data),
//! vendors' id mappings (kept here), the push of marks and attendance with
//! its receipts (applied and kept by gradebook) under per-vendor limits, the
//! listing of a vendor's stored record keys, and the change feed
//! (gradebook's, seen by the vendor). OneRoster files are not taken here:
//! the otmetka-oneroster tool loads them through this API.

mod api;
mod limits;
mod model;
pub mod resolver;
mod store;

/// The checks a stranger's input reaches without the database, for the
/// fuzz targets in `fuzz/`. Not an API: it may change at any time.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::api::push::{MAX_OPERATIONS, check_operation};
    pub use crate::model::check_external_id;
}

use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::config::{ServerLimits, ServerTls};
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::{ServeOptions, serve};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1::import_service_server::ImportServiceServer;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use limits::PushLimits;
pub use model::EntityKind;

pub const MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DbSettings,
    pub limits: ServerLimits,
    pub identity_url: String,
    /// The schedule: reporting periods and lessons of granted schools.
    pub schedule_url: String,
    /// The gradebook: pushed marks are applied there.
    pub gradebook_url: String,
    /// What one vendor may push.
    pub push: PushLimits,
    /// TLS towards vendors; mutual when it names a client CA.
    pub tls: Option<ServerTls>,
    /// Where today comes from (the roster's current academic year).
    pub clock: otmetka_platform::clock::Clock,
}

/// Serves the import contract on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let db = Db::open(&settings.database, MIGRATIONS).await?;
    let identity = IdentityServiceClient::new(lazy_channel(&settings.identity_url)?);
    let schedule = ScheduleServiceClient::new(lazy_channel(&settings.schedule_url)?);
    let gradebook = GradebookServiceClient::new(lazy_channel(&settings.gradebook_url)?);
    let verifier = TokenVerifier::remote(&settings.identity_url)?;
    let limits = settings.limits;
    let service = ImportServiceServer::new(api::ImportApi::new(
        db.clone(),
        identity,
        schedule,
        gradebook,
        limits.request_timeout,
        settings.push,
        settings.clock,
    ))
    .max_decoding_message_size(limits.max_message_bytes)
    .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "import",
        limits,
        verifier,
        public_methods: &[],
        tls: settings.tls,
        feeds: None,
    };
    let result = serve(service, options, listener, shutdown).await;
    db.close().await;
    result
}
