//! Signing in with a school login or at an identity provider, and out.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Error;
use serde::Deserialize;

use super::i18n::Lang;
use super::page::{Shell, render};
use crate::AppState;
use crate::api::{end_session_here, start_session};
use crate::client_ip::ClientIp;
use crate::extract::{ApiQuery, PageForm};
use crate::oidc::ReturnTo;
use crate::session::Session;

#[derive(Deserialize)]
pub struct SignInQuery {
    return_to: Option<String>,
}

struct Provider {
    title: String,
    url: String,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    shell: Shell,
    login: String,
    return_to: String,
    /// Why the last attempt failed; empty on a first visit.
    error: String,
    providers: Vec<Provider>,
}

impl SignInPage {
    fn new(state: &AppState, lang: Lang, return_to: &ReturnTo) -> Self {
        let query =
            serde_urlencoded::to_string([("return_to", return_to.as_str())]).unwrap_or_default();
        let providers = state
            .oidc
            .list()
            .into_iter()
            .map(|provider| Provider {
                title: provider.title,
                url: format!("{}?{query}", provider.login_url),
            })
            .collect();
        Self {
            shell: Shell::new(lang, "/sign-in"),
            login: String::new(),
            return_to: return_to.as_str().to_owned(),
            error: String::new(),
            providers,
        }
    }
}

fn return_to(state: &AppState, text: Option<&str>) -> ReturnTo {
    ReturnTo::parse(&state.settings.public_url, text).unwrap_or_else(|_| ReturnTo::home())
}

/// `GET /sign-in`: the form, and a button per identity provider.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SignInQuery>,
) -> Response {
    let lang = Lang::of(&headers, state.settings.cookie_secure);
    let back = return_to(&state, query.return_to.as_deref());
    render(StatusCode::OK, &SignInPage::new(&state, lang, &back))
}

#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    #[serde(default)]
    return_to: Option<String>,
}

/// `POST /sign-in`: counted against the sign-in limits like the JSON
/// route; on success the session cookie and back to where the person was.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    PageForm(form): PageForm<SignInForm>,
) -> Response {
    let lang = Lang::of(&headers, state.settings.cookie_secure);
    let t = lang.texts();
    let form = match form {
        Ok(form) => form,
        Err(_) => {
            let mut page = SignInPage::new(&state, lang, &ReturnTo::home());
            page.error = t.wrong_login.to_owned();
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    let back = return_to(&state, form.return_to.as_deref());
    let attempt = async {
        state.sign_in_limits.admit(peer.0, &form.login)?;
        start_session(&state, form.login.clone(), form.password, peer, &headers).await
    };
    match attempt.await {
        Ok((cookie, _)) => (
            axum_extra::extract::cookie::CookieJar::new().add(cookie),
            Redirect::to(back.as_str()),
        )
            .into_response(),
        Err(error) => {
            let (status, message) = match error {
                Error::ResourceExhausted(_) | Error::RateLimited { .. } => {
                    (StatusCode::TOO_MANY_REQUESTS, t.too_many_attempts)
                }
                Error::Unauthenticated(_)
                | Error::InvalidArgument(_)
                | Error::NotFound(_)
                | Error::PermissionDenied(_) => (StatusCode::UNAUTHORIZED, t.wrong_login),
                other => return super::PageError::new(other, lang, "/sign-in").into_response(),
            };
            let mut page = SignInPage::new(&state, lang, &back);
            page.login = form.login;
            page.error = message.to_owned();
            render(status, &page)
        }
    }
}

/// `POST /sign-out`: ends the session here and at identity, then off to
/// the provider's own sign-out when the session began there.
pub async fn sign_out(
    State(state): State<AppState>,
    session: Result<Session, crate::problem::Problem>,
) -> Response {
    let Ok(session) = session else {
        return Redirect::to("/sign-in").into_response();
    };
    match end_session_here(&state, session).await {
        Ok((clear, Some(provider_logout_url))) => {
            (clear, Redirect::to(&provider_logout_url)).into_response()
        }
        Ok((clear, None)) => (clear, Redirect::to("/sign-in")).into_response(),
        Err(error) => {
            tracing::warn!(%error, "signing out failed");
            Redirect::to("/sign-in").into_response()
        }
    }
}
