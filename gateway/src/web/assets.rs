//! The web app's own files, built into the binary. Each is named by a hash
//! of its content, so browsers may keep it for a year and still never show
//! a stale one after an upgrade.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    /// `/assets/<stem>-<hash>.<extension>`
    url: String,
    content_type: &'static str,
    body: &'static str,
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, body: &'static str) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let hash: String = digest[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Self {
            url: format!("/assets/{stem}-{hash}.{extension}"),
            content_type,
            body,
        }
    }
}

static ASSETS: LazyLock<[Asset; 7]> = LazyLock::new(|| {
    [
        Asset::new(
            "app",
            "css",
            "text/css; charset=utf-8",
            include_str!("../../static/app.css"),
        ),
        Asset::new(
            "grid",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../../static/grid.js"),
        ),
        Asset::new(
            "swagger-ui",
            "css",
            "text/css; charset=utf-8",
            include_str!("../../static/vendor/swagger-ui/swagger-ui.css"),
        ),
        Asset::new(
            "swagger-ui-bundle",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../../static/vendor/swagger-ui/swagger-ui-bundle.js"),
        ),
        Asset::new(
            "api-docs",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../../static/api-docs.js"),
        ),
        Asset::new(
            "api-docs",
            "css",
            "text/css; charset=utf-8",
            include_str!("../../static/api-docs.css"),
        ),
        Asset::new(
            "live",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../../static/live.js"),
        ),
    ]
});

/// The stylesheet's address.
pub fn stylesheet() -> &'static str {
    &ASSETS[0].url
}

/// The journal grid's keyboard entry.
pub fn grid_script() -> &'static str {
    &ASSETS[1].url
}

/// The API documentation's files: Swagger UI's stylesheet and script, the
/// script that starts it on this gateway's document, and the stylesheet
/// that brings its colours to WCAG AA contrast.
pub fn api_docs() -> [&'static str; 4] {
    [
        &ASSETS[2].url,
        &ASSETS[3].url,
        &ASSETS[4].url,
        &ASSETS[5].url,
    ]
}

/// The header's count of notifications that arrive while a page is open.
pub fn live_script() -> &'static str {
    &ASSETS[6].url
}

/// `GET /assets/{name}`: a file by its hashed name.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = ASSETS
        .iter()
        .find(|asset| asset.url.strip_prefix("/assets/") == Some(name.as_str()))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_with_content() {
        let one = Asset::new("app", "css", "text/css", "a{}");
        let other = Asset::new("app", "css", "text/css", "b{}");
        assert!(one.url.starts_with("/assets/app-") && one.url.ends_with(".css"));
        assert_ne!(one.url, other.url);
    }
}
