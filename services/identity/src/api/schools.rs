//! Schools: created and renamed by city operators, read by their staff.

use chrono::Utc;
use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::{require_city_operator, require_school};
use crate::audit::AuditKind;
use crate::fields::{MAX_SCHOOL_NAME_CHARS, query, required_text, timezone};
use crate::model::School;
use crate::updates::{SchoolChanges, change_school};
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn create_school(
        &self,
        ctx: CallContext,
        request: pb::CreateSchoolRequest,
    ) -> Result<pb::CreateSchoolResponse> {
        let db = &self.state.db;
        require_city_operator(&ctx.principal)?;
        let mut violations = Violations::new();
        let name = required_text(
            "name",
            &request.name,
            MAX_SCHOOL_NAME_CHARS,
            &mut violations,
        );
        timezone("timezone", &request.timezone, &mut violations);
        violations.into_result()?;
        let school = School {
            id: SchoolId::generate(),
            name,
            timezone: request.timezone,
            created_at: Utc::now(),
        };
        store::insert_school(db, &school).await?;
        self.audit_city(&ctx, AuditKind::SchoolCreated, Some(school.id.into()))
            .await?;
        Ok(pb::CreateSchoolResponse {
            school: Some(convert::school(school)),
        })
    }

    pub(super) async fn get_school(
        &self,
        ctx: CallContext,
        request: pb::GetSchoolRequest,
    ) -> Result<pb::GetSchoolResponse> {
        let id = SchoolId::parse("id", &request.id)?;
        require_school(&self.state.db, &ctx.principal, id, Action::ReadRoster).await?;
        let school = store::get_school(&self.state.db, id)
            .await?
            .ok_or_else(|| Error::not_found("school"))?;
        Ok(pb::GetSchoolResponse {
            school: Some(convert::school(school)),
        })
    }

    pub(super) async fn list_schools(
        &self,
        ctx: CallContext,
        request: pb::ListSchoolsRequest,
    ) -> Result<pb::ListSchoolsResponse> {
        let page = Page::parse(request.page_size, &request.page_token)?;
        // A client holds no staff role, so its schools are none, as before.
        let member = (!ctx.principal.city_operator).then_some(PersonId(ctx.principal.id));
        let mut schools = store::list_schools(
            &self.state.db,
            &page,
            &query("name_query", &request.name_query)?,
            member,
        )
        .await?;
        let next_page_token = page.finish(&mut schools, |school| school.id.to_string());
        Ok(pb::ListSchoolsResponse {
            schools: schools.into_iter().map(convert::school).collect(),
            next_page_token,
        })
    }

    pub(super) async fn update_school(
        &self,
        ctx: CallContext,
        request: pb::UpdateSchoolRequest,
    ) -> Result<pb::UpdateSchoolResponse> {
        require_city_operator(&ctx.principal)?;
        let db = &self.state.db;
        let changes = request
            .school
            .ok_or_else(|| Error::invalid("school", "is required"))?;
        let id = SchoolId::parse("school.id", &changes.id)?;
        let mut school = store::get_school(db, id)
            .await?
            .ok_or_else(|| Error::not_found("school"))?;
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        let new_values = SchoolChanges {
            name: &changes.name,
            timezone: &changes.timezone,
        };
        change_school(&mut school, &paths, &new_values)?;
        store::update_school(db, &school).await?;
        self.audit_city(&ctx, AuditKind::SchoolUpdated, Some(school.id.into()))
            .await?;
        Ok(pb::UpdateSchoolResponse {
            school: Some(convert::school(school)),
        })
    }

    pub(super) async fn get_school_directory(
        &self,
        ctx: CallContext,
        request: pb::GetSchoolDirectoryRequest,
    ) -> Result<pb::GetSchoolDirectoryResponse> {
        let db = &self.state.db;
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(db, &ctx.principal, school_id, Action::ReadSchool).await?;
        let school = store::get_school(db, school_id)
            .await?
            .ok_or_else(|| Error::not_found("school"))?;
        let staff = store::school_staff(db, school_id).await?;
        let subjects = store::school_subjects(db, school_id).await?;
        Ok(pb::GetSchoolDirectoryResponse {
            school_name: school.name,
            timezone: school.timezone,
            staff: staff
                .into_iter()
                .map(|person| pb::DirectoryEntry {
                    person_id: person.id.to_string(),
                    family_name: person.family_name,
                    given_name: person.given_name,
                    middle_name: person.middle_name,
                })
                .collect(),
            subjects: subjects.into_iter().map(convert::subject).collect(),
        })
    }
}
