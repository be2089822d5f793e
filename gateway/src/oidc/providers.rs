//! The providers: as configured, read once at start and refused whole if
//! any of them is unusable, so that a typo never surfaces at someone's
//! sign-in; and what each says about itself (endpoints, keys, logout), read
//! from its discovery document when first needed and again when its keys
//! may have rotated.

use std::collections::HashMap;
use std::time::Duration;

use openidconnect::IssuerUrl;
use openidconnect::core::{CoreJwsSigningAlgorithm, CoreProviderMetadata};
use otmetka_platform::config::Secret;
use otmetka_platform::{Error, Result};
use serde::Deserialize;
use tokio::sync::RwLock;

use super::login::ProviderView;

/// One configured provider, as in `OTMETKA_OIDC_PROVIDERS`.
#[derive(Clone, Deserialize)]
pub struct ProviderConfig {
    /// Short name used in URLs, e.g. "mos".
    pub id: String,
    /// What the sign-in button says.
    #[serde(default)]
    pub title: String,
    /// Exactly as the provider's ID tokens name it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Signature algorithms accepted on ID tokens.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<String>,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into()]
}

fn default_algorithms() -> Vec<String> {
    vec!["RS256".into()]
}

/// Parses `OTMETKA_OIDC_PROVIDERS` (a JSON array of provider objects).
pub fn parse_providers(json: &str) -> anyhow::Result<Vec<ProviderConfig>> {
    let providers: Vec<ProviderConfig> = serde_json::from_str(json).map_err(|e| {
        anyhow::anyhow!("OTMETKA_OIDC_PROVIDERS is not a JSON list of providers: {e}")
    })?;
    for provider in &providers {
        anyhow::ensure!(
            !provider.id.is_empty()
                && provider
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "provider id {:?} must be letters, digits and '-'",
            provider.id
        );
        algorithms(&provider.algorithms)?;
        IssuerUrl::new(provider.issuer.clone())?;
    }
    Ok(providers)
}

pub(super) fn algorithms(names: &[String]) -> anyhow::Result<Vec<CoreJwsSigningAlgorithm>> {
    names
        .iter()
        .map(|name| {
            let algorithm: CoreJwsSigningAlgorithm =
                serde_json::from_value(serde_json::Value::String(name.clone()))?;
            anyhow::ensure!(name != "none", "the \"none\" algorithm is never accepted");
            Ok(algorithm)
        })
        .collect()
}

/// The HTTP client of the flow: the workspace's reqwest, redirects never followed.
#[derive(Clone)]
pub(super) struct Http(reqwest::Client);

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = reqwest::Error;
    type Future = std::pin::Pin<
        Box<dyn Future<Output = Result<openidconnect::HttpResponse, reqwest::Error>> + Send + 'c>,
    >;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut outgoing = self
                .0
                .request(parts.method, parts.uri.to_string())
                .body(body);
            for (name, value) in &parts.headers {
                outgoing = outgoing.header(name, value);
            }
            let response = outgoing.send().await?;
            let mut builder = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await?.to_vec();
            Ok(builder
                .body(body)
                .expect("a response rebuilt from a valid one"))
        })
    }
}

/// The configured providers and what was discovered about them.
pub struct Providers {
    providers: Vec<(ProviderConfig, RwLock<Option<CoreProviderMetadata>>)>,
    /// Each provider's `end_session_endpoint`, if its discovery names one.
    end_session: RwLock<HashMap<String, String>>,
    pub(super) http: Http,
    public_url: String,
}

impl Providers {
    pub fn new(configs: Vec<ProviderConfig>, public_url: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            // A provider's redirect is never followed: a token or
            // discovery answer comes from the URL asked, or not at all.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            providers: configs
                .into_iter()
                .map(|config| (config, RwLock::new(None)))
                .collect(),
            end_session: RwLock::default(),
            http: Http(http),
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    pub(super) fn find(
        &self,
        id: &str,
    ) -> Result<&(ProviderConfig, RwLock<Option<CoreProviderMetadata>>)> {
        self.providers
            .iter()
            .find(|(config, _)| config.id == id)
            .ok_or_else(|| Error::not_found("identity provider"))
    }

    pub(super) fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/api/v1/oidc/{provider}/callback", self.public_url)
    }

    /// The provider's discovery document (and keys), fetched once, or again
    /// when `refresh` (its keys may have rotated).
    pub(super) async fn metadata(&self, id: &str, refresh: bool) -> Result<CoreProviderMetadata> {
        let (config, cached) = self.find(id)?;
        if !refresh && let Some(metadata) = cached.read().await.as_ref() {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(anyhow::Error::from)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|error| {
                tracing::warn!(provider = id, error = %error, "OpenID Connect discovery failed");
                Error::Unavailable("the identity provider cannot be reached".into())
            })?;
        *cached.write().await = Some(metadata.clone());
        // The core metadata type has no `end_session_endpoint`: read it from
        // the same document. Without one there is simply no provider logout.
        let document = format!(
            "{}/.well-known/openid-configuration",
            config.issuer.trim_end_matches('/')
        );
        let end_session = match self.http.0.get(document).send().await {
            Ok(response) => response.json::<serde_json::Value>().await.ok(),
            Err(_) => None,
        }
        .and_then(|doc| {
            doc.get("end_session_endpoint")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        });
        let mut known = self.end_session.write().await;
        match end_session {
            Some(endpoint) => known.insert(id.to_owned(), endpoint),
            None => known.remove(id),
        };
        Ok(metadata)
    }

    /// Where to send a browser to sign out at `provider` after this session.
    pub(super) async fn logout_url(
        &self,
        provider: &str,
        client_id: &str,
        id_token: &str,
    ) -> Option<String> {
        let endpoint = self.end_session.read().await.get(provider).cloned()?;
        let mut url = url::Url::parse(&endpoint).ok()?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("client_id", client_id)
            .append_pair("post_logout_redirect_uri", &format!("{}/", self.public_url));
        Some(url.into())
    }

    pub fn list(&self) -> Vec<ProviderView> {
        self.providers
            .iter()
            .map(|(config, _)| ProviderView {
                id: config.id.clone(),
                title: if config.title.is_empty() {
                    config.id.clone()
                } else {
                    config.title.clone()
                },
                login_url: format!("/api/v1/oidc/{}/login", config.id),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_configuration_is_checked() {
        let good = r#"[{"id":"mos","issuer":"https://login.mos.ru/sps","client_id":"c","client_secret":"s"}]"#;
        let providers = parse_providers(good).unwrap();
        assert_eq!(providers[0].scopes, ["openid", "profile"]);
        assert!(!format!("{:?}", providers[0]).contains("\"s\""));
        let none = r#"[{"id":"x","issuer":"https://x","client_id":"c","client_secret":"s","algorithms":["none"]}]"#;
        assert!(parse_providers(none).is_err());
        let bad_id = r#"[{"id":"a/b","issuer":"https://x","client_id":"c","client_secret":"s"}]"#;
        assert!(parse_providers(bad_id).is_err());
    }
}
