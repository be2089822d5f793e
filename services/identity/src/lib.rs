//! Identity: the source of truth for schools, people, classes, roles and
//! relationships; the issuer of access tokens; the place where access is decided.

mod access;
mod access_codes;
mod api;
mod attempts;
mod audit;
mod clients;
mod convert;
mod correspondence;
mod fields;
mod model;
mod passwords;
mod roster_import;
mod store;
mod tokens;
mod updates;

/// The parsers a stranger's input reaches without the database, for the
/// fuzz targets in `fuzz/`. Not an API: it may change at any time.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::model::PersonKind;
    pub use crate::roster_import::parse::{
        ClassRow, EnrollmentRow, UserRow, class_name, person_kind, rows,
    };
    pub use crate::roster_import::{
        CLASS_COLUMNS, CLASSES, ENROLLMENT_COLUMNS, ENROLLMENTS, Report, RowError, USER_COLUMNS,
        USERS,
    };
}

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::authz::{FEED_READER_SCOPES, GATEWAY_SCOPES, NOTIFIER_SCOPES};
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, Secret, ServerLimits};
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::grpc::{ServeOptions, serve};
use otmetka_platform::ids::PersonId;
use otmetka_proto::identity::v1::identity_service_server::IdentityServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::model::ClientId;

pub const MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// Methods that are reached before anyone has a token.
const PUBLIC_METHODS: &[&str] = &[
    "/otmetka.identity.v1.IdentityService/Login",
    "/otmetka.identity.v1.IdentityService/RefreshAccessToken",
    "/otmetka.identity.v1.IdentityService/RevokeRefreshToken",
    "/otmetka.identity.v1.IdentityService/GetJwks",
    "/otmetka.identity.v1.IdentityService/GetClientToken",
    "/otmetka.identity.v1.IdentityService/RegisterGuardian",
];

/// The first city operator, created at start when their login is unused.
#[derive(Debug, Clone)]
pub struct InitialAdmin {
    pub login: String,
    pub password: Secret,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DbSettings,
    pub limits: ServerLimits,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// How long an issued access code stays redeemable.
    pub access_code_ttl: Duration,
    /// How long a new signing key is published before it signs (at least
    /// twice the services' key cache age).
    pub key_publish_delay: Duration,
    /// Keys older than this are replaced automatically.
    pub signing_key_lifetime: Duration,
    pub initial_admin: Option<InitialAdmin>,
    /// The gateway's client, allowed to sign people in by external identities.
    pub gateway_client: Option<ClientCredentials>,
    /// Platform services that read other services' change feeds, by name
    /// (`gradebook`, `schedule`); provisioned at start like the gateway's.
    pub feed_readers: Vec<(&'static str, ClientCredentials)>,
    /// Messaging's client, which reads the journal's feeds and may learn
    /// every student's guardians to notify them.
    pub notifier_client: Option<ClientCredentials>,
    /// Where school-date rules read today, so tests and demos can pin the
    /// date; token, attempt and key deadlines stay on the system clock.
    pub clock: Clock,
}

pub(crate) struct State {
    db: Db,
    keys: tokens::Keys,
    settings: Settings,
}

/// Serves identity on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let db = Db::open(&settings.database, MIGRATIONS).await?;
    if let Some(admin) = &settings.initial_admin {
        ensure_initial_admin(&db, admin).await?;
    }
    let gateway = settings
        .gateway_client
        .iter()
        .map(|client| ("gateway", client, &GATEWAY_SCOPES[..]));
    let feed_readers = settings
        .feed_readers
        .iter()
        .map(|(name, client)| (*name, client, &FEED_READER_SCOPES[..]));
    let notifier = settings
        .notifier_client
        .iter()
        .map(|client| ("messaging", client, &NOTIFIER_SCOPES[..]));
    for (name, credentials, scopes) in gateway.chain(feed_readers).chain(notifier) {
        let client = clients::Client {
            id: ClientId(credentials.id),
            name: name.into(),
            kind: api::SERVICE_KIND.into(),
            secret_hash: clients::hash_secret(credentials.secret.expose()),
            allowed_scopes: scopes.join(" "),
            created_at: Utc::now(),
            revoked_at: None,
        };
        store::clients::upsert_service(&db, &client).await?;
    }
    let keys = tokens::Keys::load_or_create(&db).await?;
    let verifier = TokenVerifier::new(keys.key_source());
    let limits = settings.limits.clone();
    let state = Arc::new(State {
        db: db.clone(),
        keys,
        settings,
    });
    let maintenance = tokio::spawn(maintain_keys(state.clone(), shutdown.clone()));
    let service = IdentityServiceServer::new(api::IdentityApi::new(state))
        .max_decoding_message_size(limits.max_message_bytes)
        .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "identity",
        limits,
        verifier,
        public_methods: PUBLIC_METHODS,
        tls: None,
        feeds: None,
    };
    let result = serve(service, options, listener, shutdown).await;
    maintenance.abort();
    db.close().await;
    result
}

