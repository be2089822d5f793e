//! What the processes under test used: CPU ticks from `/proc`, and the
//! machine the run was on.

use crate::host::Hosted;

// The machine, and CPU time from /proc.

/// Linux reports process CPU time in ticks of this length (USER_HZ).
pub(crate) const TICKS_PER_SECOND: f64 = 100.0;

/// User + system CPU ticks from a `/proc/…/stat` file, and the command name.
pub(crate) fn stat_of(path: &str) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((name, user + system))
}

pub(crate) fn cpu_ticks_of(path: &str) -> u64 {
    stat_of(path).map_or(0, |(_, ticks)| ticks)
}

pub(crate) fn postgres_ticks() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|entry| stat_of(&entry.path().join("stat").to_string_lossy()))
        .filter(|(name, _)| name == "postgres" || name.starts_with("postgres:"))
        .map(|(_, ticks)| ticks)
        .sum()
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) import: Option<u64>,
    pub(crate) gradebook: Option<u64>,
    pub(crate) this: u64,
    pub(crate) postgres: u64,
    pub(crate) transactions: i64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) import_ms: Option<f64>,
    pub(crate) gradebook_ms: Option<f64>,
    pub(crate) this_ms: f64,
    pub(crate) postgres_ms: f64,
    pub(crate) transactions: i64,
}

impl Sample {
    pub(crate) async fn take(
        db: &mut sqlx::PgConnection,
        pair: Option<(&Hosted, &Hosted)>,
    ) -> anyhow::Result<Self> {
        sqlx::query("SELECT pg_stat_clear_snapshot()")
            .execute(&mut *db)
            .await?;
        let transactions: i64 = sqlx::query_scalar(
            "SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database
             WHERE datname = current_database()",
        )
        .fetch_one(&mut *db)
        .await?;
        Ok(Self {
            import: pair.map(|(import, _)| import.cpu_ticks()),
            gradebook: pair.map(|(_, gradebook)| gradebook.cpu_ticks()),
            this: cpu_ticks_of("/proc/self/stat"),
            postgres: postgres_ticks(),
            transactions,
        })
    }

    pub(crate) fn since(&self, before: &Sample) -> Usage {
        let ms = |ticks: u64| ticks as f64 / TICKS_PER_SECOND * 1000.0;
        let diff = |after: Option<u64>, before: Option<u64>| {
            after.zip(before).map(|(a, b)| ms(a.saturating_sub(b)))
        };
        Usage {
            import_ms: diff(self.import, before.import),
            gradebook_ms: diff(self.gradebook, before.gradebook),
            this_ms: ms(self.this.saturating_sub(before.this)),
            postgres_ms: ms(self.postgres.saturating_sub(before.postgres)),
            transactions: self.transactions - before.transactions,
        }
    }
}

pub(crate) fn describe_machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("machine: {cores} cores ({model}); services, PostgreSQL and the load on it")
}

pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}
