//! Server-side sessions: the browser holds only a random id in an HttpOnly
//! cookie; the gateway keeps the person's tokens, refreshes the access token
//! before it expires, and ends sessions on idle timeout, absolute lifetime
//! or logout.
//!
//! A page makes several requests within a second or two, so a session read
//! from the database is remembered for [`RECENT_FOR`] ([`RecentSessions`]).
//! Whatever this gateway changes or ends is forgotten at once; a session
//! ended through another replica of the gateway (a sign-out there, an
//! owner ending it from another device) stops working here within that
//! time, as do the sessions of a disabled person, which the revocation feed
//! ends within its poll anyway.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum_extra::extract::cookie::Cookie;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::db::Db;
use otmetka_platform::memo::ReadCache;
use otmetka_platform::{Error, Result, with_db, with_tx};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::problem::Problem;
use crate::{AppState, cookies};

pub const COOKIE_NAME: &str = "otmetka_session";

/// Refresh the access token when less than this is left of it.
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::seconds(60);
/// How recent a sign-in must be to count as entering one's credentials
/// again, where a password cannot be asked for.
pub const FRESH_SIGN_IN: chrono::Duration = chrono::Duration::minutes(10);
/// Record activity at most this often, so reads don't all become writes.
const TOUCH_INTERVAL: chrono::Duration = chrono::Duration::seconds(60);

/// How long a session read from the database is trusted without reading it again.
const RECENT_FOR: Duration = Duration::from_secs(2);
/// About how many sessions one gateway remembers.
const RECENT_KEPT: usize = 100_000;

/// Sessions read lately, by the hash of their id. A session is kept from
/// when it was read, not from when it was last used, so one in constant use
/// is still read again every [`RECENT_FOR`]; anything ending or changing
/// sessions here forgets them all, including reads under way.
#[derive(Clone)]
pub struct RecentSessions(ReadCache<Vec<u8>, StoredSession>);

impl RecentSessions {
    pub fn new() -> Self {
        Self(ReadCache::new(RECENT_FOR, RECENT_KEPT))
    }

