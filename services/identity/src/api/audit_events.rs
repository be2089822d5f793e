//! The audit trail of a school, for those who may read it.

use otmetka_platform::Result;
use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::optional_text;
use otmetka_platform::time::to_timestamp;
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::audit::StoredAuditEvent;
use crate::store;

fn event_to_proto(event: StoredAuditEvent) -> pb::AuditEvent {
    pb::AuditEvent {
        id: event.id.to_string(),
        school_id: optional_text(event.school_id),
        actor_id: optional_text(event.actor_id),
        kind: event.kind,
        object_id: optional_text(event.object_id),
        source_address: event.source_address,
        create_time: Some(to_timestamp(event.created_at)),
    }
}

impl IdentityApi {
    pub(super) async fn list_audit_events(
        &self,
        ctx: CallContext,
        request: pb::ListAuditEventsRequest,
    ) -> Result<pb::ListAuditEventsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadAudit,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut events = store::audit::list(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut events, |event| event.id.to_string());
        Ok(pb::ListAuditEventsResponse {
            audit_events: events.into_iter().map(event_to_proto).collect(),
            next_page_token,
        })
    }
}
