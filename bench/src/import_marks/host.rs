//! One service in a process of its own, so that its memory is its own to
//! measure: the benchmark starts itself again with a hidden first argument
//! (`__host gradebook|gradebook-unchecked|import`), configured through
//! `OTMETKA_HOST_…` variables, and reads the child's peak RSS and CPU time
//! from `/proc` at the end.

use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use otmetka_platform::config::{SecretUrl, ServerLimits};
use otmetka_platform::db::DbSettings;
use tokio_util::sync::CancellationToken;

/// The hidden first argument that makes this program a service host.
pub const SUBCOMMAND: &str = "__host";

fn setting(name: &str) -> anyhow::Result<String> {
    std::env::var(format!("OTMETKA_HOST_{name}")).with_context(|| format!("OTMETKA_HOST_{name}"))
}

/// The host's `main`: serves until killed or interrupted.
pub fn main() -> anyhow::Result<()> {
    let service = std::env::args().nth(2).context("which service to host")?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(&service))
}

async fn serve(service: &str) -> anyhow::Result<()> {
    // Warnings and errors on stderr, which the benchmark shares.
    let telemetry = otmetka_platform::telemetry::TelemetryArgs {
        log_filter: std::env::var("OTMETKA_LOG").unwrap_or_else(|_| "warn".into()),
        ..Default::default()
    };
    let _telemetry = otmetka_platform::telemetry::init(&telemetry, &format!("otmetka-{service}"))?;
    let listener = tokio::net::TcpListener::bind(setting("LISTEN")?).await?;
    let pool: u32 = setting("POOL")?.parse()?;
    let database = |schema: &str| -> anyhow::Result<DbSettings> {
        Ok(DbSettings {
            url: SecretUrl::new(setting("DATABASE_URL")?),
            schema: schema.into(),
            max_connections: pool,
        })
    };
    let limits = ServerLimits::default();
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.cancel();
    });
    let gradebook = || -> anyhow::Result<otmetka_gradebook::Settings> {
        Ok(otmetka_gradebook::Settings {
            database: database("gradebook")?,
            limits: limits.clone(),
            identity_url: setting("IDENTITY_URL")?,
            schedule_url: setting("SCHEDULE_URL")?,
            credentials: otmetka_platform::config::ClientCredentials {
                id: setting("CLIENT_ID")?.parse()?,
                secret: otmetka_platform::config::Secret::new(setting("CLIENT_SECRET")?),
            },
            vendor_batches_at_once: otmetka_gradebook::DEFAULT_VENDOR_BATCHES_AT_ONCE,
            clock: otmetka_platform::clock::Clock::system(),
        })
    };
    match service {
        "gradebook" => otmetka_gradebook::run(gradebook()?, listener, shutdown).await,
        "gradebook-unchecked" => {
            otmetka_gradebook::run_without_access_checks(gradebook()?, listener, shutdown).await
        }
        "import" => {
            let settings = otmetka_import::Settings {
                database: database("import")?,
                limits: limits.clone(),
                identity_url: setting("IDENTITY_URL")?,
                schedule_url: setting("SCHEDULE_URL")?,
                gradebook_url: setting("GRADEBOOK_URL")?,
                push: otmetka_import::PushLimits {
                    // Unset: production's default rate.
                    records_per_second: match std::env::var("OTMETKA_HOST_RECORDS_PER_SECOND") {
                        Ok(rate) => rate.parse()?,
                        Err(_) => otmetka_import::PushLimits::default().records_per_second,
                    },
                    ..otmetka_import::PushLimits::default()
                },
                tls: None,
                clock: otmetka_platform::clock::Clock::system(),
            };
            otmetka_import::run(settings, listener, shutdown).await
        }
        other => anyhow::bail!("cannot host {other}"),
    }
}

/// A service running in a child process.
pub struct Hosted {
    pub url: String,
    child: Child,
}

impl Hosted {
    /// Starts `service` on a free loopback port and waits until it serves.
    pub async fn start(
        name: &'static str,
        service: &str,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let listen: SocketAddr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args([SUBCOMMAND, service])
            .env("OTMETKA_HOST_LISTEN", listen.to_string())
            // Its log goes where this program's diagnostics go.
            .stdout(Stdio::from(std::io::stderr().as_fd().try_clone_to_owned()?));
        for (name, value) in env {
            command.env(format!("OTMETKA_HOST_{name}"), value);
        }
        let child = command.spawn().context("starting a service host")?;
        let mut hosted = Self {
            url: format!("http://{listen}"),
            child,
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !serving(&hosted.url).await {
            if let Some(status) = hosted.child.try_wait()? {
                anyhow::bail!("{name} exited at start: {status}");
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "{name} did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(hosted)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory so far (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        status_kib(self.pid(), "VmHWM:") as f64 / 1024.0
    }

    /// CPU time (user + system) so far, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        crate::proc_stats::cpu_ticks_of(&format!("/proc/{}/stat", self.pid()))
    }

    /// Stops it (SIGKILL: nothing is left to drain) and reaps it.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Hosted {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn serving(url: &str) -> bool {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;
    let Ok(endpoint) = tonic::transport::Endpoint::from_shared(url.to_owned()) else {
        return false;
    };
    let Ok(channel) = endpoint
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
