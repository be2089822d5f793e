//! The one consumer of another service's change feed.
//!
//! It reads a page after its cursor, applies every change in one write
//! transaction of its own database and stores the new cursor in that same
//! transaction: a crash before the commit leaves both the effects and the
//! cursor as they were, so the page is read and applied again, and nothing
//! is applied twice. A change that cannot be applied is parked instead
//! (with the reason, in the same transaction as the cursor moving past it)
//! and the consumer goes on. While the producer is unreachable it backs
//! off, up to a bound, and keeps trying. Replicas of a service run the same
//! consumer on one database: the cursor's row lock lets one apply a page
//! and the others skip it. Its lag is a metric, and a health
//! status of its own (`otmetka.feed.<name>`) turns NOT_SERVING while it is
//! far behind or cannot read.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::Utc;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::ChangeEnvelope;
use super::parked;
use super::source::ChangeSource;
use crate::db::{Db, Tx};
use crate::error::{Error, Result};

/// Why a change was not applied.
#[derive(Debug)]
pub enum Refusal {
    /// It can never apply as it is (it names what this service does not
    /// know, or breaks a rule): park it and go on.
    Park(String),
    /// Something passing went wrong (the database): try again later.
    Retry(Error),
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        Refusal::Retry(error)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Refusal::Retry(error.into())
    }
}

/// What a consumer does with each change, inside its transaction.
pub trait ApplyChange: Send + Sync + 'static {
    fn apply(
        &self,
        tx: &mut Tx,
        change: &ChangeEnvelope,
    ) -> impl Future<Output = std::result::Result<(), Refusal>> + Send;
}

/// How a consumer paces itself.
#[derive(Debug, Clone)]
pub struct ConsumerOptions {
    /// Its name, unique within the service: the key of its cursor, the label
    /// of its metrics (`schedule.lesson-flags`).
    pub name: &'static str,
    /// Changes read and applied at once.
    pub page_size: u32,
    /// How often it asks for new changes once it has caught up.
    pub idle_poll: Duration,
    /// The longest wait between attempts while reads or writes fail.
    pub max_backoff: Duration,
    /// Behind by more than this, it reports NOT_SERVING.
    pub lag_alarm: Duration,
}

impl ConsumerOptions {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            page_size: 500,
            idle_poll: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            lag_alarm: Duration::from_secs(60),
        }
    }
}

/// Where a consumer stands, as it last saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Catch-up requests answered: every request up to this number saw the
    /// feed read to its end after it was made.
    pub caught_up_round: u64,
    /// How far behind the newest change applied was when it was applied
    /// (zero once a read finds nothing new).
    pub lag: Duration,
    /// The last failure, while it lasts.
    pub failing: Option<String>,
    /// It has read the feed to its end at least once since it started.
    pub reached_end: bool,
}

impl Progress {
    pub fn healthy(&self, lag_alarm: Duration) -> bool {
        self.reached_end && self.failing.is_none() && self.lag <= lag_alarm
    }
}

#[derive(Debug)]
struct Shared {
    wake: Notify,
    requested_round: AtomicU64,
    progress: watch::Sender<Progress>,
}

/// A running consumer's handle: its progress, and a way to wait for it.
#[derive(Debug, Clone)]
pub struct ConsumerHandle {
    name: &'static str,
    lag_alarm: Duration,
    shared: Arc<Shared>,
}

impl ConsumerHandle {
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn lag_alarm(&self) -> Duration {
        self.lag_alarm
    }

    pub fn progress(&self) -> watch::Receiver<Progress> {
        self.shared.progress.subscribe()
    }

    /// Reads the feed to its end now, for a caller that needs a change it
    /// has reason to believe was just made (a lesson created a moment ago).
    /// False if that did not happen within `within`.
    pub async fn catch_up(&self, within: Duration) -> bool {
        let round = self.shared.requested_round.fetch_add(1, Ordering::SeqCst) + 1;
        self.shared.wake.notify_one();
        let mut progress = self.progress();
        tokio::time::timeout(within, progress.wait_for(|p| p.caught_up_round >= round))
            .await
            .is_ok_and(|seen| seen.is_ok())
    }
}

/// A consumer of one feed into one database.
pub struct Consumer<S, A> {
    options: ConsumerOptions,
    db: Db,
    source: S,
    apply: Arc<A>,
    shared: Arc<Shared>,
}

enum Step {
    CaughtUp,
    /// Nothing to hand out yet, though changes have committed: they wait
    /// for an older transaction of the producer's to end.
    HeldBack,
    Applied,
}

/// How soon a consumer asks again for changes that were held back.
const HELD_BACK_RETRY: Duration = Duration::from_millis(20);

impl<S: ChangeSource, A: ApplyChange> Consumer<S, A> {
    pub fn new(options: ConsumerOptions, db: Db, source: S, apply: A) -> Self {
        let (progress, _) = watch::channel(Progress::default());
        Self {
            options,
            db,
            source,
            apply: Arc::new(apply),
            shared: Arc::new(Shared {
                wake: Notify::new(),
                requested_round: AtomicU64::new(0),
                progress,
            }),
        }
    }

