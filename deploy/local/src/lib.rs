//! The whole suite in one process: every service and the gateway on their
//! own loopback ports, talking gRPC over real sockets. The local runner and
//! the end-to-end tests both start it from here.

mod demo_term;
pub mod host;
mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use otmetka_identity::InitialAdmin;
use otmetka_platform::StatelessSettings;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, Secret, SecretUrl, ServerLimits};
use otmetka_platform::db::DbSettings;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

pub use otmetka_import::PushLimits;
pub use otmetka_messaging::MailSettings;
pub use seed::{
    DEMO_LOGINS, DemoLogin, DemoScale, DemoSchool, fresh_demo_access_code, seed_demo_school,
};

/// Where the suite keeps its data.
#[derive(Debug, Clone)]
pub enum Storage {
    /// One SQLite file per service in this folder.
    Sqlite(PathBuf),
    /// One PostgreSQL database, one schema per service.
    Postgres(SecretUrl),
}

#[derive(Debug, Clone)]
pub struct SuiteConfig {
    pub storage: Storage,
    pub gateway_addr: SocketAddr,
    pub admin: InitialAdmin,
    pub limits: ServerLimits,
    pub upstream_timeout: Duration,
    /// OpenID Connect providers people may sign in with.
    pub oidc_providers: Vec<otmetka_gateway::ProviderConfig>,
    /// Lifetime of access tokens (at most 15 minutes).
    pub access_token_ttl: Duration,
    /// Proxies in front of the gateway whose `X-Forwarded-For` is believed.
    pub trusted_proxies: otmetka_gateway::TrustedProxies,
    /// Folder for uploaded files (homework and submissions).
    pub files_dir: PathBuf,
    /// What one vendor may push through import.
    pub push_limits: otmetka_import::PushLimits,
    /// Where every service reads today from; the demo is seeded around it.
    pub clock: Clock,
    /// Where notifications are e-mailed through; none: e-mail waits.
    pub mail: Option<MailSettings>,
}

impl Storage {
    /// Where `service` keeps its data in this storage.
    pub fn database(&self, service: &str) -> DbSettings {
        let url = match self {
            Storage::Sqlite(folder) => {
                SecretUrl::new(format!("sqlite://{}/{service}.db", folder.display()))
            }
            Storage::Postgres(url) => url.clone(),
        };
        DbSettings {
            url,
            schema: service.to_owned(),
            max_connections: 5,
        }
    }
}

impl SuiteConfig {
    fn database(&self, service: &str) -> DbSettings {
        self.storage.database(service)
    }
}

pub const SERVICES: [&str; 6] = [
    "identity",
    "gradebook",
    "schedule",
    "messaging",
    "reporting",
    "import",
];

/// A started suite. Dropping it does not stop it: call [`RunningSuite::stop`].
pub struct RunningSuite {
    pub gateway_url: String,
    pub clock: Clock,
    /// Gradebook's and schedule's clients at identity, for a replica run
    /// beside the suite (in a process of its own).
    pub gradebook_credentials: ClientCredentials,
    pub schedule_credentials: ClientCredentials,
    /// Messaging's client, for a replica run beside the suite.
    pub messaging_credentials: ClientCredentials,
    /// gRPC URL of each service, by name.
    pub service_urls: Vec<(&'static str, String)>,
    shutdown: CancellationToken,
    tasks: JoinSet<(&'static str, anyhow::Result<()>)>,
}

async fn loopback_listener() -> anyhow::Result<(TcpListener, String)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    Ok((listener, url))
}

impl RunningSuite {
    /// Binds every port first (so nobody races for them), then starts the
    /// services and waits until each reports SERVING.
    pub async fn start(config: SuiteConfig) -> anyhow::Result<Self> {
        let shutdown = CancellationToken::new();
        let mut listeners = Vec::new();
        let mut service_urls = Vec::new();
        for name in SERVICES {
            let (listener, url) = loopback_listener().await?;
            listeners.push(listener);
            service_urls.push((name, url));
        }
        let gateway_listener = TcpListener::bind(config.gateway_addr)
            .await
            .with_context(|| format!("binding the gateway to {}", config.gateway_addr))?;
        let gateway_url = format!("http://{}", gateway_listener.local_addr()?);
        let url_of = |name: &str| {
            service_urls
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, url)| url.clone())
                .expect("known service")
        };
        let identity_url = url_of("identity");
        // The platform services' clients at identity: fresh credentials
        // every start, known only to this process.
        let gateway_client = fresh_credentials();
        let gradebook_client = fresh_credentials();
        let schedule_client = fresh_credentials();
        let messaging_client = fresh_credentials();
        let stateless = StatelessSettings {
            limits: config.limits.clone(),
            identity_url: identity_url.clone(),
        };

