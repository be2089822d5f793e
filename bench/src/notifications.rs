//! How fast messaging tells journal news. The seeded term's own news is
//! waited out first, so that it does not compete with the week-view load;
//! then a backlog of fresh news, copied from the term's marks under keys of
//! their own, is told by the suite's one messaging replica while nothing
//! else runs: notifications stored per second, with the work per
//! notification.

use std::time::{Duration, Instant};

use crate::machine::{self, Usage};

/// News copied for the measurement is keyed under this prefix.
const BACKLOG_PREFIX: &str = "bench/";
/// How long telling may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(600);

/// Waits until messaging has told all the news that is due; how long that
/// took.
pub async fn wait_until_told(db: &mut sqlx::PgConnection) -> anyhow::Result<Duration> {
    let started = Instant::now();
    loop {
        let pending: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM messaging.pending_news WHERE due_at IS NULL OR due_at <= now()",
        )
        .fetch_one(&mut *db)
        .await?;
        if pending == 0 {
            return Ok(started.elapsed());
        }
        anyhow::ensure!(
            started.elapsed() < PATIENCE,
            "{pending} pieces of news still untold after {} s",
            PATIENCE.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A backlog told.
pub struct Told {
    pub news: u64,
    pub notifications: i64,
    pub elapsed: Duration,
    pub usage: Usage,
}

impl Told {
    pub fn per_second(&self) -> f64 {
        self.notifications as f64 / self.elapsed.as_secs_f64()
    }
}

/// Copies `count` of the term's marks as fresh news of new marks and times
/// how long messaging takes to tell them all.
pub async fn tell_backlog(db: &mut sqlx::PgConnection, count: i64) -> anyhow::Result<Told> {
    let first = machine::sample(db).await?;
    let news = sqlx::query(
        "INSERT INTO messaging.pending_news (source_service, source_event_id, school_id,
             student_id, subject_id, kind, detail, day, resource_type, resource_id, created_at)
         SELECT 'gradebook', $2 || id::text, school_id, student_id, subject_id, 'new_mark',
                value, lesson_date, 'mark', id::text, now()
         FROM gradebook.marks ORDER BY id LIMIT $1",
    )
    .bind(count)
    .bind(BACKLOG_PREFIX)
    .execute(&mut *db)
    .await?
    .rows_affected();
    let started = Instant::now();
    wait_until_told(db).await?;
    let elapsed = started.elapsed();
    let last = machine::sample(db).await?;
    let notifications: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM messaging.notifications WHERE source_event_id LIKE $1 || '%'",
    )
    .bind(BACKLOG_PREFIX)
    .fetch_one(&mut *db)
    .await?;
    Ok(Told {
        news,
        notifications,
        elapsed,
        usage: Usage::between(first, last),
    })
}
