//! The load: a fixed number of workers, each with its own keep-alive
//! connection, sending one request after another (a closed loop) for a
//! warm-up and then a measured period. Latency is taken per request from
//! send to the last byte of the body, in microseconds.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;

/// One request the load sends: where, and as whom.
#[derive(Clone)]
pub enum Call {
    /// An HTTP GET of the gateway, with the session cookie (if any).
    Http {
        path: String,
        cookie: Option<http::HeaderValue>,
    },
    /// GetStudentWeek straight at schedule, with the person's token.
    Grpc {
        request: schedule::GetStudentWeekRequest,
        authorization: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
    },
}

/// Where the calls go.
#[derive(Clone)]
pub struct Target {
    pub gateway: SocketAddr,
    /// schedule's gRPC URL; each worker opens its own connection.
    pub schedule: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub warmup: Duration,
    pub duration: Duration,
}

/// What one load run measured.
#[derive(Debug)]
pub struct Outcome {
    pub name: String,
    pub concurrency: usize,
    pub requests: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub duration: Duration,
    /// Latency of successful requests, microseconds.
    pub latency: Histogram<u64>,
    /// Response bytes of the last successful request.
    pub body_bytes: usize,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.duration.as_secs_f64()
    }

    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.latency.max() as f64 / 1000.0
    }
}

struct Worker {
    latency: Histogram<u64>,
    requests: u64,
    errors: u64,
    first_error: Option<String>,
    body_bytes: usize,
}

/// Runs `calls` round-robin from `concurrency` workers.
pub async fn run(
    name: &str,
    target: &Target,
    calls: Arc<Vec<Call>>,
    concurrency: usize,
    timing: Timing,
) -> anyhow::Result<Outcome> {
    anyhow::ensure!(!calls.is_empty(), "nothing to request");
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let measure_from = start + timing.warmup;
    let until = measure_from + timing.duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let calls = calls.clone();
        let next = next.clone();
        let target = target.clone();
        workers.spawn(async move { worker(target, calls, next, measure_from, until).await });
    }
    let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let (mut requests, mut errors, mut first_error, mut body_bytes) = (0, 0, None, 0);
    while let Some(joined) = workers.join_next().await {
        let done = joined.context("a load worker panicked")??;
        latency.add(&done.latency)?;
        requests += done.requests;
        errors += done.errors;
        first_error = first_error.or(done.first_error);
        body_bytes = body_bytes.max(done.body_bytes);
    }
    Ok(Outcome {
        name: name.into(),
        concurrency,
        requests,
        errors,
        first_error,
        duration: timing.duration,
        latency,
        body_bytes,
    })
}

type Sender = hyper::client::conn::http1::SendRequest<Empty<Bytes>>;

async fn http_connection(address: SocketAddr) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

async fn worker(
    target: Target,
    calls: Arc<Vec<Call>>,
    next: Arc<AtomicUsize>,
    measure_from: Instant,
    until: Instant,
) -> anyhow::Result<Worker> {
    let mut done = Worker {
        latency: Histogram::new_with_bounds(1, 60_000_000, 3)?,
        requests: 0,
        errors: 0,
        first_error: None,
        body_bytes: 0,
    };
    let host = http::HeaderValue::from_str(&target.gateway.to_string())?;
    let mut http: Option<Sender> = None;
    let mut grpc: Option<ScheduleServiceClient<Channel>> = None;
    loop {
        let call = &calls[next.fetch_add(1, Ordering::Relaxed) % calls.len()];
        let sent = Instant::now();
        if sent >= until {
            break;
        }
        let result: Result<usize, String> = match call {
            Call::Http { path, cookie } => {
                if http.as_ref().is_none_or(|sender| sender.is_closed()) {
                    http = Some(
                        http_connection(target.gateway)
                            .await
                            .context("connecting to the gateway")?,
                    );
                }
                let sender = http.as_mut().expect("connected");
                sender.ready().await.map_err(anyhow::Error::from)?;
                let mut request = http::Request::get(path.as_str())
                    .header(http::header::HOST, host.clone())
                    .body(Empty::<Bytes>::new())?;
                if let Some(cookie) = cookie {
                    request
                        .headers_mut()
                        .insert(http::header::COOKIE, cookie.clone());
                }
                match sender.send_request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        match response.into_body().collect().await {
                            Ok(body) if status.is_success() => Ok(body.to_bytes().len()),
                            Ok(body) => Err(format!(
                                "{status}: {}",
                                String::from_utf8_lossy(&body.to_bytes())
                            )),
                            Err(error) => Err(error.to_string()),
                        }
                    }
                    Err(error) => {
                        http = None;
                        Err(error.to_string())
                    }
                }
            }
            Call::Grpc {
                request,
                authorization,
            } => {
                let mut request = tonic::Request::new(request.clone());
                request
                    .metadata_mut()
                    .insert("authorization", authorization.clone());
                let client = match &mut grpc {
                    Some(client) => client,
                    None => grpc.insert(ScheduleServiceClient::new(
                        otmetka_platform::grpc::client::lazy_channel(&target.schedule)?,
                    )),
                };
                match client.get_student_week(request).await {
                    Ok(response) => Ok(prost::Message::encoded_len(response.get_ref())),
                    Err(status) => Err(format!("{:?}: {}", status.code(), status.message())),
                }
            }
        };
        let finished = Instant::now();
        if finished < measure_from || finished > until {
            continue;
        }
        done.requests += 1;
        match result {
            Ok(bytes) => {
                done.body_bytes = bytes;
                let micros = (finished - sent).as_micros() as u64;
                done.latency.saturating_record(micros.max(1));
            }
            Err(error) => {
                done.errors += 1;
                done.first_error.get_or_insert(error);
            }
        }
    }
    Ok(done)
}
