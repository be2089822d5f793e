//! Guardianships a school records between its guardians and students.

use chrono::Utc;
use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::PersonId;
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::audit::AuditKind;
use crate::model::{Guardianship, PersonKind};
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn link_guardian(
        &self,
        ctx: CallContext,
        request: pb::LinkGuardianRequest,
    ) -> Result<pb::LinkGuardianResponse> {
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let guardian_id = PersonId::parse("guardian_id", &request.guardian_id)?;
        let guardian = store::get_person(&self.state.db, guardian_id)
            .await?
            .filter(|person| {
                person.kind() == Some(PersonKind::Guardian) && person.school_id == student.school_id
            })
            .ok_or_else(|| {
                Error::invalid(
                    "guardian_id",
                    "must be a guardian registered by the student's school",
                )
            })?;
        let link = Guardianship {
            guardian_id: guardian.id,
            student_id: student.as_student(),
            school_id: student.school_id.unwrap_or_default(),
            created_at: Utc::now(),
        };
        store::link_guardian(&self.state.db, &link).await?;
        self.audit(
            &ctx,
            AuditKind::GuardianLinked,
            link.school_id,
            link.guardian_id,
        )
        .await?;
        Ok(pb::LinkGuardianResponse {
            guardianship: Some(convert::guardianship(link)),
        })
    }

    pub(super) async fn unlink_guardian(
        &self,
        ctx: CallContext,
        request: pb::UnlinkGuardianRequest,
    ) -> Result<pb::UnlinkGuardianResponse> {
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let guardian_id = PersonId::parse("guardian_id", &request.guardian_id)?;
        if !store::unlink_guardian(&self.state.db, guardian_id, student.as_student()).await? {
            return Err(Error::not_found("guardianship"));
        }
        let school_id = student.school_id.unwrap_or_default();
        self.audit(&ctx, AuditKind::GuardianUnlinked, school_id, guardian_id)
            .await?;
        Ok(pb::UnlinkGuardianResponse {})
    }

    pub(super) async fn list_guardianships(
        &self,
        ctx: CallContext,
        request: pb::ListGuardianshipsRequest,
    ) -> Result<pb::ListGuardianshipsResponse> {
        if !request.student_id.is_empty() {
            if !request.guardian_id.is_empty() {
                return Err(Error::invalid(
                    "student_id",
                    "must be empty when guardian_id is set",
                ));
            }
            return self.list_student_guardians(&ctx, &request).await;
        }
        let guardian_id = PersonId::parse("guardian_id", &request.guardian_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        if guardian_id.uuid() != ctx.principal.id {
            let guardian = store::get_person(&self.state.db, guardian_id).await?;
            let school_id = guardian
                .and_then(|g| g.school_id)
                .ok_or_else(|| Error::not_found("guardian"))?;
            require_school(
                &self.state.db,
                &ctx.principal,
                school_id,
                Action::ReadRoster,
            )
            .await
            .map_err(|_| Error::not_found("guardian"))?;
        }
        let mut links = store::guardianships_of(&self.state.db, guardian_id, &page).await?;
        let next_page_token = page.finish(&mut links, |link| link.student_id.to_string());
        Ok(pb::ListGuardianshipsResponse {
            guardianships: links.into_iter().map(convert::guardianship).collect(),
            next_page_token,
        })
    }

    /// A student's guardians, for the staff of the student's school.
    async fn list_student_guardians(
        &self,
        ctx: &CallContext,
        request: &pb::ListGuardianshipsRequest,
    ) -> Result<pb::ListGuardianshipsResponse> {
        let student_id = PersonId::parse("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let not_found = || Error::not_found("student");
        let student = store::get_person(&self.state.db, student_id)
            .await?
            .filter(|person| person.kind() == Some(PersonKind::Student))
            .ok_or_else(not_found)?;
        let school_id = student.school_id.ok_or_else(not_found)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ReadRoster,
        )
        .await
        .map_err(|_| not_found())?;
        let mut links =
            store::guardianships_of_student(&self.state.db, student.as_student(), &page).await?;
        let next_page_token = page.finish(&mut links, |link| link.guardian_id.to_string());
        Ok(pb::ListGuardianshipsResponse {
            guardianships: links.into_iter().map(convert::guardianship).collect(),
            next_page_token,
        })
    }
}
