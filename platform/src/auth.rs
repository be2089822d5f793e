//! Access tokens: what they claim, and how every service verifies them.
//!
//! Identity signs short-lived JWTs with Ed25519 keys named by `kid` and
//! publishes the public halves as a JWKS. Services verify tokens themselves
//! with a cached copy of that set, refetched when an unknown `kid` appears
//! at most once per [`JWKS_REFETCH_INTERVAL`] so forged `kid`s cannot flood
//! identity, and refreshed when older than [`JWKS_MAX_AGE`] — which is how a
//! rotated key reaches them before any token carries it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::memo::Memo;
use otmetka_proto::identity::v1::GetJwksRequest;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;

pub const TOKEN_ISSUER: &str = "otmetka-identity";
pub const TOKEN_AUDIENCE: &str = "otmetka";
pub const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(10);
/// How old a cached key set may get before it is refreshed. Identity
/// publishes a new key at least twice this long before it signs with it.
pub const JWKS_MAX_AGE: Duration = Duration::from_secs(60);

/// The role claim that marks a city operator.
pub const ROLE_CITY_OPERATOR: &str = "city_operator";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The person's id.
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    /// City-level roles; school roles and relationships are looked up, not claimed.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Set for machine clients: their id is `sub`, their rights are `scope`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub client: bool,
    /// Space-separated OAuth2 scopes of a client token.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

/// The verified caller of a request: a person, or a machine client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The person's id, or the client's.
    pub id: Uuid,
    pub city_operator: bool,
    /// `Some` for machine clients, with the scopes their token carries.
    pub client_scopes: Option<Vec<String>>,
}

impl Principal {
    pub fn is_client(&self) -> bool {
        self.client_scopes.is_some()
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.client_scopes
            .as_ref()
            .is_some_and(|scopes| scopes.iter().any(|s| s == scope))
    }
}

/// The caller's bearer token, kept to forward on calls made on their behalf.
#[derive(Clone)]
pub struct BearerToken(pub Arc<str>);

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken([redacted])")
    }
}

/// Where verification keys come from.
#[derive(Clone)]
pub enum KeySource {
    /// Keys held in this process (identity itself), updated on rotation.
    Local(Arc<RwLock<HashMap<String, DecodingKey>>>),
    /// Keys fetched from identity's `GetJwks` and cached.
    Remote(Arc<RemoteJwks>),
}

pub struct RemoteJwks {
    client: IdentityServiceClient<tonic::transport::Channel>,
    keys: RwLock<HashMap<String, DecodingKey>>,
    fetched_at: RwLock<Option<Instant>>,
    /// One fetch at a time.
    fetching: Mutex<()>,
}

impl RemoteJwks {
    pub fn new(client: IdentityServiceClient<tonic::transport::Channel>) -> Self {
        Self {
            client,
            keys: RwLock::default(),
            fetched_at: RwLock::default(),
            fetching: Mutex::default(),
        }
    }

    async fn key(&self, kid: &str) -> Result<Option<DecodingKey>> {
        let fresh = |at: Option<Instant>, age: Duration| at.is_some_and(|at| at.elapsed() < age);
        let known = self.keys.read().await.get(kid).cloned();
        if known.is_some() && fresh(*self.fetched_at.read().await, JWKS_MAX_AGE) {
            return Ok(known);
        }
        let _fetching = self.fetching.lock().await;
        let fetched_at = *self.fetched_at.read().await;
        let known = self.keys.read().await.get(kid).cloned();
        let due = match &known {
            // Known but old: refresh, so that published keys arrive before use.
            Some(_) => !fresh(fetched_at, JWKS_MAX_AGE),
            // Unknown: refetch, but not more often than the interval.
            None => !fresh(fetched_at, JWKS_REFETCH_INTERVAL),
        };
        if !due {
            return Ok(known);
        }
        match self.fetch().await {
            Ok(keys) => {
                let found = keys.get(kid).cloned();
                *self.keys.write().await = keys;
                *self.fetched_at.write().await = Some(Instant::now());
                Ok(found)
            }
            // A stale key is better than none while identity is away.
            Err(_) if known.is_some() => Ok(known),
            Err(error) => Err(error),
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>> {
        let mut request = tonic::Request::new(GetJwksRequest {});
        request.set_timeout(Duration::from_secs(3));
        crate::telemetry::inject_current_context(request.metadata_mut());
        let response = self
            .client
            .clone()
            .get_jwks(request)
            .await
            .map_err(|status| {
                tracing::warn!(code = ?status.code(), "fetching verification keys failed");
                Error::Unavailable("token verification keys unavailable".into())
            })?;
        parse_jwks(&response.into_inner().jwks_json)
    }
}

/// Decoding keys by `kid` from JWKS JSON.
pub fn parse_jwks(json: &str) -> Result<HashMap<String, DecodingKey>> {
    let set: JwkSet = serde_json::from_str(json)
        .map_err(|e| Error::Internal(anyhow::anyhow!("malformed JWKS: {e}")))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone() else {
            continue;
        };
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|e| Error::Internal(anyhow::anyhow!("JWKS key {kid}: {e}")))?;
        keys.insert(kid, key);
    }
    Ok(keys)
}

