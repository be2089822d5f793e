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
mod seed;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Days, NaiveDate, Utc};
use clap::Parser;
use hdrhistogram::Histogram;
use otmetka_identity::InitialAdmin;
use otmetka_local::{RunningSuite, Storage, SuiteConfig};
use otmetka_platform::config::{Secret, SecretUrl, ServerLimits};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use rand::Rng;
use sqlx::Connection;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

use crate::host::Hosted;
use crate::seed::School;

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
    anyhow::ensure!(
        args.database_url.starts_with("postgres://")
            || args.database_url.starts_with("postgresql://"),
        "--database-url must name a PostgreSQL server: the figures are for PostgreSQL"
    );
    anyhow::ensure!((1..=500).contains(&args.batch), "--batch: 1–500 operations");
    anyhow::ensure!(args.streams > 0 && args.rows > 0, "--streams and --rows");
    let database = format!("otmetka_bench_{}", uuid::Uuid::now_v7().simple());
    let mut server = sqlx::PgConnection::connect(&args.database_url)
        .await
        .context("connecting to the PostgreSQL server")?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&mut server)
        .await?;
    let outcome = bench(&args, &database).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
    )))
    .execute(&mut server)
    .await?;
    server.close().await?;
    outcome
}

async fn bench(args: &Args, database: &str) -> anyhow::Result<()> {
    let url = with_database(&args.database_url, database);
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
    };
    // Identity and schedule (and the rest of the suite, idle) in this process.
    let suite = RunningSuite::start(config).await?;
    let result = measure(args, &suite, &url, &city_password).await;
    suite.stop().await?;
    result
}

/// Starts gradebook (`gradebook` or `gradebook-unchecked`) and an import
/// in front of it, each in a process of its own; the import takes any
/// rate, so that the push is measured and not import's rate limit.
async fn start_pair(
    suite: &RunningSuite,
    url: &str,
    pool: u32,
    gradebook_service: &str,
) -> anyhow::Result<(Hosted, Hosted)> {
    let gradebook = Hosted::start(
        "gradebook",
        gradebook_service,
        &common_env(suite, url, pool)?,
    )
    .await?;
    let import = start_import(suite, url, pool, &gradebook, Some(UNLIMITED_RATE)).await?;
    Ok((gradebook, import))
}

/// Records per second an import of (b) and (c) lets one vendor push.
const UNLIMITED_RATE: &str = "100000000";

/// An import in front of `gradebook`; `rate` records per second for one
/// vendor, production's default when `None`.
async fn start_import(
    suite: &RunningSuite,
    url: &str,
    pool: u32,
    gradebook: &Hosted,
    rate: Option<&str>,
) -> anyhow::Result<Hosted> {
    let mut env = common_env(suite, url, pool)?;
    env.push(("GRADEBOOK_URL", gradebook.url.clone()));
    if let Some(rate) = rate {
        env.push(("RECORDS_PER_SECOND", rate.to_owned()));
    }
    Hosted::start("import", "import", &env).await
}

fn common_env(
    suite: &RunningSuite,
    url: &str,
    pool: u32,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(vec![
        ("DATABASE_URL", url.to_owned()),
        ("POOL", pool.to_string()),
        (
            "IDENTITY_URL",
            suite.url_of("identity").context("identity")?.to_owned(),
        ),
        (
            "SCHEDULE_URL",
            suite.url_of("schedule").context("schedule")?.to_owned(),
        ),
        ("CLIENT_ID", suite.gradebook_credentials.id.to_string()),
        (
            "CLIENT_SECRET",
            suite.gradebook_credentials.secret.expose().to_owned(),
        ),
    ])
}

