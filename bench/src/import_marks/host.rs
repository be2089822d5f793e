//! One service in a process of its own, so that its memory is its own to
//! measure: the benchmark starts itself again with a hidden first argument
//! (`__host gradebook|gradebook-unchecked|import`), configured as
//! [`otmetka_local::host`] describes, and reads the child's peak RSS and
//! CPU time from `/proc` at the end.

use anyhow::Context;
use otmetka_local::host::{self, HostedService};

/// The hidden first argument that makes this program a service host.
pub const SUBCOMMAND: &str = "__host";

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
    if service == "gradebook-unchecked" {
        let settings = host::gradebook_settings()?;
        return host::host(|listener, shutdown| {
            otmetka_gradebook::run_without_access_checks(settings, listener, shutdown)
        })
        .await;
    }
    host::serve_from_env(service).await
}

/// Starts `service` in a child process and waits until it serves; `env`
/// names the `OTMETKA_HOST_…` settings without their prefix.
pub async fn start(
    name: &str,
    service: &str,
    env: &[(&str, String)],
) -> anyhow::Result<HostedService> {
    let mut hosted =
        HostedService::new(name, std::env::current_exe()?, &[SUBCOMMAND, service], env)?;
    hosted.start().await?;
    Ok(hosted)
}

/// Peak resident memory of a host so far (VmHWM), in MiB.
pub fn peak_rss_mib(hosted: &HostedService) -> f64 {
    hosted
        .pid()
        .map_or(0.0, |pid| crate::proc_stats::peak_rss_mib(&pid.to_string()))
}

/// CPU time (user + system) of a host so far, in clock ticks.
pub fn cpu_ticks(hosted: &HostedService) -> u64 {
    hosted.pid().map_or(0, |pid| {
        crate::proc_stats::cpu_ticks_of(&format!("/proc/{pid}/stat"))
    })
}
