//! `otmetka-local`: the whole suite on this machine, with a demo school.

// A terminal program: the banner on stdout is its user interface.
#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use otmetka_identity::InitialAdmin;
use otmetka_local::{
    DEMO_LOGINS, DemoScale, DemoSchool, MailSettings, RunningSuite, Storage, SuiteConfig,
    fresh_demo_access_code, seed_demo_school,
};
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{Secret, SecretUrl, ServerLimits};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

const DEFAULT_ADMIN_PASSWORD: &str = "admin-demo-password";

/// Runs every Otmetka service and the gateway on loopback ports.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    /// Folder for uploaded files, and for the SQLite databases when no
    /// PostgreSQL URL is given.
    #[arg(long, env = "OTMETKA_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Run on PostgreSQL instead: one database, a schema per service.
    #[arg(long, env = "OTMETKA_DATABASE_URL", hide_env_values = true)]
    database_url: Option<SecretUrl>,
    /// Address of the gateway (the one URL people use).
    #[arg(long, env = "OTMETKA_HTTP_ADDR", default_value = "127.0.0.1:8080")]
    http_addr: SocketAddr,
    /// Prometheus metrics of the whole suite; unset: none.
    #[arg(long, env = "OTMETKA_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Login of the city operator.
    #[arg(long, env = "OTMETKA_ADMIN_LOGIN", default_value = "admin")]
    admin_login: String,
    /// Password of the city operator (a local-only default).
    #[arg(long, env = "OTMETKA_ADMIN_PASSWORD", default_value = DEFAULT_ADMIN_PASSWORD, hide_env_values = true)]
    admin_password: Secret,
    /// OpenID Connect providers, as for the gateway (a JSON list).
    #[arg(
        long,
        env = "OTMETKA_OIDC_PROVIDERS",
        default_value = "[]",
        hide_env_values = true
    )]
    oidc_providers: String,
    /// Skip creating the demo school.
    #[arg(long)]
    no_demo: bool,
    /// Run as if today were this date ("YYYY-MM-DD"): the demo term and
    /// every date rule follow it, so a demonstration or a browser test
    /// looks the same on any day. Unset: the real date.
    #[arg(long, env = "OTMETKA_TODAY")]
    today: Option<chrono::NaiveDate>,
    /// An SMTP server to e-mail notifications through (`smtp://host:port`,
    /// `smtp://user:password@host:587?tls=required`); unset: none is sent.
    #[arg(long, env = "OTMETKA_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The letters' sender.
    #[arg(
        long,
        env = "OTMETKA_MAIL_FROM",
        default_value = "Отметка <noreply@otmetka.localhost>"
    )]
    mail_from: String,
    #[command(flatten)]
    telemetry: TelemetryArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::config::load_config_file()?;
    let mut config = Config::parse();
    // People running the suite want the banner, not every request.
    if std::env::var_os("OTMETKA_LOG").is_none() {
        config.telemetry.log_filter = "warn,otmetka_local=info".into();
    }
    let _telemetry = otmetka_platform::telemetry::init(&config.telemetry, "otmetka-local")?;
    if let Some(address) = config.metrics_addr {
        otmetka_platform::metrics::install_prometheus(address)?;
    }
    let storage = match &config.database_url {
        Some(url) => Storage::Postgres(url.clone()),
        None => Storage::Sqlite(config.data_dir.clone()),
    };
    let suite_config = SuiteConfig {
        storage: storage.clone(),
        gateway_addr: config.http_addr,
        admin: InitialAdmin {
            login: config.admin_login.clone(),
            password: config.admin_password.clone(),
        },
        limits: ServerLimits::default(),
        upstream_timeout: Duration::from_secs(5),
        oidc_providers: otmetka_gateway::parse_providers(&config.oidc_providers)?,
        access_token_ttl: Duration::from_secs(15 * 60),
        // The local suite is reached directly, never through a proxy.
        trusted_proxies: otmetka_gateway::TrustedProxies::default(),
        push_limits: otmetka_import::PushLimits::default(),
        // Files stay in the data folder, whichever database holds the rest.
        files_dir: config.data_dir.join("attachments"),
        clock: config.today.map_or_else(Clock::system, Clock::on_day),
        mail: config.smtp_url.clone().map(|smtp_url| MailSettings {
            smtp_url,
            from: config.mail_from.clone(),
            site_url: format!("http://{}", config.http_addr),
            first_retry: Duration::from_secs(60),
        }),
    };
    let shutdown = otmetka_platform::shutdown::on_signals();
    let mut suite = RunningSuite::start(suite_config).await?;

    let demo = if config.no_demo {
        None
    } else {
        match prepare_demo(&suite, &config).await {
            Ok(demo) => Some(demo),
            Err(error) => {
                suite.stop().await?;
                return Err(error.context("seeding the demo school"));
            }
        }
    };
    print_banner(&suite, &storage, &config, demo.as_ref());

    tokio::select! {
        () = shutdown.cancelled() => {}
        result = suite.stopped() => {
            tracing::error!("a part of the suite stopped; shutting down the rest");
            suite.stop().await?;
            return result;
        }
    }
    suite.stop().await?;
    println!("Otmetka stopped; data kept.");
    Ok(())
}

