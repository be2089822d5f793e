//! Signing in and out, sessions, passwords and guardianships.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use otmetka_platform::grpc::context::set_client_address;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::caller::{renamed, timestamp};
use crate::client_ip::ClientIp;
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::session::{self, ActiveSession, LoginTokens, Session};

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    #[schema(max_length = 64)]
    login: String,
    #[schema(max_length = 128)]
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub(crate) person_id: String,
    pub(crate) password_change_required: bool,
}

/// `POST /api/v1/session`: school-issued login and password → session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", security(()),
    request_body = LoginBody,
    responses(
        (status = 201, description = "Signed in; the `otmetka_session` cookie is set", body = SessionView,
            headers(("set-cookie" = String, description = "The session cookie: HttpOnly, SameSite=Lax"))),
        (status = 401, description = "Wrong login or password", body = crate::problem::Body, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Response {
    let work = async {
        state.sign_in_limits.admit(peer.0, &body.login)?;
        sign_in(&state, body.login, body.password, peer, &headers).await
    };
    work.await
        .unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}

/// A call to identity from someone not signed in yet.
fn anonymous<T>(state: &AppState, message: T, peer: ClientIp) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(state.settings.upstream_timeout);
    otmetka_platform::telemetry::inject_current_context(request.metadata_mut());
    set_client_address(&mut request, &peer.to_string());
    request
}

/// Logs in at identity and starts a session: 201 with the session cookie.
async fn sign_in(
    state: &AppState,
    login: String,
    password: String,
    peer: ClientIp,
    headers: &HeaderMap,
) -> Result<Response> {
    let (cookie, view) = start_session(state, login, password, peer, headers).await?;
    Ok((
        StatusCode::CREATED,
        CookieJar::new().add(cookie),
        Json(view),
    )
        .into_response())
}

/// Logs in at identity and starts a session, replacing the browser's
/// earlier one: the cookie to set, whichever page or route asked.
pub(crate) async fn start_session(
    state: &AppState,
    login: String,
    password: String,
    peer: ClientIp,
    headers: &HeaderMap,
) -> Result<(axum_extra::extract::cookie::Cookie<'static>, SessionView)> {
    let request = anonymous(state, identity::LoginRequest { login, password }, peer);
    let login = state.identity.clone().login(request).await?.into_inner();
    let tokens = LoginTokens {
        person_id: otmetka_platform::time::parse_id("person_id", &login.person_id)?,
        provider_logout_url: None,
        password_change_required: login.password_change_required,
        access_expires_at: timestamp(login.access_token_expire_time)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no token expiry")))?,
        access_token: login.access_token,
        refresh_token: login.refresh_token,
    };
    let person_id = tokens.person_id;
    let origin = session::Origin::of(headers, peer.to_string());
    let (cookie, replaced) = session::create(state, tokens, origin, headers).await?;
    if let Some(refresh_token) = replaced {
        revoke_refresh_token(state, refresh_token, &peer.to_string()).await;
    }
    let view = SessionView {
        person_id: person_id.to_string(),
        password_change_required: login.password_change_required,
    };
    Ok((cookie, view))
}

#[derive(Deserialize, ToSchema)]
pub struct RegistrationBody {
    #[schema(max_length = 32)]
    pub(crate) access_code: String,
    #[schema(max_length = 100)]
    pub(crate) family_name: String,
    #[schema(max_length = 100)]
    pub(crate) given_name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub(crate) middle_name: String,
    #[schema(max_length = 64)]
    pub(crate) login: String,
    #[schema(max_length = 128)]
    pub(crate) password: String,
}

/// `POST /api/v1/registrations`: a guardian with only an access code signs
/// up, is linked to the child, and is signed in.
#[utoipa::path(post, path = "/api/v1/registrations", tag = "session", security(()),
    operation_id = "register_guardian",
    request_body = RegistrationBody,
    responses(
        (status = 201, description = "Registered, linked to the child and signed in", body = SessionView),
        (status = 429, description = "Too many attempts from this address", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    ApiJson(body): ApiJson<RegistrationBody>,
) -> Response {
    match register_guardian(&state, &headers, peer, body).await {
        Ok((cookie, view)) => (
            StatusCode::CREATED,
            CookieJar::new().add(cookie),
            Json(view),
        )
            .into_response(),
        Err(error) => Problem::for_request(error, &headers).into_response(),
    }
}

/// A new guardian with only an access code: registered, linked to the
/// child and signed in. The session cookie to set, whichever page or
/// route asked.
pub(crate) async fn register_guardian(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    body: RegistrationBody,
) -> Result<(axum_extra::extract::cookie::Cookie<'static>, SessionView)> {
    let work = async {
        state.sign_in_limits.admit(peer.0, &body.login)?;
        let message = identity::RegisterGuardianRequest {
            code: body.access_code,
            family_name: body.family_name,
            given_name: body.given_name,
            middle_name: body.middle_name,
            login: body.login.clone(),
            password: body.password.clone(),
        };
        state
            .identity
            .clone()
            .register_guardian(anonymous(state, message, peer))
            .await?;
        start_session(state, body.login, body.password, peer, headers).await
    };
    work.await
        .map_err(|error| renamed(error, &[("code", "access_code")]))
}

#[derive(Serialize, ToSchema)]
pub struct CurrentSession {
    person_id: String,
}

/// `GET /api/v1/session`: who is signed in.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, description = "The signed-in person", body = CurrentSession)))]
pub async fn current_session(session: Session) -> Json<CurrentSession> {
    Json(CurrentSession {
        person_id: session.person_id.to_string(),
    })
}

/// `DELETE /api/v1/session`: sign out here and at identity.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        (status = 200, description = "Signed out here; sign out at the identity provider too", body = ProviderLogout),
    ))]
