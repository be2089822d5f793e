//! The throwaway database a benchmark runs on: created on the PostgreSQL
//! server it is given, dropped afterwards whatever the outcome. Shared by
//! both benchmarks.

use anyhow::Context;
use sqlx::Connection;

/// Runs `bench` with the URL of a new database on the PostgreSQL server at
/// `server_url`, then drops the database. SQLite is refused: the figures
/// are for PostgreSQL.
pub(crate) async fn on_throwaway_database<F, Fut>(server_url: &str, bench: F) -> anyhow::Result<()>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    anyhow::ensure!(
        server_url.starts_with("postgres://") || server_url.starts_with("postgresql://"),
        "--database-url must name a PostgreSQL server: the figures are for PostgreSQL"
    );
    let database = format!("otmetka_bench_{}", uuid::Uuid::now_v7().simple());
    let mut server = sqlx::PgConnection::connect(server_url)
        .await
        .context("connecting to the PostgreSQL server")?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&mut server)
        .await?;
    let outcome = bench(with_database(server_url, &database)).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
    )))
    .execute(&mut server)
    .await?;
    server.close().await?;
    outcome
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
