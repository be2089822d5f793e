//! Ends the sessions of people identity has disabled or issued a new
//! password, within seconds: the gateway follows identity's list of session
//! revocations.

use std::time::Duration;

use chrono::{DateTime, Utc};
use otmetka_platform::grpc::context::outgoing;
use otmetka_platform::{Error, Result, with_db};
use otmetka_proto::identity::v1 as identity;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::AppState;

/// Revocations younger than this are read again on the next poll: ids are
/// time-ordered, but a transaction may commit after a later one did.
const SETTLE: chrono::Duration = chrono::Duration::seconds(10);

pub async fn follow(state: AppState, every: Duration, shutdown: CancellationToken) {
    let mut cursor: Option<String> = None;
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.cancelled() => return,
        }
        match poll(&state, cursor.clone()).await {
            Ok(next) => cursor = next,
            Err(error) => tracing::warn!(%error, "reading session revocations failed"),
        }
    }
}

/// Applies the revocations after `cursor`; returns the cursor to go on from.
async fn poll(state: &AppState, cursor: Option<String>) -> Result<Option<String>> {
    let token = state.service_token().await?;
    let message = identity::ListSessionRevocationsRequest {
        after_id: cursor.clone().unwrap_or_default(),
        page_size: 0,
    };
    let mut request = outgoing(message, &token, None)?;
    request.set_timeout(state.settings.upstream_timeout);
    let revocations = state
        .identity
        .clone()
        .list_session_revocations(request)
        .await?
        .into_inner()
        .revocations;
    let settled_before = Utc::now() - SETTLE;
    let mut next = cursor;
    let mut settled = true;
    for revocation in revocations {
        let person_id = Uuid::parse_str(&revocation.person_id)
            .map_err(|_| Error::Internal(anyhow::anyhow!("identity sent a malformed person id")))?;
        let revoked_at = revocation
            .revoke_time
            .and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no revocation time")))?;
        let ended = with_db!(&state.db, pool => sqlx::query(
            "DELETE FROM sessions WHERE person_id = $1 AND created_at <= $2")
            .bind(person_id).bind(revoked_at).execute(pool).await?.rows_affected());
        state.sessions.forget();
        if ended > 0 {
            tracing::info!(%person_id, ended, "sessions ended: identity revoked them");
        }
        settled &= revoked_at < settled_before;
        if settled {
            next = Some(revocation.id);
        }
    }
    Ok(next)
}
