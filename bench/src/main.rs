//! `diary-week`: the diary week-view benchmark. Starts the whole suite in
//! this process on a throwaway PostgreSQL database, seeds a realistic
//! school over the public APIs, signs its guardians in, and then loads the
//! week view and, side by side, the gateway's static `/healthz`, printing
//! views per second and latency percentiles as a Markdown table. Before
//! the load it waits until messaging has told the seeded term's news, and
//! times it telling a backlog of news.

// A terminal program: the report on stdout is its user interface.
#![allow(clippy::print_stdout)]

mod load;
mod machine;
mod notifications;
mod proc_stats;
mod school;
mod streams;
mod throwaway;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, ValueEnum};
use futures_util::{StreamExt, TryStreamExt, stream};
use otmetka_identity::InitialAdmin;
use otmetka_local::{RunningSuite, Storage, SuiteConfig};
use otmetka_platform::config::{Secret, SecretUrl, ServerLimits};
use otmetka_platform::telemetry::TelemetryArgs;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use sqlx::Connection;

use crate::load::{Call, Outcome, Target, Timing};
use crate::machine::Usage;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// What the week-view load goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Via {
    /// `GET /api/v1/students/{id}/week` on the gateway, with a session
    /// cookie, and beside it the web app's page of the same week
    /// (`GET /diary/{id}`): the HTML's cost, by difference.
    Gateway,
    /// schedule's `GetStudentWeek` over gRPC with the guardian's token,
    /// skipping the gateway: what the gateway adds, by difference.
    Grpc,
    /// Both, one after the other at each concurrency.
    Both,
}

/// The diary week view under load, on PostgreSQL, with a realistic school.
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
    /// Where the week view is requested.
    #[arg(long, value_enum, default_value = "gateway")]
    target: Via,
    /// Workers (connections) of the load, one run each; comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "4,8,16,32,64")]
    concurrency: Vec<usize>,
    /// Warm-up before each measured run, not counted.
    #[arg(long, default_value = "5", value_name = "SECONDS")]
    warmup: u64,
    /// Length of each measured run.
    #[arg(long, default_value = "20", value_name = "SECONDS")]
    duration: u64,
    /// Pieces of news (new marks) messaging is given to tell at once after
    /// seeding, to measure how fast it notifies; 0 skips it.
    #[arg(long, default_value_t = 20_000)]
    notify_backlog: i64,
    /// Live notification streams each guardian holds (a phone and a
    /// laptop) while a school-wide announcement is timed to reach them all;
    /// 0 skips it.
    #[arg(long, default_value_t = 2)]
    streams_per_guardian: usize,
    /// Classes in the school (grades 1–11, letters А, Б, В…; 25–28 students each).
    #[arg(long, default_value_t = 40)]
    classes: usize,
    /// Weeks of the term before the current one (lessons, marks, attendance).
    #[arg(long, default_value_t = 8)]
    weeks: u64,
    /// Share of a lesson's students who get a mark in it.
    #[arg(long, default_value_t = 0.2)]
    mark_share: f64,
    /// Share of a lesson's students who are absent, ill or late.
    #[arg(long, default_value_t = 0.04)]
    absence_share: f64,
    /// Guardians signed in for the load (distinct sessions); 0 means all.
    #[arg(long, default_value_t = 0)]
    guardians: usize,
    /// Weeks each family asks for in turn: this one and those before it.
    /// With more weeks the same student's week comes back less often, and
    /// the services' two-second memories of a student's week rarely help.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=9))]
    weeks_asked: u64,
    /// Calls in flight at once while seeding.
    #[arg(long, default_value_t = 8)]
    seed_concurrency: usize,
    #[command(flatten)]
    telemetry: TelemetryArgs,
}

const STATIC: &str = "static /healthz";
const WEEK_GATEWAY: &str = "week view (gateway)";
const WEEK_PAGE: &str = "week page (gateway HTML)";
const WEEK_GRPC: &str = "week view (schedule gRPC)";

pub fn progress(message: &str) {
    println!("  {message}");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    if std::env::var_os("OTMETKA_LOG").is_none() {
        args.telemetry.log_filter = "warn".into();
    }
    let _telemetry = otmetka_platform::telemetry::init(&args.telemetry, "otmetka-bench")?;
    anyhow::ensure!(
        !args.concurrency.is_empty() && args.concurrency.iter().all(|c| *c > 0),
        "--concurrency needs at least one positive number"
    );
    throwaway::on_throwaway_database(&args.database_url, |url| bench(&args, url)).await
}

