//! The audit trail of a school, for those who may read it.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{SchoolId, optional_text};
use otmetka_platform::paging::Page;
use otmetka_platform::time::{optional_date, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_city_operator;
use crate::audit::StoredAuditEvent;
use crate::store;
use crate::store::audit::AuditFilter;

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
        let kind = (!request.kind.is_empty()).then(|| request.kind.clone());
        let (mut events, page) = if request.school_id.is_empty() {
            require_city_operator(&ctx.principal)?;
            if !request.date.is_empty() {
                return Err(Error::invalid("date", "is only for a school's events"));
            }
            let page = Page::parse(request.page_size, &request.page_token)?;
            let filter = AuditFilter { kind, span: None };
            let events = store::audit::list(&self.state.db, None, &filter, &page).await?;
            (events, page)
        } else {
            let (school_id, page) = self
                .school_page(
                    &ctx,
                    Action::ReadAudit,
                    &request.school_id,
                    request.page_size,
                    &request.page_token,
                )
                .await?;
            let filter = AuditFilter {
                kind,
                span: match optional_date("date", &request.date)? {
                    Some(day) => Some(self.school_day_span(school_id, day).await?),
                    None => None,
                },
            };
            let events =
                store::audit::list(&self.state.db, Some(school_id), &filter, &page).await?;
            (events, page)
        };
        let next_page_token = page.finish(&mut events, |event| event.id.to_string());
        Ok(pb::ListAuditEventsResponse {
            audit_events: events.into_iter().map(event_to_proto).collect(),
            next_page_token,
        })
    }

    /// The instants a school-local day spans, in the school's timezone.
    async fn school_day_span(
        &self,
        school_id: SchoolId,
        day: NaiveDate,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let school = store::get_school(&self.state.db, school_id)
            .await?
            .ok_or_else(|| Error::not_found("school"))?;
        let zone: chrono_tz::Tz = school
            .timezone
            .parse()
            .map_err(|_| Error::Internal(anyhow::anyhow!("the school's timezone is unknown")))?;
        let start = |day: NaiveDate| {
            // A day that starts in a clock change starts at its first
            // existing instant.
            zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
                .unwrap_or_else(|| zone.from_utc_datetime(&day.and_time(NaiveTime::MIN)))
                .with_timezone(&Utc)
        };
        Ok((start(day), start(day + Days::new(1))))
    }
}
