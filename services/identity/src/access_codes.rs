//! One-time access codes that link a guardian to a student. A code is
//! random (60 bits, in an alphabet without look-alike characters), shown
//! once, stored only as a hash, expires, and can be revoked. Their queries
//! are `store::access_codes`.

use chrono::{DateTime, Utc};
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::model::AccessCodeId;

/// No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and typed from paper.
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
const GROUPS: usize = 3;
const GROUP_LEN: usize = 5;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessCode {
    pub id: AccessCodeId,
    pub school_id: SchoolId,
    pub student_id: StudentId,
    pub issued_by: PersonId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<PersonId>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new code as people see it, e.g. `KM4QX-7TRWA-HC96E`.
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..GROUPS)
        .map(|_| {
            (0..GROUP_LEN)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The hash a typed code is looked up by: case, spaces and dashes don't matter.
pub fn hash(typed: &str) -> Vec<u8> {
    let normalized: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    Sha256::digest(normalized.as_bytes()).to_vec()
}

/// How a newly registered guardian will sign in.
pub enum SignIn<'a> {
    /// A login and password they chose.
    Credentials {
        login: &'a str,
        password_hash: &'a str,
    },
    /// An external OpenID Connect identity the gateway verified.
    External { issuer: &'a str, subject: &'a str },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_printed_shape_and_differ() {
        let code = generate();
        assert_eq!(code.len(), GROUPS * GROUP_LEN + GROUPS - 1);
        assert!(code.split('-').all(|group| group.len() == GROUP_LEN));
        assert!(
            code.chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(generate(), code);
    }

    #[test]
    fn typing_variations_hash_alike() {
        assert_eq!(hash("KM4QX-7TRWA-HC96E"), hash("km4qx 7trwa hc96e"));
        assert_eq!(hash("KM4QX7TRWAHC96E"), hash(" km4qx-7TRWA-hc96e "));
        assert_ne!(hash("KM4QX-7TRWA-HC96E"), hash("KM4QX-7TRWA-HC96F"));
    }

    #[test]
    fn codes_carry_enough_entropy() {
        let bits = (ALPHABET.len() as f64).log2() * (GROUPS * GROUP_LEN) as f64;
        assert!(bits >= 60.0, "{bits} bits");
    }
}
