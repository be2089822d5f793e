//! Settings shared by every binary: `OTMETKA_…` environment variables (and
//! command-line flags of the same name), optionally preloaded from the file
//! named by `OTMETKA_CONFIG_FILE`. Precedence: flag > environment > file > default.
//! Secrets are wrapped so that `Debug` never prints them.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

/// Loads `KEY=VALUE` lines from `OTMETKA_CONFIG_FILE`, if set, without
/// overriding variables already in the environment.
pub fn load_config_file() -> anyhow::Result<()> {
    if let Ok(path) = std::env::var("OTMETKA_CONFIG_FILE") {
        dotenvy::from_path(&path)
            .map_err(|e| anyhow::anyhow!("reading OTMETKA_CONFIG_FILE {path}: {e}"))?;
    }
    Ok(())
}

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| e.to_string())
}

/// How a gRPC server listens and how long it lets work run.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address the gRPC server listens on.
    #[arg(long, env = "OTMETKA_GRPC_ADDR", default_value = "0.0.0.0:50051")]
    pub grpc_addr: SocketAddr,
    /// Address of the Prometheus `/metrics` endpoint.
    #[arg(long, env = "OTMETKA_METRICS_ADDR", default_value = "0.0.0.0:9090")]
    pub metrics_addr: SocketAddr,
    #[command(flatten)]
    pub limits: ServerLimits,
}

/// The bounds a server puts on every request and on its own shutdown.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerLimits {
    /// Longest time a request may run; a shorter client deadline wins.
    #[arg(long, env = "OTMETKA_REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// On SIGTERM: how long in-flight requests may finish before they are cut.
    #[arg(long, env = "OTMETKA_SHUTDOWN_DRAIN", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_drain: Duration,
    /// Largest gRPC message accepted or sent, in bytes.
    #[arg(long, env = "OTMETKA_MAX_MESSAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_message_bytes: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            shutdown_drain: Duration::from_secs(10),
            max_message_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Where a service keeps its data.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://path/file.db` or `postgres://user:password@host/db`.
    /// Default: an SQLite file `data/<service>.db`.
    #[arg(
        long = "database-url",
        env = "OTMETKA_DATABASE_URL",
        hide_env_values = true
    )]
    pub url: Option<SecretUrl>,
    /// PostgreSQL schema holding this service's tables. Default: the service's name.
    #[arg(long = "database-schema", env = "OTMETKA_DATABASE_SCHEMA")]
    pub schema: Option<String>,
    /// Largest number of pooled connections.
    #[arg(
        long = "database-max-connections",
        env = "OTMETKA_DATABASE_MAX_CONNECTIONS",
        default_value_t = 10
    )]
    pub max_connections: u32,
}

impl DatabaseArgs {
    /// The settings for `service`, with its defaults filled in.
    pub fn settings(&self, service: &str) -> crate::db::DbSettings {
        crate::db::DbSettings {
            url: self
                .url
                .clone()
                .unwrap_or_else(|| SecretUrl::new(format!("sqlite://data/{service}.db"))),
            schema: self.schema.clone().unwrap_or_else(|| service.to_owned()),
            max_connections: self.max_connections,
        }
    }
}

/// Where a service finds identity, whose keys verify every access token.
#[derive(clap::Args, Debug, Clone)]
pub struct IdentityArgs {
    /// gRPC address of the identity service.
    #[arg(
        long,
        env = "OTMETKA_IDENTITY_URL",
        default_value = "http://127.0.0.1:50051"
    )]
    pub identity_url: String,
}

/// A platform service's client credentials at identity, for what it does
/// in its own name: reading other services' change feeds.
#[derive(clap::Args, Debug, Clone)]
pub struct ClientArgs {
    /// The service's client id at identity (a UUID).
    #[arg(long, env = "OTMETKA_CLIENT_ID")]
    pub client_id: uuid::Uuid,
    /// The service's client secret at identity.
    #[arg(long, env = "OTMETKA_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Secret,
}

impl From<ClientArgs> for ClientCredentials {
    fn from(args: ClientArgs) -> Self {
        Self {
            id: args.client_id,
            secret: args.client_secret,
        }
    }
}

/// A machine client's id and secret (OAuth2 client credentials).
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub id: uuid::Uuid,
    pub secret: Secret,
}

/// TLS for a gRPC server, from PEM files; with a client CA, mutual TLS:
/// only clients with a certificate that CA issued may connect.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ServerTlsArgs {
    /// The server's certificate chain (PEM); with `--tls-key-file`, serve TLS.
    #[arg(long, env = "OTMETKA_TLS_CERT_FILE", requires = "tls_key_file")]
    pub tls_cert_file: Option<std::path::PathBuf>,
    /// The server's private key (PEM).
    #[arg(long, env = "OTMETKA_TLS_KEY_FILE", requires = "tls_cert_file")]
    pub tls_key_file: Option<std::path::PathBuf>,
    /// CA certificates (PEM) whose client certificates are required: mutual TLS.
    #[arg(long, env = "OTMETKA_TLS_CLIENT_CA_FILE", requires = "tls_cert_file")]
    pub tls_client_ca_file: Option<std::path::PathBuf>,
}

/// TLS settings of a gRPC server, read from their files.
#[derive(Debug, Clone)]
pub struct ServerTls {
    pub identity: tonic::transport::Identity,
    /// Required issuer of client certificates; `None`: no client certificate.
    pub client_ca: Option<tonic::transport::Certificate>,
}

impl ServerTlsArgs {
    /// Reads the files; `None` when TLS is not configured.
    pub fn load(&self) -> anyhow::Result<Option<ServerTls>> {
        use anyhow::Context;
        let (Some(cert), Some(key)) = (&self.tls_cert_file, &self.tls_key_file) else {
            return Ok(None);
        };
        let read = |path: &std::path::PathBuf| {
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))
        };
        Ok(Some(ServerTls {
            identity: tonic::transport::Identity::from_pem(read(cert)?, read(key)?),
            client_ca: self
                .tls_client_ca_file
                .as_ref()
                .map(|ca| read(ca).map(tonic::transport::Certificate::from_pem))
                .transpose()?,
        }))
    }
}

/// A secret string: printed as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// A URL that may carry a password: printed with the password masked.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any `user:password@` reduced to `user:***@`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return "[redacted]".into();
        };
        match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            None => self.0.clone(),
        }
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl FromStr for SecretUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let url = SecretUrl::new("postgres://otmetka:hunter2@db:5432/otmetka");
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(shown, "postgres://otmetka:***@db:5432/otmetka");
        assert_eq!(
            format!("{:?}", SecretUrl::new("sqlite://data/x.db")),
            "sqlite://data/x.db"
        );
    }

    #[test]
    fn durations_parse_humanly() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert!(parse_duration("soon").is_err());
    }
}