async fn measure(
    args: &Args,
    suite: &RunningSuite,
    url: &str,
    city_password: &str,
) -> anyhow::Result<()> {
    let (gradebook_b, import_b) = start_pair(suite, url, args.pool, "gradebook").await?;
    println!("## Seeding (over the public gRPC APIs)");
    let started = Instant::now();
    let endpoints = seed::Endpoints {
        identity: suite.url_of("identity").context("identity")?,
        schedule: suite.url_of("schedule").context("schedule")?,
        gradebook: &gradebook_b.url,
        import: &import_b.url,
    };
    let shape = seed::Shape {
        students: args.students,
        subjects: args.subjects,
        concurrency: args.seed_concurrency,
    };
    let school = seed::build(&endpoints, "city", city_password, &shape).await?;
    println!("seeded in {:.0} s", started.elapsed().as_secs_f64());
    let mut db = sqlx::PgConnection::connect(url).await?;
    sqlx::query("ANALYZE").execute(&mut db).await?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut db)
        .await?;
    println!("PostgreSQL {version}");
    println!();
    let identity = IdentityServiceClient::new(otmetka_platform::grpc::client::lazy_channel(
        endpoints.identity,
    )?);
    let rows = Rows::new(&school, args.students, Utc::now().date_naive());

    println!(
        "## Runs: {} rows each; pushes in messages of {} on {} streams",
        args.rows, args.batch, args.streams
    );
    // (a) The floor: COPY into a scratch copy of the marks table.
    let sample = Sample::take(&mut db, None).await?;
    let copy_time = copy_rows(&mut db, &rows, args.rows).await?;
    let usage_a = Sample::take(&mut db, None).await?.since(&sample);
    let copy_rate = args.rows as f64 / copy_time.as_secs_f64();
    progress(&format!(
        "(a) COPY: {} rows in {:.2} s, {copy_rate:.0} rows/s",
        args.rows,
        copy_time.as_secs_f64()
    ));

    // (b) The full path.
    let token = seed::client_token(&identity, &school).await?;
    let pair = (&import_b, &gradebook_b);
    let sample = Sample::take(&mut db, Some(pair)).await?;
    let full = push(
        &import_b.url,
        &token,
        &rows.prefixed("b"),
        0..args.rows,
        args.batch,
        args.streams,
        None,
    )
    .await?;
    let usage_b = Sample::take(&mut db, Some(pair)).await?.since(&sample);
    progress(&format!(
        "(b) full path: {} rows in {:.2} s, {:.0} rows/s, receipts {:?}{}",
        full.rows,
        full.elapsed.as_secs_f64(),
        full.per_second(),
        full.statuses,
        full.failures()
    ));
    let rss_b = (import_b.peak_rss_mib(), gradebook_b.peak_rss_mib());

    // (c) The same, gradebook's access checks off.
    let (gradebook_c, import_c) = start_pair(suite, url, args.pool, "gradebook-unchecked").await?;
    let token = seed::client_token(&identity, &school).await?;
    let pair_c = (&import_c, &gradebook_c);
    let sample = Sample::take(&mut db, Some(pair_c)).await?;
    let unchecked = push(
        &import_c.url,
        &token,
        &rows.prefixed("c"),
        0..args.rows,
        args.batch,
        args.streams,
        None,
    )
    .await?;
    let usage_c = Sample::take(&mut db, Some(pair_c)).await?.since(&sample);
    progress(&format!(
        "(c) checks off: {} rows in {:.2} s, {:.0} rows/s, receipts {:?}{}",
        unchecked.rows,
        unchecked.elapsed.as_secs_f64(),
        unchecked.per_second(),
        unchecked.statuses,
        unchecked.failures()
    ));
    let rss_c = (import_c.peak_rss_mib(), gradebook_c.peak_rss_mib());
    import_c.stop()?;
    gradebook_c.stop()?;

    // Teachers' marks, quiet and under a vendor's flood.
    let (flood, rss_flood) = if args.flood_seconds > 0 {
        // The vendor floods through an import with production's rate limit.
        let import_f = start_import(suite, url, args.pool, &gradebook_b, None).await?;
        let flood =
            flood_comparison(args, &school, &identity, &rows, &import_f, &gradebook_b).await?;
        let rss = import_f.peak_rss_mib();
        import_f.stop()?;
        (Some(flood), Some(rss))
    } else {
        (None, None)
    };
    let rss_end = (import_b.peak_rss_mib(), gradebook_b.peak_rss_mib());

    println!();
    println!("## Results");
    println!();
    println!(
        "| run | rows | s | rows/s | CPU ms/row: import / gradebook / identity+schedule+client / PostgreSQL | DB xacts/row |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let line = |name: &str, rows: usize, time: Duration, usage: &Usage| {
        let per = |ms: f64| ms / rows.max(1) as f64;
        println!(
            "| {name} | {rows} | {:.2} | {:.0} | {} / {} / {:.3} / {:.3} | {:.2} |",
            time.as_secs_f64(),
            rows as f64 / time.as_secs_f64(),
            usage
                .import_ms
                .map_or("–".into(), |ms| format!("{:.3}", per(ms))),
            usage
                .gradebook_ms
                .map_or("–".into(), |ms| format!("{:.3}", per(ms))),
            per(usage.this_ms),
            per(usage.postgres_ms),
            usage.transactions as f64 / rows.max(1) as f64,
        );
    };
    line("(a) COPY into marks' copy", args.rows, copy_time, &usage_a);
    line(
        "(b) PushRecords, full path",
        full.rows,
        full.elapsed,
        &usage_b,
    );
    line(
        "(c) PushRecords, access checks off",
        unchecked.rows,
        unchecked.elapsed,
        &usage_c,
    );
    println!();
    let b_of_a = full.per_second() / copy_rate;
    let b_of_c = full.per_second() / unchecked.per_second();
    let clean = full.all_accepted() && unchecked.all_accepted();
    if !clean {
        println!("!!! some records were not applied: these figures are not valid");
    }
    if full.failures + unchecked.failures > 0 {
        println!(
            "!!! streams failed and were resent ((b) {}, (c) {}): the rows/s include the pauses",
            full.failures, unchecked.failures
        );
    }
    println!(
        "(b)/(a) = {:.1} % (target ≥ 50 %): {}",
        b_of_a * 100.0,
        if b_of_a >= 0.5 && clean {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "(b)/(c) = {:.1} % (target ≥ 80 %): {}",
        b_of_c * 100.0,
        if b_of_c >= 0.8 && clean {
            "met"
        } else {
            "NOT met"
        }
    );
    println!();
    println!("peak RSS (VmHWM), MiB:");
    println!(
        "- after (b): import {:.1}, gradebook {:.1}",
        rss_b.0, rss_b.1
    );
    println!(
        "- (c)'s processes: import {:.1}, gradebook {:.1}",
        rss_c.0, rss_c.1
    );
    if let Some(rss_flood) = rss_flood {
        println!(
            "- after the flood: gradebook {:.1}; the flood's import {rss_flood:.1}",
            rss_end.1
        );
    }
    if let Some(flood) = flood {
        println!();
        println!(
            "teachers' CreateMark ({} teachers, a mark each every {} ms), {} s each; \
             the vendor floods through an import at production's rate limit:",
            args.teachers, args.teacher_pause, args.flood_seconds
        );
        println!();
        println!("| while | marks | errors | p50 ms | p90 ms | p99 ms | max ms | vendor rows/s |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (name, latency, vendor) in [
            ("nobody pushes", &flood.quiet, None),
            ("the vendor floods", &flood.flooded, Some(&flood.vendor)),
        ] {
            println!(
                "| {name} | {} | {} | {:.2} | {:.2} | {:.2} | {:.1} | {} |",
                latency.histogram.len(),
                latency.errors,
                latency.ms(0.50),
                latency.ms(0.90),
                latency.ms(0.99),
                latency.histogram.max() as f64 / 1000.0,
                vendor.map_or("–".into(), |v| format!("{:.0}", v.per_second())),
            );
        }
        if let Some(error) = flood
            .quiet
            .first_error
            .as_ref()
            .or(flood.flooded.first_error.as_ref())
        {
            println!("!!! a teacher's mark failed: {error}");
        }
    }
    println!();
    println!("load average after: {}", load_average());
    import_b.stop()?;
    gradebook_b.stop()?;
    db.close().await?;
    Ok(())
}