/// How long a verified token is remembered (never past its expiry): a
/// request crosses several services and a page makes several requests, each
/// of which would check the same signature again.
const VERIFIED_TTL: Duration = Duration::from_secs(60);
/// About how many verified tokens are remembered at most.
const VERIFIED_KEPT: usize = 50_000;

/// Verifies access tokens: signature (EdDSA only), issuer, audience, expiry.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: KeySource,
    validation: Arc<Validation>,
    verified: Memo<Arc<str>, Verified>,
}

/// A token whose signature and claims were checked.
#[derive(Clone)]
struct Verified {
    principal: Principal,
    /// The key that signed it.
    kid: String,
    /// The Unix second it stops being valid.
    valid_until: i64,
}

impl TokenVerifier {
    pub fn new(keys: KeySource) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[TOKEN_ISSUER]);
        validation.set_audience(&[TOKEN_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Self {
            keys,
            validation: Arc::new(validation),
            verified: Memo::new(VERIFIED_TTL, VERIFIED_KEPT),
        }
    }

    /// A verifier that fetches keys from identity at `identity_url` when needed.
    pub fn remote(identity_url: &str) -> anyhow::Result<Self> {
        let channel = crate::grpc::client::lazy_channel(identity_url)?;
        Ok(Self::new(KeySource::Remote(Arc::new(RemoteJwks::new(
            IdentityServiceClient::new(channel),
        )))))
    }

    pub async fn verify(&self, token: &str) -> Result<Principal> {
        let unauthenticated = || Error::Unauthenticated("invalid access token".into());
        let token: Arc<str> = Arc::from(token);
        // A remembered token still needs its key in the current set, so that
        // a key withdrawn from the set stops its tokens at once.
        if let Some(verified) = self.verified.get(&token)
            && chrono::Utc::now().timestamp() < verified.valid_until
        {
            self.key(&verified.kid).await?.ok_or_else(unauthenticated)?;
            return Ok(verified.principal);
        }
        let verified = self.verify_signed(&token).await?;
        let principal = verified.principal.clone();
        self.verified.insert(token, verified);
        Ok(principal)
    }

    async fn key(&self, kid: &str) -> Result<Option<DecodingKey>> {
        Ok(match &self.keys {
            KeySource::Local(keys) => keys.read().await.get(kid).cloned(),
            KeySource::Remote(remote) => remote.key(kid).await?,
        })
    }

    async fn verify_signed(&self, token: &str) -> Result<Verified> {
        let unauthenticated = || Error::Unauthenticated("invalid access token".into());
        let header = jsonwebtoken::decode_header(token).map_err(|_| unauthenticated())?;
        if header.alg != Algorithm::EdDSA {
            return Err(unauthenticated());
        }
        let kid = header.kid.ok_or_else(unauthenticated)?;
        let key = self.key(&kid).await?.ok_or_else(unauthenticated)?;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &self.validation).map_err(|e| {
            tracing::debug!(error = %e, "token rejected");
            unauthenticated()
        })?;
        let claims = data.claims;
        let id = Uuid::parse_str(&claims.sub).map_err(|_| unauthenticated())?;
        let principal = Principal {
            id,
            // City-level roles belong to people; a client never holds them.
            city_operator: !claims.client && claims.roles.iter().any(|r| r == ROLE_CITY_OPERATOR),
            client_scopes: claims
                .client
                .then(|| claims.scope.split_whitespace().map(str::to_owned).collect()),
        };
        let leeway = i64::try_from(self.validation.leeway).unwrap_or(0);
        Ok(Verified {
            principal,
            kid,
            valid_until: claims.exp.saturating_add(leeway),
        })
    }
}
