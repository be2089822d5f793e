//! Which class a student is in, and from when.

use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::time::parse_date;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::{require_school, school_today};
use crate::model::{Membership, PersonKind};
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn enroll_student(
        &self,
        ctx: CallContext,
        request: pb::EnrollStudentRequest,
    ) -> Result<pb::EnrollStudentResponse> {
        let db = &self.state.db;
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let start_date = parse_date("start_date", &request.start_date)?;
        let class = store::get_class(db, class_id)
            .await?
            .filter(|class| Some(class.school_id) == student.school_id)
            .ok_or_else(|| Error::invalid("class_id", "must be a class of the student's school"))?;
        let membership = Membership {
            student_id: student.as_student(),
            class_id,
            school_id: class.school_id,
            start_date,
            end_date: None,
        };
        let id = store::enroll(db, &membership).await?;
        Ok(pb::EnrollStudentResponse {
            membership: Some(convert::membership(id, membership)),
        })
    }

    pub(super) async fn list_student_memberships(
        &self,
        ctx: CallContext,
        request: pb::ListStudentMembershipsRequest,
    ) -> Result<pb::ListStudentMembershipsResponse> {
        let db = &self.state.db;
        let student_id = StudentId::parse("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let not_found = || Error::not_found("student");
        let student = store::get_person(db, student_id.into())
            .await?
            .filter(|person| person.kind() == Some(PersonKind::Student))
            .ok_or_else(not_found)?;
        if !self.may_see(&ctx, &student).await? {
            return Err(not_found());
        }
        let mut rows = store::memberships_of(db, student_id, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| {
            format!("{}\0{}", row.membership.start_date, row.id)
        });
        Ok(pb::ListStudentMembershipsResponse {
            memberships: rows
                .into_iter()
                .map(|row| convert::membership(row.id, row.membership))
                .collect(),
            next_page_token,
        })
    }

    pub(super) async fn list_class_students(
        &self,
        ctx: CallContext,
        request: pb::ListClassStudentsRequest,
    ) -> Result<pb::ListClassStudentsResponse> {
        let db = &self.state.db;
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        require_school(db, &ctx.principal, class.school_id, Action::ReadRoster)
            .await
            .map_err(|_| Error::not_found("class"))?;
        let date = if request.date.is_empty() {
            school_today(db, &self.state.settings.clock, class.school_id).await?
        } else {
            parse_date("date", &request.date)?
        };
        let mut students = store::class_students(db, class_id, date, &page).await?;
        let next_page_token = page.finish(&mut students, |student| student.id.to_string());
        let reader = self.email_reader(&ctx, Some(class.school_id)).await?;
        Ok(pb::ListClassStudentsResponse {
            students: students
                .into_iter()
                .map(|student| reader.person(student))
                .collect(),
            next_page_token,
        })
    }

    pub(super) async fn list_class_memberships(
        &self,
        ctx: CallContext,
        request: pb::ListClassMembershipsRequest,
    ) -> Result<pb::ListClassMembershipsResponse> {
        let db = &self.state.db;
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        require_school(db, &ctx.principal, class.school_id, Action::ReadRoster)
            .await
            .map_err(|_| Error::not_found("class"))?;
        let mut rows = store::class_memberships(db, class_id, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
        Ok(pb::ListClassMembershipsResponse {
            memberships: rows
                .into_iter()
                .map(|row| convert::membership(row.id, row.membership))
                .collect(),
            next_page_token,
        })
    }
}