async fn bench(args: &Args, url: String) -> anyhow::Result<()> {
    println!("# Diary week view benchmark");
    println!();
    println!("{}", machine::describe());
    println!("load average before: {}", proc_stats::load_average());
    println!();

    let city_password = format!("city-{}", uuid::Uuid::now_v7().simple());
    // Homework attachments would go here; the bench uploads none.
    let files = tempfile::tempdir()?;
    let config = SuiteConfig {
        push_limits: otmetka_local::PushLimits::default(),
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
        // The load generator stands in for the ingress: each guardian signs
        // in from an address of their own, as real families do.
        trusted_proxies: otmetka_gateway::TrustedProxies::parse("127.0.0.1/32")
            .map_err(anyhow::Error::msg)?,
        files_dir: files.path().to_owned(),
        clock: otmetka_platform::clock::Clock::system(),
        mail: None,
    };
    let suite = RunningSuite::start(config).await?;
    let result = measure(args, &suite, &url, &city_password).await;
    suite.stop().await?;
    result
}

async fn measure(
    args: &Args,
    suite: &RunningSuite,
    url: &str,
    city_password: &str,
) -> anyhow::Result<()> {
    println!("## Seeding (over the public gRPC APIs)");
    let started = Instant::now();
    let shape = school::Shape {
        classes: args.classes,
        weeks: args.weeks,
        mark_share: args.mark_share,
        absence_share: args.absence_share,
        concurrency: args.seed_concurrency,
    };
    let school = school::build(suite, "city", city_password, &shape).await?;
    let seeding = started.elapsed();
    println!();
    println!("seeded in {:.0} s", seeding.as_secs_f64());
    let mut db = sqlx::PgConnection::connect(url).await?;
    let sizes = machine::data_sizes(&mut db).await?;
    println!(
        "school: {} classes, {} students, {} guardians, {} teachers, {} subjects; \
         {} timetable entries; term {}..{}: {} lessons, {} marks, {} attendance records",
        school.classes,
        school.families.len(),
        school.families.len(),
        school.teachers,
        school.subjects,
        school.timetable_entries,
        school.term.0,
        school.term.1,
        school.lessons,
        school.marks,
        school.attendance,
    );
    println!("{sizes}");
    println!();
    report_notifications(&mut db, args.notify_backlog).await?;
    let gateway_load = matches!(args.target, Via::Gateway | Via::Both);
    let cookies = if gateway_load || args.streams_per_guardian > 0 {
        let started = Instant::now();
        let cookies = sign_in_at_gateway(&suite.gateway_url, &school.families).await?;
        println!(
            "{} guardians signed in at the gateway (a session each) in {:.0} s",
            school.families.len(),
            started.elapsed().as_secs_f64()
        );
        cookies
    } else {
        Vec::new()
    };
    if args.streams_per_guardian > 0 {
        report_streams(
            &suite.gateway_url,
            &school.school_id,
            &cookies,
            args.streams_per_guardian,
        )
        .await?;
    }
    let cookie_of: HashMap<&str, http::HeaderValue> = school
        .families
        .iter()
        .map(|family| family.student_id.as_str())
        .zip(cookies)
        .collect();

    let families: Vec<school::Family> = match args.guardians {
        0 => school.families.clone(),
        n => school.families.iter().take(n).cloned().collect(),
    };
    let today = Utc::now().date_naive();
    // Every family's week first, then every family's week before, and so on.
    let asked: Vec<(&school::Family, chrono::NaiveDate)> = (0..args.weeks_asked)
        .flat_map(|back| {
            let day = today - chrono::Days::new(7 * back);
            families.iter().map(move |family| (family, day))
        })
        .collect();
    let gateway: std::net::SocketAddr = suite
        .gateway_url
        .trim_start_matches("http://")
        .parse()
        .context("the gateway's address")?;
    let mut loads: Vec<(&str, Arc<Vec<Call>>)> = vec![(
        STATIC,
        Arc::new(vec![Call::Http {
            path: "/healthz".into(),
            cookie: None,
        }]),
    )];
    if gateway_load {
        let calls: Vec<Call> = asked
            .iter()
            .map(|(family, day)| Call::Http {
                path: format!("/api/v1/students/{}/week?date={day}", family.student_id),
                cookie: Some(cookie_of[family.student_id.as_str()].clone()),
            })
            .collect();
        let pages: Vec<Call> = asked
            .iter()
            .map(|(family, day)| Call::Http {
                path: format!("/diary/{}?date={day}", family.student_id),
                cookie: Some(cookie_of[family.student_id.as_str()].clone()),
            })
            .collect();
        probe(gateway, &calls[0]).await?;
        probe(gateway, &pages[0]).await?;
        loads.push((WEEK_GATEWAY, Arc::new(calls)));
        loads.push((WEEK_PAGE, Arc::new(pages)));
    }
    if matches!(args.target, Via::Grpc | Via::Both) {
        let started = Instant::now();
        let identity = IdentityServiceClient::new(otmetka_platform::grpc::client::lazy_channel(
            suite.url_of("identity").context("identity")?,
        )?);
        let tokens: Vec<_> = stream::iter(families.iter().map(|family| {
            school::login_token(&identity, &family.guardian_login, school::PASSWORD)
        }))
        .buffered(4)
        .try_collect()
        .await?;
        let token_of: HashMap<&str, _> = families
            .iter()
            .map(|family| family.student_id.as_str())
            .zip(tokens)
            .collect();
        let calls = asked
            .iter()
            .map(|(family, day)| {
                let token = &token_of[family.student_id.as_str()];
                Ok(Call::Grpc {
                    request: schedule::GetStudentWeekRequest {
                        school_id: school.school_id.clone(),
                        student_id: family.student_id.clone(),
                        date: day.to_string(),
                    },
                    authorization: format!("Bearer {}", token.0).parse()?,
                })
            })
            .collect::<anyhow::Result<Vec<Call>>>()?;
        println!(
            "{} guardians signed in at identity (an access token each) in {:.0} s",
            families.len(),
            started.elapsed().as_secs_f64()
        );
        loads.push((WEEK_GRPC, Arc::new(calls)));
    }
    let target = Target {
        gateway,
        schedule: suite.url_of("schedule").context("schedule")?.to_owned(),
    };
    let timing = Timing {
        warmup: Duration::from_secs(args.warmup),
        duration: Duration::from_secs(args.duration),
    };

    println!();
    println!(
        "## Load: {} s warm-up, {} s measured per run, closed loop, one connection per worker",
        args.warmup, args.duration
    );
    let mut rows: Vec<(Outcome, Usage)> = Vec::new();
    for &concurrency in &args.concurrency {
        for (name, calls) in &loads {
            let sampler = machine::Sampler::start(url, timing).await?;
            let outcome = load::run(name, &target, calls.clone(), concurrency, timing).await?;
            let usage = sampler.finish().await?;
            progress(&format!(
                "{name} ×{concurrency}: {:.0}/s, p99 {:.1} ms, errors {}",
                outcome.per_second(),
                outcome.ms(0.99),
                outcome.errors
            ));
            if let Some(error) = &outcome.first_error {
                println!("  !!! {} errors; the first: {error}", outcome.errors);
            }
            rows.push((outcome, usage));
        }
    }
    println!();
    print_table(&rows);
    println!();
    for week in [WEEK_GATEWAY, WEEK_PAGE, WEEK_GRPC] {
        if loads.iter().any(|(name, _)| *name == week) {
            print_verdict(&rows, week);
        }
    }
    println!();
    println!("load average after: {}", proc_stats::load_average());
    Ok(())
}