/// The rows of a run: row `n` is student `n mod S`'s mark in subject
/// `(n / S) mod subjects`, on a day counted back from today, so that a run
/// spreads over students, subjects and days as a term's marks do.
#[derive(Clone)]
struct Rows {
    school_id: String,
    students: Arc<Vec<String>>,
    classes: Arc<Vec<String>>,
    subjects: Arc<Vec<String>>,
    vendor_id: uuid::Uuid,
    today: NaiveDate,
    prefix: &'static str,
}

const VALUES: [&str; 10] = ["5", "5", "5", "4", "4", "4", "4", "3", "3", "2"];

impl Rows {
    fn new(school: &School, students: usize, today: NaiveDate) -> Self {
        Self {
            school_id: school.school_id.clone(),
            students: Arc::new(school.students[..students].to_vec()),
            classes: Arc::new(school.classes.clone()),
            subjects: Arc::new(school.subjects.clone()),
            vendor_id: school.vendor_id,
            today,
            prefix: "",
        }
    }

    fn prefixed(&self, prefix: &'static str) -> Self {
        Self {
            prefix,
            ..self.clone()
        }
    }

    fn student(&self, n: usize) -> usize {
        n % self.students.len()
    }

    fn subject(&self, n: usize) -> usize {
        (n / self.students.len()) % self.subjects.len()
    }

