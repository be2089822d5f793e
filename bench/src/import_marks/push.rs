//! The vendor's side: marks pushed through import, and teachers posting
//! marks while nobody pushes and while the vendor floods.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::{Duration, Instant};

use chrono::Utc;
use hdrhistogram::Histogram;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use rand::Rng;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

use crate::Args;
use crate::progress;
use crate::rows::Rows;
use crate::seed::{self, School};
use crate::with_token;
use otmetka_local::host::HostedService;

/// What a push came to.
#[derive(Debug, Default)]
pub(crate) struct Pushed {
    pub(crate) rows: usize,
    /// Receipts by status (and error code).
    pub(crate) statuses: BTreeMap<String, usize>,
    pub(crate) elapsed: Duration,
    /// Streams that failed and were resent from their last receipt.
    pub(crate) failures: usize,
    pub(crate) first_failure: Option<String>,
}

impl Pushed {
    pub(crate) fn per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64()
    }

    /// Every record applied: accepted, or (resent after a stream failed)
    /// found applied already.
    pub(crate) fn all_accepted(&self) -> bool {
        self.statuses
            .keys()
            .all(|status| status == "Accepted" || status == "Unchanged")
    }

    pub(crate) fn count(&mut self, receipt: &import::Receipt) {
        self.rows += 1;
        let status = import::ReceiptStatus::try_from(receipt.status)
            .map_or_else(|_| "?".to_owned(), |s| format!("{s:?}"));
        let key = match receipt.errors.first() {
            Some(error) => format!("{status} {}", error.code),
            None => status,
        };
        *self.statuses.entry(key).or_default() += 1;
    }

    pub(crate) fn failures(&self) -> String {
        match &self.first_failure {
            None => String::new(),
            Some(first) => format!(
                "; {} stream failures, resent from the last receipt (first: {first})",
                self.failures
            ),
        }
    }
}

