//! Machine clients (vendors' systems, platform services) and the schools
//! that granted vendors access. Clients authenticate with OAuth2 client
//! credentials; their secrets are random and stored only as hashes. Their
//! queries are `store::clients`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use otmetka_platform::ids::{PersonId, SchoolId};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::model::ClientId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub kind: String,
    pub secret_hash: Vec<u8>,
    pub allowed_scopes: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Client {
    pub fn scopes(&self) -> Vec<String> {
        self.allowed_scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct VendorGrant {
    pub client_id: ClientId,
    pub school_id: SchoolId,
    pub granted_by: PersonId,
    pub created_at: DateTime<Utc>,
}

/// A new secret and the hash to store.
pub fn new_secret() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_secret(&secret);
    (secret, hash)
}

pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let (first, hash) = new_secret();
        let (second, _) = new_secret();
        assert_ne!(first, second);
        assert_eq!(hash_secret(&first), hash);
        assert_ne!(hash_secret(&second), hash);
    }
}
