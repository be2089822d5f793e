//! What every page shares: the visitor and their language, the frame
//! around the content, rendering with the page's own security headers, and
//! errors as pages (a refusal reads the same as a page that does not exist).

use askama::Template;
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use otmetka_platform::Error;
use serde::Deserialize;

use super::assets;
use super::i18n::{LANG_COOKIE, Lang, Texts};
use crate::AppState;
use crate::caller::Caller;
use crate::extract::PageForm;
use crate::oidc::ReturnTo;
use crate::session::Session;

/// Pages load their own styles and scripts and nothing else; scripts talk
/// only to this origin's API (the journal grid saves marks); forms post only
/// here; no page may be framed.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     connect-src 'self'; img-src 'self'; form-action 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'";

/// The frame every page is drawn in.
pub struct Shell {
    pub lang: Lang,
    pub t: &'static Texts,
    pub signed_in: bool,
    /// Shown in the header; may be empty even when signed in.
    pub person_name: String,
    /// This page's path and query, to come back to after switching language.
    pub here: String,
    pub stylesheet: &'static str,
    /// Counts notifications that arrive while the page is open.
    pub live_script: &'static str,
}

impl Shell {
    pub fn new(lang: Lang, here: &str) -> Self {
        Self {
            lang,
            t: lang.texts(),
            signed_in: false,
            person_name: String::new(),
            here: here.to_owned(),
            stylesheet: assets::stylesheet(),
            live_script: assets::live_script(),
        }
    }

    pub fn signed_in(mut self, person_name: String) -> Self {
        self.signed_in = true;
        self.person_name = person_name;
        self
    }
}

/// What was wrong with a form, by field, to show beside each field and in a
/// summary at the top.
#[derive(Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// The field violations of a refusal in `lang`; any other refusal is
    /// put on `field` with `message`, so a form never shows an error nowhere.
    pub fn of(error: &Error, lang: Lang, field: &str, message: &str) -> Self {
        match error {
            Error::InvalidArgument(violations) => Self(
                violations
                    .iter()
                    .map(|v| (v.field.clone(), lang.field_message(&v.description)))
                    .collect(),
            ),
            _ => Self(vec![(field.to_owned(), message.to_owned())]),
        }
    }

    /// The error of one field; empty when it is fine.
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(name, _)| name == field)
            .map_or("", |(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (field, message) in the order the service named them.
    pub fn all(&self) -> &[(String, String)] {
        &self.0
    }
}

/// A page as an HTML response with the page policy.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, html).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_POLICY),
            );
            // With `no-referrer` a browser posts forms with `Origin: null`,
            // which the cross-site guard refuses; the origin must travel.
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A signed-in person opening a page. Nobody signed in is sent to sign in
/// and brought back; a school-issued password must be changed first.
pub struct Visitor {
    pub caller: Caller,
    pub lang: Lang,
    pub here: String,
}

impl<S> FromRequestParts<S> for Visitor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let lang = Lang::of(&parts.headers, app.settings.cookie_secure);
        let here = parts
            .uri
            .path_and_query()
            .map_or("/", |path| path.as_str())
            .to_owned();
        let Ok(session) = Session::from_request_parts(parts, state).await else {
            return Err(sign_in_first(&here));
        };
        // A school-issued password opens nothing but the page to change it.
        if session.password_change_required && !parts.uri.path().starts_with("/account") {
            return Err(Redirect::to("/account").into_response());
        }
        Ok(Self {
            caller: Caller::new(app, session, lang == Lang::En),
            lang,
            here,
        })
    }
}

impl Visitor {
    pub fn shell(&self, person_name: String) -> Shell {
        Shell::new(self.lang, &self.here).signed_in(person_name)
    }

    /// Runs a page's work: the page, or the error as a page.
    pub async fn page<T: Template>(
        &self,
        work: impl Future<Output = otmetka_platform::Result<T>>,
    ) -> Response {
        match work.await {
            Ok(page) => render(StatusCode::OK, &page),
            Err(error) => PageError::new(error, self.lang, &self.here).into_response(),
        }
    }
}

/// Off to the sign-in page, to come back to `here` afterwards. A first
/// sign-in at an identity provider comes back marked
/// `oidc=access_code_required`: that person goes to enter their access code.
fn sign_in_first(here: &str) -> Response {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut code_required = false;
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(name, value)| {
            let outcome = name == "oidc";
            code_required |= outcome && value == "access_code_required";
            !outcome
        })
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let back = if kept.is_empty() {
        path.to_owned()
    } else {
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&kept).unwrap_or_default()
        )
    };
    let to = if code_required {
        "/sign-up/provider"
    } else {
        "/sign-in"
    };
    let query = serde_urlencoded::to_string([("return_to", back)]).unwrap_or_default();
    Redirect::to(&format!("{to}?{query}")).into_response()
}

