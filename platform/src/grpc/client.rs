//! Channels to other services.

use std::time::Duration;

use tonic::transport::{Channel, Endpoint};

/// A channel that connects on first use and reconnects after failures, so a
/// service can start before the services it calls.
pub fn lazy_channel(url: &str) -> anyhow::Result<Channel> {
    let endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|e| anyhow::anyhow!("service URL {url:?}: {e}"))?
        .connect_timeout(Duration::from_secs(3))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true);
    Ok(endpoint.connect_lazy())
}
