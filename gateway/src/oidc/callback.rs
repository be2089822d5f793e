//! The way back from a provider: the `state` must be this browser's and
//! unspent, the provider the one the flow began with; then the verified
//! account either links to the signed-in person, signs someone in, or,
//! unknown so far, waits for an access code (see [`super::registration`]).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chrono::{DateTime, Utc};
use otmetka_platform::grpc::context::{outgoing, set_client_address};
use otmetka_platform::{Error, Result, with_db};
use otmetka_proto::identity::v1 as identity;
use serde::Deserialize;
use utoipa::IntoParams;

use super::id_token::{ExternalIdentity, verified_identity};
use super::{
    LINK_COOKIE, LINK_LIFETIME, ReturnTo, STATE_COOKIE, flow_cookie, flow_cookie_value, hash,
    random_token, redirect, refused, spent,
};
use crate::AppState;
use crate::client_ip::ClientIp;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::session::{self, LoginTokens, Origin};

/// What the provider sends the browser back with.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    #[param(max_length = 2048)]
    code: Option<String>,
    #[param(max_length = 256)]
    state: Option<String>,
    #[param(max_length = 2048)]
    iss: Option<String>,
    #[param(max_length = 256)]
    error: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct PendingLogin {
    provider: String,
    pub(super) pkce_verifier: String,
    pub(super) nonce: String,
    return_to: String,
    /// Set when a signed-in person is linking this account, not signing in.
    link_person: Option<uuid::Uuid>,
}

impl PendingLogin {
    fn return_to(&self, state: &AppState) -> ReturnTo {
        ReturnTo::stored(&state.settings.public_url, &self.return_to)
    }
}

/// `GET /api/v1/oidc/{provider}/callback`: back from the provider.
#[utoipa::path(get, path = "/api/v1/oidc/{provider}/callback", tag = "session", security(()),
    params(("provider" = String, Path, max_length = 64, description = "The provider's id"), CallbackQuery),
    responses((status = 303, description = "Signed in (or asked for an access code): back to `return_to` with `oidc=<outcome>`")))]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    ApiPath(provider): ApiPath<String>,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> Response {
    finish(&state, &headers, peer, &provider, query)
        .await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    provider: &str,
    query: CallbackQuery,
) -> Result<Response> {
    let (config, _) = state.oidc.find(provider)?;
    if let Some(error) = query.error {
        return Err(Error::invalid(
            "error",
            format!("the identity provider answered {error:?}"),
        ));
    }
    let returned_state = query.state.ok_or_else(|| refused("is missing"))?;
    // The state must be the one this browser was sent off with.
    if flow_cookie_value(state, headers, STATE_COOKIE).as_deref() != Some(returned_state.as_str()) {
        return Err(refused("does not belong to this browser's sign-in"));
    }
    let pending: Option<PendingLogin> = with_db!(&state.db, pool => sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > $2
         RETURNING provider, pkce_verifier, nonce, return_to, link_person")
        .bind(hash(&returned_state)).bind(Utc::now()).fetch_optional(pool).await?);
    let pending = pending.ok_or_else(|| refused("is unknown, expired or already used"))?;
    if pending.provider != provider {
        return Err(refused("belongs to a sign-in with another provider"));
    }
    if query.iss.as_ref().is_some_and(|iss| *iss != config.issuer) {
        return Err(Error::invalid(
            "iss",
            "names another issuer than this provider's",
        ));
    }
    let code = query
        .code
        .ok_or_else(|| Error::invalid("code", "is missing"))?;

    let ExternalIdentity {
        issuer,
        subject,
        family_name,
        given_name,
        email,
        id_token,
    } = verified_identity(state, config, &pending, code).await?;
    let jar = CookieJar::new().add(spent(state, STATE_COOKIE));

    let service = state.service_token().await?;
    if let Some(person_id) = pending.link_person {
        let message = identity::LinkExternalIdentityRequest {
            issuer,
            subject,
            person_id: person_id.to_string(),
        };
        let mut request = outgoing(message, &service, None)?;
        request.set_timeout(state.settings.upstream_timeout);
        set_client_address(&mut request, &peer.to_string());
        state
            .identity
            .clone()
            .link_external_identity(request)
            .await?;
        return Ok(redirect(
            &pending.return_to(state).with_outcome("linked"),
            jar,
        ));
    }
    let message = identity::LoginWithExternalIdentityRequest {
        issuer: issuer.clone(),
        subject: subject.clone(),
        email: email.clone(),
    };
    let mut request = outgoing(message, &service, None)?;
    request.set_timeout(state.settings.upstream_timeout);
    set_client_address(&mut request, &peer.to_string());
    match state
        .identity
        .clone()
        .login_with_external_identity(request)
        .await
    {
        Ok(response) => {
            let login = response
                .into_inner()
                .login
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("no login")))?;
            let logout_url = state
                .oidc
                .logout_url(provider, &config.client_id, &id_token)
                .await;
            let session_cookie = start_session(state, headers, peer, login, logout_url).await?;
            Ok(redirect(
                pending.return_to(state).as_str(),
                jar.add(session_cookie),
            ))
        }
        Err(status) if status.code() == tonic::Code::NotFound => {
            let link_id = random_token();
            let expires_at = Utc::now() + LINK_LIFETIME;
            with_db!(&state.db, pool => { sqlx::query(
                "INSERT INTO oidc_pending_links (id_hash, issuer, subject, family_name, given_name, email, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(hash(&link_id)).bind(&issuer).bind(&subject).bind(&family_name).bind(&given_name)
                .bind(&email).bind(expires_at).execute(pool).await?; });
            let link_cookie = flow_cookie(state, LINK_COOKIE, link_id, LINK_LIFETIME);
            let to = pending
                .return_to(state)
                .with_outcome("access_code_required");
            Ok(redirect(&to, jar.add(link_cookie)))
        }
        Err(status) => Err(Error::from(status)),
    }
}

pub(super) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    login: identity::LoginResponse,
    provider_logout_url: Option<String>,
) -> Result<Cookie<'static>> {
    let tokens = LoginTokens {
        person_id: otmetka_platform::time::parse_id("person_id", &login.person_id)?,
        password_change_required: login.password_change_required,
        provider_logout_url,
        access_expires_at: login
            .access_token_expire_time
            .and_then(|t| DateTime::from_timestamp(t.seconds, 0))
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no token expiry")))?,
        access_token: login.access_token,
        refresh_token: login.refresh_token,
    };
    let (cookie, _) = session::create(
        state,
        tokens,
        Origin::of(headers, peer.to_string()),
        headers,
    )
    .await?;
    Ok(cookie)
}