/// An error on its way to becoming a page.
pub struct PageError {
    error: Error,
    lang: Lang,
    here: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: Shell,
    title: &'static str,
    text: String,
}

impl PageError {
    pub fn new(error: Error, lang: Lang, here: &str) -> Self {
        Self {
            error,
            lang,
            here: here.to_owned(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.lang.texts();
        let (status, title, text) = match &self.error {
            Error::Unauthenticated(_) => return sign_in_first(&self.here),
            // A refusal and a missing page read the same: nobody learns
            // whether a student exists.
            Error::NotFound(_) | Error::PermissionDenied(_) => (
                StatusCode::NOT_FOUND,
                t.not_found_title,
                t.not_found_text.to_owned(),
            ),
            Error::InvalidArgument(violations) => (
                StatusCode::BAD_REQUEST,
                t.bad_request_title,
                violations
                    .iter()
                    .map(|v| format!("{}: {}", v.field, v.description))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Error::Unavailable(_) | Error::DeadlineExceeded => (
                StatusCode::SERVICE_UNAVAILABLE,
                t.unavailable_title,
                t.unavailable_text.to_owned(),
            ),
            other => {
                let (status, ..) = crate::problem::describe(other);
                if status.is_server_error() {
                    tracing::error!(error = %other, "a page failed");
                    (status, t.error_title, t.error_text.to_owned())
                } else {
                    let title = match self.lang {
                        Lang::Ru => crate::problem::describe(other).2,
                        Lang::En => crate::problem::describe(other).3,
                    };
                    (status, title, String::new())
                }
            }
        };
        let page = ErrorPage {
            shell: Shell::new(self.lang, &self.here),
            title,
            text,
        };
        render(status, &page)
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    return_to: Option<String>,
}

/// `POST /language`: keeps the chosen language for a year and goes back.
pub async fn choose_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(form): PageForm<LanguageForm>,
) -> Response {
    let secure = state.settings.cookie_secure;
    let form = form.ok();
    let chosen = form.as_ref().and_then(|form| Lang::parse(&form.lang));
    let lang = chosen.unwrap_or_else(|| Lang::of(&headers, secure));
    let return_to = form.as_ref().and_then(|form| form.return_to.as_deref());
    let back =
        ReturnTo::parse(&state.settings.public_url, return_to).unwrap_or_else(|_| ReturnTo::home());
    let cookie = crate::cookies::issued(
        LANG_COOKIE,
        lang.code().to_owned(),
        "/",
        std::time::Duration::from_secs(365 * 24 * 3600),
        secure,
    );
    (CookieJar::new().add(cookie), Redirect::to(back.as_str())).into_response()
}

/// The error page for a status the HTTP layer answered by itself (no such
/// page, a wrong method, a body too large).
pub fn status_page(status: StatusCode, lang: Lang) -> Response {
    let t = lang.texts();
    let (title, text) = match status {
        StatusCode::NOT_FOUND => (t.not_found_title, t.not_found_text),
        _ if status.is_server_error() => (t.error_title, t.error_text),
        _ => (t.bad_request_title, ""),
    };
    let page = ErrorPage {
        shell: Shell::new(lang, "/"),
        title,
        text: text.to_owned(),
    };
    render(status, &page)
}

/// A refusal a form can show above its fields, with the status to answer;
/// anything else (an object that is not there or not theirs, a failure)
/// is an error page.
pub fn shown(error: &Error, lang: Lang) -> Option<(StatusCode, String)> {
    let (status, _, ru, en) = crate::problem::describe(error);
    let text = match error {
        Error::InvalidArgument(violations) => violations
            .iter()
            .map(|v| {
                format!(
                    "{}: {}",
                    lang.field_name(&v.field),
                    lang.field_message(&v.description)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Error::NotFound(_) | Error::PermissionDenied(_) | Error::Unauthenticated(_) => {
            return None;
        }
        _ if status.is_server_error() => return None,
        other => format!(
            "{}: {other}",
            match lang {
                Lang::Ru => ru,
                Lang::En => en,
            }
        ),
    };
    Some((status, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(response: &Response) -> &str {
        response.headers()[header::LOCATION].to_str().unwrap()
    }

    #[test]
    fn nobody_signed_in_comes_back_after_signing_in() {
        assert_eq!(
            location(&sign_in_first("/diary/x?date=2026-12-07")),
            "/sign-in?return_to=%2Fdiary%2Fx%3Fdate%3D2026-12-07"
        );
    }

    #[test]
    fn a_first_provider_sign_in_asks_for_the_access_code() {
        assert_eq!(
            location(&sign_in_first("/?oidc=access_code_required")),
            "/sign-up/provider?return_to=%2F"
        );
        assert_eq!(
            location(&sign_in_first("/diary?a=1&oidc=access_code_required")),
            "/sign-up/provider?return_to=%2Fdiary%3Fa%3D1"
        );
    }
}