/// Waits out the seeded term's notifications (so that they do not compete
/// with the load), then times a backlog of news.
async fn report_notifications(db: &mut sqlx::PgConnection, backlog: i64) -> anyhow::Result<()> {
    println!("## Notifications (messaging's notifier, one replica)");
    let waited = notifications::wait_until_told(db).await?;
    println!(
        "the seeded term's news was all told {:.1} s after seeding ended",
        waited.as_secs_f64()
    );
    if backlog > 0 {
        let told = notifications::tell_backlog(db, backlog).await?;
        let per = |ms: f64| ms / told.notifications.max(1) as f64;
        println!(
            "a backlog of {} pieces of news (new marks) → {} notifications (the student and \
             each guardian) in {:.1} s: **{:.0} notifications/s**; CPU ms/notification \
             {:.3} (suite) / {:.3} (PostgreSQL); DB xacts/notification {:.3}",
            told.news,
            told.notifications,
            told.elapsed.as_secs_f64(),
            told.per_second(),
            per(told.usage.process_ms),
            per(told.usage.postgres_ms),
            told.usage.transactions as f64 / told.notifications.max(1) as f64,
        );
    }
    println!();
    Ok(())
}

/// Times a school-wide announcement reaching every guardian's live streams.
async fn report_streams(
    gateway: &str,
    school_id: &str,
    cookies: &[http::HeaderValue],
    per_guardian: usize,
) -> anyhow::Result<()> {
    println!("## A school-wide announcement to the families' live streams (gateway SSE)");
    let reached =
        streams::announcement_to_streams(gateway, school_id, cookies, per_guardian).await?;
    println!(
        "{} guardians × {per_guardian} streams = {} streams; heard on {}; from the POST to each \
         stream: p50 {:.0} ms, p99 **{:.0} ms**, last {:.0} ms; peak RSS of the bench process \
         (the whole suite) {:.0} MiB",
        cookies.len(),
        reached.streams,
        reached.received,
        reached.ms(0.5),
        reached.ms(0.99),
        reached.ms(1.0),
        reached.peak_rss_mib,
    );
    println!();
    Ok(())
}

