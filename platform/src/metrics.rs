//! Prometheus metrics on their own HTTP port.

use std::net::SocketAddr;

use metrics_exporter_prometheus::PrometheusBuilder;

/// Serves `/metrics` on `address` for everything recorded in this process.
pub fn install_prometheus(address: SocketAddr) -> anyhow::Result<()> {
    PrometheusBuilder::new()
        .with_http_listener(address)
        .install()
        .map_err(|e| anyhow::anyhow!("metrics endpoint on {address}: {e}"))?;
    tracing::info!(%address, "serving Prometheus metrics");
    Ok(())
}