    fn date(&self, n: usize) -> NaiveDate {
        let per_day = self.students.len() * self.subjects.len();
        // Weekdays only, within the quarter.
        let mut back = (n / per_day) as u64 % (seed::TERM_DAYS_BACK * 5 / 7 - 2);
        let mut day = self.today;
        loop {
            use chrono::Datelike;
            if day.weekday().number_from_monday() <= 5 {
                if back == 0 {
                    return day;
                }
                back -= 1;
            }
            day = day - Days::new(1);
        }
    }

    fn operation(&self, n: usize) -> import::RecordOperation {
        let reference = |external_id: String| {
            Some(import::EntityRef {
                reference: Some(import::entity_ref::Reference::ExternalId(external_id)),
            })
        };
        import::RecordOperation {
            school_id: self.school_id.clone(),
            record_type: import::RecordType::Mark.into(),
            vendor_record_id: format!("{}-{n}", self.prefix),
            revision: 1,
            action: import::RecordAction::Upsert.into(),
            payload: Some(import::record_operation::Payload::Mark(
                import::MarkRecord {
                    student: reference(format!("s{}", self.student(n))),
                    subject: reference(format!("subj-{}", self.subject(n))),
                    date: self.date(n).to_string(),
                    value: VALUES[n % VALUES.len()].into(),
                    ..Default::default()
                },
            )),
            ..Default::default()
        }
    }

    /// Row `n` as gradebook stores it, in COPY's text format.
    fn copy_line(&self, n: usize, now: &str, out: &mut String) {
        use std::fmt::Write;
        let student = self.student(n);
        let class = &self.classes[student / seed::STUDENTS_PER_CLASS];
        let _ = writeln!(
            out,
            "{id}\t{school}\t{student}\t{subject}\t{class}\t{date}\t\\N\tfive_point\t{value}\tgraded\t1\t\\N\t\t{vendor}\t\\N\t1\t{now}\t{now}\t\\N\t\\N\t{vendor}\t{vendor}",
            id = uuid::Uuid::now_v7(),
            school = self.school_id,
            student = self.students[student],
            subject = self.subjects[self.subject(n)],
            date = self.date(n),
            value = VALUES[n % VALUES.len()],
            vendor = self.vendor_id,
        );
    }
}

/// (a): COPY of `count` rows into `bench_copy.marks`, a table like
/// gradebook's marks with its indexes and constraints; how long the COPY
/// took (the rows are made beforehand).
async fn copy_rows(
    db: &mut sqlx::PgConnection,
    rows: &Rows,
    count: usize,
) -> anyhow::Result<Duration> {
    sqlx::query("CREATE SCHEMA bench_copy")
        .execute(&mut *db)
        .await?;
    sqlx::query("CREATE TABLE bench_copy.marks (LIKE gradebook.marks INCLUDING ALL)")
        .execute(&mut *db)
        .await?;
    let now = Utc::now().to_rfc3339();
    let mut chunks = Vec::new();
    let mut chunk = String::new();
    for n in 0..count {
        rows.copy_line(n, &now, &mut chunk);
        if chunk.len() > 1 << 20 {
            chunks.push(std::mem::take(&mut chunk));
        }
    }
    chunks.push(chunk);
    let started = Instant::now();
    let mut copy = db
        .copy_in_raw(
            "COPY bench_copy.marks (id, school_id, student_id, subject_id, class_id, lesson_date, \
             lesson_id, scale, value, status, weight, work_type_id, comment, author_id, request_id, \
             revision, created_at, updated_at, deleted_at, seen_at, source_vendor_id, revised_by) \
             FROM STDIN",
        )
        .await?;
    for chunk in chunks {
        copy.send(chunk.into_bytes()).await?;
    }
    let copied = copy.finish().await?;
    let took = started.elapsed();
    anyhow::ensure!(copied == count as u64, "copied {copied} of {count} rows");
    Ok(took)
}

