//! Teaching assignments: who teaches which subject to a class or a group.

use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SubjectId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::model::{TeachingAssignment, TeachingAssignmentId};
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn create_teaching_assignment(
        &self,
        ctx: CallContext,
        request: pb::CreateTeachingAssignmentRequest,
    ) -> Result<pb::CreateTeachingAssignmentResponse> {
        let db = &self.state.db;
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        require_school(db, &ctx.principal, class.school_id, Action::ManageRoster)
            .await
            .map_err(|_| Error::not_found("class"))?;
        let group_id = GroupId::parse_optional("group_id", &request.group_id)?;
        if let Some(group_id) = group_id
            && store::group_class(db, group_id).await? != Some(class_id)
        {
            return Err(Error::invalid("group_id", "must be a group of the class"));
        }
        let teacher_id = PersonId::parse("teacher_id", &request.teacher_id)?;
        self.require_staff(class.school_id, teacher_id, "teacher_id")
            .await?;
        let subject_id = SubjectId::parse("subject_id", &request.subject_id)?;
        store::get_subject(db, subject_id)
            .await?
            .filter(|subject| subject.school_id == class.school_id)
            .ok_or_else(|| {
                Error::invalid("subject_id", "must be a subject of the class's school")
            })?;
        let assignment = TeachingAssignment {
            id: TeachingAssignmentId::generate(),
            school_id: class.school_id,
            teacher_id,
            class_id,
            subject_id,
            group_id,
        };
        store::insert_assignment(db, &assignment).await?;
        Ok(pb::CreateTeachingAssignmentResponse {
            teaching_assignment: Some(convert::assignment(assignment)),
        })
    }

    pub(super) async fn list_teaching_assignments(
        &self,
        ctx: CallContext,
        request: pb::ListTeachingAssignmentsRequest,
    ) -> Result<pb::ListTeachingAssignmentsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let class_id = ClassId::parse_optional("class_id", &request.class_id)?;
        let teacher_id = PersonId::parse_optional("teacher_id", &request.teacher_id)?;
        let mut rows =
            store::list_assignments(&self.state.db, school_id, class_id, teacher_id, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
        Ok(pb::ListTeachingAssignmentsResponse {
            teaching_assignments: rows.into_iter().map(convert::assignment).collect(),
            next_page_token,
        })
    }

    pub(super) async fn delete_teaching_assignment(
        &self,
        ctx: CallContext,
        request: pb::DeleteTeachingAssignmentRequest,
    ) -> Result<pb::DeleteTeachingAssignmentResponse> {
        let id = TeachingAssignmentId::parse("id", &request.id)?;
        let not_found = || Error::not_found("teaching assignment");
        let assignment = store::get_assignment(&self.state.db, id)
            .await?
            .ok_or_else(not_found)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            assignment.school_id,
            Action::ManageRoster,
        )
        .await
        .map_err(|_| not_found())?;
        store::delete_assignment(&self.state.db, id).await?;
        Ok(pb::DeleteTeachingAssignmentResponse {})
    }
}