    pub fn handle(&self) -> ConsumerHandle {
        ConsumerHandle {
            name: self.options.name,
            lag_alarm: self.options.lag_alarm,
            shared: self.shared.clone(),
        }
    }

    /// What retries this consumer's parked changes.
    pub fn retrier(&self) -> parked::Retrier {
        parked::Retrier::new(self.options.name, self.db.clone(), self.apply.clone())
    }

    /// Consumes until `shutdown` is cancelled.
    pub async fn run(self, shutdown: CancellationToken) {
        let name = self.options.name;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(self.options.max_backoff)
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        tracing::info!(consumer = name, "consuming");
        while !shutdown.is_cancelled() {
            let round = self.shared.requested_round.load(Ordering::SeqCst);
            let pause = match self.step().await {
                Ok(Step::Applied) => {
                    delays = backoff.build();
                    continue;
                }
                Ok(Step::HeldBack) => {
                    delays = backoff.build();
                    HELD_BACK_RETRY
                }
                Ok(Step::CaughtUp) => {
                    delays = backoff.build();
                    self.shared.progress.send_modify(|p| {
                        p.caught_up_round = p.caught_up_round.max(round);
                        p.lag = Duration::ZERO;
                        p.failing = None;
                        p.reached_end = true;
                    });
                    metrics::gauge!("otmetka_feed_lag_seconds", "consumer" => name).set(0.0);
                    self.options.idle_poll
                }
                Err(error) => {
                    tracing::warn!(consumer = name, error = %error, "feed read or apply failed; backing off");
                    metrics::counter!("otmetka_feed_failures_total", "consumer" => name)
                        .increment(1);
                    self.shared
                        .progress
                        .send_modify(|p| p.failing = Some(error.to_string()));
                    delays.next().unwrap_or(self.options.max_backoff)
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.shared.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!(consumer = name, "stopped consuming");
    }

    async fn step(&self) -> Result<Step> {
        let cursor = parked::cursor(&self.db, self.options.name).await?;
        let page = self.source.read(&cursor, self.options.page_size).await?;
        let changes = page.changes;
        let Some(last) = changes.last() else {
            return Ok(if page.caught_up {
                Step::CaughtUp
            } else {
                Step::HeldBack
            });
        };
        let lag = last
            .commit_time
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos as u32))
            .and_then(|committed| (Utc::now() - committed).to_std().ok())
            .unwrap_or_default();
        self.apply_page(&cursor, &changes).await?;
        let name = self.options.name;
        metrics::counter!("otmetka_feed_changes_applied_total", "consumer" => name)
            .increment(changes.len() as u64);
        metrics::gauge!("otmetka_feed_lag_seconds", "consumer" => name).set(lag.as_secs_f64());
        self.shared.progress.send_modify(|p| {
            p.lag = lag;
            p.failing = None;
        });
        Ok(Step::Applied)
    }

    /// The whole page, read after `from`, in one transaction; if a change in
    /// it must be parked, the page again one change at a time, so the others
    /// still apply. A page another replica applied meanwhile is left alone.
    async fn apply_page(&self, from: &str, changes: &[ChangeEnvelope]) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        if parked::lock_cursor(&mut tx, self.options.name).await? != from {
            return Ok(());
        }
        for change in changes {
            match self.apply.apply(&mut tx, change).await {
                Ok(()) => {}
                Err(Refusal::Retry(error)) => return Err(error),
                Err(Refusal::Park(_)) => {
                    drop(tx);
                    return self.apply_one_by_one(from, changes).await;
                }
            }
        }
        let last = changes.last().expect("a page is not empty");
        parked::save_cursor(&mut tx, self.options.name, &last.cursor).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn apply_one_by_one(&self, from: &str, changes: &[ChangeEnvelope]) -> Result<()> {
        let name = self.options.name;
        let mut previous = from;
        for change in changes {
            let mut tx = self.db.begin_write().await?;
            if parked::lock_cursor(&mut tx, name).await? != previous {
                return Ok(());
            }
            match self.apply.apply(&mut tx, change).await {
                Ok(()) => {}
                Err(Refusal::Retry(error)) => return Err(error),
                Err(Refusal::Park(reason)) => {
                    drop(tx);
                    tx = self.db.begin_write().await?;
                    if parked::lock_cursor(&mut tx, name).await? != previous {
                        return Ok(());
                    }
                    tracing::warn!(consumer = name, cursor = %change.cursor, entity_id = %change.entity_id, %reason, "parked a change");
                    metrics::counter!("otmetka_feed_changes_parked_total", "consumer" => name)
                        .increment(1);
                    parked::park(&mut tx, name, change, &reason).await?;
                }
            }
            parked::save_cursor(&mut tx, name, &change.cursor).await?;
            tx.commit().await?;
            previous = &change.cursor;
        }
        Ok(())
    }
}
