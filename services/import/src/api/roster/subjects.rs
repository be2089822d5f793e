//! Subjects, as identity pages them.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;

use crate::api::{ImportApi, scope};
use crate::model::EntityKind;

impl ImportApi {
    pub(in crate::api) async fn roster_subjects(
        &self,
        ctx: CallContext,
        request: pb::ListRosterSubjectsRequest,
    ) -> Result<pb::ListRosterSubjectsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_subjects(ctx.forward(identity::ListSubjectsRequest {
                school_id: request.school_id,
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let externals = self
            .externals(
                scope,
                EntityKind::Subject,
                reply.subjects.iter().map(|s| s.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterSubjectsResponse {
            subjects: reply
                .subjects
                .into_iter()
                .map(|subject| pb::RosterSubject {
                    external_id: externals.of(&subject.id),
                    school_id: subject.school_id,
                    name: subject.name,
                    code: String::new(),
                    id: subject.id,
                })
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }
}
