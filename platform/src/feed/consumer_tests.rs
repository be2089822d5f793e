//! The consumer against a feed held in memory and a SQLite database.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::sqlite::SqlitePoolOptions;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::db::{Db, Tx};
use crate::error::{Error, Result};
use crate::{with_db, with_tx};

/// A feed of changes numbered from 1; the cursor is the number.
#[derive(Default)]
struct MemoryFeed {
    changes: Mutex<Vec<ChangeEnvelope>>,
    down: AtomicBool,
    /// Committed changes wait for an older transaction to end.
    holding: AtomicBool,
    reads: AtomicUsize,
}

impl MemoryFeed {
    fn push(&self, entity_id: &str) {
        let mut changes = self.changes.lock().unwrap();
        let cursor = (changes.len() + 1).to_string();
        changes.push(ChangeEnvelope {
            cursor,
            entity_id: entity_id.into(),
            commit_time: Some(crate::time::to_timestamp(chrono::Utc::now())),
            ..Default::default()
        });
    }
}

impl ChangeSource for std::sync::Arc<MemoryFeed> {
    async fn read(&self, cursor: &str, limit: u32) -> Result<FeedPage> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(Error::Unavailable("the producer is down".into()));
        }
        if self.holding.load(Ordering::SeqCst) {
            return Ok(FeedPage::default());
        }
        let after: usize = if cursor.is_empty() {
            0
        } else {
            cursor.parse().unwrap()
        };
        let changes = self.changes.lock().unwrap();
        let page: Vec<_> = changes
            .iter()
            .skip(after)
            .take(limit as usize)
            .cloned()
            .collect();
        Ok(FeedPage {
            caught_up: after + page.len() == changes.len(),
            changes: page,
        })
    }
}

/// Records each change's entity in `effects`; an entity named `bad…`
/// cannot apply until it is listed in `fixed`; `fail_once` makes the
/// change with that entity fail as a passing error the first time.
#[derive(Default)]
struct Recorder {
    fail_once: Mutex<Option<String>>,
}

impl ApplyChange for Recorder {
    async fn apply(
        &self,
        tx: &mut Tx,
        change: &ChangeEnvelope,
    ) -> std::result::Result<(), Refusal> {
        with_tx!(tx, conn => { sqlx::query("INSERT INTO effects (entity_id) VALUES ($1)")
            .bind(&change.entity_id).execute(&mut *conn).await?; });
        if self
            .fail_once
            .lock()
            .unwrap()
            .take_if(|e| *e == change.entity_id)
            .is_some()
        {
            return Err(Refusal::Retry(Error::Unavailable(
                "the disk hiccupped".into(),
            )));
        }
        if change.entity_id.starts_with("bad") {
            let fixed: Option<String> = with_tx!(tx, conn => sqlx::query_scalar(
                "SELECT entity_id FROM fixed WHERE entity_id = $1")
                .bind(&change.entity_id).fetch_optional(&mut *conn).await?);
            if fixed.is_none() {
                return Err(Refusal::Park(format!("{} is unknown", change.entity_id)));
            }
        }
        Ok(())
    }
}