        let mut tasks = JoinSet::new();
        let mut listeners = listeners.into_iter();
        let mut next = || listeners.next().expect("one listener per service");
        let token = || shutdown.clone();
        let identity = otmetka_identity::Settings {
            database: config.database("identity"),
            limits: config.limits.clone(),
            access_token_ttl: config.access_token_ttl,
            refresh_token_ttl: Duration::from_secs(12 * 3600),
            access_code_ttl: Duration::from_secs(14 * 24 * 3600),
            key_publish_delay: Duration::from_secs(120),
            signing_key_lifetime: Duration::from_secs(30 * 24 * 3600),
            initial_admin: Some(config.admin.clone()),
            gateway_client: Some(gateway_client.clone()),
            feed_readers: vec![
                ("gradebook", gradebook_client.clone()),
                ("schedule", schedule_client.clone()),
            ],
            notifier_client: Some(messaging_client.clone()),
            clock: config.clock,
        };
        tasks.spawn(named(
            "identity",
            otmetka_identity::run(identity, next(), token()),
        ));
        let gradebook = otmetka_gradebook::Settings {
            database: config.database("gradebook"),
            limits: config.limits.clone(),
            identity_url: identity_url.clone(),
            schedule_url: url_of("schedule"),
            credentials: gradebook_client.clone(),
            vendor_batches_at_once: otmetka_gradebook::DEFAULT_VENDOR_BATCHES_AT_ONCE,
            clock: config.clock,
        };
        tasks.spawn(named(
            "gradebook",
            otmetka_gradebook::run(gradebook, next(), token()),
        ));
        let schedule = otmetka_schedule::Settings {
            database: config.database("schedule"),
            limits: config.limits.clone(),
            identity_url: identity_url.clone(),
            attachments_dir: config.files_dir.clone(),
            max_attachment_bytes: 20 * 1024 * 1024,
            gradebook_url: url_of("gradebook"),
            credentials: schedule_client.clone(),
            clock: config.clock,
        };
        tasks.spawn(named(
            "schedule",
            otmetka_schedule::run(schedule, next(), token()),
        ));
        tasks.spawn(named(
            "messaging",
            otmetka_messaging::run(
                otmetka_messaging::Settings {
                    database: config.database("messaging"),
                    limits: config.limits.clone(),
                    identity_url: identity_url.clone(),
                    gradebook_url: url_of("gradebook"),
                    schedule_url: url_of("schedule"),
                    credentials: messaging_client.clone(),
                    news_horizon: Duration::from_secs(24 * 3600),
                    mail: config.mail.clone(),
                    clock: config.clock,
                },
                next(),
                token(),
            ),
        ));
        tasks.spawn(named(
            "reporting",
            otmetka_reporting::run(stateless, next(), token()),
        ));
        let import = otmetka_import::Settings {
            database: config.database("import"),
            limits: config.limits.clone(),
            identity_url: identity_url.clone(),
            schedule_url: url_of("schedule"),
            gradebook_url: url_of("gradebook"),
            push: config.push_limits.clone(),
            tls: None,
            clock: config.clock,
        };
        tasks.spawn(named(
            "import",
            otmetka_import::run(import, next(), token()),
        ));
        let gateway = otmetka_gateway::Settings {
            database: config.database("gateway"),
            identity_url,
            gradebook_url: url_of("gradebook"),
            schedule_url: url_of("schedule"),
            messaging_url: url_of("messaging"),
            upstream_timeout: config.upstream_timeout,
            // The local suite speaks plain HTTP on loopback.
            cookie_secure: false,
            session_idle_timeout: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            shutdown_drain: config.limits.shutdown_drain,
            public_url: gateway_url.clone(),
            revocation_poll: Duration::from_millis(500),
            oidc_providers: config.oidc_providers.clone(),
            service_client: Some((gateway_client.id, gateway_client.secret)),
            trusted_proxies: config.trusted_proxies.clone(),
            clock: config.clock,
        };
        tasks.spawn(named(
            "gateway",
            otmetka_gateway::run(gateway, gateway_listener, token()),
        ));

        let mut suite = Self {
            gateway_url,
            clock: config.clock,
            gradebook_credentials: gradebook_client,
            messaging_credentials: messaging_client,
            schedule_credentials: schedule_client,
            service_urls,
            shutdown,
            tasks,
        };
        if let Err(error) = suite.wait_until_serving().await {
            let _ = suite.stop().await;
            return Err(error);
        }
        Ok(suite)
    }

    pub fn url_of(&self, service: &str) -> Option<&str> {
        self.service_urls
            .iter()
            .find(|(name, _)| *name == service)
            .map(|(_, url)| url.as_str())
    }

    async fn wait_until_serving(&mut self) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        for (name, url) in &self.service_urls {
            loop {
                if let Some(Ok((failed, result))) = self.tasks.try_join_next() {
                    return Err(result
                        .err()
                        .unwrap_or_else(|| anyhow::anyhow!("stopped early"))
                        .context(format!("{failed} did not start")));
                }
                if serving(url).await {
                    break;
                }
                anyhow::ensure!(
                    tokio::time::Instant::now() < deadline,
                    "{name} did not become ready in time"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// Resolves when any part of the suite stops on its own (an error).
    pub async fn stopped(&mut self) -> anyhow::Result<()> {
        match self.tasks.join_next().await {
            Some(Ok((name, result))) => result.with_context(|| format!("{name} stopped")),
            Some(Err(error)) => Err(anyhow::Error::from(error).context("a service panicked")),
            None => Ok(()),
        }
    }

    /// Shuts everything down and waits for each part to finish draining.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        let mut first_error = None;
        while let Some(joined) = self.tasks.join_next().await {
            let outcome = match joined {
                Ok((name, result)) => result.with_context(|| format!("{name} failed")),
                Err(error) => Err(anyhow::Error::from(error)),
            };
            if let Err(error) = outcome {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn fresh_credentials() -> ClientCredentials {
    ClientCredentials {
        id: uuid::Uuid::now_v7(),
        secret: Secret::new(random_secret()),
    }
}

async fn named(
    name: &'static str,
    future: impl Future<Output = anyhow::Result<()>>,
) -> (&'static str, anyhow::Result<()>) {
    (name, future.await)
}

async fn serving(url: &str) -> bool {
    let Ok(channel) = tonic::transport::Endpoint::from_shared(url.to_owned()) else {
        return false;
    };
    let Ok(channel) = channel
        .connect_timeout(Duration::from_secs(1))
        .connect()
        .await
    else {
        return false;
    };
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .is_ok_and(|response| response.into_inner().status == ServingStatus::Serving as i32)
}
