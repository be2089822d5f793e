//! One run of the measurement: the floor, the pushes, and the teachers'
//! latency beside them, reported as they finish.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use otmetka_local::RunningSuite;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use sqlx::Connection;

use crate::Args;
use crate::proc_stats::load_average;
use crate::progress;
use crate::push::{flood_comparison, push};
use crate::rows::{Rows, copy_rows};
use crate::seed;
use crate::services::{start_import, start_pair};
use crate::usage::{Sample, Usage};

pub(crate) async fn measure(
    args: &Args,
    suite: &RunningSuite,
    url: &str,
    city_password: &str,
) -> anyhow::Result<()> {
    let (mut gradebook_b, mut import_b) = start_pair(suite, url, args.pool, "gradebook").await?;
    println!("## Seeding (over the public gRPC APIs)");
    let started = Instant::now();
    let endpoints = seed::Endpoints {
        identity: suite.url_of("identity").context("identity")?,
        schedule: suite.url_of("schedule").context("schedule")?,
        gradebook: &gradebook_b.url(),
        import: &import_b.url(),
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
        &import_b.url(),
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
    let rss_b = (
        crate::host::peak_rss_mib(&import_b),
        crate::host::peak_rss_mib(&gradebook_b),
    );

    // (c) The same, gradebook's access checks off.
    let (mut gradebook_c, mut import_c) =
        start_pair(suite, url, args.pool, "gradebook-unchecked").await?;
    let token = seed::client_token(&identity, &school).await?;
    let pair_c = (&import_c, &gradebook_c);
    let sample = Sample::take(&mut db, Some(pair_c)).await?;
    let unchecked = push(
        &import_c.url(),
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
    let rss_c = (
        crate::host::peak_rss_mib(&import_c),
        crate::host::peak_rss_mib(&gradebook_c),
    );
    import_c.kill()?;
    gradebook_c.kill()?;

    // Teachers' marks, quiet and under a vendor's flood.
    let (flood, rss_flood) = if args.flood_seconds > 0 {
        // The vendor floods through an import with production's rate limit.
        let mut import_f = start_import(suite, url, args.pool, &gradebook_b, None).await?;
        let flood =
            flood_comparison(args, &school, &identity, &rows, &import_f, &gradebook_b).await?;
        let rss = crate::host::peak_rss_mib(&import_f);
        import_f.kill()?;
        (Some(flood), Some(rss))
    } else {
        (None, None)
    };
    let rss_end = (
        crate::host::peak_rss_mib(&import_b),
        crate::host::peak_rss_mib(&gradebook_b),
    );

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
    import_b.kill()?;
    gradebook_b.kill()?;
    db.close().await?;
    Ok(())
}
