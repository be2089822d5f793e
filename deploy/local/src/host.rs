//! One service in a process of its own, for the tests that kill it and the
//! benchmarks that measure its memory alone. The parent starts a program
//! that calls [`serve_from_env`] (a test binary, or the benchmark started
//! again with a hidden argument) and keeps it as a [`HostedService`]; the
//! child is configured through `OTMETKA_HOST_…` variables:
//!
//! - `LISTEN`: the address to serve on (set by [`HostedService`]);
//! - `DATABASE_URL`, `POOL` (connections, 5 when unset), `SCHEMA` (the
//!   service's name when unset: another keeps a replica's data apart);
//! - `IDENTITY_URL`, `SCHEDULE_URL` and, for import and messaging,
//!   `GRADEBOOK_URL`;
//! - for gradebook and messaging, `CLIENT_ID` and `CLIENT_SECRET` to sign
//!   in at identity;
//! - `TODAY` (`YYYY-MM-DD`) to live on a test's day, the system clock when
//!   unset; for import, `RECORDS_PER_SECOND` (production's rate when unset);
//! - for messaging, `SMTP_URL` to e-mail notifications through (none when
//!   unset) and `SITE_URL` for the letters' links.
//!
//! The child serves until it is killed or interrupted, or until its
//! standard input closes: the parent holds it open, so a host never
//! outlives the program that started it.

use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, Secret, SecretUrl, ServerLimits};
use otmetka_platform::db::DbSettings;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const PREFIX: &str = "OTMETKA_HOST_";

fn setting(name: &str) -> anyhow::Result<String> {
    std::env::var(format!("{PREFIX}{name}")).with_context(|| format!("{PREFIX}{name}"))
}

fn optional_setting(name: &str) -> Option<String> {
    std::env::var(format!("{PREFIX}{name}")).ok()
}

fn database(service: &str) -> anyhow::Result<DbSettings> {
    Ok(DbSettings {
        url: SecretUrl::new(setting("DATABASE_URL")?),
        schema: optional_setting("SCHEMA").unwrap_or_else(|| service.into()),
        max_connections: optional_setting("POOL").map_or(Ok(5), |pool| pool.parse())?,
    })
}

fn clock() -> anyhow::Result<Clock> {
    Ok(match optional_setting("TODAY") {
        Some(day) => Clock::on_day(day.parse().context("OTMETKA_HOST_TODAY")?),
        None => Clock::system(),
    })
}

fn limits() -> ServerLimits {
    ServerLimits {
        // Hosts are stopped by a kill or by their parent's end: nothing
        // waits for a long drain.
        shutdown_drain: Duration::from_secs(2),
        ..ServerLimits::default()
    }
}

/// Gradebook's settings from the environment.
pub fn gradebook_settings() -> anyhow::Result<otmetka_gradebook::Settings> {
    Ok(otmetka_gradebook::Settings {
        database: database("gradebook")?,
        limits: limits(),
        identity_url: setting("IDENTITY_URL")?,
        schedule_url: setting("SCHEDULE_URL")?,
        credentials: credentials()?,
        vendor_batches_at_once: otmetka_gradebook::DEFAULT_VENDOR_BATCHES_AT_ONCE,
        clock: clock()?,
    })
}

fn credentials() -> anyhow::Result<ClientCredentials> {
    Ok(ClientCredentials {
        id: setting("CLIENT_ID")?.parse()?,
        secret: Secret::new(setting("CLIENT_SECRET")?),
    })
}

/// Where messaging e-mails through, when `SMTP_URL` is set: the
/// letters' sender and links are the test suite's, retries a second apart.
fn mail_settings() -> anyhow::Result<Option<otmetka_messaging::MailSettings>> {
    let Some(smtp_url) = optional_setting("SMTP_URL") else {
        return Ok(None);
    };
    Ok(Some(otmetka_messaging::MailSettings {
        smtp_url,
        from: "Отметка <noreply@otmetka.test>".into(),
        site_url: setting("SITE_URL")?,
        first_retry: Duration::from_secs(1),
    }))
}

