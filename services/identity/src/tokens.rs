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
use otmetka_platform::ids::PersonId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::model::ClientId;
use crate::store;

/// A key that signs new tokens.
struct ActiveKey {
    kid: String,
    encoding: EncodingKey,
}

/// What the stored keys mean at one moment: who signs, what is published.
struct KeyState {
    active: ActiveKey,
    published: Vec<(String, [u8; 32])>,
}

/// The keys of this identity instance: the newest active one signs; every
/// unretired one, pending ones included, verifies and is published.
pub struct Keys {
    state: RwLock<KeyState>,
    verifying: Arc<RwLock<HashMap<String, DecodingKey>>>,
}

impl Keys {
    /// Loads the unretired keys, creating the first one on a fresh database.
    pub async fn load_or_create(db: &Db) -> anyhow::Result<Self> {
        let mut stored = store::signing_keys(db).await?;
        if stored.is_empty() {
            let key = generate_key(Utc::now(), None)?;
            store::insert_signing_key(db, &key).await?;
            tracing::info!(kid = %key.kid, "created the first token signing key");
            stored.push(key);
        }
        let (state, verifying) = Self::interpret(&stored, Utc::now())?;
        Ok(Self {
            state: RwLock::new(state),
            verifying: Arc::new(RwLock::new(verifying)),
        })
    }

    /// Re-reads the keys (another replica may have rotated them).
    pub async fn reload(&self, db: &Db, now: DateTime<Utc>) -> anyhow::Result<()> {
        let stored = store::signing_keys(db).await?;
        let (state, verifying) = Self::interpret(&stored, now)?;
        *self.state.write().await = state;
        *self.verifying.write().await = verifying;
        Ok(())
    }