    /// Forgets the sessions read so far: call once a session has ended or
    /// changed in the database.
    pub fn forget(&self) {
        self.0.invalidate();
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct StoredSession {
    id_hash: Vec<u8>,
    public_id: Uuid,
    password_change_required: bool,
    person_id: Uuid,
    access_token: String,
    access_expires_at: DateTime<Utc>,
    refresh_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// The signed-in person of a request.
#[derive(Debug, Clone)]
pub struct Session {
    pub person_id: Uuid,
    pub public_id: Uuid,
    pub password_change_required: bool,
    /// When the person signed in: a recent sign-in stands for entering
    /// their credentials again.
    pub created_at: DateTime<Utc>,
    token: BearerToken,
    id_hash: Vec<u8>,
    refresh_token: String,
    client_address: String,
}

/// What identity handed out at login.
pub struct LoginTokens {
    pub person_id: Uuid,
    /// The password was issued by the school: nothing but changing it is allowed.
    pub password_change_required: bool,
    /// For sessions begun at an identity provider that offers RP-initiated logout.
    pub provider_logout_url: Option<String>,
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
}

/// A fresh session id: 256 bits from `rand`'s thread generator (a CSPRNG
/// seeded and reseeded from the operating system), URL-safe.
fn new_id() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hash_id(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

fn cookie_value(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, COOKIE_NAME, "/", state.settings.cookie_secure)
}

/// Where a sign-in came from, as the owner will see it in their session list.
pub struct Origin {
    pub user_agent: String,
    pub client_address: String,
}

impl Origin {
    pub fn of(headers: &HeaderMap, client_address: String) -> Self {
        let user_agent = headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Self {
            user_agent,
            client_address,
        }
    }
}

/// Creates a session and returns the cookie that carries it.
/// A session the browser already presented ends: a new sign-in always gets
/// a new id (no fixation). Returns the ended session's refresh token.
pub async fn create(
    state: &AppState,
    tokens: LoginTokens,
    origin: Origin,
    headers: &HeaderMap,
) -> Result<(Cookie<'static>, Option<String>)> {
    let replaced = match cookie_value(state, headers) {
        Some(old) => end_by_hash(state, &hash_id(&old)).await?,
        None => None,
    };
    let id = new_id();
    let now = Utc::now();
    let lifetime =
        chrono::Duration::from_std(state.settings.session_lifetime).map_err(anyhow::Error::from)?;
    let expires_at = now + lifetime;
    with_db!(&state.db, pool => { sqlx::query(
        "INSERT INTO sessions (id_hash, public_id, person_id, access_token, access_expires_at, refresh_token,
                               created_at, last_seen_at, expires_at, user_agent, client_address,
                               password_change_required, provider_logout_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(hash_id(&id)).bind(Uuid::now_v7()).bind(tokens.person_id).bind(&tokens.access_token)
        .bind(tokens.access_expires_at).bind(&tokens.refresh_token).bind(now).bind(now).bind(expires_at)
        .bind(&origin.user_agent).bind(&origin.client_address).bind(tokens.password_change_required)
        .bind(&tokens.provider_logout_url)
        .execute(pool).await?; });
    let cookie = cookies::issued(
        COOKIE_NAME,
        id,
        "/",
        state.settings.session_lifetime,
        state.settings.cookie_secure,
    );
    Ok((cookie, replaced))
}

/// Deletes a session; returns its refresh token if it existed.
async fn end_by_hash(state: &AppState, id_hash: &[u8]) -> Result<Option<String>> {
    let refresh: Option<String> = with_db!(&state.db, pool => sqlx::query_scalar(
        "DELETE FROM sessions WHERE id_hash = $1 RETURNING refresh_token")
        .bind(id_hash).fetch_optional(pool).await?);
    state.sessions.forget();
    Ok(refresh)
}

/// A session as its owner sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionSummary {
    pub public_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: String,
    pub client_address: String,
}

/// The person's live sessions, newest first.
pub async fn list_for(db: &Db, person_id: Uuid) -> Result<Vec<SessionSummary>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT public_id, created_at, last_seen_at, user_agent, client_address FROM sessions
         WHERE person_id = $1 AND expires_at > $2 ORDER BY created_at DESC LIMIT 100")
        .bind(person_id).bind(Utc::now()).fetch_all(pool).await?))
}

/// Ends one of the person's sessions by its public id; returns its refresh
/// token, or `None` if the person has no such session.
pub async fn end_owned(
    state: &AppState,
    person_id: Uuid,
    public_id: Uuid,
) -> Result<Option<String>> {
    let refresh: Option<String> = with_db!(&state.db, pool => sqlx::query_scalar(
        "DELETE FROM sessions WHERE person_id = $1 AND public_id = $2 RETURNING refresh_token")
        .bind(person_id).bind(public_id).fetch_optional(pool).await?);
    state.sessions.forget();
    Ok(refresh)
}

/// The cookie that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> Cookie<'static> {
    cookies::expired(COOKIE_NAME, "/", state.settings.cookie_secure)
}

impl Session {
    /// Whether the person signed in within [`FRESH_SIGN_IN`].
    pub fn signed_in_recently(&self) -> bool {
        Utc::now() - self.created_at <= FRESH_SIGN_IN
    }

    /// Where this request came from.
    pub fn client_address(&self) -> &str {
        &self.client_address
    }

    /// A call to a service on this person's behalf: their token, the
    /// gateway's deadline, the trace, and where they are.
    pub fn request<T>(
        &self,
        message: T,
        timeout: std::time::Duration,
    ) -> Result<tonic::Request<T>> {
        let deadline = otmetka_platform::grpc::Deadline(std::time::Instant::now() + timeout);
        let mut request =
            otmetka_platform::grpc::context::outgoing(message, &self.token, Some(deadline))?;
        otmetka_platform::grpc::context::set_client_address(&mut request, &self.client_address);
        Ok(request)
    }

