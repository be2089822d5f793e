//! A first sign-in with an account nobody has linked yet ends with an access
//! code from the school: the account then becomes a guardian's. The
//! provider's answer waits server-side, the browser holding only a random
//! id, so nothing it sends can change which account is registered.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;
use otmetka_platform::grpc::context::{outgoing, set_client_address};
use otmetka_platform::{Error, Result, with_db};
use otmetka_proto::identity::v1 as identity;
use serde::Deserialize;
use utoipa::ToSchema;

use super::callback::start_session;
use super::{LINK_COOKIE, flow_cookie_value, hash, spent};
use crate::AppState;
use crate::client_ip::ClientIp;
use crate::extract::ApiJson;
use crate::problem::Problem;

#[derive(Deserialize, ToSchema)]
pub struct LinkBody {
    #[schema(max_length = 32)]
    pub(crate) access_code: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub(crate) family_name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub(crate) given_name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub(crate) middle_name: String,
}

#[derive(sqlx::FromRow)]
struct PendingLink {
    issuer: String,
    subject: String,
    family_name: String,
    given_name: String,
    email: String,
}

/// `POST /api/v1/oidc/registrations`: after a first external sign-in, the
/// access code makes the person a guardian and signs them in.
#[utoipa::path(post, path = "/api/v1/oidc/registrations", tag = "session", security(()),
    operation_id = "register_external_guardian",
    request_body = LinkBody,
    responses(
        (status = 201, description = "Registered and signed in; the `otmetka_session` cookie is set"),
        (status = 429, description = "Too many attempts from this address", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    ApiJson(body): ApiJson<LinkBody>,
) -> Response {
    match link(&state, &headers, peer, body).await {
        Ok(cookies) => (StatusCode::CREATED, cookies).into_response(),
        Err(error) => Problem::for_request(error, &headers).into_response(),
    }
}

/// Registers the pending external account as a guardian with the access
/// code and signs them in: the cookies to set (the session, and the spent
/// link), whichever page or route asked.
pub(crate) async fn link(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    body: LinkBody,
) -> Result<CookieJar> {
    state.sign_in_limits.admit(peer.0, "")?;
    let missing = || Error::Unauthenticated("sign in with an identity provider first".into());
    let link_id = flow_cookie_value(state, headers, LINK_COOKIE).ok_or_else(missing)?;
    let pending: Option<PendingLink> = with_db!(&state.db, pool => sqlx::query_as(
        "SELECT issuer, subject, family_name, given_name, email FROM oidc_pending_links
         WHERE id_hash = $1 AND expires_at > $2")
        .bind(hash(&link_id)).bind(Utc::now()).fetch_optional(pool).await?);
    let pending = pending.ok_or_else(missing)?;
    let pick = |typed: String, claimed: String| {
        if typed.trim().is_empty() {
            claimed
        } else {
            typed
        }
    };
    let message = identity::RegisterExternalGuardianRequest {
        issuer: pending.issuer,
        subject: pending.subject,
        code: body.access_code,
        family_name: pick(body.family_name, pending.family_name),
        given_name: pick(body.given_name, pending.given_name),
        middle_name: body.middle_name,
        email: pending.email,
    };
    let service = state.service_token().await?;
    let mut request = outgoing(message, &service, None)?;
    request.set_timeout(state.settings.upstream_timeout);
    set_client_address(&mut request, &peer.to_string());
    let response = state
        .identity
        .clone()
        .register_external_guardian(request)
        .await
        .map_err(|status| {
            crate::caller::renamed(Error::from(status), &[("code", "access_code")])
        })?;
    with_db!(&state.db, pool => { sqlx::query("DELETE FROM oidc_pending_links WHERE id_hash = $1")
        .bind(hash(&link_id)).execute(pool).await?; });
    let login = response
        .into_inner()
        .login
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("no login")))?;
    let session_cookie = start_session(state, headers, peer, login, None).await?;
    Ok(CookieJar::new()
        .add(session_cookie)
        .add(spent(state, LINK_COOKIE)))
}