    /// The newest key active at `now` signs; all of `stored` verify.
    fn interpret(
        stored: &[StoredKey],
        now: DateTime<Utc>,
    ) -> anyhow::Result<(KeyState, HashMap<String, DecodingKey>)> {
        let signer = stored
            .iter()
            .filter(|key| key.activation() <= now)
            .max_by_key(|key| (key.activation(), key.kid.clone()))
            .ok_or_else(|| anyhow::anyhow!("no active signing key"))?;
        let active = ActiveKey {
            kid: signer.kid.clone(),
            encoding: EncodingKey::from_ed_der(&signer.private_key),
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
        Ok((KeyState { active, published }, verifying))
    }

    /// Publishes a new key now that starts signing after `publish_delay`.
    pub async fn rotate(
        db: &Db,
        now: DateTime<Utc>,
        publish_delay: Duration,
    ) -> anyhow::Result<StoredKey> {
        let key = generate_key(now, Some(now + chrono::Duration::from_std(publish_delay)?))?;
        store::insert_signing_key(db, &key).await?;
        tracing::info!(kid = %key.kid, activates_at = ?key.activates_at, "published a new token signing key");
        Ok(key)
    }

    /// For verifying tokens inside identity itself.
    pub fn key_source(&self) -> KeySource {
        KeySource::Local(self.verifying.clone())
    }

    /// The public keys as RFC 7517 JSON.
    pub async fn jwks_json(&self) -> String {
        let keys: Vec<_> = self
            .state
            .read()
            .await
            .published
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
        person_id: PersonId,
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
        client_id: ClientId,
        scopes: &[String],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        self.sign(client_id, Vec::new(), Some(scopes.join(" ")), ttl, now)
            .await
    }

    /// `subject` is the principal: a person or a client, whose ids the
    /// token carries alike.
    async fn sign(
        &self,
        subject: impl Into<Uuid>,
        roles: Vec<String>,
        client_scope: Option<String>,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires = now + chrono::Duration::from_std(ttl)?;
        let claims = Claims {
            iss: TOKEN_ISSUER.into(),
            aud: TOKEN_AUDIENCE.into(),
            sub: subject.into().to_string(),
            exp: expires.timestamp(),
            iat: now.timestamp(),
            jti: Uuid::now_v7().to_string(),
            roles,
            client: client_scope.is_some(),
            scope: client_scope.unwrap_or_default(),
        };
        let state = self.state.read().await;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(state.active.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &state.active.encoding)?;
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
    /// When it starts signing; `None`: from its creation.
    pub activates_at: Option<DateTime<Utc>>,
}

impl StoredKey {
    pub fn activation(&self) -> DateTime<Utc> {
        self.activates_at.unwrap_or(self.created_at)
    }
}

fn generate_key(
    now: DateTime<Utc>,
    activates_at: Option<DateTime<Utc>>,
) -> anyhow::Result<StoredKey> {
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
        created_at: now,
        activates_at,
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
        let (state, verifying) =
            Keys::interpret(&[generate_key(Utc::now(), None).unwrap()], Utc::now()).unwrap();
        Keys {
            state: RwLock::new(state),
            verifying: Arc::new(RwLock::new(verifying)),
        }
    }

    #[tokio::test]
    async fn issued_tokens_verify_through_the_published_jwks() {
        let keys = fresh_keys();
        let person = PersonId::generate();
        let (token, _) = keys
            .issue_access_token(person, true, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        let published = parse_jwks(&keys.jwks_json().await).unwrap();
        let verifier = TokenVerifier::new(KeySource::Local(Arc::new(RwLock::new(published))));
        let principal = verifier.verify(&token).await.unwrap();
        assert_eq!(principal.id, person.uuid());
        assert!(principal.city_operator);
        assert!(!principal.is_client());
    }

    #[tokio::test]
    async fn client_tokens_carry_scopes_and_never_city_roles() {
        let keys = fresh_keys();
        let verifier = TokenVerifier::new(keys.key_source());
        let scopes = ["roster.read".to_owned(), "marks.write".to_owned()];
        let client = ClientId::generate();
        let (token, _) = keys
            .issue_client_token(client, &scopes, Duration::from_secs(60), Utc::now())
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
        let person = PersonId::generate();
        let (expired, _) = keys
            .issue_access_token(person, false, Duration::from_secs(60), long_ago)
            .await
            .unwrap();
        assert!(verifier.verify(&expired).await.is_err());

        let stranger = fresh_keys();
        let (foreign, _) = stranger
            .issue_access_token(person, false, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        assert!(verifier.verify(&foreign).await.is_err());

        let (good, _) = keys
            .issue_access_token(person, false, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        let mut tampered = good.clone();
        tampered.insert(good.len() - 2, 'A');
        assert!(verifier.verify(&tampered).await.is_err());
        assert!(verifier.verify(&good).await.is_ok());
    }

    #[tokio::test]
    async fn rotation_publishes_first_signs_later_and_retires_old_keys() {
        let db = crate::test_db().await;
        let keys = Keys::load_or_create(&db).await.unwrap();
        let verifier = TokenVerifier::new(keys.key_source());
        let ttl = Duration::from_secs(900);
        let kid_of = |token: &str| jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
        let published = |json: String| parse_jwks(&json).unwrap().len();

        let start = Utc::now();
        let (old_token, _) = keys
            .issue_access_token(PersonId::generate(), false, ttl, start)
            .await
            .unwrap();
        let new_key = Keys::rotate(&db, start, Duration::from_secs(120))
            .await
            .unwrap();
        keys.reload(&db, start).await.unwrap();
        // Published at once, but not signing yet.
        assert_eq!(published(keys.jwks_json().await), 2);
        let (still_old, _) = keys
            .issue_access_token(PersonId::generate(), false, ttl, start)
            .await
            .unwrap();
        assert_eq!(kid_of(&still_old), kid_of(&old_token));

        // After the publish delay the new key signs; old tokens still verify.
        let later = start + chrono::Duration::minutes(3);
        keys.reload(&db, later).await.unwrap();
        let (fresh, _) = keys
            .issue_access_token(PersonId::generate(), false, ttl, later)
            .await
            .unwrap();
        assert_eq!(kid_of(&fresh), new_key.kid);
        assert!(verifier.verify(&old_token).await.is_ok());

        // Once every old token has expired, the old key retires.
        let grace = chrono::Duration::minutes(20);
        assert_eq!(
            store::retire_superseded_keys(&db, later, grace)
                .await
                .unwrap(),
            0
        );
        let much_later = later + chrono::Duration::minutes(21);
        assert_eq!(
            store::retire_superseded_keys(&db, much_later, grace)
                .await
                .unwrap(),
            1
        );
        keys.reload(&db, much_later).await.unwrap();
        assert_eq!(published(keys.jwks_json().await), 1);
        assert!(
            verifier.verify(&old_token).await.is_err(),
            "a retired key verifies nothing"
        );
        assert!(verifier.verify(&fresh).await.is_ok());
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