    /// Ends the session; returns the refresh token to revoke at identity and
    /// where to sign out at the provider, if the session began there.
    pub async fn end(self, state: &AppState) -> Result<(String, Option<String>)> {
        let logout_url: Option<String> = with_db!(&state.db, pool => sqlx::query_scalar(
            "DELETE FROM sessions WHERE id_hash = $1 RETURNING provider_logout_url")
            .bind(&self.id_hash).fetch_optional(pool).await?)
        .flatten();
        state.sessions.forget();
        Ok((self.refresh_token, logout_url))
    }
}

/// Whether the session is over at `now`: its absolute lifetime is up, or it
/// has been idle for `idle`. Either way only a new sign-in goes on.
fn has_ended(stored: &StoredSession, idle: chrono::Duration, now: DateTime<Utc>) -> bool {
    stored.expires_at <= now || stored.last_seen_at + idle <= now
}

async fn load(state: &AppState, headers: &HeaderMap, client_address: String) -> Result<Session> {
    let missing = || Error::Unauthenticated("sign in first".into());
    let id = cookie_value(state, headers).ok_or_else(missing)?;
    let id_hash = hash_id(&id);
    let ticket = state.sessions.0.ticket();
    let recent = state.sessions.0.get(&id_hash);
    let mut read_or_changed = recent.is_none();
    let mut stored = match recent {
        Some(recent) => recent,
        None => {
            let stored: Option<StoredSession> = with_db!(&state.db, pool => sqlx::query_as(
                "SELECT id_hash, public_id, password_change_required, person_id, access_token, access_expires_at,
                        refresh_token, created_at, last_seen_at, expires_at
                 FROM sessions WHERE id_hash = $1")
                .bind(&id_hash).fetch_optional(pool).await?);
            stored.ok_or_else(missing)?
        }
    };
    let now = Utc::now();
    let idle = chrono::Duration::from_std(state.settings.session_idle_timeout)
        .map_err(anyhow::Error::from)?;
    if has_ended(&stored, idle, now) {
        end_by_hash(state, &id_hash).await?;
        return Err(Error::Unauthenticated(
            "the session has ended; sign in again".into(),
        ));
    }
    if stored.access_expires_at - REFRESH_MARGIN <= now {
        refresh(state, &mut stored, now).await?;
        read_or_changed = true;
    } else if stored.last_seen_at + TOUCH_INTERVAL <= now {
        with_db!(&state.db, pool => { sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
            .bind(&id_hash).bind(now).execute(pool).await?; });
        stored.last_seen_at = now;
        read_or_changed = true;
    }
    if read_or_changed {
        state
            .sessions
            .0
            .put(id_hash.clone(), stored.clone(), ticket);
    }
    Ok(Session {
        person_id: stored.person_id,
        public_id: stored.public_id,
        password_change_required: stored.password_change_required,
        created_at: stored.created_at,
        token: BearerToken(Arc::from(stored.access_token.as_str())),
        id_hash: stored.id_hash,
        refresh_token: stored.refresh_token,
        client_address,
    })
}

/// Gets a new access token from identity; a refused refresh ends the session.
async fn refresh(state: &AppState, stored: &mut StoredSession, now: DateTime<Utc>) -> Result<()> {
    use otmetka_proto::identity::v1::RefreshAccessTokenRequest;
    let mut request = tonic::Request::new(RefreshAccessTokenRequest {
        refresh_token: stored.refresh_token.clone(),
    });
    request.set_timeout(state.settings.upstream_timeout);
    otmetka_platform::telemetry::inject_current_context(request.metadata_mut());
    match state.identity.clone().refresh_access_token(request).await {
        Ok(response) => {
            let response = response.into_inner();
            let expires = response
                .access_token_expire_time
                .and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos as u32))
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no token expiry")))?;
            stored.access_token = response.access_token;
            stored.access_expires_at = expires;
            with_db!(&state.db, pool => { sqlx::query(
                "UPDATE sessions SET access_token = $2, access_expires_at = $3, last_seen_at = $4 WHERE id_hash = $1")
                .bind(&stored.id_hash).bind(&stored.access_token).bind(expires).bind(now)
                .execute(pool).await?; });
            Ok(())
        }
        Err(status) if status.code() == tonic::Code::Unauthenticated => {
            end_by_hash(state, &stored.id_hash).await?;
            Err(Error::Unauthenticated(
                "the session has ended; sign in again".into(),
            ))
        }
        Err(status) => Err(Error::from(status)),
    }
}

