//! When to open a push stream again after it failed: the platform asks a
//! vendor over its rate to wait (RESOURCE_EXHAUSTED with the time), and a
//! server going away answers UNAVAILABLE. Anything else is a real failure.

use std::time::Duration;

use tonic_types::StatusExt;

/// Failures in a row after which a load gives up (the checkpoint stays).
const ATTEMPTS: u32 = 6;
/// Longer waits (a daily quota) are not waited out by a running load.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// How long to wait before trying again after the `failures`-th failure in
/// a row (from 0), or `None` to give up.
pub fn wait(error: &anyhow::Error, failures: u32) -> Option<Duration> {
    if failures >= ATTEMPTS {
        return None;
    }
    let status = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<tonic::Status>())?;
    let backoff = Duration::from_secs(1 << failures.min(5));
    match status.code() {
        tonic::Code::ResourceExhausted => {
            let asked = status
                .get_details_retry_info()
                .and_then(|info| info.retry_delay)
                .unwrap_or(backoff);
            (asked <= LONGEST_WAIT).then_some(asked.max(Duration::from_millis(100)))
        }
        tonic::Code::Unavailable => Some(backoff),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;
    use tonic_types::ErrorDetails;

    use super::*;

    fn failed(status: tonic::Status) -> anyhow::Error {
        Err::<(), _>(status)
            .context("reading receipts")
            .unwrap_err()
    }

    #[test]
    fn a_rate_limit_is_waited_out_as_asked_and_other_failures_are_final() {
        let limited = failed(tonic::Status::with_error_details(
            tonic::Code::ResourceExhausted,
            "slow down",
            ErrorDetails::with_retry_info(Some(Duration::from_secs(2))),
        ));
        assert_eq!(wait(&limited, 0), Some(Duration::from_secs(2)));
        assert_eq!(wait(&limited, ATTEMPTS), None);
        let quota = failed(tonic::Status::with_error_details(
            tonic::Code::ResourceExhausted,
            "the day's quota is used",
            ErrorDetails::with_retry_info(Some(Duration::from_secs(3600))),
        ));
        assert_eq!(wait(&quota, 0), None);
        let gone = failed(tonic::Status::unavailable("restarting"));
        assert_eq!(wait(&gone, 2), Some(Duration::from_secs(4)));
        assert_eq!(
            wait(&failed(tonic::Status::invalid_argument("bad")), 0),
            None
        );
        assert_eq!(wait(&anyhow::anyhow!("no status"), 0), None);
    }
}
