//! Groups, which identity keeps per class.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;

use crate::api::walk::{across_classes, class_key, wanted};
use crate::api::{ImportApi, scope};
use crate::model::EntityKind;

impl ImportApi {
    pub(in crate::api) async fn roster_groups(
        &self,
        ctx: CallContext,
        request: pb::ListRosterGroupsRequest,
    ) -> Result<pb::ListRosterGroupsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let (classes, years) = self
            .walked_classes(
                &ctx,
                scope.school_id,
                &request.academic_year_id,
                &request.class_id,
            )
            .await?;
        let mut groups = across_classes(
            &classes,
            page.after_pair()?,
            wanted(&page),
            |class, page_token, page_size| {
                let mut identity = self.identity.clone();
                let request = ctx.forward(identity::ListGroupsRequest {
                    class_id: class.id.clone(),
                    page_size,
                    page_token,
                });
                async move {
                    let reply = identity.list_groups(request?).await?.into_inner();
                    Ok((reply.groups, reply.next_page_token))
                }
            },
        )
        .await?;
        let next_page_token = page.finish(&mut groups, |(index, group)| {
            class_key(&classes[*index].id, &group.id)
        });
        let externals = self
            .externals(
                scope,
                EntityKind::Group,
                groups.iter().map(|(_, g)| g.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterGroupsResponse {
            groups: groups
                .into_iter()
                .map(|(index, group)| pb::RosterGroup {
                    external_id: externals.of(&group.id),
                    academic_year_id: years.id_of(classes[index].academic_year),
                    class_ids: vec![group.class_id],
                    // Identity keeps no subject on a group; its teaching
                    // assignments say what it is taught.
                    subject_id: String::new(),
                    school_id: group.school_id,
                    name: group.name,
                    id: group.id,
                })
                .collect(),
            next_page_token,
        })
    }
}
