//! Ending sessions: a refresh token given back, and the revocations the
//! gateway reads to drop sessions of people disabled meanwhile.

use chrono::Utc;
use otmetka_platform::authz::SCOPE_SESSIONS_READ;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::bounded_page_size;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::audit::{self, AuditEvent, AuditKind};
use crate::model::SessionRevocationId;
use crate::{store, tokens};

const MAX_REVOCATIONS_PAGE: u32 = 500;

impl IdentityApi {
    pub(super) async fn revoke_refresh_token(
        &self,
        request: pb::RevokeRefreshTokenRequest,
        source: String,
    ) -> Result<pb::RevokeRefreshTokenResponse> {
        let hash = tokens::hash_refresh_token(&request.refresh_token);
        let db = &self.state.db;
        let now = Utc::now();
        // A live token ending is a session ending: audited, with its owner.
        if let Some(person_id) = store::refresh_token_owner(db, &hash, now).await? {
            store::revoke_refresh_token(db, &hash, now).await?;
            let school_id = store::get_person(db, person_id)
                .await?
                .and_then(|person| person.school_id);
            let event = AuditEvent {
                kind: AuditKind::SessionEnded,
                school_id,
                actor_id: Some(person_id.into()),
                object_id: Some(person_id.into()),
                source_address: source,
            };
            audit::record(db, event).await?;
        }
        Ok(pb::RevokeRefreshTokenResponse {})
    }

    pub(super) async fn list_session_revocations(
        &self,
        ctx: CallContext,
        request: pb::ListSessionRevocationsRequest,
    ) -> Result<pb::ListSessionRevocationsResponse> {
        if !ctx.principal.has_scope(SCOPE_SESSIONS_READ) {
            return Err(Error::PermissionDenied(
                "only the gateway reads session revocations".into(),
            ));
        }
        let after = if request.after_id.is_empty() {
            None
        } else {
            Some(SessionRevocationId::parse("after_id", &request.after_id)?)
        };
        // The gateway polls for all of them: a page is as large as allowed.
        let limit = bounded_page_size(
            request.page_size,
            MAX_REVOCATIONS_PAGE,
            MAX_REVOCATIONS_PAGE,
        )?;
        // Nothing older than a refresh token matters: its sessions are over anyway.
        let since = Utc::now()
            - chrono::Duration::from_std(self.state.settings.refresh_token_ttl)
                .map_err(anyhow::Error::from)?;
        let rows =
            store::session_revocations(&self.state.db, after, since, i64::from(limit)).await?;
        Ok(pb::ListSessionRevocationsResponse {
            revocations: rows
                .into_iter()
                .map(|row| pb::SessionRevocation {
                    id: row.id.to_string(),
                    person_id: row.person_id.to_string(),
                    revoke_time: Some(to_timestamp(row.created_at)),
                })
                .collect(),
        })
    }
}