/// Messaging's settings from the environment.
pub fn messaging_settings() -> anyhow::Result<otmetka_messaging::Settings> {
    Ok(otmetka_messaging::Settings {
        database: database("messaging")?,
        limits: limits(),
        identity_url: setting("IDENTITY_URL")?,
        gradebook_url: setting("GRADEBOOK_URL")?,
        schedule_url: setting("SCHEDULE_URL")?,
        credentials: credentials()?,
        news_horizon: Duration::from_secs(24 * 3600),
        mail: mail_settings()?,
        clock: clock()?,
    })
}

/// Import's settings from the environment.
pub fn import_settings() -> anyhow::Result<otmetka_import::Settings> {
    let production = otmetka_import::PushLimits::default();
    Ok(otmetka_import::Settings {
        database: database("import")?,
        limits: limits(),
        identity_url: setting("IDENTITY_URL")?,
        schedule_url: setting("SCHEDULE_URL")?,
        gradebook_url: setting("GRADEBOOK_URL")?,
        push: otmetka_import::PushLimits {
            records_per_second: optional_setting("RECORDS_PER_SECOND")
                .map_or(Ok(production.records_per_second), |rate| rate.parse())?,
            ..production
        },
        tls: None,
        clock: clock()?,
    })
}

/// The child's side: binds `OTMETKA_HOST_LISTEN`, arranges to stop on an
/// interrupt or when standard input closes, and hands the listener and the
/// shutdown signal to `run`.
pub async fn host<F>(run: impl FnOnce(TcpListener, CancellationToken) -> F) -> anyhow::Result<()>
where
    F: Future<Output = anyhow::Result<()>>,
{
    let listener = TcpListener::bind(setting("LISTEN")?).await?;
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.cancel();
    });
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(1);
    });
    run(listener, shutdown).await
}

/// Serves `gradebook`, `import` or `messaging` as the environment describes.
pub async fn serve_from_env(service: &str) -> anyhow::Result<()> {
    match service {
        "gradebook" => {
            let settings = gradebook_settings()?;
            host(|listener, shutdown| otmetka_gradebook::run(settings, listener, shutdown)).await
        }
        "import" => {
            let settings = import_settings()?;
            host(|listener, shutdown| otmetka_import::run(settings, listener, shutdown)).await
        }
        "messaging" => {
            let settings = messaging_settings()?;
            host(|listener, shutdown| otmetka_messaging::run(settings, listener, shutdown)).await
        }
        other => anyhow::bail!("cannot host {other}: gradebook, import or messaging"),
    }
}

/// A service in a child process, always on the same loopback address, so
/// that its callers find it again after a restart.
pub struct HostedService {
    name: String,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    listen: SocketAddr,
    child: Option<Child>,
}

impl HostedService {
    /// A host of `program args…` with `OTMETKA_HOST_{name}` set for each of
    /// `env`, on a free loopback port; not started yet.
    pub fn new(
        name: &str,
        program: impl Into<PathBuf>,
        args: &[&str],
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let listen = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        Ok(Self {
            name: name.to_owned(),
            program: program.into(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            env: env
                .iter()
                .map(|(key, value)| (format!("{PREFIX}{key}"), value.clone()))
                .collect(),
            listen,
            child: None,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.listen)
    }

    /// The child's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Starts the process and waits until it reports SERVING.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            .env(format!("{PREFIX}LISTEN"), self.listen.to_string())
            .stdin(Stdio::piped())
            // Its log goes where this program's diagnostics go.
            .stdout(Stdio::from(std::io::stderr().as_fd().try_clone_to_owned()?));
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", self.name))?;
        let child = self.child.insert(child);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !crate::serving(&format!("http://{}", self.listen)).await {
            if let Some(status) = child.try_wait()? {
                anyhow::bail!("{} exited at start: {status}", self.name);
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "{} did not start",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// Stops it with SIGKILL (no drain, no goodbye) and reaps it.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }
}

impl Drop for HostedService {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}
