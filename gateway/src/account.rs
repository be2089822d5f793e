//! A person's own account: their sessions (this browser, a lost phone),
//! ending them after proving again who they are, and their password.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::api::revoke_refresh_token;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::Problem;
use crate::session::{self, Session};

#[derive(Serialize, ToSchema)]
pub struct SessionsView {
    pub sessions: Vec<SessionListItem>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionListItem {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: String,
    pub client_address: String,
    pub current: bool,
}

/// `GET /api/v1/sessions`: the signed-in person's sessions, this one marked.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "session",
    responses((status = 200, description = "The person's live sessions, newest first", body = SessionsView)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, Problem> {
    Ok(Json(load_sessions(&state, &session).await?).into_response())
}

/// The person's live sessions, newest first, this one marked.
pub async fn load_sessions(state: &AppState, session: &Session) -> Result<SessionsView> {
    let sessions = session::list_for(&state.db, session.person_id).await?;
    let items: Vec<_> = sessions
        .into_iter()
        .map(|item| SessionListItem {
            id: item.public_id.to_string(),
            current: item.public_id == session.public_id,
            created_at: item.created_at,
            last_seen_at: item.last_seen_at,
            user_agent: item.user_agent,
            client_address: item.client_address,
        })
        .collect();
    Ok(SessionsView { sessions: items })
}

#[derive(Deserialize, ToSchema)]
pub struct ReauthenticationBody {
    /// The person's current password; people without one (who sign in at
    /// an identity provider) send nothing and must have signed in within
    /// the last 10 minutes.
    #[serde(default)]
    #[schema(max_length = 128)]
    password: String,
}

/// `DELETE /api/v1/sessions/{id}`: end another of one's own sessions (a
/// lost phone), after entering the password again.
#[utoipa::path(delete, path = "/api/v1/sessions/{session_id}", tag = "session",
    params(("session_id" = String, Path, format = Uuid, description = "The session's public id")),
    request_body = ReauthenticationBody,
    responses(
        (status = 204, description = "Ended"),
        (status = 403, description = "Without a password: the sign-in is older than 10 minutes; sign in again first", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn end_session(
    State(state): State<AppState>,
    session: Session,
    ApiPath(public_id): ApiPath<String>,
    ApiJson(body): ApiJson<ReauthenticationBody>,
) -> Result<Response, Problem> {
    end_own_session(&state, &session, &public_id, body.password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends another of the person's sessions (`public_id` as a path segment)
/// once they have proved again who they are.
pub async fn end_own_session(
    state: &AppState,
    session: &Session,
    public_id: &str,
    password: String,
) -> Result<()> {
    let not_found = || Error::not_found("session");
    let public_id = crate::caller::path_id("session", public_id)
        .ok()
        .and_then(|id| Uuid::parse_str(&id).ok())
        .ok_or_else(not_found)?;
    reauthenticate(state, session, password).await?;
    let refresh_token = session::end_owned(state, session.person_id, public_id)
        .await?
        .ok_or_else(not_found)?;
    revoke_refresh_token(state, refresh_token, session.client_address()).await;
    tracing::info!(person_id = %session.person_id, session = %public_id, "session ended by its owner");
    Ok(())
}

/// `DELETE /api/v1/sessions`: end all one's other sessions at once (signed
/// in somewhere one does not remember), after entering the password again.
#[utoipa::path(delete, path = "/api/v1/sessions", tag = "session",
    request_body = ReauthenticationBody,
    responses(
        (status = 204, description = "Every other session of the person has ended; this one goes on"),
        (status = 403, description = "Without a password: the sign-in is older than 10 minutes; sign in again first", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    session: Session,
    ApiJson(body): ApiJson<ReauthenticationBody>,
) -> Result<Response, Problem> {
    end_other_sessions_of(&state, &session, body.password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends every other session of the person once they have proved again
/// who they are.
pub async fn end_other_sessions_of(
    state: &AppState,
    session: &Session,
    password: String,
) -> Result<()> {
    reauthenticate(state, session, password).await?;
    let ended = session.end_others(state).await?;
    tracing::info!(person_id = %session.person_id, ended = ended.len(), "other sessions ended by their owner");
    for refresh_token in ended {
        revoke_refresh_token(state, refresh_token, session.client_address()).await;
    }
    Ok(())
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordBody {
    #[schema(max_length = 128)]
    pub current_password: String,
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// `POST /api/v1/session/password`: the signed-in person sets their own
/// password; their other sessions end.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session",
    request_body = ChangePasswordBody,
    responses((status = 204, description = "Changed; the person's other sessions have ended")))]
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    ApiJson(body): ApiJson<ChangePasswordBody>,
) -> Response {
    match set_own_password(&state, &session, body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => Problem::for_request(error, &headers).into_response(),
    }
}

/// The person's own new password; their other sessions end.
pub async fn set_own_password(
    state: &AppState,
    session: &Session,
    body: ChangePasswordBody,
) -> Result<()> {
    let message = identity::ChangePasswordRequest {
        current_password: body.current_password,
        new_password: body.new_password,
    };
    let request = session.request(message, state.settings.upstream_timeout)?;
    state.identity.clone().change_password(request).await?;
    let ended = session.password_changed(state).await?;
    tracing::info!(person_id = %session.person_id, ended = ended.len(), "password changed; other sessions ended");
    for refresh_token in ended {
        revoke_refresh_token(state, refresh_token, session.client_address()).await;
    }
    Ok(())
}

async fn reauthenticate(state: &AppState, session: &Session, password: String) -> Result<()> {
    let request = session.request(
        identity::ConfirmPasswordRequest { password },
        state.settings.upstream_timeout,
    )?;
    match state.identity.clone().confirm_password(request).await {
        Ok(_) => Ok(()),
        Err(status) if status.code() == tonic::Code::FailedPrecondition => {
            if session.signed_in_recently() {
                Ok(())
            } else {
                Err(Error::PermissionDenied(
                    "sign in again at your identity provider first".into(),
                ))
            }
        }
        Err(status) => Err(Error::from(status)),
    }
}
