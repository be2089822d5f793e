//! `GET /api/docs`: the interactive API documentation, for vendors and
//! school IT departments. Open to everyone, like the document it draws;
//! calls tried from it are answered as the visitor's own.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::assets;
use super::i18n::Lang;
use super::page::render;
use crate::AppState;

/// The page policy, but Swagger UI's stylesheet draws its icons from
/// `data:` images.
const DOCS_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     connect-src 'self'; img-src 'self' data:; form-action 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'";

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    lang: &'static str,
    title: &'static str,
    back: &'static str,
    noscript: &'static str,
    stylesheet: &'static str,
    bundle: &'static str,
    start: &'static str,
    contrast: &'static str,
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = Lang::of(&headers, state.settings.cookie_secure);
    let [stylesheet, bundle, start, contrast] = assets::api_docs();
    let (title, back, noscript) = match lang {
        Lang::Ru => (
            "API Отметки",
            "На главную",
            "Документации нужен JavaScript; без него читайте сам документ OpenAPI:",
        ),
        Lang::En => (
            "Otmetka API",
            "Home",
            "The documentation needs JavaScript; without it, read the OpenAPI document itself:",
        ),
    };
    let page = ApiDocsPage {
        lang: lang.code(),
        title,
        back,
        noscript,
        stylesheet,
        bundle,
        start,
        contrast,
    };
    let mut response = render(StatusCode::OK, &page);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_POLICY),
    );
    response
}
