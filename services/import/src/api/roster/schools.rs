//! The schools that granted the calling vendor access.

use otmetka_platform::Result;
use otmetka_platform::authz::{
    SCOPE_ATTENDANCE_WRITE, SCOPE_CHANGES_READ, SCOPE_MARKS_WRITE, SCOPE_ROSTER_READ,
};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;

use crate::api::{ImportApi, roster_reader};
use crate::model::EntityKind;
use crate::store::Scope;

/// The contract's grant scopes for a token's scopes. A grant is of the
/// whole school; what the vendor may do there is what its token carries.
fn grant_scopes(scopes: &[String]) -> Vec<i32> {
    scopes
        .iter()
        .filter_map(|scope| match scope.as_str() {
            SCOPE_ROSTER_READ => Some(pb::GrantScope::RosterRead),
            SCOPE_MARKS_WRITE => Some(pb::GrantScope::MarksWrite),
            SCOPE_ATTENDANCE_WRITE => Some(pb::GrantScope::AttendanceWrite),
            SCOPE_CHANGES_READ => Some(pb::GrantScope::ChangesRead),
            _ => None,
        })
        .map(Into::into)
        .collect()
}

impl ImportApi {
    pub(in crate::api) async fn granted_schools(
        &self,
        ctx: CallContext,
        request: pb::ListGrantedSchoolsRequest,
    ) -> Result<pb::ListGrantedSchoolsResponse> {
        let vendor_id = roster_reader(&ctx)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_vendor_grants(ctx.forward(identity::ListVendorGrantsRequest {
                school_id: String::new(),
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let scopes = grant_scopes(ctx.principal.client_scopes.as_deref().unwrap_or_default());
        let mut schools = Vec::with_capacity(reply.grants.len());
        for grant in reply.grants {
            let school = grant.school.unwrap_or_default();
            let school_id = otmetka_platform::time::parse_id("school_id", &school.id)?;
            let scope = Scope {
                vendor_id,
                school_id,
            };
            let externals = self
                .externals(scope, EntityKind::School, [school.id.as_str()])
                .await?;
            schools.push(pb::GrantedSchool {
                external_id: externals.of(&school.id),
                school_id: school.id,
                name: school.name,
                time_zone: school.timezone,
                scopes: scopes.clone(),
                grant_time: grant.create_time,
                // Grants last until the school withdraws them.
                expire_time: None,
            });
        }
        Ok(pb::ListGrantedSchoolsResponse {
            schools,
            next_page_token: reply.next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_scopes_follow_the_token() {
        let scopes = ["roster.read", "changes.read", "identity.external_login"].map(String::from);
        assert_eq!(
            grant_scopes(&scopes),
            [
                i32::from(pb::GrantScope::RosterRead),
                i32::from(pb::GrantScope::ChangesRead)
            ]
        );
    }
}