/// What a push came to.
#[derive(Debug, Default)]
struct Pushed {
    rows: usize,
    /// Receipts by status (and error code).
    statuses: BTreeMap<String, usize>,
    elapsed: Duration,
    /// Streams that failed and were resent from their last receipt.
    failures: usize,
    first_failure: Option<String>,
}

impl Pushed {
    fn per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64()
    }

    /// Every record applied: accepted, or (resent after a stream failed)
    /// found applied already.
    fn all_accepted(&self) -> bool {
        self.statuses
            .keys()
            .all(|status| status == "Accepted" || status == "Unchanged")
    }

    fn count(&mut self, receipt: &import::Receipt) {
        self.rows += 1;
        let status = import::ReceiptStatus::try_from(receipt.status)
            .map_or_else(|_| "?".to_owned(), |s| format!("{s:?}"));
        let key = match receipt.errors.first() {
            Some(error) => format!("{status} {}", error.code),
            None => status,
        };
        *self.statuses.entry(key).or_default() += 1;
    }

    fn failures(&self) -> String {
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
async fn push(
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
struct Latency {
    histogram: Histogram<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Latency {
    fn ms(&self, quantile: f64) -> f64 {
        self.histogram.value_at_quantile(quantile) as f64 / 1000.0
    }
}

struct Flood {
    quiet: Latency,
    flooded: Latency,
    vendor: Pushed,
}

/// Teachers posting marks for `seconds`, each one every `pause`.
async fn teachers_post(
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

async fn flood_comparison(
    args: &Args,
    school: &School,
    identity: &IdentityServiceClient<Channel>,
    rows: &Rows,
    import: &Hosted,
    gradebook: &Hosted,
) -> anyhow::Result<Flood> {
    let mut tokens = Vec::new();
    for login in &school.teachers {
        tokens.push(seed::login(identity, login, seed::PASSWORD).await?);
    }
    let quiet = teachers_post(&gradebook.url, school, &tokens, args).await?;
    progress(&format!(
        "teachers, nobody pushing: p50 {:.2} ms, p99 {:.2} ms",
        quiet.ms(0.5),
        quiet.ms(0.99)
    ));
    let token = seed::client_token(identity, school).await?;
    // The flood runs from a second before the teachers start until they end.
    let until = Instant::now() + Duration::from_secs(args.flood_seconds + 3);
    let flood_rows = rows.prefixed("f");
    let import_url = import.url.clone();
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
    let flooded = teachers_post(&gradebook.url, school, &tokens, args).await?;
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

// The machine, and CPU time from /proc.

/// Linux reports process CPU time in ticks of this length (USER_HZ).
const TICKS_PER_SECOND: f64 = 100.0;

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

pub fn cpu_ticks_of(path: &str) -> u64 {
    stat_of(path).map_or(0, |(_, ticks)| ticks)
}

fn postgres_ticks() -> u64 {
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
struct Sample {
    import: Option<u64>,
    gradebook: Option<u64>,
    this: u64,
    postgres: u64,
    transactions: i64,
}

#[derive(Debug, Clone, Copy)]
struct Usage {
    import_ms: Option<f64>,
    gradebook_ms: Option<f64>,
    this_ms: f64,
    postgres_ms: f64,
    transactions: i64,
}

impl Sample {
    async fn take(
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

    fn since(&self, before: &Sample) -> Usage {
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

fn describe_machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("machine: {cores} cores ({model}); services, PostgreSQL and the load on it")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// `server` with its database name replaced by `database`.
fn with_database(server: &str, database: &str) -> String {
    let (base, query) = server
        .split_once('?')
        .map_or((server, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}
