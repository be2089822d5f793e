//! Access questions other services ask before they act for a caller.

use chrono::NaiveDate;
use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::time::parse_date;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::{require_class, require_school, require_student};
use crate::audit::AuditKind;
use crate::correspondence::{self, Correspondent, require_correspondent};
use crate::model::PersonKind;
use crate::store;

impl IdentityApi {
    pub(super) async fn check_access(
        &self,
        ctx: CallContext,
        request: pb::CheckAccessRequest,
    ) -> Result<pb::CheckAccessResponse> {
        let date = if request.date.is_empty() {
            None
        } else {
            Some(parse_date("date", &request.date)?)
        };
        if request.action == pb::Action::MessagePerson as i32 {
            return self.check_correspondence(&ctx, &request).await;
        }
        // The shared policy compares subjects as bare UUIDs.
        let subject = || SubjectId::parse("subject_id", &request.subject_id).map(SubjectId::uuid);
        let action = match pb::Action::try_from(request.action) {
            Ok(pb::Action::ReadStudentRecord) => Action::ReadStudentRecord,
            Ok(pb::Action::WriteMark) => Action::WriteMark {
                subject_id: subject()?,
            },
            Ok(pb::Action::WriteAttendance) => Action::WriteAttendance {
                subject_id: subject()?,
            },
            Ok(pb::Action::ReadSchool) => Action::ReadSchool,
            Ok(pb::Action::ReadRoster) => Action::ReadRoster,
            Ok(pb::Action::ManageSchedule) => Action::ManageSchedule,
            Ok(pb::Action::ClosePeriod) => Action::ClosePeriod,
            Ok(pb::Action::TeachClass) => Action::TeachClass {
                subject_id: subject()?,
            },
            Ok(pb::Action::ReadClass) => Action::ReadClass,
            Ok(pb::Action::ActAsFamily) => Action::ActAsFamily,
            Ok(pb::Action::ReadSchoolRecords) => Action::ReadSchoolRecords,
            Ok(pb::Action::Announce) => Action::Announce,
            Ok(pb::Action::Unspecified | pb::Action::MessagePerson) | Err(_) => {
                return Err(Error::invalid("action", "must be a known action"));
            }
        };
        match action {
            Action::ReadStudentRecord
            | Action::WriteMark { .. }
            | Action::WriteAttendance { .. }
            | Action::ActAsFamily => {
                self.check_student_access(&ctx, &request.student_id, date, action)
                    .await
            }
            Action::TeachClass { .. } | Action::ReadClass => {
                self.check_class_access(&ctx, &request, date, action).await
            }
            Action::Announce if !(request.class_id.is_empty() && request.group_id.is_empty()) => {
                self.check_class_access(&ctx, &request, date, action).await
            }
            _ => {
                let school_id = SchoolId::parse("school_id", &request.school_id)?;
                require_school(&self.state.db, &ctx.principal, school_id, action).await?;
                Ok(pb::CheckAccessResponse {
                    school_id: school_id.to_string(),
                    ..Default::default()
                })
            }
        }
    }

    /// An action on a class, or on a group of it; a group alone names its
    /// class.
    async fn check_class_access(
        &self,
        ctx: &CallContext,
        request: &pb::CheckAccessRequest,
        date: Option<NaiveDate>,
        action: Action,
    ) -> Result<pb::CheckAccessResponse> {
        let group_id = GroupId::parse_optional("group_id", &request.group_id)?;
        let class_id = match group_id {
            Some(group_id) if request.class_id.is_empty() => {
                store::group_class(&self.state.db, group_id)
                    .await?
                    .ok_or_else(|| Error::not_found("class"))?
            }
            _ => ClassId::parse("class_id", &request.class_id)?,
        };
        let school_id = require_class(
            &self.state.db,
            &self.state.settings.clock,
            &ctx.principal,
            class_id,
            group_id,
            date,
            action,
        )
        .await?;
        Ok(pb::CheckAccessResponse {
            school_id: school_id.to_string(),
            class_id: class_id.to_string(),
            ..Default::default()
        })
    }

    /// Whether the caller may write to `person_id` in `school_id`, about
    /// `student_id` if given; the answer names the person.
    async fn check_correspondence(
        &self,
        ctx: &CallContext,
        request: &pb::CheckAccessRequest,
    ) -> Result<pb::CheckAccessResponse> {
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        let person_id = PersonId::parse("person_id", &request.person_id)?;
        let student_id = StudentId::parse_optional("student_id", &request.student_id)?;
        let correspondent = require_correspondent(
            &self.state.db,
            &self.state.settings.clock,
            &ctx.principal,
            school_id,
            person_id,
            student_id,
        )
        .await?;
        Ok(pb::CheckAccessResponse {
            school_id: school_id.to_string(),
            person_kind: contract_kind(correspondent.kind).into(),
            person_display_name: correspondent.display_name,
            ..Default::default()
        })
    }

    pub(super) async fn list_correspondents(
        &self,
        ctx: CallContext,
        request: pb::ListCorrespondentsRequest,
    ) -> Result<pb::ListCorrespondentsResponse> {
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        let student_id = StudentId::parse_optional("student_id", &request.student_id)?;
        let found = correspondence::correspondents(
            &self.state.db,
            &self.state.settings.clock,
            &ctx.principal,
            school_id,
            student_id,
        )
        .await?;
        Ok(pb::ListCorrespondentsResponse {
            correspondents: found.into_iter().map(contract_correspondent).collect(),
        })
    }

    pub(super) async fn check_student_access(
        &self,
        ctx: &CallContext,
        student_id: &str,
        date: Option<NaiveDate>,
        action: Action,
    ) -> Result<pb::CheckAccessResponse> {
        let student_id = StudentId::parse("student_id", student_id)?;
        let access = require_student(
            &self.state.db,
            &self.state.settings.clock,
            &ctx.principal,
            student_id,
            date,
            action,
        )
        .await?;
        if action == Action::ReadStudentRecord && access.via_staff {
            self.audit(
                ctx,
                AuditKind::StudentRecordRead,
                access.school_id,
                student_id,
            )
            .await?;
        }
        let Some(membership) = access.membership else {
            return Ok(pb::CheckAccessResponse {
                school_id: access.school_id.to_string(),
                ..Default::default()
            });
        };
        let group_ids = store::student_groups(&self.state.db, student_id, membership.class_id)
            .await?
            .iter()
            .map(GroupId::to_string)
            .collect();
        Ok(pb::CheckAccessResponse {
            school_id: access.school_id.to_string(),
            class_id: membership.class_id.to_string(),
            group_ids,
            ..Default::default()
        })
    }
}

fn contract_kind(kind: PersonKind) -> pb::PersonKind {
    match kind {
        PersonKind::Student => pb::PersonKind::Student,
        PersonKind::Guardian => pb::PersonKind::Guardian,
        PersonKind::Staff => pb::PersonKind::Staff,
    }
}

fn contract_correspondent(correspondent: Correspondent) -> pb::Correspondent {
    let relations = correspondent.relations;
    pb::Correspondent {
        person_id: correspondent.person_id.to_string(),
        display_name: correspondent.display_name,
        kind: contract_kind(correspondent.kind).into(),
        subject_ids: relations
            .teaches_subjects
            .iter()
            .map(ToString::to_string)
            .collect(),
        class_teacher: relations.class_teacher_of,
        roles: relations
            .school_roles
            .into_iter()
            .map(|role| super::staff::contract_role(role).into())
            .collect(),
    }
}