impl<S> FromRequestParts<S> for Session
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let client_address = crate::client_ip::of(&parts.extensions).to_string();
        load(&state, &parts.headers, client_address)
            .await
            .map_err(|error| Problem::for_request(error, &parts.headers))
    }
}

impl Session {
    /// Ends the person's sessions other than this one; returns their
    /// refresh tokens, to revoke at identity.
    pub async fn end_others(&self, state: &AppState) -> Result<Vec<String>> {
        let ended: Vec<String> = with_db!(&state.db, pool => sqlx::query_scalar(
            "DELETE FROM sessions WHERE person_id = $1 AND id_hash <> $2 RETURNING refresh_token")
            .bind(self.person_id).bind(&self.id_hash).fetch_all(pool).await?);
        state.sessions.forget();
        Ok(ended)
    }

    /// Records that the person has chosen their own password, and ends
    /// their other sessions: whoever knew the old password is signed out
    /// everywhere but here. Returns the ended sessions' refresh tokens, to
    /// revoke at identity.
    pub async fn password_changed(&self, state: &AppState) -> Result<Vec<String>> {
        let mut tx = state.db.begin_write().await?;
        let ended = with_tx!(&mut tx, conn => {
            let ended: Vec<String> = sqlx::query_scalar(
                "DELETE FROM sessions WHERE person_id = $1 AND id_hash <> $2 RETURNING refresh_token")
                .bind(self.person_id).bind(&self.id_hash).fetch_all(&mut *conn).await?;
            sqlx::query("UPDATE sessions SET password_change_required = $2 WHERE id_hash = $1")
                .bind(&self.id_hash).bind(false).execute(&mut *conn).await?;
            ended
        });
        tx.commit().await?;
        state.sessions.forget();
        Ok(ended)
    }
}

/// A session allowed to do more than change its password.
pub struct ActiveSession(pub Session);

impl<S> FromRequestParts<S> for ActiveSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.password_change_required {
            let error = Error::PermissionDenied("change the school-issued password first".into());
            return Err(Problem::for_request(error, &parts.headers));
        }
        Ok(Self(session))
    }
}

/// Removes sessions past their absolute lifetime.
pub async fn purge_expired(db: &Db) -> Result<u64> {
    Ok(
        with_db!(db, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(Utc::now()).execute(pool).await?.rows_affected()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_in_at(at: DateTime<Utc>, lifetime: chrono::Duration) -> StoredSession {
        StoredSession {
            id_hash: hash_id("id"),
            public_id: Uuid::nil(),
            password_change_required: false,
            person_id: Uuid::nil(),
            access_token: String::new(),
            access_expires_at: at,
            refresh_token: String::new(),
            created_at: at,
            last_seen_at: at,
            expires_at: at + lifetime,
        }
    }

    #[test]
    fn sessions_end_when_idle_and_at_their_lifetime_however_busy() {
        let idle = chrono::Duration::minutes(30);
        let lifetime = chrono::Duration::hours(12);
        let start = Utc::now();
        let mut session = signed_in_at(start, lifetime);
        assert!(!has_ended(&session, idle, start));
        assert!(!has_ended(
            &session,
            idle,
            start + chrono::Duration::minutes(29)
        ));
        // Idle for the whole timeout: over.
        assert!(has_ended(&session, idle, start + idle));
        // In use every few minutes, it lives until its lifetime and no longer.
        let end = start + lifetime;
        session.last_seen_at = end - chrono::Duration::minutes(1);
        assert!(!has_ended(
            &session,
            idle,
            end - chrono::Duration::seconds(1)
        ));
        assert!(has_ended(&session, idle, end));
    }

    #[test]
    fn session_ids_are_long_random_and_stored_hashed() {
        // 32 random bytes: 256 bits, in 43 URL-safe characters.
        let ids: std::collections::BTreeSet<String> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.len() == 43));
        let id = ids.iter().next().unwrap();
        assert_ne!(hash_id(id), id.as_bytes());
        assert_eq!(hash_id(id).len(), 32);
    }
}