/// How often every replica re-reads the keys (another may have rotated them).
const KEY_RELOAD_INTERVAL: Duration = Duration::from_secs(30);
/// Leeway on top of the token lifetime before a superseded key retires.
const KEY_RETIREMENT_LEEWAY: chrono::Duration = chrono::Duration::minutes(5);

/// Rotates keys on schedule, retires superseded ones, and keeps this
/// replica's view of the keys current.
async fn maintain_keys(state: Arc<State>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(KEY_RELOAD_INTERVAL) => {}
            () = shutdown.cancelled() => return,
        }
        if let Err(error) = maintain_keys_once(&state, Utc::now()).await {
            tracing::warn!(error = format!("{error:#}"), "key maintenance failed");
        }
    }
}

async fn maintain_keys_once(state: &State, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    let settings = &state.settings;
    let lifetime = chrono::Duration::from_std(settings.signing_key_lifetime)?;
    let newest = store::signing_keys(&state.db)
        .await?
        .into_iter()
        .map(|key| key.created_at)
        .max();
    if newest.is_none_or(|created| now - created > lifetime) {
        tokens::Keys::rotate(&state.db, now, settings.key_publish_delay).await?;
    }
    let grace = chrono::Duration::from_std(settings.access_token_ttl)? + KEY_RETIREMENT_LEEWAY;
    let retired = store::retire_superseded_keys(&state.db, now, grace).await?;
    if retired > 0 {
        tracing::info!(retired, "retired superseded signing keys");
    }
    state.keys.reload(&state.db, now).await
}

async fn ensure_initial_admin(db: &Db, admin: &InitialAdmin) -> anyhow::Result<()> {
    let login = admin.login.trim().to_lowercase();
    if store::credential_by_login(db, &login).await?.is_some() {
        return Ok(());
    }
    passwords::check_policy(admin.password.expose())
        .map_err(|why| anyhow::anyhow!("OTMETKA_ADMIN_PASSWORD {why}"))?;
    let password = admin.password.clone();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(password.expose())).await??;
    let person = model::Person {
        id: PersonId::generate(),
        school_id: None,
        kind: model::PersonKind::Staff.as_str().into(),
        family_name: "Оператор".into(),
        given_name: "Город".into(),
        middle_name: String::new(),
        disabled: false,
        created_at: Utc::now(),
        email: None,
    };
    store::create_city_operator(db, &person, &login, &hash).await?;
    tracing::info!(%login, person_id = %person.id, "created the initial city operator");
    Ok(())
}

/// A fresh in-memory database with identity's migrations, for unit tests.
#[cfg(test)]
pub(crate) async fn test_db() -> Db {
    let settings = DbSettings {
        url: otmetka_platform::config::SecretUrl::new("sqlite::memory:"),
        schema: "identity".into(),
        max_connections: 1,
    };
    Db::open(&settings, MIGRATIONS)
        .await
        .expect("an in-memory database")
}
