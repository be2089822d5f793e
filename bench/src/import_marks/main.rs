//! `import-marks`: what a vendor's push of marks costs, against the floor
//! of the database. On one PostgreSQL, in one run, with a school seeded
//! over the public APIs:
//!
//! - (a) `COPY` of N mark rows into a scratch copy of gradebook's `marks`
//!   table with the same indexes;
//! - (b) N marks pushed through import's `PushRecords` over gRPC, with the
//!   vendor's own ids (auth, mapping, validation, upsert, history, outbox);
//! - (c) the same with gradebook's access checks switched off;
//! - teachers' `CreateMark` latency while nobody pushes, and while the
//!   vendor floods.
//!
//! Import and gradebook each run in a process of their own (this program,
//! started again as a service host), so that their peak memory is theirs;
//! identity and schedule run in this process.

// A terminal program: the report on stdout is its user interface.
#![allow(clippy::print_stdout)]

mod host;
mod measure;
#[path = "../proc_stats.rs"]
mod proc_stats;
mod push;
mod rows;
mod seed;
mod services;
#[path = "../throwaway.rs"]
mod throwaway;
mod usage;

use std::time::Duration;

use clap::Parser;
use otmetka_identity::InitialAdmin;
use otmetka_local::{RunningSuite, Storage, SuiteConfig};
use otmetka_platform::config::{Secret, SecretUrl, ServerLimits};

use crate::measure::measure;
use crate::proc_stats::load_average;
use crate::throwaway::on_throwaway_database;
use crate::usage::describe_machine;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// A vendor's push of marks through import, against a raw COPY, on PostgreSQL.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// PostgreSQL server to use: a throwaway database is created on it and
    /// dropped afterwards. SQLite is refused: the figures are for PostgreSQL.
    #[arg(
        long,
        env = "OTMETKA_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        hide_env_values = true
    )]
    database_url: String,
    /// Mark rows of each of (a), (b) and (c).
    #[arg(long, default_value_t = 50_000)]
    rows: usize,
    /// Students of the school (25 a class).
    #[arg(long, default_value_t = 1000)]
    students: usize,
    /// Subjects, one teacher each (at most 12).
    #[arg(long, default_value_t = 8)]
    subjects: usize,
    /// Operations in one message of the stream (import takes at most 500).
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Streams the vendor pushes on at once, each a share of the rows.
    #[arg(long, default_value_t = 4)]
    streams: usize,
    /// Database connections of each hosted service (production's default).
    #[arg(long, default_value_t = 10)]
    pool: u32,
    /// Measured seconds of teachers' marks, quiet and then under the flood;
    /// 0 leaves the comparison out.
    #[arg(long, default_value_t = 20)]
    flood_seconds: u64,
    /// Teachers posting marks at once in the latency comparison.
    #[arg(long, default_value_t = 8)]
    teachers: usize,
    /// Pause of each teacher between two marks.
    #[arg(long, default_value_t = 100, value_name = "MILLISECONDS")]
    teacher_pause: u64,
    /// Calls in flight at once while seeding.
    #[arg(long, default_value_t = 8)]
    seed_concurrency: usize,
}

pub fn progress(message: &str) {
    println!("  {message}");
}

/// `message` carrying `token`.
pub fn with_token<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("a header value"),
    );
    request
}

fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some(host::SUBCOMMAND) {
        return host::main();
    }
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(start(args))
}

async fn start(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!((1..=500).contains(&args.batch), "--batch: 1–500 operations");
    anyhow::ensure!(args.streams > 0 && args.rows > 0, "--streams and --rows");
    on_throwaway_database(&args.database_url, |url| bench(&args, url)).await
}

async fn bench(args: &Args, url: String) -> anyhow::Result<()> {
    println!("# Import of marks benchmark");
    println!();
    println!("{}", describe_machine());
    println!("load average before: {}", load_average());
    println!();
    let city_password = format!("city-{}", uuid::Uuid::now_v7().simple());
    let files = tempfile::tempdir()?;
    let config = SuiteConfig {
        push_limits: otmetka_import::PushLimits::default(),
        storage: Storage::Postgres(SecretUrl::new(url.clone())),
        gateway_addr: "127.0.0.1:0".parse()?,
        admin: InitialAdmin {
            login: "city".into(),
            password: Secret::new(city_password.clone()),
        },
        limits: ServerLimits::default(),
        upstream_timeout: Duration::from_secs(5),
        oidc_providers: Vec::new(),
        access_token_ttl: Duration::from_secs(15 * 60),
        trusted_proxies: otmetka_gateway::TrustedProxies::default(),
        files_dir: files.path().to_owned(),
        clock: otmetka_platform::clock::Clock::system(),
        mail: None,
    };
    // Identity and schedule (and the rest of the suite, idle) in this process.
    let suite = RunningSuite::start(config).await?;
    let result = measure(args, &suite, &url, &city_password).await;
    suite.stop().await?;
    result
}
