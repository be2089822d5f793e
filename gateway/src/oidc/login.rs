//! The way out to a provider: the list of providers, then the redirect
//! that carries `state`, `nonce` and the PKCE challenge. Their secrets stay
//! in the gateway's database (`state` only hashed) until the browser comes
//! back, so the browser carries nothing it could alter but `state` itself.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, PkceCodeChallenge, Scope};
use otmetka_platform::{Error, Result, with_db};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::id_token::client_for;
use super::{FLOW_LIFETIME, ReturnTo, STATE_COOKIE, flow_cookie, hash, redirect};
use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

/// An identity provider people may sign in with.
#[derive(Serialize, ToSchema)]
pub struct ProviderView {
    #[schema(example = "mos")]
    pub(crate) id: String,
    #[schema(example = "mos.ru")]
    pub(crate) title: String,
    /// Where the browser goes to sign in.
    pub(crate) login_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProvidersView {
    providers: Vec<ProviderView>,
}

/// `GET /api/v1/oidc/providers`: where people may sign in.
#[utoipa::path(get, path = "/api/v1/oidc/providers", tag = "session", security(()),
    responses((status = 200, description = "The configured providers", body = ProvidersView)))]
pub async fn providers(State(state): State<AppState>) -> Json<ProvidersView> {
    Json(ProvidersView {
        providers: state.oidc.list(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    /// A path of this site to come back to afterwards (`/path` or
    /// `/path?query`, at most 2048 characters); the home page when absent.
    #[param(max_length = 2048)]
    return_to: Option<String>,
}

/// `GET /api/v1/oidc/{provider}/login`: off to the provider.
#[utoipa::path(get, path = "/api/v1/oidc/{provider}/login", tag = "session", security(()),
    params(("provider" = String, Path, max_length = 64, description = "The provider's id"), LoginQuery),
    responses((status = 303, description = "To the provider's sign-in page")))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(provider): ApiPath<String>,
    ApiQuery(query): ApiQuery<LoginQuery>,
) -> Response {
    let work = async {
        let return_to = ReturnTo::parse(&state.settings.public_url, query.return_to.as_deref())?;
        start(&state, &provider, return_to, None).await
    };
    work.await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

/// `GET /api/v1/oidc/{provider}/link`: a signed-in person adds their
/// account at the provider, to sign in with it from then on. A new way to
/// sign in is added only by someone who signed in minutes ago: a session
/// taken over later cannot plant its own account.
#[utoipa::path(get, path = "/api/v1/oidc/{provider}/link", tag = "session",
    params(("provider" = String, Path, max_length = 64, description = "The provider's id"), LoginQuery),
    responses(
        (status = 303, description = "To the provider's sign-in page"),
        (status = 403, description = "The sign-in is older than 10 minutes; sign in again first", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn link_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::session::ActiveSession(session): crate::session::ActiveSession,
    ApiPath(provider): ApiPath<String>,
    ApiQuery(query): ApiQuery<LoginQuery>,
) -> Response {
    let work = async {
        let return_to = ReturnTo::parse(&state.settings.public_url, query.return_to.as_deref())?;
        if !session.signed_in_recently() {
            return Err(Error::PermissionDenied(
                "sign in again first: linking an account needs a sign-in within the last 10 minutes"
                    .into(),
            ));
        }
        start(&state, &provider, return_to, Some(session.person_id)).await
    };
    work.await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

async fn start(
    state: &AppState,
    provider: &str,
    return_to: ReturnTo,
    link_person: Option<uuid::Uuid>,
) -> Result<Response> {
    let (config, _) = state.oidc.find(provider)?;
    let client = client_for(state, config, state.oidc.metadata(provider, false).await?)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in config.scopes.iter().filter(|scope| *scope != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, csrf, nonce) = request.url();
    let expires_at = Utc::now() + FLOW_LIFETIME;
    with_db!(&state.db, pool => { sqlx::query(
        "INSERT INTO oidc_logins (state_hash, provider, pkce_verifier, nonce, return_to, expires_at, link_person)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(hash(csrf.secret())).bind(provider).bind(verifier.secret()).bind(nonce.secret())
        .bind(return_to.as_str()).bind(expires_at).bind(link_person)
        .execute(pool).await?; });
    let state_cookie = flow_cookie(state, STATE_COOKIE, csrf.secret().clone(), FLOW_LIFETIME);
    Ok(redirect(url.as_str(), CookieJar::new().add(state_cookie)))
}
