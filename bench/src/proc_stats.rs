//! What `/proc` and PostgreSQL's statistics say about the machine and the
//! processes of a run: the CPU, the load average, CPU ticks of a process
//! and of PostgreSQL, and the database's transactions. Shared by both
//! benchmarks.

/// Linux reports process CPU time in ticks of this length (USER_HZ).
pub(crate) const TICKS_PER_SECOND: f64 = 100.0;

/// The CPU's model name, and how many cores there are.
pub(crate) fn cpu() -> (String, usize) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    (model, cores)
}

/// Peak resident memory so far (VmHWM) of process `pid` (a number, or
/// `self`), in MiB; 0 when it cannot be read.
pub(crate) fn peak_rss_mib(pid: &str) -> f64 {
    let kib: u64 = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib as f64 / 1024.0
}

/// The load averages over 1, 5 and 15 minutes.
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

/// User + system CPU ticks from a `/proc/…/stat` file, and the command name.
fn stat_of(path: &str) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((name, user + system))
}

/// User + system CPU ticks of the process of a `/proc/…/stat` file; 0 if
/// it cannot be read.
pub(crate) fn cpu_ticks_of(path: &str) -> u64 {
    stat_of(path).map_or(0, |(_, ticks)| ticks)
}

/// User + system CPU ticks of every PostgreSQL process on the machine.
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

/// Transactions committed or rolled back in the current database so far,
/// as of now (not of the statistics snapshot of an earlier query).
pub(crate) async fn transactions(db: &mut sqlx::PgConnection) -> anyhow::Result<i64> {
    sqlx::query("SELECT pg_stat_clear_snapshot()")
        .execute(&mut *db)
        .await?;
    let transactions = sqlx::query_scalar(
        "SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database
         WHERE datname = current_database()",
    )
    .fetch_one(&mut *db)
    .await?;
    Ok(transactions)
}
