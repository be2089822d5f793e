//! Where the browser goes back to after a provider: a path of this site,
//! never another origin (no open redirect).

use otmetka_platform::{Error, Result};
use url::Url;

/// The longest `return_to` kept; a place in the site is far shorter.
const MAX_LENGTH: usize = 2048;

/// A path of this site with an optional query, parsed against the public
/// origin, so what the browser is sent to is exactly what was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReturnTo(String);

impl ReturnTo {
    /// The site's home page.
    pub(crate) fn home() -> Self {
        Self("/".into())
    }

    /// Accepts `/path` and `/path?query` only. Control characters and
    /// whitespace are refused rather than cleaned: browsers drop tabs and
    /// newlines from URLs, so `/\t/evil.example` would leave the site.
    pub(crate) fn parse(public_url: &str, text: Option<&str>) -> Result<Self> {
        let Some(text) = text.filter(|text| !text.is_empty()) else {
            return Ok(Self::home());
        };
        let refuse = |why: &str| Error::invalid("return_to", why);
        if text.len() > MAX_LENGTH {
            return Err(refuse("must be at most 2048 characters"));
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(refuse("must not contain spaces or control characters"));
        }
        if !text.starts_with('/') || text.starts_with("//") || text.contains('\\') {
            return Err(refuse("must be a path of this site, starting with one '/'"));
        }
        if text.contains('#') {
            return Err(refuse("must not carry a fragment"));
        }
        let site = Url::parse(public_url).map_err(|error| Error::Internal(error.into()))?;
        let target = site
            .join(text)
            .map_err(|_| refuse("must be a path of this site"))?;
        if target.origin() != site.origin() {
            return Err(refuse("must be a path of this site"));
        }
        Ok(Self(relative(&target)))
    }

    /// A stored place, checked again: the database is not trusted to hold
    /// only what was accepted.
    pub(crate) fn stored(public_url: &str, text: &str) -> Self {
        Self::parse(public_url, Some(text)).unwrap_or_else(|_| Self::home())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The place with `oidc=<outcome>` added to its query.
    pub(crate) fn with_outcome(&self, outcome: &str) -> String {
        let separator = if self.0.contains('?') { '&' } else { '?' };
        format!("{}{separator}oidc={outcome}", self.0)
    }
}

fn relative(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://otmetka.example.city";

    #[test]
    fn local_paths_are_kept() {
        for (given, kept) in [
            ("/diary?week=3", "/diary?week=3"),
            ("/", "/"),
            ("/journal/%D0%B0", "/journal/%D0%B0"),
            ("/a/../b", "/b"),
        ] {
            assert_eq!(ReturnTo::parse(SITE, Some(given)).unwrap().as_str(), kept);
        }
        assert_eq!(ReturnTo::parse(SITE, None).unwrap(), ReturnTo::home());
    }

    #[test]
    fn other_origins_and_odd_forms_are_refused() {
        for hostile in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example\t",
            "/\r\n/x",
            "/ /evil.example",
            "diary",
            "/diary#top",
            "\u{0}/",
            "/\u{2028}/evil.example",
        ] {
            let error = ReturnTo::parse(SITE, Some(hostile)).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidArgument(v) if v[0].field == "return_to"),
                "{hostile:?}: {error}"
            );
        }
    }

    #[test]
    fn a_percent_encoded_tab_stays_encoded() {
        let kept = ReturnTo::parse(SITE, Some("/%09/evil.example")).unwrap();
        assert_eq!(kept.as_str(), "/%09/evil.example");
    }

    #[test]
    fn outcomes_join_the_query() {
        let place = ReturnTo::parse(SITE, Some("/diary?week=3")).unwrap();
        assert_eq!(place.with_outcome("linked"), "/diary?week=3&oidc=linked");
        assert_eq!(ReturnTo::home().with_outcome("linked"), "/?oidc=linked");
    }

    #[test]
    fn a_tampered_stored_place_goes_home() {
        assert_eq!(ReturnTo::stored(SITE, "//evil.example"), ReturnTo::home());
    }
}
