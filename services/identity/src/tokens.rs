//! Signing keys and the tokens identity issues.
//!
//! Access tokens are EdDSA (Ed25519) JWTs naming their key by `kid`; the
//! public keys are published as a JWKS. Refresh tokens are 256-bit random
//! strings kept only as SHA-256 hashes, so a copy of the database cannot be
//! replayed as a session.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use otmetka_platform::auth::{Claims, KeySource, ROLE_CITY_OPERATOR, TOKEN_AUDIENCE, TOKEN_ISSUER};
use otmetka_platform::db::Db;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::store;

/// A key that signs new tokens.
struct ActiveKey {
    kid: String,
    encoding: EncodingKey,
}

/// The keys of this identity instance: the newest signs, all of them verify.
pub struct Keys {
    active: RwLock<ActiveKey>,
    verifying: Arc<RwLock<HashMap<String, DecodingKey>>>,
    published: RwLock<Vec<(String, [u8; 32])>>,
}

impl Keys {
    /// Loads the unretired keys, creating the first one on a fresh database.
    pub async fn load_or_create(db: &Db) -> anyhow::Result<Self> {
        let mut stored = store::signing_keys(db).await?;
        if stored.is_empty() {
            let key = generate_key()?;
            store::insert_signing_key(db, &key).await?;
            tracing::info!(kid = %key.kid, "created the first token signing key");
            stored.push(key);
        }
        Self::from_stored(&stored)
    }

    /// The newest of `stored` signs; all of them verify.
    fn from_stored(stored: &[StoredKey]) -> anyhow::Result<Self> {
        let newest = stored
            .last()
            .ok_or_else(|| anyhow::anyhow!("no signing key"))?;
        let active = ActiveKey {
            kid: newest.kid.clone(),
            encoding: EncodingKey::from_ed_der(&newest.private_key),
        };
        let mut verifying = HashMap::new();
        let mut published = Vec::new();
        for key in stored {
            let public: [u8; 32] = key.public_key.as_slice().try_into().map_err(|_| {
                anyhow::anyhow!("signing key {} has a malformed public key", key.kid)
            })?;
            verifying.insert(
                key.kid.clone(),
                DecodingKey::from_ed_components(&URL_SAFE_NO_PAD.encode(public))?,
            );
            published.push((key.kid.clone(), public));
        }
        Ok(Self {
            active: RwLock::new(active),
            verifying: Arc::new(RwLock::new(verifying)),
            published: RwLock::new(published),
        })
    }

    /// For verifying tokens inside identity itself.
    pub fn key_source(&self) -> KeySource {
        KeySource::Local(self.verifying.clone())
    }

    /// The public keys as RFC 7517 JSON.
    pub async fn jwks_json(&self) -> String {
        let keys: Vec<_> = self
            .published
            .read()
            .await
            .iter()
            .map(|(kid, public)| {
                serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "alg": "EdDSA",
                    "use": "sig",
                    "kid": kid,
                    "x": URL_SAFE_NO_PAD.encode(public),
                })
            })
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    /// Signs an access token for `person_id`, valid for `ttl`.
    pub async fn issue_access_token(
        &self,
        person_id: Uuid,
        city_operator: bool,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let roles = if city_operator {
            vec![ROLE_CITY_OPERATOR.into()]
        } else {
            Vec::new()
        };
        self.sign(person_id, roles, None, ttl, now).await
    }

    /// Signs an access token for a machine client with `scopes`.
    pub async fn issue_client_token(
        &self,
        client_id: Uuid,
        scopes: &[String],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        self.sign(client_id, Vec::new(), Some(scopes.join(" ")), ttl, now)
            .await
    }

    async fn sign(
        &self,
        subject: Uuid,
        roles: Vec<String>,
        client_scope: Option<String>,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires = now + chrono::Duration::from_std(ttl)?;
        let claims = Claims {
            iss: TOKEN_ISSUER.into(),
            aud: TOKEN_AUDIENCE.into(),
            sub: subject.to_string(),
            exp: expires.timestamp(),
            iat: now.timestamp(),
            jti: Uuid::now_v7().to_string(),
            roles,
            client: client_scope.is_some(),
            scope: client_scope.unwrap_or_default(),
        };
        let active = self.active.read().await;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(active.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &active.encoding)?;
        Ok((token, expires))
    }
}

/// A signing key as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredKey {
    pub kid: String,
    pub private_key: Vec<u8>,
    pub public_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

fn generate_key() -> anyhow::Result<StoredKey> {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let signing = SigningKey::from_bytes(&seed);
    let der = signing
        .to_pkcs8_der()
        .map_err(|e| anyhow::anyhow!("encoding a signing key: {e}"))?;
    Ok(StoredKey {
        kid: Uuid::now_v7().to_string(),
        private_key: der.as_bytes().to_vec(),
        public_key: signing.verifying_key().to_bytes().to_vec(),
        created_at: Utc::now(),
    })
}

/// A new refresh token and the hash under which it is stored.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_platform::auth::{TokenVerifier, parse_jwks};

    fn fresh_keys() -> Keys {
        Keys::from_stored(&[generate_key().unwrap()]).unwrap()
    }

    #[tokio::test]
    async fn issued_tokens_verify_through_the_published_jwks() {
        let keys = fresh_keys();
        let person = Uuid::now_v7();
        let (token, _) = keys
            .issue_access_token(person, true, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        let published = parse_jwks(&keys.jwks_json().await).unwrap();
        let verifier = TokenVerifier::new(KeySource::Local(Arc::new(RwLock::new(published))));
        let principal = verifier.verify(&token).await.unwrap();
        assert_eq!(principal.id, person);
        assert!(principal.city_operator);
        assert!(!principal.is_client());
    }

    #[tokio::test]
    async fn client_tokens_carry_scopes_and_never_city_roles() {
        let keys = fresh_keys();
        let verifier = TokenVerifier::new(keys.key_source());
        let scopes = ["roster.read".to_owned(), "marks.write".to_owned()];
        let (token, _) = keys
            .issue_client_token(Uuid::now_v7(), &scopes, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        let principal = verifier.verify(&token).await.unwrap();
        assert!(principal.has_scope("roster.read") && principal.has_scope("marks.write"));
        assert!(!principal.has_scope("changes.read"));
        assert!(!principal.city_operator);
    }

    #[tokio::test]
    async fn expired_and_foreign_tokens_are_refused() {
        let keys = fresh_keys();
        let verifier = TokenVerifier::new(keys.key_source());
        let long_ago = Utc::now() - chrono::Duration::hours(2);
        let (expired, _) = keys
            .issue_access_token(Uuid::now_v7(), false, Duration::from_secs(60), long_ago)
            .await
            .unwrap();
        assert!(verifier.verify(&expired).await.is_err());

        let stranger = fresh_keys();
        let (foreign, _) = stranger
            .issue_access_token(Uuid::now_v7(), false, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        assert!(verifier.verify(&foreign).await.is_err());

        let (good, _) = keys
            .issue_access_token(Uuid::now_v7(), false, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        let mut tampered = good.clone();
        tampered.insert(good.len() - 2, 'A');
        assert!(verifier.verify(&tampered).await.is_err());
        assert!(verifier.verify(&good).await.is_ok());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (first, first_hash) = new_refresh_token();
        let (second, _) = new_refresh_token();
        assert_ne!(first, second);
        assert_eq!(hash_refresh_token(&first), first_hash);
        assert_eq!(first.len(), 43);
    }
}
