//! Subjects a school teaches.

use otmetka_platform::Result;
use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{SchoolId, SubjectId};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::fields::{MAX_NAME_CHARS, required_text};
use crate::model::Subject;
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn create_subject(
        &self,
        ctx: CallContext,
        request: pb::CreateSubjectRequest,
    ) -> Result<pb::CreateSubjectResponse> {
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let mut violations = Violations::new();
        let name = required_text("name", &request.name, MAX_NAME_CHARS, &mut violations);
        violations.into_result()?;
        let subject = Subject {
            id: SubjectId::generate(),
            school_id,
            name,
        };
        store::insert_subject(&self.state.db, &subject).await?;
        Ok(pb::CreateSubjectResponse {
            subject: Some(convert::subject(subject)),
        })
    }

    pub(super) async fn list_subjects(
        &self,
        ctx: CallContext,
        request: pb::ListSubjectsRequest,
    ) -> Result<pb::ListSubjectsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut subjects = store::list_subjects(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut subjects, |subject| subject.id.to_string());
        Ok(pb::ListSubjectsResponse {
            subjects: subjects.into_iter().map(convert::subject).collect(),
            next_page_token,
        })
    }
}