async fn database(folder: &tempfile::TempDir) -> Db {
    let url = format!("sqlite://{}/feed.db?mode=rwc", folder.path().display());
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .unwrap();
    for statement in [
        "CREATE TABLE IF NOT EXISTS feed_cursors (consumer TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS feed_parked (id BLOB PRIMARY KEY, consumer TEXT NOT NULL, cursor TEXT NOT NULL,
             envelope BLOB NOT NULL, reason TEXT NOT NULL, attempts INTEGER NOT NULL, parked_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS effects (entity_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS fixed (entity_id TEXT NOT NULL)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    Db::Sqlite(pool)
}

async fn effects(db: &Db) -> Vec<String> {
    with_db!(db, pool => sqlx::query_scalar("SELECT entity_id FROM effects ORDER BY entity_id")
        .fetch_all(pool).await.unwrap())
}

fn options() -> ConsumerOptions {
    ConsumerOptions {
        page_size: 3,
        idle_poll: Duration::from_secs(3600),
        max_backoff: Duration::from_millis(50),
        ..ConsumerOptions::new("test.recorder")
    }
}

/// Runs a consumer until it has read the feed to its end once.
async fn consume_once(db: &Db, feed: &std::sync::Arc<MemoryFeed>, recorder: Recorder) {
    let consumer = Consumer::new(options(), db.clone(), feed.clone(), recorder);
    let handle = consumer.handle();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(consumer.run(shutdown.clone()));
    assert!(handle.catch_up(Duration::from_secs(30)).await, "caught up");
    shutdown.cancel();
    running.await.unwrap();
}

#[tokio::test]
async fn each_change_applies_once_and_a_restart_resumes_after_the_cursor() {
    let folder = tempfile::tempdir().unwrap();
    let db = database(&folder).await;
    let feed = std::sync::Arc::new(MemoryFeed::default());
    for entity in ["a", "b", "c", "d", "e"] {
        feed.push(entity);
    }
    consume_once(&db, &feed, Recorder::default()).await;
    assert_eq!(effects(&db).await, ["a", "b", "c", "d", "e"]);
    assert_eq!(parked::cursor(&db, "test.recorder").await.unwrap(), "5");

    feed.push("f");
    consume_once(&db, &feed, Recorder::default()).await;
    assert_eq!(effects(&db).await, ["a", "b", "c", "d", "e", "f"]);
}

#[tokio::test]
async fn a_failure_mid_page_leaves_neither_effects_nor_cursor_behind() {
    let folder = tempfile::tempdir().unwrap();
    let db = database(&folder).await;
    let feed = std::sync::Arc::new(MemoryFeed::default());
    for entity in ["a", "b", "c"] {
        feed.push(entity);
    }
    let recorder = Recorder {
        fail_once: Mutex::new(Some("b".into())),
    };
    consume_once(&db, &feed, recorder).await;
    // "a" was written before "b" failed, in the same transaction: once.
    assert_eq!(effects(&db).await, ["a", "b", "c"]);
}

#[tokio::test]
async fn a_change_that_cannot_apply_is_parked_and_an_operator_retries_it() {
    let folder = tempfile::tempdir().unwrap();
    let db = database(&folder).await;
    let feed = std::sync::Arc::new(MemoryFeed::default());
    for entity in ["a", "bad-1", "c"] {
        feed.push(entity);
    }
    let consumer = Consumer::new(options(), db.clone(), feed.clone(), Recorder::default());
    let retrier = consumer.retrier();
    let handle = consumer.handle();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(consumer.run(shutdown.clone()));
    assert!(handle.catch_up(Duration::from_secs(30)).await);
    assert_eq!(effects(&db).await, ["a", "c"]);
    let rows = parked_rows(&db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].reason, "bad-1 is unknown");

    // Still unknown: it stays parked, tried twice.
    let row = parked_rows(&db).await.remove(0);
    let still = retrier.retry(row).await.unwrap().expect("still parked");
    assert_eq!(still.attempts, 2);

    with_db!(&db, pool => sqlx::query("INSERT INTO fixed (entity_id) VALUES ('bad-1')")
        .execute(pool).await.map(drop).unwrap());
    let row = parked_rows(&db).await.remove(0);
    assert!(retrier.retry(row).await.unwrap().is_none());
    assert!(parked_rows(&db).await.is_empty());
    assert_eq!(effects(&db).await, ["a", "bad-1", "c"]);
    shutdown.cancel();
    running.await.unwrap();
}

async fn parked_rows(db: &Db) -> Vec<parked::ParkedRow> {
    let page = crate::paging::Page::parse(0, "").unwrap();
    parked::list(db, &page).await.unwrap()
}

#[tokio::test]
async fn while_the_producer_is_down_it_backs_off_and_reports_then_recovers() {
    let folder = tempfile::tempdir().unwrap();
    let db = database(&folder).await;
    let feed = std::sync::Arc::new(MemoryFeed::default());
    feed.push("a");
    feed.down.store(true, Ordering::SeqCst);
    let consumer = Consumer::new(options(), db.clone(), feed.clone(), Recorder::default());
    let handle = consumer.handle();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(consumer.run(shutdown.clone()));
    let mut progress = handle.progress();
    let failing = progress
        .wait_for(|p| p.failing.is_some())
        .await
        .unwrap()
        .clone();
    assert!(!failing.healthy(handle.lag_alarm()));
    assert!(!handle.catch_up(Duration::from_millis(300)).await);
    assert!(effects(&db).await.is_empty());

    feed.down.store(false, Ordering::SeqCst);
    assert!(handle.catch_up(Duration::from_secs(30)).await);
    assert!(handle.progress().borrow().healthy(handle.lag_alarm()));
    assert_eq!(effects(&db).await, ["a"]);
    shutdown.cancel();
    running.await.unwrap();
}

#[tokio::test]
async fn two_replicas_of_a_consumer_apply_each_change_once() {
    let folder = tempfile::tempdir().unwrap();
    let db = database(&folder).await;
    let feed = std::sync::Arc::new(MemoryFeed::default());
    let entities: Vec<String> = (0..40).map(|n| format!("e{n:02}")).collect();
    for entity in &entities {
        feed.push(entity);
    }
    let shutdown = CancellationToken::new();
    let mut handles = Vec::new();
    let mut running = Vec::new();
    for _ in 0..2 {
        let consumer = Consumer::new(options(), db.clone(), feed.clone(), Recorder::default());
        handles.push(consumer.handle());
        running.push(tokio::spawn(consumer.run(shutdown.clone())));
    }
    for handle in &handles {
        assert!(handle.catch_up(Duration::from_secs(30)).await);
    }
    shutdown.cancel();
    for replica in running {
        replica.await.unwrap();
    }
    assert_eq!(effects(&db).await, entities);
}

#[tokio::test]
async fn changes_held_back_by_an_older_transaction_are_waited_for() {
    let folder = tempfile::tempdir().unwrap();
    let db = database(&folder).await;
    let feed = std::sync::Arc::new(MemoryFeed::default());
    feed.push("a");
    feed.holding.store(true, Ordering::SeqCst);
    let consumer = Consumer::new(options(), db.clone(), feed.clone(), Recorder::default());
    let handle = consumer.handle();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(consumer.run(shutdown.clone()));
    assert!(!handle.catch_up(Duration::from_millis(300)).await);
    assert!(effects(&db).await.is_empty());

    feed.holding.store(false, Ordering::SeqCst);
    assert!(handle.catch_up(Duration::from_secs(30)).await);
    assert_eq!(effects(&db).await, ["a"]);
    shutdown.cancel();
    running.await.unwrap();
}
