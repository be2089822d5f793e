//! The test sandbox: the real suite on ephemeral loopback ports, on SQLite
//! by default or on a throwaway PostgreSQL database when
//! `OTMETKA_TEST_DATABASE_URL` names a server, seeded with the demo school,
//! and HTTP clients that keep their own session cookies.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use otmetka_identity::InitialAdmin;
use otmetka_local::{DemoScale, DemoSchool, RunningSuite, Storage, SuiteConfig, seed_demo_school};
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{Secret, SecretUrl, ServerLimits};
use sqlx::Connection;

pub mod mail_server;
pub mod oidc_provider;
pub mod school;

pub use otmetka_local::DEMO_LOGINS;

pub const ADMIN_LOGIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "sandbox-admin-password";

/// The PostgreSQL server the tests use, if any.
///
/// `OTMETKA_TEST_DATABASE_URL` names the server. `OTMETKA_TEST_BACKEND=postgres`
/// says a run must be on PostgreSQL: then a missing URL fails every test
/// loudly instead of letting the run fall back to SQLite and pass.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("OTMETKA_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let demanded = std::env::var("OTMETKA_TEST_BACKEND").is_ok_and(|backend| backend == "postgres");
    assert!(
        url.is_some() || !demanded,
        "OTMETKA_TEST_BACKEND=postgres but OTMETKA_TEST_DATABASE_URL is not set (see README)"
    );
    url
}

/// The day every sandbox lives on unless a test names another: a Wednesday
/// late in the second quarter, with four school weeks behind it. Tests never read
/// the system's date, so the suite passes on any day of the year.
pub const SANDBOX_TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 12, 2).expect("a date");

/// Where a sandbox keeps its data; removed when the sandbox is dropped,
/// also when a test panics.
enum Scratch {
    Sqlite(tempfile::TempDir),
    Postgres {
        database: ThrowawayDatabase,
        /// Uploaded files, which the database does not hold.
        files: tempfile::TempDir,
    },
}

/// A PostgreSQL database of one sandbox, dropped with it.
struct ThrowawayDatabase {
    server: String,
    name: String,
    dropped: bool,
}

impl ThrowawayDatabase {
    async fn create(server: String) -> anyhow::Result<Self> {
        let name = format!("otmetka_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .context("connecting to OTMETKA_TEST_DATABASE_URL")?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(Self {
            server,
            name,
            dropped: false,
        })
    }

    fn url(&self) -> String {
        with_database(&self.server, &self.name)
    }

    async fn drop_now(&mut self) -> anyhow::Result<()> {
        Self::drop_database(&self.server, &self.name).await?;
        self.dropped = true;
        Ok(())
    }

    async fn drop_database(server: &str, name: &str) -> anyhow::Result<()> {
        let mut admin = sqlx::PgConnection::connect(server).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await?;
        Ok(())
    }
}

impl Drop for ThrowawayDatabase {
    /// Drop runs inside the test's runtime (or while a panic unwinds it),
    /// where nothing may block on async work: a thread of its own with its
    /// own small runtime does the drop and is waited for.
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(anyhow::Error::from)
                .and_then(|runtime| runtime.block_on(Self::drop_database(&server, &name)))
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

/// How a sandbox's suite is configured.
#[derive(Clone, Default)]
pub struct Options {
    pub oidc_providers: Vec<otmetka_gateway::ProviderConfig>,
    /// Access token lifetime; by default as short as the gateway's refresh
    /// margin, so that every request through a session refreshes its token
    /// and that path is always tested.
    pub access_token_ttl: Option<Duration>,
    /// Proxies whose `X-Forwarded-For` the gateway believes; none by default.
    pub trusted_proxies: otmetka_gateway::TrustedProxies,
    /// The demo school to seed: small unless a test needs the full one.
    pub demo_scale: DemoScale,
    /// What one vendor may push through import; the defaults unless a test
    /// trips them.
    pub push_limits: Option<otmetka_local::PushLimits>,
    /// The day the suite lives on; [`SANDBOX_TODAY`] unless a test needs another.
    pub today: Option<NaiveDate>,
    /// The time of that day (UTC) the suite's clock starts from; noon
    /// unless a test needs a school's morning.
    pub time_of_day: Option<NaiveTime>,
    /// Where messaging e-mails notifications; nowhere by default.
    pub mail: Option<otmetka_local::MailSettings>,
}

impl Options {
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or(SANDBOX_TODAY)
    }