/// The demo school, and a fresh access code to sign up with.
async fn prepare_demo(
    suite: &RunningSuite,
    config: &Config,
) -> anyhow::Result<(DemoSchool, String)> {
    let password = config.admin_password.expose();
    let demo = seed_demo_school(suite, &config.admin_login, password, DemoScale::Full).await?;
    let code = fresh_demo_access_code(suite, &config.admin_login, password, &demo).await?;
    Ok((demo, code))
}

fn print_banner(
    suite: &RunningSuite,
    storage: &Storage,
    config: &Config,
    demo: Option<&(DemoSchool, String)>,
) {
    let url = &suite.gateway_url;
    println!();
    println!("Otmetka is running at {url}");
    println!("  the API and its documentation: {url}/api/docs");
    match storage {
        Storage::Sqlite(folder) => println!("  data: SQLite files in {}", folder.display()),
        Storage::Postgres(database) => println!("  data: PostgreSQL {database:?}"),
    }
    for (name, service_url) in &suite.service_urls {
        println!("  {name:<10} gRPC {service_url}");
    }
    println!();
    println!("Logins (login / password):");
    let password = if config.admin_password.expose() == DEFAULT_ADMIN_PASSWORD {
        DEFAULT_ADMIN_PASSWORD
    } else {
        "(the one in OTMETKA_ADMIN_PASSWORD)"
    };
    println!(
        "  городской оператор (city operator): {} / {password}",
        config.admin_login
    );
    if let Some((demo, code)) = demo {
        for login in DEMO_LOGINS {
            println!("  {}: {} / {}", login.role, login.login, login.password);
        }
        println!();
        println!("Access code for a new guardian (код доступа): {code}");
        if let Some(child) = demo.student_ids.first() {
            println!();
            println!("Try it: a guardian reads their child's marks");
            println!("  curl -c jar -H 'content-type: application/json' \\");
            println!(
                "       -d '{{\"login\":\"parent\",\"password\":\"roditel-demo\"}}' {url}/api/v1/session"
            );
            println!("  curl -b jar {url}/api/v1/students/{child}/marks");
            println!("A new guardian signs up with the access code:");
            println!(
                "  curl -c jar2 -H 'content-type: application/json' -d '{{\"access_code\":\"{code}\","
            );
            println!(
                "       \"family_name\":\"Соколова\",\"given_name\":\"Елена\",\"login\":\"sokolova\","
            );
            println!("       \"password\":\"my-own-password\"}}' {url}/api/v1/registrations");
            println!("  curl -b jar2 {url}/api/v1/guardianships");
        }
    }
    println!();
    println!("Ctrl-C stops everything; the data stays for the next start.");
}
