use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use otmetka_messaging::MailSettings;
use otmetka_platform::BinaryConfig;
use otmetka_platform::clock::Clock;
use otmetka_platform::config::{
    ClientArgs, DatabaseArgs, IdentityArgs, ServerArgs, parse_duration,
};
use otmetka_platform::telemetry::TelemetryArgs;

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka messaging service.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Config {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    identity: IdentityArgs,
    #[command(flatten)]
    client: ClientArgs,
    /// The gradebook, whose change feed says what families hear about.
    #[arg(
        long,
        env = "OTMETKA_GRADEBOOK_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    gradebook_url: String,
    /// The schedule, whose change feed says what a class's families hear
    /// about: homework and changes of lessons.
    #[arg(
        long,
        env = "OTMETKA_SCHEDULE_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    schedule_url: String,
    /// Journal changes older than this when read are history, not news:
    /// nobody is notified of them.
    #[arg(long, env = "OTMETKA_NEWS_HORIZON", default_value = "24h", value_parser = parse_duration)]
    news_horizon: Duration,
    #[command(flatten)]
    mail: MailArgs,
    #[command(flatten)]
    telemetry: TelemetryArgs,
}

/// E-mail of notifications; off without an SMTP server.
#[derive(clap::Args, Debug)]
struct MailArgs {
    /// The SMTP server: `smtp://host:25` (plain, a relay on the same
    /// network), `smtp://user:password@host:587?tls=required` or
    /// `smtps://host`.
    #[arg(long, env = "OTMETKA_SMTP_URL")]
    smtp_url: Option<String>,
    /// The letters' sender; its domain names their Message-IDs.
    #[arg(
        long,
        env = "OTMETKA_MAIL_FROM",
        default_value = "Отметка <noreply@otmetka.localhost>"
    )]
    mail_from: String,
    /// Where people reach the web app, for the letters' links.
    #[arg(
        long,
        env = "OTMETKA_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// The pause after a first refused send; each next one is three
    /// times longer, at most a day.
    #[arg(long, env = "OTMETKA_MAIL_FIRST_RETRY", default_value = "1m", value_parser = parse_duration)]
    mail_first_retry: Duration,
}

impl MailArgs {
    fn settings(self) -> Option<MailSettings> {
        Some(MailSettings {
            smtp_url: self.smtp_url?,
            from: self.mail_from,
            site_url: self.public_url,
            first_retry: self.mail_first_retry,
        })
    }
}

impl BinaryConfig for Config {
    fn telemetry(&self) -> &TelemetryArgs {
        &self.telemetry
    }
    fn metrics_addr(&self) -> SocketAddr {
        self.server.metrics_addr
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_binary("otmetka-messaging", |config: Config, shutdown| async move {
        let listener = tokio::net::TcpListener::bind(config.server.grpc_addr).await?;
        let settings = otmetka_messaging::Settings {
            database: config.database.settings("messaging"),
            limits: config.server.limits,
            identity_url: config.identity.identity_url,
            gradebook_url: config.gradebook_url,
            schedule_url: config.schedule_url,
            credentials: config.client.into(),
            news_horizon: config.news_horizon,
            mail: config.mail.settings(),
            clock: Clock::system(),
        };
        otmetka_messaging::run(settings, listener, shutdown).await
    })
    .await
}
