//! The loop every background worker of messaging runs: a round of work,
//! then a pause the round chose or a wake-up from this replica; while
//! identity or the database fails, exponential backoff up to 30 s, and the
//! work waits for the next round.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use otmetka_platform::Result;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// What a worker is, for its log and its failure counter.
pub struct Worker {
    /// What failed, in a log line: "telling news".
    pub doing: &'static str,
    /// The counter of its failed rounds.
    pub failures: &'static str,
}

impl Worker {
    /// Runs `round` until `shutdown` is cancelled. Each round returns how
    /// long to wait before the next (zero for at once); `wake` cuts the
    /// wait short.
    pub async fn run<F, Fut>(self, wake: &Notify, shutdown: CancellationToken, mut round: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Duration>>,
    {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(30))
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        while !shutdown.is_cancelled() {
            let pause = match round().await {
                Ok(pause) => {
                    delays = backoff.build();
                    pause
                }
                Err(error) => {
                    tracing::warn!(error = %error, "{} failed; backing off", self.doing);
                    metrics::counter!(self.failures).increment(1);
                    delays.next().unwrap_or(Duration::from_secs(30))
                }
            };
            if pause.is_zero() {
                continue;
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
}
