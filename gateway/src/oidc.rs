//! Sign-in through external OpenID Connect providers (mos.ru, Gosuslugi or
//! any other): the authorization code flow with PKCE (S256), `state` bound
//! to the browser by a cookie and spent once, `nonce`, exact redirect URIs,
//! and ID tokens checked for issuer, audience, expiry, signature and an
//! allowed-algorithm list. A response can only complete the flow of the
//! provider it was started with (no mix-up), and a provider that names its
//! issuer in the response (RFC 9207) must name its own.

use std::collections::HashMap;
use std::time::Duration;

use crate::client_ip::ClientIp;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenVerifier, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use otmetka_platform::config::Secret;
use otmetka_platform::grpc::context::{outgoing, set_client_address};
use otmetka_platform::{Error, Result, with_db};
use otmetka_proto::identity::v1 as identity;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::ApiJson;
use crate::problem::Problem;
use crate::session::{self, LoginTokens, Origin};

const STATE_COOKIE: &str = "otmetka_oidc";
const LINK_COOKIE: &str = "otmetka_link";
/// Time a person may spend at the provider.
const FLOW_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);
/// Time a person may take to find their access code.
const LINK_LIFETIME: chrono::Duration = chrono::Duration::minutes(30);

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

fn algorithms(names: &[String]) -> anyhow::Result<Vec<CoreJwsSigningAlgorithm>> {
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
struct Http(reqwest::Client);

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
    http: Http,
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

    fn find(&self, id: &str) -> Result<&(ProviderConfig, RwLock<Option<CoreProviderMetadata>>)> {
        self.providers
            .iter()
            .find(|(config, _)| config.id == id)
            .ok_or_else(|| Error::not_found("identity provider"))
    }

    fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/api/v1/oidc/{provider}/callback", self.public_url)
    }

    /// The provider's discovery document (and keys), fetched once, or again
    /// when `refresh` (its keys may have rotated).
    async fn metadata(&self, id: &str, refresh: bool) -> Result<CoreProviderMetadata> {
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
    async fn logout_url(&self, provider: &str, client_id: &str, id_token: &str) -> Option<String> {
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

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hash(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

fn cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/api/v1/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie is ASCII")
}

fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
}

/// Only paths of this site: never another origin (no open redirect).
fn safe_return_to(return_to: Option<String>) -> String {
    match return_to {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/".into(),
    }
}

fn redirect(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response();
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `return_to` with `oidc=<outcome>` added to its query.
fn with_outcome(return_to: &str, outcome: &str) -> String {
    let separator = if return_to.contains('?') { '&' } else { '?' };
    format!("{return_to}{separator}oidc={outcome}")
}

fn refused(detail: &str) -> Error {
    Error::invalid("state", detail)
}

/// An identity provider people may sign in with.
#[derive(Serialize, ToSchema)]
pub struct ProviderView {
    #[schema(example = "mos")]
    id: String,
    #[schema(example = "mos.ru")]
    title: String,
    /// Where the browser goes to sign in.
    login_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProvidersView {
    providers: Vec<ProviderView>,
}

/// `GET /api/v1/oidc/providers`: where people may sign in.
#[utoipa::path(get, path = "/api/v1/oidc/providers", tag = "session", security(()),
    responses((status = 200, description = "The configured providers", body = ProvidersView)))]
pub async fn providers(State(state): State<AppState>) -> Json<ProvidersView> {
    Json(ProvidersView {
        providers: state.oidc.list(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    /// A path of this site to come back to afterwards.
    return_to: Option<String>,
}

/// `GET /api/v1/oidc/{provider}/login`: off to the provider.
#[utoipa::path(get, path = "/api/v1/oidc/{provider}/login", tag = "session", security(()),
    params(("provider" = String, Path, description = "The provider's id"), LoginQuery),
    responses((status = 303, description = "To the provider's sign-in page")))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(query): Query<LoginQuery>,
) -> Response {
    start(&state, &provider, safe_return_to(query.return_to), None)
        .await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

/// `GET /api/v1/oidc/{provider}/link`: a signed-in person adds their
/// account at the provider, to sign in with it from then on.
#[utoipa::path(get, path = "/api/v1/oidc/{provider}/link", tag = "session",
    params(("provider" = String, Path, description = "The provider's id"), LoginQuery),
    responses((status = 303, description = "To the provider's sign-in page")))]
pub async fn link_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::session::ActiveSession(session): crate::session::ActiveSession,
    Path(provider): Path<String>,
    Query(query): Query<LoginQuery>,
) -> Response {
    start(
        &state,
        &provider,
        safe_return_to(query.return_to),
        Some(session.person_id),
    )
    .await
    .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

async fn start(
    state: &AppState,
    provider: &str,
    return_to: String,
    link_person: Option<uuid::Uuid>,
) -> Result<Response> {
    let (config, _) = state.oidc.find(provider)?;
    let client = client_for(state, config, state.oidc.metadata(provider, false).await?)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in config.scopes.iter().filter(|scope| *scope != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, csrf, nonce) = request.url();
    let expires_at = Utc::now() + FLOW_LIFETIME;
    with_db!(&state.db, pool => { sqlx::query(
        "INSERT INTO oidc_logins (state_hash, provider, pkce_verifier, nonce, return_to, expires_at, link_person)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(hash(csrf.secret())).bind(provider).bind(verifier.secret()).bind(nonce.secret())
        .bind(&return_to).bind(expires_at).bind(link_person)
        .execute(pool).await?; });
    let state_cookie = cookie(
        state,
        STATE_COOKIE,
        csrf.secret(),
        FLOW_LIFETIME.num_seconds(),
    );
    Ok(redirect(url.as_str(), vec![state_cookie]))
}

/// What the provider sends the browser back with.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PendingLogin {
    provider: String,
    pkce_verifier: String,
    nonce: String,
    return_to: String,
    /// Set when a signed-in person is linking this account, not signing in.
    link_person: Option<uuid::Uuid>,
}

/// `GET /api/v1/oidc/{provider}/callback`: back from the provider.
#[utoipa::path(get, path = "/api/v1/oidc/{provider}/callback", tag = "session", security(()),
    params(("provider" = String, Path, description = "The provider's id"), CallbackQuery),
    responses((status = 303, description = "Signed in (or asked for an access code): back to `return_to` with `oidc=<outcome>`")))]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    finish(&state, &headers, peer, &provider, query)
        .await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    provider: &str,
    query: CallbackQuery,
) -> Result<Response> {
    let (config, _) = state.oidc.find(provider)?;
    if let Some(error) = query.error {
        return Err(Error::invalid(
            "error",
            format!("the identity provider answered {error:?}"),
        ));
    }
    let returned_state = query.state.ok_or_else(|| refused("is missing"))?;
    // The state must be the one this browser was sent off with.
    if cookie_named(headers, STATE_COOKIE).as_deref() != Some(returned_state.as_str()) {
        return Err(refused("does not belong to this browser's sign-in"));
    }
    let pending: Option<PendingLogin> = with_db!(&state.db, pool => sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > $2
         RETURNING provider, pkce_verifier, nonce, return_to, link_person")
        .bind(hash(&returned_state)).bind(Utc::now()).fetch_optional(pool).await?);
    let pending = pending.ok_or_else(|| refused("is unknown, expired or already used"))?;
    if pending.provider != provider {
        return Err(refused("belongs to a sign-in with another provider"));
    }
    if query.iss.as_ref().is_some_and(|iss| *iss != config.issuer) {
        return Err(Error::invalid(
            "iss",
            "names another issuer than this provider's",
        ));
    }
    let code = query
        .code
        .ok_or_else(|| Error::invalid("code", "is missing"))?;

    let ExternalIdentity {
        issuer,
        subject,
        family_name,
        given_name,
        id_token,
    } = verified_identity(state, config, &pending, code).await?;
    let clear_state = cookie(state, STATE_COOKIE, "", 0);

    let service = state.service_token().await?;
    if let Some(person_id) = pending.link_person {
        let message = identity::LinkExternalIdentityRequest {
            issuer,
            subject,
            person_id: person_id.to_string(),
        };
        let mut request = outgoing(message, &service, None)?;
        request.set_timeout(state.settings.upstream_timeout);
        set_client_address(&mut request, &peer.to_string());
        state
            .identity
            .clone()
            .link_external_identity(request)
            .await?;
        return Ok(redirect(
            &with_outcome(&pending.return_to, "linked"),
            vec![clear_state],
        ));
    }
    let message = identity::LoginWithExternalIdentityRequest {
        issuer: issuer.clone(),
        subject: subject.clone(),
    };
    let mut request = outgoing(message, &service, None)?;
    request.set_timeout(state.settings.upstream_timeout);
    set_client_address(&mut request, &peer.to_string());
    match state
        .identity
        .clone()
        .login_with_external_identity(request)
        .await
    {
        Ok(response) => {
            let login = response
                .into_inner()
                .login
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("no login")))?;
            let logout_url = state
                .oidc
                .logout_url(provider, &config.client_id, &id_token)
                .await;
            let session_cookie = start_session(state, headers, peer, login, logout_url).await?;
            Ok(redirect(
                &pending.return_to,
                vec![clear_state, session_cookie],
            ))
        }
        Err(status) if status.code() == tonic::Code::NotFound => {
            let link_id = random_token();
            let expires_at = Utc::now() + LINK_LIFETIME;
            with_db!(&state.db, pool => { sqlx::query(
                "INSERT INTO oidc_pending_links (id_hash, issuer, subject, family_name, given_name, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(hash(&link_id)).bind(&issuer).bind(&subject).bind(&family_name).bind(&given_name)
                .bind(expires_at).execute(pool).await?; });
            let link_cookie = cookie(state, LINK_COOKIE, &link_id, LINK_LIFETIME.num_seconds());
            let to = with_outcome(&pending.return_to, "access_code_required");
            Ok(redirect(&to, vec![clear_state, link_cookie]))
        }
        Err(status) => Err(Error::from(status)),
    }
}

