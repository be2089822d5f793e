//! Sign-in through external OpenID Connect providers (mos.ru, Gosuslugi or
//! any other): the authorization code flow with PKCE (S256), `state` bound
//! to the browser by a cookie and spent once, `nonce`, exact redirect URIs,
//! and ID tokens checked for issuer, audience, expiry, signature and an
//! allowed-algorithm list. A response can only complete the flow of the
//! provider it was started with (no mix-up), and a provider that names its
//! issuer in the response (RFC 9207) must name its own.
//!
//! One file per step: [`providers`] knows the providers, [`login`] sends
//! the browser off, [`callback`] takes it back (checking the ID token in
//! [`id_token`]), and [`registration`] finishes a first sign-in with an
//! access code.

pub(crate) mod callback;
mod id_token;
pub(crate) mod login;
mod providers;
pub(crate) mod registration;
mod return_to;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use otmetka_platform::Error;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{AppState, cookies};

pub use providers::{ProviderConfig, Providers, parse_providers};
pub(crate) use return_to::ReturnTo;

const STATE_COOKIE: &str = "otmetka_oidc";
const LINK_COOKIE: &str = "otmetka_link";
/// The flow's cookies go only to its own endpoints; the link waits for the
/// web app's access-code page as well, so it goes everywhere.
fn cookie_path(name: &str) -> &'static str {
    if name == LINK_COOKIE {
        "/"
    } else {
        "/api/v1/oidc"
    }
}
/// Time a person may spend at the provider.
const FLOW_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);
/// Time a person may take to find their access code.
const LINK_LIFETIME: chrono::Duration = chrono::Duration::minutes(30);

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Flow and link ids are kept only hashed: a copy of the database cannot
/// finish anyone's sign-in.
fn hash(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

fn flow_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    lifetime: chrono::Duration,
) -> Cookie<'static> {
    let lifetime = lifetime.to_std().expect("flow lifetimes are positive");
    cookies::issued(
        name,
        value,
        cookie_path(name),
        lifetime,
        state.settings.cookie_secure,
    )
}

fn flow_cookie_value(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    name: &str,
) -> Option<String> {
    cookies::read(
        headers,
        name,
        cookie_path(name),
        state.settings.cookie_secure,
    )
}

fn spent(state: &AppState, name: &'static str) -> Cookie<'static> {
    cookies::expired(name, cookie_path(name), state.settings.cookie_secure)
}

fn redirect(to: &str, cookies: CookieJar) -> Response {
    (
        StatusCode::SEE_OTHER,
        cookies,
        [(header::LOCATION, to.to_owned())],
    )
        .into_response()
}

fn refused(detail: &str) -> Error {
    Error::invalid("state", detail)
}