    fn clock(&self) -> Clock {
        match self.time_of_day {
            Some(time) => Clock::starting_at(self.today().and_time(time).and_utc()),
            None => Clock::on_day(self.today()),
        }
    }
}

pub struct Sandbox {
    pub suite: Option<RunningSuite>,
    pub demo: DemoSchool,
    scratch: Scratch,
    options: Options,
}

fn suite_config(storage: Storage, files_dir: PathBuf, options: &Options) -> SuiteConfig {
    SuiteConfig {
        storage,
        files_dir,
        gateway_addr: "127.0.0.1:0".parse().expect("an address"),
        admin: InitialAdmin {
            login: ADMIN_LOGIN.into(),
            password: Secret::new(ADMIN_PASSWORD),
        },
        limits: ServerLimits {
            shutdown_drain: Duration::from_secs(2),
            ..ServerLimits::default()
        },
        upstream_timeout: Duration::from_secs(5),
        oidc_providers: options.oidc_providers.clone(),
        access_token_ttl: options.access_token_ttl.unwrap_or(Duration::from_secs(60)),
        trusted_proxies: options.trusted_proxies.clone(),
        push_limits: options.push_limits.clone().unwrap_or_default(),
        clock: options.clock(),
        mail: options.mail.clone(),
    }
}

