//! What the machine is and how busy it was: CPU time of this process (the
//! whole suite and the load generator) and of PostgreSQL, and the
//! database's transactions, over a measured run.

use std::time::Instant;

use sqlx::Connection;

use crate::load::Timing;
use crate::proc_stats::{TICKS_PER_SECOND, cpu, cpu_ticks_of, postgres_ticks, transactions};

pub fn describe() -> String {
    let (model, cores) = cpu();
    let memory_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    format!(
        "machine: {cores} cores ({model}), {:.0} GiB memory; suite, PostgreSQL and load generator on it",
        memory_kib as f64 / 1024.0 / 1024.0
    )
}

/// Sizes of the seeded data, as PostgreSQL counts them.
pub async fn data_sizes(db: &mut sqlx::PgConnection) -> anyhow::Result<String> {
    // What autovacuum would soon do on its own: plans from real statistics.
    sqlx::query("ANALYZE").execute(&mut *db).await?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut *db)
        .await?;
    let size: String =
        sqlx::query_scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
            .fetch_one(&mut *db)
            .await?;
    let tables: Vec<(String, String, f32)> = sqlx::query_as(
        "SELECT n.nspname::text, c.relname::text, c.reltuples FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         ORDER BY c.reltuples DESC LIMIT 8",
    )
    .fetch_all(&mut *db)
    .await?;
    let tables: Vec<String> = tables
        .into_iter()
        .map(|(schema, table, rows)| format!("{schema}.{table} ≈{rows:.0}"))
        .collect();
    Ok(format!(
        "PostgreSQL {version}, database {size}; largest tables: {}",
        tables.join(", ")
    ))
}

/// What the machine had done by a moment: read twice, the work between.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    process_ticks: u64,
    postgres_ticks: u64,
    transactions: i64,
}

/// CPU and database work over a measured run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// CPU time of this process: every service, the gateway and the load.
    pub process_ms: f64,
    /// CPU time of all PostgreSQL processes.
    pub postgres_ms: f64,
    /// Transactions committed or rolled back in the bench database (each
    /// statement outside an explicit transaction is one).
    pub transactions: i64,
}

impl Usage {
    /// The work done between two samples.
    pub fn between(first: Sample, last: Sample) -> Self {
        let ms = |ticks: u64| ticks as f64 / TICKS_PER_SECOND * 1000.0;
        Usage {
            process_ms: ms(last.process_ticks - first.process_ticks),
            postgres_ms: ms(last.postgres_ticks - first.postgres_ticks),
            transactions: last.transactions - first.transactions,
        }
    }
}

pub async fn sample(db: &mut sqlx::PgConnection) -> anyhow::Result<Sample> {
    Ok(Sample {
        process_ticks: cpu_ticks_of("/proc/self/stat"),
        postgres_ticks: postgres_ticks(),
        transactions: transactions(db).await?,
    })
}

/// Samples at the start and the end of a run's measured period.
pub struct Sampler {
    task: tokio::task::JoinHandle<anyhow::Result<Usage>>,
}

impl Sampler {
    pub async fn start(url: &str, timing: Timing) -> anyhow::Result<Self> {
        let mut db = sqlx::PgConnection::connect(url).await?;
        let begin = Instant::now() + timing.warmup;
        let end = begin + timing.duration;
        let task = tokio::spawn(async move {
            tokio::time::sleep_until(begin.into()).await;
            let first = sample(&mut db).await?;
            tokio::time::sleep_until(end.into()).await;
            let last = sample(&mut db).await?;
            db.close().await?;
            Ok(Usage::between(first, last))
        });
        Ok(Self { task })
    }

    pub async fn finish(self) -> anyhow::Result<Usage> {
        self.task.await?
    }
}
