//! Hosts one service (gradebook or import) in a process of its own, for
//! tests that kill it: `service_host gradebook|import`, configured by
//! `OTMETKA_HOST_LISTEN` (the address to serve on), `OTMETKA_HOST_DATABASE_URL`,
//! `OTMETKA_HOST_IDENTITY_URL`, `OTMETKA_HOST_SCHEDULE_URL` and (import)
//! `OTMETKA_HOST_GRADEBOOK_URL`, living on the day `OTMETKA_HOST_TODAY`
//! (`YYYY-MM-DD`) like the test's own suite; gradebook signs in at identity
//! as `OTMETKA_HOST_CLIENT_ID` with `OTMETKA_HOST_CLIENT_SECRET`. It serves until it is killed or stopped,
//! or its standard input closes (the test that started it has ended).

use std::time::Duration;

use anyhow::Context;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{ClientCredentials, Secret, SecretUrl, ServerLimits};
use otmetka_platform::db::DbSettings;
use tokio_util::sync::CancellationToken;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

fn setting(name: &str) -> anyhow::Result<String> {
    std::env::var(format!("OTMETKA_HOST_{name}")).with_context(|| format!("OTMETKA_HOST_{name}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let service = std::env::args().nth(1).context("which service to host")?;
    let listener = tokio::net::TcpListener::bind(setting("LISTEN")?).await?;
    let database = |schema: &str| DbSettings {
        url: SecretUrl::new(setting("DATABASE_URL").expect("a database")),
        schema: schema.into(),
        max_connections: 5,
    };
    let clock = Clock::on_day(setting("TODAY")?.parse().context("OTMETKA_HOST_TODAY")?);
    let limits = ServerLimits {
        shutdown_drain: Duration::from_secs(2),
        ..ServerLimits::default()
    };
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.cancel();
    });
    // The test holds our stdin open; when it ends (even killed), so do we.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(1);
    });
    match service.as_str() {
        "gradebook" => {
            let settings = otmetka_gradebook::Settings {
                database: database("gradebook"),
                limits,
                identity_url: setting("IDENTITY_URL")?,
                schedule_url: setting("SCHEDULE_URL")?,
                credentials: ClientCredentials {
                    id: setting("CLIENT_ID")?.parse()?,
                    secret: Secret::new(setting("CLIENT_SECRET")?),
                },
                vendor_batches_at_once: otmetka_gradebook::DEFAULT_VENDOR_BATCHES_AT_ONCE,
                clock,
            };
            otmetka_gradebook::run(settings, listener, shutdown).await
        }
        "import" => {
            let settings = otmetka_import::Settings {
                database: database("import"),
                limits,
                identity_url: setting("IDENTITY_URL")?,
                schedule_url: setting("SCHEDULE_URL")?,
                gradebook_url: setting("GRADEBOOK_URL")?,
                push: otmetka_import::PushLimits::default(),
                tls: None,
                clock,
            };
            otmetka_import::run(settings, listener, shutdown).await
        }
        other => anyhow::bail!("cannot host {other}: gradebook or import"),
    }
}