/// `server` with its database name replaced by `database`.
fn with_database(server: &str, database: &str) -> String {
    let (base, query) = server
        .split_once('?')
        .map_or((server, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

impl Sandbox {
    /// Starts the suite on fresh storage and seeds the demo school.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(Options::default()).await
    }

    /// As [`Sandbox::start`], configured by `options`.
    pub async fn start_with(options: Options) -> anyhow::Result<Self> {
        let scratch = match postgres_url() {
            Some(server) => Scratch::Postgres {
                database: ThrowawayDatabase::create(server).await?,
                files: tempfile::tempdir()?,
            },
            None => Scratch::Sqlite(tempfile::tempdir()?),
        };
        Self::start_on(scratch, options).await
    }

    async fn start_on(scratch: Scratch, options: Options) -> anyhow::Result<Self> {
        let suite = RunningSuite::start(suite_config(
            scratch.storage(),
            scratch.files_dir(),
            &options,
        ))
        .await?;
        let demo =
            seed_demo_school(&suite, ADMIN_LOGIN, ADMIN_PASSWORD, options.demo_scale).await?;
        Ok(Self {
            suite: Some(suite),
            demo,
            scratch,
            options,
        })
    }

    /// Stops the suite and starts it again on the same data.
    pub async fn restart(self) -> anyhow::Result<Self> {
        let options = self.options.clone();
        self.restart_with(options).await
    }

    /// Stops the suite and starts it again on the same data, configured
    /// by `options` (a later hour, say).
    pub async fn restart_with(mut self, options: Options) -> anyhow::Result<Self> {
        if let Some(suite) = self.suite.take() {
            suite.stop().await?;
        }
        Self::start_on(self.scratch, options).await
    }

    pub fn suite(&self) -> &RunningSuite {
        self.suite.as_ref().expect("running")
    }

    pub fn gateway(&self) -> &str {
        &self.suite().gateway_url
    }

    /// Where this sandbox's suite keeps its data.
    pub fn suite_storage(&self) -> Storage {
        self.scratch.storage()
    }

    /// The day the suite lives on: what tests date their requests by.
    pub fn today(&self) -> NaiveDate {
        self.options.today()
    }

    pub fn backend(&self) -> &'static str {
        match self.scratch {
            Scratch::Sqlite(_) => "sqlite",
            Scratch::Postgres { .. } => "postgres",
        }
    }

    /// A browser-like client of the gateway, signed in as `login`.
    pub async fn sign_in(&self, login: &str, password: &str) -> anyhow::Result<reqwest::Client> {
        let client = reqwest::Client::builder().cookie_store(true).build()?;
        let response = client
            .post(format!("{}/api/v1/session", self.gateway()))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == reqwest::StatusCode::CREATED,
            "sign-in as {login}: {}",
            response.status()
        );
        Ok(client)
    }

    /// A client of the web pages as a browser is one: it keeps its session
    /// cookie and shows redirects instead of following them. Signed in as
    /// `login`, past a school-issued password (changed to `{password}-own`)
    /// when there is one.
    pub async fn browser(&self, login: &str, password: &str) -> anyhow::Result<reqwest::Client> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let gateway = self.gateway();
        let response = client
            .post(format!("{gateway}/api/v1/session"))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == reqwest::StatusCode::CREATED,
            "sign-in as {login}: {}",
            response.status()
        );
        let session: serde_json::Value = response.json().await?;
        if session["password_change_required"] == serde_json::json!(true) {
            let changed = client
                .post(format!("{gateway}/api/v1/session/password"))
                .json(&serde_json::json!({
                    "current_password": password,
                    "new_password": format!("{password}-own"),
                }))
                .send()
                .await?;
            anyhow::ensure!(
                changed.status() == reqwest::StatusCode::NO_CONTENT,
                "a password of {login}'s own: {}",
                changed.status()
            );
        }
        Ok(client)
    }

    /// Posts `fields` to the page at `path` as a browser's form does, from
    /// the gateway's own origin: the status, the redirect's target (empty
    /// when there is none) and the body.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (reqwest::StatusCode, String, String) {
        let response = client
            .post(format!("{}{path}", self.gateway()))
            .header("origin", self.gateway())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(fields)
                    .finish(),
            )
            .send()
            .await
            .expect("a form post");
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, location, response.text().await.expect("a body"))
    }

    /// Signs in with the demo login of `login`.
    pub async fn sign_in_demo(&self, login: &str) -> anyhow::Result<reqwest::Client> {
        let demo = DEMO_LOGINS
            .iter()
            .find(|demo| demo.login == login)
            .context("a demo login")?;
        self.sign_in(demo.login, demo.password).await
    }

    /// A connected gRPC channel to one of the suite's services.
    pub async fn channel(&self, service: &str) -> anyhow::Result<tonic::transport::Channel> {
        let url = self
            .suite()
            .url_of(service)
            .with_context(|| format!("{service} is part of the suite"))?;
        Ok(tonic::transport::Endpoint::from_shared(url.to_owned())?
            .connect()
            .await?)
    }

    /// A client of the schedule service; callers put their own token on each request.
    pub async fn schedule(
        &self,
    ) -> anyhow::Result<
        otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient<
            tonic::transport::Channel,
        >,
    > {
        Ok(
            otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient::new(
                self.channel("schedule").await?,
            ),
        )
    }

    /// A gRPC client of `service` and the city operator's token, for what the
    /// gateway does not offer yet (school administration).
    pub async fn admin(&self) -> anyhow::Result<Admin> {
        let channel = tonic::transport::Endpoint::from_shared(
            self.suite()
                .url_of("identity")
                .context("identity")?
                .to_owned(),
        )?
        .connect()
        .await?;
        let mut identity =
            otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient::new(
                channel,
            );
        let login = identity
            .login(otmetka_proto::identity::v1::LoginRequest {
                login: ADMIN_LOGIN.into(),
                password: ADMIN_PASSWORD.into(),
            })
            .await?
            .into_inner();
        Ok(Admin {
            identity,
            token: otmetka_platform::auth::BearerToken(login.access_token.into()),
        })
    }

    /// Stops the suite and removes its data.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(suite) = self.suite.take() {
            suite.stop().await?;
        }
        if let Scratch::Postgres { database, .. } = &mut self.scratch {
            database.drop_now().await?;
        }
        Ok(())
    }
}

/// The city operator, speaking gRPC to identity.
pub struct Admin {
    pub identity: otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient<
        tonic::transport::Channel,
    >,
    token: otmetka_platform::auth::BearerToken,
}

impl Admin {
    /// `message` with the operator's token.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        otmetka_platform::grpc::context::outgoing(message, &self.token, None)
            .expect("a valid token")
    }
}

impl Scratch {
    fn files_dir(&self) -> PathBuf {
        match self {
            Scratch::Sqlite(dir) => dir.path().join("attachments"),
            Scratch::Postgres { files, .. } => files.path().to_owned(),
        }
    }

    fn storage(&self) -> Storage {
        match self {
            Scratch::Sqlite(dir) => Storage::Sqlite(dir.path().to_owned()),
            Scratch::Postgres { database, .. } => Storage::Postgres(SecretUrl::new(database.url())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h:5432", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
    }
}
