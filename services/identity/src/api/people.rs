//! People of a school: registering, finding and changing them; disabling
//! someone ends their sessions.

use chrono::Utc;
use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::{IdentityApi, person_kind};
use crate::access::require_school;
use crate::audit::AuditKind;
use crate::convert::{self, Email};
use crate::fields::{PersonNames, query};
use crate::model::{Person, PersonKind};
use crate::store;
use crate::updates::{PersonChanges, change_person};

impl IdentityApi {
    pub(super) async fn create_person(
        &self,
        ctx: CallContext,
        request: pb::CreatePersonRequest,
    ) -> Result<pb::CreatePersonResponse> {
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let mut violations = Violations::new();
        let kind = person_kind(request.kind);
        if kind.is_none() {
            violations.add("kind", "must be student, guardian or staff");
        }
        let names = PersonNames::check(
            &request.family_name,
            &request.given_name,
            &request.middle_name,
            &mut violations,
        );
        violations.into_result()?;
        let person = Person {
            id: PersonId::generate(),
            school_id: Some(school_id),
            kind: kind.map(PersonKind::as_str).unwrap_or_default().to_owned(),
            family_name: names.family_name,
            given_name: names.given_name,
            middle_name: names.middle_name,
            disabled: false,
            created_at: Utc::now(),
            email: None,
        };
        store::insert_person(&self.state.db, &person).await?;
        Ok(pb::CreatePersonResponse {
            // The caller manages the school: they may update the person.
            person: Some(convert::person(person, Email::Shown)),
        })
    }

    pub(super) async fn get_person(
        &self,
        ctx: CallContext,
        request: pb::GetPersonRequest,
    ) -> Result<pb::GetPersonResponse> {
        let db = &self.state.db;
        let id = PersonId::parse("id", &request.id)?;
        let not_found = || Error::not_found("person");
        let person = store::get_person(db, id).await?.ok_or_else(not_found)?;
        if !self.may_see(&ctx, &person).await? {
            return Err(not_found());
        }
        let reader = self.email_reader(&ctx, person.school_id).await?;
        Ok(pb::GetPersonResponse {
            person: Some(reader.person(person)),
        })
    }

    pub(super) async fn list_persons(
        &self,
        ctx: CallContext,
        request: pb::ListPersonsRequest,
    ) -> Result<pb::ListPersonsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let kind = person_kind(request.kind);
        let mut rows = store::list_persons(
            &self.state.db,
            school_id,
            kind,
            &query("name_query", &request.name_query)?,
            &page,
        )
        .await?;
        let next_page_token =
            page.finish(&mut rows, |(name, person)| format!("{name}\0{}", person.id));
        let reader = self.email_reader(&ctx, Some(school_id)).await?;
        Ok(pb::ListPersonsResponse {
            persons: rows
                .into_iter()
                .map(|(_, person)| reader.person(person))
                .collect(),
            next_page_token,
        })
    }

    pub(super) async fn update_person(
        &self,
        ctx: CallContext,
        request: pb::UpdatePersonRequest,
    ) -> Result<pb::UpdatePersonResponse> {
        let db = &self.state.db;
        let changes = request
            .person
            .ok_or_else(|| Error::invalid("person", "is required"))?;
        let id = PersonId::parse("person.id", &changes.id)?;
        let not_found = || Error::not_found("person");
        let mut person = store::get_person(db, id).await?.ok_or_else(not_found)?;
        let school_id = person.school_id.ok_or_else(not_found)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster)
            .await
            .map_err(|_| not_found())?;
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        let was_disabled = person.disabled;
        let new_values = PersonChanges {
            family_name: &changes.family_name,
            given_name: &changes.given_name,
            middle_name: &changes.middle_name,
            disabled: changes.disabled,
            email: &changes.email,
        };
        change_person(&mut person, &paths, &new_values, ctx.principal.id)?;
        let newly_disabled = person.disabled && !was_disabled;
        store::update_person(db, &person, newly_disabled).await?;
        if newly_disabled {
            self.audit(&ctx, AuditKind::PersonDisabled, school_id, id)
                .await?;
        }
        Ok(pb::UpdatePersonResponse {
            // The caller may update the person, so may read what they set.
            person: Some(convert::person(person, Email::Shown)),
        })
    }
}