/// Signs each guardian in at the gateway; their session cookies.
async fn sign_in_at_gateway(
    gateway: &str,
    families: &[school::Family],
) -> anyhow::Result<Vec<http::HeaderValue>> {
    let client = reqwest::Client::new();
    stream::iter(families.iter().enumerate().map(|(index, family)| {
        let client = client.clone();
        async move {
            // Ten sign-ins per address stays within the gateway's per-address limit.
            let address = index / 10;
            let forwarded = format!("198.18.{}.{}", address / 250, address % 250 + 1);
            session_cookie(&client, gateway, &family.guardian_login, &forwarded).await
        }
    }))
    .buffered(4)
    .try_collect()
    .await
}

/// Signs `login` (with the bench school's password) in at the gateway from
/// the address `forwarded`; the session cookie.
pub async fn session_cookie(
    client: &reqwest::Client,
    gateway: &str,
    login: &str,
    forwarded: &str,
) -> anyhow::Result<http::HeaderValue> {
    let response = client
        .post(format!("{gateway}/api/v1/session"))
        .header("x-forwarded-for", forwarded)
        .json(&serde_json::json!({ "login": login, "password": school::PASSWORD }))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == reqwest::StatusCode::CREATED,
        "signing in {login}: {}",
        response.status()
    );
    let cookie = response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("otmetka_session="))
        .and_then(|value| value.split(';').next())
        .context("a session cookie")?
        .to_owned();
    Ok(http::HeaderValue::from_str(&cookie)?)
}

/// Refuses to load a gateway that does not serve the week view.
async fn probe(gateway: std::net::SocketAddr, call: &Call) -> anyhow::Result<()> {
    let Call::Http { path, cookie } = call else {
        return Ok(());
    };
    let mut request = reqwest::Client::new().get(format!("http://{gateway}{path}"));
    if let Some(cookie) = cookie {
        request = request.header(http::header::COOKIE, cookie.clone());
    }
    let response = request.send().await?;
    let status = response.status();
    anyhow::ensure!(
        status.is_success(),
        "the gateway answers {path} with {status}: {} (has the week view landed? \
         --target grpc measures schedule's GetStudentWeek directly)",
        response.text().await.unwrap_or_default()
    );
    Ok(())
}

fn print_table(rows: &[(Outcome, Usage)]) {
    println!(
        "| endpoint | workers | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | CPU ms/req (suite+load / PostgreSQL) | DB xacts/req | body bytes |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (row, usage) in rows {
        let ok = (row.requests - row.errors).max(1) as f64;
        println!(
            "| {} | {} | {} | {}{} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} | {:.2} / {:.2} | {:.1} | {} |",
            row.name,
            row.concurrency,
            row.requests,
            row.errors,
            if row.errors > 0 { " ⚠" } else { "" },
            row.per_second(),
            row.ms(0.50),
            row.ms(0.90),
            row.ms(0.99),
            row.max_ms(),
            usage.process_ms / ok,
            usage.postgres_ms / ok,
            usage.transactions as f64 / ok,
            row.body_bytes,
        );
    }
}

/// The target: 2,000 week views a second at p99 ≤ 50 ms, with no errors.
fn print_verdict(rows: &[(Outcome, Usage)], week_name: &str) {
    println!("{week_name}:");
    let errors: u64 = rows.iter().map(|(row, _)| row.errors).sum();
    if errors > 0 {
        println!("!!! {errors} requests failed: these figures are not valid.");
    }
    let weeks: Vec<&Outcome> = rows
        .iter()
        .map(|(row, _)| row)
        .filter(|row| row.name == week_name)
        .collect();
    let best_within = weeks
        .iter()
        .filter(|row| row.errors == 0 && row.ms(0.99) <= 50.0)
        .max_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    let most = weeks
        .iter()
        .max_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    match best_within {
        Some(row) => println!(
            "best with p99 ≤ 50 ms: {:.0} views/s at {} workers (p99 {:.1} ms)",
            row.per_second(),
            row.concurrency,
            row.ms(0.99)
        ),
        None => println!("no run kept p99 ≤ 50 ms"),
    }
    if let Some(row) = most {
        println!(
            "most: {:.0} views/s at {} workers (p99 {:.1} ms)",
            row.per_second(),
            row.concurrency,
            row.ms(0.99)
        );
    }
    let met = best_within.is_some_and(|row| row.per_second() >= 2000.0) && errors == 0;
    println!(
        "target (≥ 2,000 views/s at p99 ≤ 50 ms): {}",
        if met { "met" } else { "NOT met" }
    );
}