pub async fn delete_session(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, Problem> {
    let (clear, provider_logout_url) = end_session_here(&state, session).await?;
    Ok(match provider_logout_url {
        // Begun at an identity provider: the browser goes there to sign out too.
        Some(url) => (
            StatusCode::OK,
            clear,
            Json(ProviderLogout {
                provider_logout_url: url,
            }),
        )
            .into_response(),
        None => (StatusCode::NO_CONTENT, clear).into_response(),
    })
}

/// Ends the browser's session here and at identity: the cookie that clears
/// it, and where to sign out at the provider when it began there.
pub(crate) async fn end_session_here(
    state: &AppState,
    session: Session,
) -> Result<(CookieJar, Option<String>)> {
    let address = session.client_address().to_owned();
    let (refresh_token, provider_logout_url) = session.end(state).await?;
    revoke_refresh_token(state, refresh_token, &address).await;
    let clear = CookieJar::new().add(session::clear_cookie(state));
    Ok((clear, provider_logout_url))
}

/// Revokes an ended session's refresh token at identity. Best effort: the
/// session is gone already, and the token dies with its lifetime anyway.
pub(crate) async fn revoke_refresh_token(
    state: &AppState,
    refresh_token: String,
    client_address: &str,
) {
    let mut request = tonic::Request::new(identity::RevokeRefreshTokenRequest { refresh_token });
    request.set_timeout(state.settings.upstream_timeout);
    set_client_address(&mut request, client_address);
    if let Err(status) = state.identity.clone().revoke_refresh_token(request).await {
        tracing::warn!(code = ?status.code(), "could not revoke a refresh token");
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProviderLogout {
    /// Where the browser goes to sign out at the identity provider.
    provider_logout_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct GuardianshipView {
    pub(crate) student_id: String,
    pub(crate) school_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct GuardianshipsView {
    guardianships: Vec<GuardianshipView>,
}

fn guardianship_view(link: identity::Guardianship) -> GuardianshipView {
    GuardianshipView {
        student_id: link.student_id,
        school_id: link.school_id,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RedeemBody {
    #[schema(max_length = 32)]
    access_code: String,
}

/// `POST /api/v1/guardianships`: link the signed-in person to a child with
/// the access code the school gave them.
#[utoipa::path(post, path = "/api/v1/guardianships", tag = "session",
    request_body = RedeemBody,
    responses(
        (status = 201, description = "Linked to the child", body = GuardianshipView),
        (status = 429, description = "Too many attempts from this address", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn redeem_access_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    ActiveSession(session): ActiveSession,
    ApiJson(body): ApiJson<RedeemBody>,
) -> Response {
    match redeem(&state, peer, &session, body.access_code).await {
        Ok(link) => (StatusCode::CREATED, Json(link)).into_response(),
        Err(error) => Problem::for_request(error, &headers).into_response(),
    }
}

/// Links the signed-in person to a child with the school's access code.
pub(crate) async fn redeem(
    state: &AppState,
    peer: ClientIp,
    session: &Session,
    code: String,
) -> Result<GuardianshipView> {
    let work = async {
        state
            .sign_in_limits
            .admit(peer.0, &session.person_id.to_string())?;
        let message = identity::RedeemAccessCodeRequest { code };
        let request = session.request(message, state.settings.upstream_timeout)?;
        let link = state
            .identity
            .clone()
            .redeem_access_code(request)
            .await?
            .into_inner()
            .guardianship;
        state.people.forget();
        link.map(guardianship_view)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no guardianship")))
    };
    work.await
        .map_err(|error| renamed(error, &[("code", "access_code")]))
}

/// `GET /api/v1/guardianships`: the signed-in person's children.
#[utoipa::path(get, path = "/api/v1/guardianships", tag = "family",
    responses((status = 200, description = "The signed-in person's children", body = GuardianshipsView)))]
pub async fn list_guardianships(
    State(state): State<AppState>,
    headers: HeaderMap,
    ActiveSession(session): ActiveSession,
) -> Response {
    let result: Result<Response> = async {
        let message = identity::ListGuardianshipsRequest {
            guardian_id: session.person_id.to_string(),
            page_size: 100,
            ..Default::default()
        };
        let request = session.request(message, state.settings.upstream_timeout)?;
        let links = state
            .identity
            .clone()
            .list_guardianships(request)
            .await?
            .into_inner()
            .guardianships;
        let views: Vec<_> = links.into_iter().map(guardianship_view).collect();
        Ok(Json(GuardianshipsView {
            guardianships: views,
        })
        .into_response())
    }
    .await;
    result.unwrap_or_else(|error| Problem::for_request(error, &headers).into_response())
}