/// A verified external account and the names its provider shared.
struct ExternalIdentity {
    issuer: String,
    subject: String,
    family_name: String,
    given_name: String,
    /// The ID token itself, as a hint for the provider's logout.
    id_token: String,
}

/// The client that the discovery document describes.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

fn client_for(
    state: &AppState,
    config: &ProviderConfig,
    metadata: CoreProviderMetadata,
) -> Result<DiscoveredClient> {
    let redirect =
        RedirectUrl::new(state.oidc.redirect_uri(&config.id)).map_err(anyhow::Error::from)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(config.client_secret.expose().to_owned())),
    )
    .set_redirect_uri(redirect))
}

/// Checks issuer, audience, expiry, signature (allowed algorithms only) and nonce.
fn verify(
    id_token: &CoreIdToken,
    config: &ProviderConfig,
    metadata: &CoreProviderMetadata,
    nonce: &Nonce,
) -> Result<ExternalIdentity, openidconnect::ClaimsVerificationError> {
    let verifier = CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(config.client_id.clone()),
        ClientSecret::new(config.client_secret.expose().to_owned()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
    .set_allowed_algs(algorithms(&config.algorithms).unwrap_or_default());
    let claims = id_token.claims(&verifier, nonce)?;
    Ok(ExternalIdentity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        family_name: claims
            .family_name()
            .and_then(|c| c.get(None))
            .map(|n| n.to_string())
            .unwrap_or_default(),
        id_token: id_token.to_string(),
        given_name: claims
            .given_name()
            .and_then(|c| c.get(None))
            .map(|n| n.to_string())
            .unwrap_or_default(),
    })
}

