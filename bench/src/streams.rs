//! How long a school-wide announcement takes to reach the families' open
//! pages: every guardian holds live streams of their notifications through
//! the gateway (Server-Sent Events, as the header's live count does, one
//! per device), the school's administrator publishes an announcement to
//! the whole school through the gateway's API, and each stream's wait for
//! it is timed, from the moment the request is sent.

use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt, stream};
use hdrhistogram::Histogram;
use http::HeaderValue;
use tokio::task::JoinSet;

/// How long the announcement may take to reach the last stream.
const PATIENCE: Duration = Duration::from_secs(120);

/// The waits of the streams an announcement reached.
pub struct Reached {
    pub streams: usize,
    pub received: usize,
    pub waits: Histogram<u64>,
    /// The bench's own peak resident memory (the whole suite runs in it).
    pub peak_rss_mib: f64,
}

impl Reached {
    pub fn ms(&self, quantile: f64) -> f64 {
        self.waits.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// Opens `per_guardian` streams for each signed-in guardian (`cookies`),
/// then publishes a whole-school announcement as the school's
/// administrator and times its arrival on every stream.
pub async fn announcement_to_streams(
    gateway: &str,
    school_id: &str,
    cookies: &[HeaderValue],
    per_guardian: usize,
) -> anyhow::Result<Reached> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let opened: Vec<reqwest::Response> = stream::iter(
        cookies
            .iter()
            .flat_map(|cookie| std::iter::repeat_n(cookie.clone(), per_guardian)),
    )
    .map(|cookie| {
        let client = client.clone();
        async move {
            let response = client
                .get(format!("{gateway}/api/v1/notifications/stream"))
                .header(http::header::COOKIE, cookie)
                .send()
                .await?;
            anyhow::ensure!(
                response.status() == reqwest::StatusCode::OK,
                "a stream: {}",
                response.status()
            );
            Ok(response)
        }
    })
    .buffer_unordered(32)
    .try_collect()
    .await?;
    let streams = opened.len();
    let started = Instant::now();
    let mut waiting = JoinSet::new();
    for mut response in opened {
        waiting.spawn(async move {
            let mut seen = String::new();
            while let Some(chunk) = response.chunk().await? {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains("\"kind\":\"announcement\"") {
                    return Ok::<_, anyhow::Error>(Some(Instant::now()));
                }
            }
            Ok(None)
        });
    }
    let admin = crate::session_cookie(&client, gateway, "bench-admin", "198.19.0.1").await?;
    // The administrator's password was issued by the city: the web asks
    // for one of their own before anything else.
    let changed = client
        .post(format!("{gateway}/api/v1/session/password"))
        .header(http::header::COOKIE, admin.clone())
        .json(&serde_json::json!({
            "current_password": crate::school::PASSWORD,
            "new_password": format!("{}-own", crate::school::PASSWORD),
        }))
        .send()
        .await?;
    anyhow::ensure!(
        changed.status() == reqwest::StatusCode::NO_CONTENT,
        "the administrator's own password: {}",
        changed.status()
    );
    let sent = Instant::now();
    let response = client
        .post(format!("{gateway}/api/v1/announcements"))
        .header(http::header::COOKIE, admin)
        .json(&serde_json::json!({
            "school_id": school_id,
            "kind": "announcement",
            "audience": { "whole_school": true, "roles": ["guardians"] },
            "title": "Сокращённые уроки",
            "body": "Завтра уроки по 30 минут: в школе педагогический совет.",
            "publish": true,
        }))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == reqwest::StatusCode::CREATED,
        "publishing: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    let mut waits = Histogram::<u64>::new(3)?;
    let mut received = 0;
    let deadline = tokio::time::sleep(PATIENCE);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            () = &mut deadline => break,
            joined = waiting.join_next() => match joined {
                None => break,
                Some(outcome) => {
                    if let Some(at) = outcome?? {
                        received += 1;
                        waits.record(at.saturating_duration_since(sent).as_micros() as u64)?;
                    }
                }
            },
        }
    }
    waiting.abort_all();
    crate::progress(&format!(
        "{received} of {streams} streams heard the announcement ({:.0} s after they opened)",
        started.elapsed().as_secs_f64()
    ));
    Ok(Reached {
        streams,
        received,
        waits,
        peak_rss_mib: crate::proc_stats::peak_rss_mib("self"),
    })
}
