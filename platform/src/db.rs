//! A service's database: PostgreSQL in production, SQLite as the embedded
//! default, chosen by URL. Each backend has its own embedded migrations.
//!
//! Queries are written once with `$1`-style parameters (which both backends
//! accept) inside plain async functions that take a [`Db`] or a [`Tx`] and
//! run the one text on either backend through [`with_db!`](crate::with_db)
//! or [`with_tx!`](crate::with_tx): one copy of every query, checked by the
//! compiler for both. Where the dialects differ, a store writes two
//! functions and matches on the backend itself.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::config::SecretUrl;

#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Postgres($pool) => $body,
            $crate::db::Db::Sqlite($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the open transaction's connection
/// (`&mut PgConnection` or `&mut SqliteConnection`) of a [`Tx`].
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// An open write transaction on either backend; dropped without
/// [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Postgres(tx) => tx.commit().await,
            Tx::Sqlite(tx) => tx.commit().await,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }
}

/// The two migration sets of a service.
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    pub postgres: &'static Migrator,
    pub sqlite: &'static Migrator,
}

/// How to open a service's database.
#[derive(Debug, Clone)]
pub struct DbSettings {
    pub url: SecretUrl,
    /// PostgreSQL schema of the service's tables (ignored by SQLite).
    pub schema: String,
    pub max_connections: u32,
}

impl Db {
    /// Connects and applies the service's migrations.
    pub async fn open(settings: &DbSettings, migrations: Migrations) -> anyhow::Result<Self> {
        let url = settings.url.expose();
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Postgres(open_postgres(settings, migrations.postgres).await?)
        } else if url.starts_with("sqlite:") {
            Db::Sqlite(open_sqlite(settings, migrations.sqlite).await?)
        } else {
            anyhow::bail!(
                "database URL {:?} must start with postgres:// or sqlite:",
                settings.url
            );
        };
        tracing::info!(url = ?settings.url, schema = %settings.schema, "database ready");
        Ok(db)
    }

    /// Opens a write transaction ([`BeginWrite`]) on either backend.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_write().await?),
        })
    }

    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await)
    }
}

async fn open_postgres(settings: &DbSettings, migrator: &Migrator) -> anyhow::Result<PgPool> {
    let schema = &settings.schema;
    anyhow::ensure!(
        !schema.is_empty()
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "database schema {schema:?} must be lowercase letters, digits and '_'"
    );
    let options = PgConnectOptions::from_str(settings.url.expose())
        .with_context(|| format!("parsing {:?}", settings.url))?
        .options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .with_context(|| format!("connecting to {:?}", settings.url))?;
    // The name was checked above to be a plain lowercase identifier.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE SCHEMA IF NOT EXISTS {schema}"
    )))
    .execute(&pool)
    .await
    .or_else(tolerate_concurrent_schema_creation)?;
    migrator.run(&pool).await.context("migrating")?;
    Ok(pool)
}

/// Two replicas starting at once may race on `CREATE SCHEMA IF NOT EXISTS`;
/// the loser sees a unique violation on the catalog, and the schema exists.
fn tolerate_concurrent_schema_creation(
    error: sqlx::Error,
) -> Result<sqlx::postgres::PgQueryResult, sqlx::Error> {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => Ok(Default::default()),
        _ => Err(error),
    }
}

async fn open_sqlite(settings: &DbSettings, migrator: &Migrator) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(settings.url.expose())
        .with_context(|| format!("parsing {:?}", settings.url))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let path = options.get_filename();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the data folder {}", parent.display()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .with_context(|| format!("opening {:?}", settings.url))?;
    migrator.run(&pool).await.context("migrating")?;
    Ok(pool)
}

/// Opens a transaction that will write. SQLite needs `BEGIN IMMEDIATE`: a
/// deferred transaction that later upgrades to a writer fails with
/// SQLITE_BUSY instead of waiting for the lock.
pub trait BeginWrite {
    type Backend: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Backend>, sqlx::Error>> + Send;
}

impl BeginWrite for PgPool {
    type Backend = Postgres;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Postgres>, sqlx::Error>> + Send {
        self.begin()
    }
}

impl BeginWrite for SqlitePool {
    type Backend = Sqlite;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Sqlite>, sqlx::Error>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

/// `$first, $first+1, …` for `count` parameters: an `IN (…)` list written
/// once for both backends, its values bound one by one.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_number_on_from_the_first() {
        assert_eq!(placeholders(4, 3), "$4, $5, $6");
        assert_eq!(placeholders(7, 1), "$7");
    }
}