/// Exchanges the code (with the PKCE verifier) and verifies the ID token.
async fn verified_identity(
    state: &AppState,
    config: &ProviderConfig,
    pending: &PendingLogin,
    code: String,
) -> Result<ExternalIdentity> {
    let metadata = state.oidc.metadata(&config.id, false).await?;
    let client = client_for(state, config, metadata.clone())?;
    let exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Error::Internal(anyhow::anyhow!("the provider has no token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()));
    let tokens = exchange
        .request_async(&state.oidc.http)
        .await
        .map_err(|error| {
            tracing::info!(provider = %config.id, error = %error, "code exchange refused");
            Error::invalid("code", "the identity provider refused it")
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| Error::invalid("id_token", "the provider sent none"))?;
    let nonce = Nonce::new(pending.nonce.clone());
    let rejected = |error: openidconnect::ClaimsVerificationError| {
        tracing::info!(provider = %config.id, error = %error, "ID token rejected");
        Error::invalid("id_token", format!("rejected: {error}"))
    };
    match verify(id_token, config, &metadata, &nonce) {
        Ok(identity) => Ok(identity),
        // The provider may have rotated its keys: re-read them once.
        Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
            let metadata = state.oidc.metadata(&config.id, true).await?;
            verify(id_token, config, &metadata, &nonce).map_err(rejected)
        }
        Err(error) => Err(rejected(error)),
    }
}

async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    login: identity::LoginResponse,
    provider_logout_url: Option<String>,
) -> Result<HeaderValue> {
    let tokens = LoginTokens {
        person_id: otmetka_platform::time::parse_id("person_id", &login.person_id)?,
        password_change_required: login.password_change_required,
        provider_logout_url,
        access_expires_at: login
            .access_token_expire_time
            .and_then(|t| DateTime::from_timestamp(t.seconds, 0))
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no token expiry")))?,
        access_token: login.access_token,
        refresh_token: login.refresh_token,
    };
    let (cookie, _) = session::create(
        state,
        tokens,
        Origin::of(headers, peer.to_string()),
        headers,
    )
    .await?;
    Ok(cookie)
}

#[derive(Deserialize, ToSchema)]
pub struct LinkBody {
    access_code: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    middle_name: String,
}

#[derive(sqlx::FromRow)]
struct PendingLink {
    issuer: String,
    subject: String,
    family_name: String,
    given_name: String,
}

/// `POST /api/v1/oidc/registrations`: after a first external sign-in, the
/// access code makes the person a guardian and signs them in.
#[utoipa::path(post, path = "/api/v1/oidc/registrations", tag = "session", security(()),
    request_body = LinkBody,
    responses(
        (status = 201, description = "Registered and signed in; the `otmetka_session` cookie is set"),
        (status = 429, description = "Too many attempts from this address", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    ApiJson(body): ApiJson<LinkBody>,
) -> Response {
    link(&state, &headers, peer, body)
        .await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

async fn link(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    body: LinkBody,
) -> Result<Response> {
    let missing = || Error::Unauthenticated("sign in with an identity provider first".into());
    let link_id = cookie_named(headers, LINK_COOKIE).ok_or_else(missing)?;
    let pending: Option<PendingLink> = with_db!(&state.db, pool => sqlx::query_as(
        "SELECT issuer, subject, family_name, given_name FROM oidc_pending_links
         WHERE id_hash = $1 AND expires_at > $2")
        .bind(hash(&link_id)).bind(Utc::now()).fetch_optional(pool).await?);
    let pending = pending.ok_or_else(missing)?;
    let pick = |typed: String, claimed: String| {
        if typed.trim().is_empty() {
            claimed
        } else {
            typed
        }
    };
    let message = identity::RegisterExternalGuardianRequest {
        issuer: pending.issuer,
        subject: pending.subject,
        code: body.access_code,
        family_name: pick(body.family_name, pending.family_name),
        given_name: pick(body.given_name, pending.given_name),
        middle_name: body.middle_name,
    };
    let service = state.service_token().await?;
    let mut request = outgoing(message, &service, None)?;
    request.set_timeout(state.settings.upstream_timeout);
    set_client_address(&mut request, &peer.to_string());
    let response = state
        .identity
        .clone()
        .register_external_guardian(request)
        .await
        .map_err(|status| {
            crate::caller::renamed(Error::from(status), &[("code", "access_code")])
        })?;
    with_db!(&state.db, pool => { sqlx::query("DELETE FROM oidc_pending_links WHERE id_hash = $1")
        .bind(hash(&link_id)).execute(pool).await?; });
    let login = response
        .into_inner()
        .login
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("no login")))?;
    let session_cookie = start_session(state, headers, peer, login, None).await?;
    let mut response = StatusCode::CREATED.into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie);
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie(state, LINK_COOKIE, "", 0));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(
            safe_return_to(Some("/diary?week=3".into())),
            "/diary?week=3"
        );
        for hostile in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "diary",
        ] {
            assert_eq!(safe_return_to(Some(hostile.into())), "/", "{hostile}");
        }
        assert_eq!(safe_return_to(None), "/");
    }

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
