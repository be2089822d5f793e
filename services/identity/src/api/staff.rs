//! Staff roles a school grants its people.

use otmetka_platform::authz::{Action, StaffRole};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::audit::AuditKind;
use crate::model::PersonKind;
use crate::store;

impl IdentityApi {
    pub(super) async fn grant_staff_role(
        &self,
        ctx: CallContext,
        request: pb::GrantStaffRoleRequest,
    ) -> Result<pb::GrantStaffRoleResponse> {
        self.change_staff_role(
            ctx,
            &request.person_id,
            &request.school_id,
            request.role,
            true,
        )
        .await?;
        Ok(pb::GrantStaffRoleResponse {})
    }

    pub(super) async fn revoke_staff_role(
        &self,
        ctx: CallContext,
        request: pb::RevokeStaffRoleRequest,
    ) -> Result<pb::RevokeStaffRoleResponse> {
        self.change_staff_role(
            ctx,
            &request.person_id,
            &request.school_id,
            request.role,
            false,
        )
        .await?;
        Ok(pb::RevokeStaffRoleResponse {})
    }

    /// A person's roles: asked by themself (every page's start), by the
    /// administrators of their school, or by a city operator. Anyone else
    /// learns nothing, not even that the person exists.
    pub(super) async fn list_staff_roles(
        &self,
        ctx: CallContext,
        request: pb::ListStaffRolesRequest,
    ) -> Result<pb::ListStaffRolesResponse> {
        let db = &self.state.db;
        let person_id = PersonId::parse("person_id", &request.person_id)?;
        let not_found = || Error::not_found("person");
        let person = store::get_person(db, person_id)
            .await?
            .ok_or_else(not_found)?;
        let allowed = ctx.principal.id == person.id.uuid()
            || ctx.principal.city_operator
            || match person.school_id {
                Some(school_id) => {
                    require_school(db, &ctx.principal, school_id, Action::ManageRoster)
                        .await
                        .is_ok()
                }
                None => false,
            };
        if !allowed {
            return Err(not_found());
        }
        let roles = store::roles_of(db, person.id)
            .await?
            .into_iter()
            .filter_map(|(school_id, school_name, role)| {
                Some(pb::StaffRoleGrant {
                    school_id: school_id.to_string(),
                    school_name,
                    role: contract_role(StaffRole::parse(&role)?).into(),
                })
            })
            .collect();
        Ok(pb::ListStaffRolesResponse {
            roles,
            city_operator: store::is_city_operator(db, person.id).await?,
        })
    }

    pub(super) async fn change_staff_role(
        &self,
        ctx: CallContext,
        person_id: &str,
        school_id: &str,
        role: i32,
        grant: bool,
    ) -> Result<()> {
        let school_id = SchoolId::parse("school_id", school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let person = self
            .managed_person(&ctx, "person_id", person_id, PersonKind::Staff)
            .await?;
        if person.school_id != Some(school_id) {
            return Err(Error::invalid(
                "person_id",
                "must be staff registered by this school",
            ));
        }
        let role = StaffRole::ALL
            .into_iter()
            .find(|known| i32::from(contract_role(*known)) == role)
            .ok_or_else(|| Error::invalid("role", "must be a staff role"))?;
        if grant {
            store::grant_staff_role(&self.state.db, person.id, school_id, role.as_str()).await?;
        } else {
            store::revoke_staff_role(&self.state.db, person.id, school_id, role.as_str()).await?;
        }
        let kind = if grant {
            AuditKind::StaffRoleGranted
        } else {
            AuditKind::StaffRoleRevoked
        };
        self.audit(&ctx, kind, school_id, person.id).await?;
        Ok(())
    }

    /// Checks that `person_id` holds a teacher role in the school, for a field.
    pub(super) async fn require_staff(
        &self,
        school_id: SchoolId,
        person_id: PersonId,
        field: &str,
    ) -> Result<()> {
        let roles = store::staff_roles(&self.state.db, person_id, school_id).await?;
        if roles.iter().any(|role| role == StaffRole::Teacher.as_str()) {
            Ok(())
        } else {
            Err(Error::invalid(field, "must be a teacher of this school"))
        }
    }
}

pub(super) fn contract_role(role: StaffRole) -> pb::StaffRole {
    match role {
        StaffRole::Teacher => pb::StaffRole::Teacher,
        StaffRole::DeputyHead => pb::StaffRole::DeputyHead,
        StaffRole::Director => pb::StaffRole::Director,
        StaffRole::SchoolAdmin => pb::StaffRole::SchoolAdmin,
    }
}
