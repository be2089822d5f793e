//! The gateway's cookies all carry the same attributes: HttpOnly, since no
//! script of ours needs to read a session or a sign-in in progress;
//! SameSite=Lax, since Strict would drop them on the way back from an
//! identity provider; Secure unless `cookie_secure` is off for plain-HTTP
//! development. Secure cookies carry a name prefix browsers enforce:
//! `__Host-` for those on `/` (this host only, no `Domain`, so a sibling
//! subdomain cannot plant or shadow them), `__Secure-` for narrower paths.

use std::time::Duration;

use axum_extra::extract::cookie::{Cookie, SameSite};

/// The name the cookie `base` goes by on `path`: browsers refuse the
/// prefixes on cookies that are not Secure, so plain-HTTP development
/// keeps the bare name.
pub fn name(base: &str, path: &str, secure: bool) -> String {
    match (secure, path) {
        (false, _) => base.to_owned(),
        (true, "/") => format!("__Host-{base}"),
        (true, _) => format!("__Secure-{base}"),
    }
}

/// The value of the cookie `base` on `path`, if the request carries it.
pub fn read(
    headers: &axum::http::HeaderMap,
    base: &str,
    path: &str,
    secure: bool,
) -> Option<String> {
    axum_extra::extract::cookie::CookieJar::from_headers(headers)
        .get(&name(base, path, secure))
        .map(|cookie| cookie.value().to_owned())
}

/// A cookie holding `value` for `max_age`, sent back on `path` and below.
pub fn issued(
    base: &str,
    value: String,
    path: &'static str,
    max_age: Duration,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build((name(base, path, secure), value))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(
            max_age
                .try_into()
                .expect("a cookie lifetime is far shorter than i64 seconds"),
        )
        .build()
}

/// Replaces the cookie with an empty one the browser drops at once; the
/// path must be the one it was issued for, or the browser keeps it.
pub fn expired(base: &str, path: &'static str, secure: bool) -> Cookie<'static> {
    issued(base, String::new(), path, Duration::ZERO, secure)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn attributes(cookie: &Cookie<'_>) -> BTreeSet<String> {
        cookie
            .to_string()
            .split(';')
            .map(|part| part.trim().to_owned())
            .collect()
    }

    fn set(parts: &[&str]) -> BTreeSet<String> {
        parts.iter().map(|part| (*part).to_owned()).collect()
    }

    #[test]
    fn issued_cookies_keep_their_attributes() {
        let cookie = issued(
            "otmetka_session",
            "abc".into(),
            "/",
            Duration::from_secs(3600),
            true,
        );
        assert_eq!(
            attributes(&cookie),
            set(&[
                "__Host-otmetka_session=abc",
                "Path=/",
                "HttpOnly",
                "SameSite=Lax",
                "Max-Age=3600",
                "Secure",
            ])
        );
        let plain = issued(
            "otmetka_oidc",
            "state".into(),
            "/api/v1/oidc",
            Duration::from_secs(600),
            false,
        );
        assert_eq!(
            attributes(&plain),
            set(&[
                "otmetka_oidc=state",
                "Path=/api/v1/oidc",
                "HttpOnly",
                "SameSite=Lax",
                "Max-Age=600",
            ])
        );
    }

    #[test]
    fn secure_cookies_are_read_by_their_prefixed_name() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            "otmetka_session=planted; __Host-otmetka_session=real"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            read(&headers, "otmetka_session", "/", true).as_deref(),
            Some("real")
        );
        assert_eq!(
            read(&headers, "otmetka_session", "/", false).as_deref(),
            Some("planted")
        );
    }

    #[test]
    fn expired_cookies_are_empty_and_dropped_at_once() {
        assert_eq!(
            attributes(&expired("otmetka_link", "/api/v1/oidc", true)),
            set(&[
                "__Secure-otmetka_link=",
                "Path=/api/v1/oidc",
                "HttpOnly",
                "SameSite=Lax",
                "Max-Age=0",
                "Secure",
            ])
        );
    }
}