/// Pushes rows `range` on `streams` streams at once (each a contiguous
/// share, in messages of `batch`), until done or `until`.
pub(crate) async fn push(
    import_url: &str,
    token: &str,
    rows: &Rows,
    range: Range<usize>,
    batch: usize,
    streams: usize,
    until: Option<Instant>,
) -> anyhow::Result<Pushed> {
    let channel = otmetka_platform::grpc::client::lazy_channel(import_url)?;
    let share = range.len().div_ceil(streams);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for stream in 0..streams {
        let start = range.start + stream * share;
        let end = (start + share).min(range.end);
        if start >= end {
            continue;
        }
        let rows = rows.clone();
        let mut client = ImportServiceClient::new(channel.clone());
        let token = token.to_owned();
        tasks.spawn(async move {
            let mut pushed = Pushed::default();
            // Resent from the last receipt after a failure, as a vendor would.
            let mut next = start;
            while next < end {
                let (sender, receiver) = tokio::sync::mpsc::channel(2);
                let feeder_rows = rows.clone();
                let feeder = tokio::spawn(async move {
                    for first in (next..end).step_by(batch) {
                        if until.is_some_and(|until| Instant::now() >= until) {
                            break;
                        }
                        let operations = (first..(first + batch).min(end))
                            .map(|n| feeder_rows.operation(n))
                            .collect();
                        let message = import::PushRecordsRequest {
                            operations,
                            ..Default::default()
                        };
                        if sender.send(message).await.is_err() {
                            break;
                        }
                    }
                });
                let failure = match client
                    .push_records(with_token(&token, ReceiverStream::new(receiver)))
                    .await
                {
                    Ok(replies) => {
                        let mut replies = replies.into_inner();
                        loop {
                            match replies.message().await {
                                Ok(Some(reply)) => {
                                    next += reply.receipts.len();
                                    for receipt in reply.receipts {
                                        pushed.count(&receipt);
                                    }
                                }
                                Ok(None) => break None,
                                Err(status) => break Some(status),
                            }
                        }
                    }
                    Err(status) => Some(status),
                };
                feeder.abort();
                match failure {
                    None => break,
                    Some(status) => {
                        pushed.failures += 1;
                        pushed
                            .first_failure
                            .get_or_insert_with(|| status.to_string());
                        anyhow::ensure!(pushed.failures <= 5, "a stream failed 5 times: {status}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
            anyhow::Ok(pushed)
        });
    }
    let mut total = Pushed::default();
    while let Some(joined) = tasks.join_next().await {
        let pushed = joined??;
        total.rows += pushed.rows;
        total.failures += pushed.failures;
        if total.first_failure.is_none() {
            total.first_failure = pushed.first_failure;
        }
        for (status, count) in pushed.statuses {
            *total.statuses.entry(status).or_default() += count;
        }
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

/// Teachers' marks: latencies from sending to the answer.
pub(crate) struct Latency {
    pub(crate) histogram: Histogram<u64>,
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
}

impl Latency {
    pub(crate) fn ms(&self, quantile: f64) -> f64 {
        self.histogram.value_at_quantile(quantile) as f64 / 1000.0
    }
}

pub(crate) struct Flood {
    pub(crate) quiet: Latency,
    pub(crate) flooded: Latency,
    pub(crate) vendor: Pushed,
}

/// Teachers posting marks for `seconds`, each one every `pause`.
pub(crate) async fn teachers_post(
    gradebook_url: &str,
    school: &School,
    tokens: &[String],
    args: &Args,
) -> anyhow::Result<Latency> {
    let channel = otmetka_platform::grpc::client::lazy_channel(gradebook_url)?;
    let warmup_end = Instant::now() + Duration::from_secs(2);
    let end = warmup_end + Duration::from_secs(args.flood_seconds);
    let today = Utc::now().date_naive().to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..args.teachers {
        let subject = worker % tokens.len();
        let token = tokens[subject].clone();
        let subject_id = school.subjects[subject].clone();
        let students = school.students.clone();
        let mut client = GradebookServiceClient::new(channel.clone());
        let today = today.clone();
        let pause = Duration::from_millis(args.teacher_pause);
        tasks.spawn(async move {
            let mut latency = Latency {
                histogram: Histogram::new(3)?,
                errors: 0,
                first_error: None,
            };
            while Instant::now() < end {
                let student = students[rand::rng().random_range(0..students.len())].clone();
                let sent = Instant::now();
                let answer = client
                    .create_mark(with_token(
                        &token,
                        gradebook::CreateMarkRequest {
                            student_id: student,
                            subject_id: subject_id.clone(),
                            lesson_date: today.clone(),
                            value: "4".into(),
                            ..Default::default()
                        },
                    ))
                    .await;
                let took = sent.elapsed();
                if sent >= warmup_end {
                    match answer {
                        Ok(_) => latency.histogram.record(took.as_micros() as u64)?,
                        Err(status) => {
                            latency.errors += 1;
                            latency.first_error.get_or_insert(status.to_string());
                        }
                    }
                }
                tokio::time::sleep(pause).await;
            }
            anyhow::Ok(latency)
        });
    }
    let mut total = Latency {
        histogram: Histogram::new(3)?,
        errors: 0,
        first_error: None,
    };
    while let Some(joined) = tasks.join_next().await {
        let latency = joined??;
        total.histogram.add(&latency.histogram)?;
        total.errors += latency.errors;
        if total.first_error.is_none() {
            total.first_error = latency.first_error;
        }
    }
    Ok(total)
}

pub(crate) async fn flood_comparison(
    args: &Args,
    school: &School,
    identity: &IdentityServiceClient<Channel>,
    rows: &Rows,
    import: &HostedService,
    gradebook: &HostedService,
) -> anyhow::Result<Flood> {
    let mut tokens = Vec::new();
    for login in &school.teachers {
        tokens.push(seed::login(identity, login, seed::PASSWORD).await?);
    }
    let quiet = teachers_post(&gradebook.url(), school, &tokens, args).await?;
    progress(&format!(
        "teachers, nobody pushing: p50 {:.2} ms, p99 {:.2} ms",
        quiet.ms(0.5),
        quiet.ms(0.99)
    ));
    let token = seed::client_token(identity, school).await?;
    // The flood runs from a second before the teachers start until they end.
    let until = Instant::now() + Duration::from_secs(args.flood_seconds + 3);
    let flood_rows = rows.prefixed("f");
    let import_url = import.url();
    let (batch, streams) = (args.batch, args.streams);
    let vendor = tokio::spawn(async move {
        push(
            &import_url,
            &token,
            &flood_rows,
            0..100_000_000,
            batch,
            streams,
            Some(until),
        )
        .await
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let flooded = teachers_post(&gradebook.url(), school, &tokens, args).await?;
    let vendor = vendor.await??;
    progress(&format!(
        "teachers, the vendor flooding at {:.0} rows/s: p50 {:.2} ms, p99 {:.2} ms{}",
        vendor.per_second(),
        flooded.ms(0.5),
        flooded.ms(0.99),
        vendor.failures()
    ));
    Ok(Flood {
        quiet,
        flooded,
        vendor,
    })
}
