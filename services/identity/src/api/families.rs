//! Students' families for the service that notifies them.

use std::collections::HashMap;

use otmetka_platform::authz::SCOPE_FAMILIES_READ;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{SchoolId, StudentId, SubjectId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::model::full_name;
use crate::{convert, store};

/// The most students or subjects one request names.
const MAX_FAMILIES_ASKED: usize = 500;

/// The ids of a list field, at most `max` of them.
pub(super) fn parse_ids<T>(
    field: &'static str,
    ids: &[String],
    max: usize,
    parse: impl Fn(&'static str, &str) -> Result<T>,
) -> Result<Vec<T>> {
    if ids.len() > max {
        return Err(Error::invalid(field, format!("names at most {max} ids")));
    }
    ids.iter().map(|id| parse(field, id)).collect()
}

/// Only the notifying service learns who a student's family is.
pub(super) fn require_notifier(ctx: &CallContext) -> Result<()> {
    if ctx.principal.has_scope(SCOPE_FAMILIES_READ) {
        Ok(())
    } else {
        Err(Error::PermissionDenied(
            "only the notifying service reads students' families".into(),
        ))
    }
}

impl IdentityApi {
    pub(super) async fn list_families(
        &self,
        ctx: CallContext,
        request: pb::ListFamiliesRequest,
    ) -> Result<pb::ListFamiliesResponse> {
        require_notifier(&ctx)?;
        const MAX: usize = MAX_FAMILIES_ASKED;
        let student_ids = parse_ids("student_ids", &request.student_ids, MAX, StudentId::parse)?;
        let subject_ids = parse_ids("subject_ids", &request.subject_ids, MAX, SubjectId::parse)?;
        let school_ids = parse_ids("school_ids", &request.school_ids, MAX, SchoolId::parse)?;
        let db = &self.state.db;
        let (students, guardians, subjects, timezones) = tokio::try_join!(
            store::students_by_ids(db, &student_ids),
            store::guardians_of_students(db, &student_ids),
            store::subjects_by_ids(db, &subject_ids),
            store::school_timezones(db, &school_ids),
        )?;
        let mut guardians_by_student: HashMap<StudentId, Vec<pb::FamilyGuardian>> = HashMap::new();
        for guardian in guardians {
            let display_name = full_name(
                &guardian.family_name,
                &guardian.given_name,
                &guardian.middle_name,
            );
            guardians_by_student
                .entry(guardian.student_id)
                .or_default()
                .push(pb::FamilyGuardian {
                    person_id: guardian.guardian_id.to_string(),
                    display_name,
                });
        }
        let families = students
            .into_iter()
            .map(|student| {
                let student_id = student.as_student();
                pb::Family {
                    student_id: student_id.to_string(),
                    school_id: student
                        .school_id
                        .map(|id| id.to_string())
                        .unwrap_or_default(),
                    student_display_name: student.full_name(),
                    guardians: guardians_by_student.remove(&student_id).unwrap_or_default(),
                }
            })
            .collect();
        Ok(pb::ListFamiliesResponse {
            families,
            subjects: subjects.into_iter().map(convert::subject).collect(),
            school_timezones: timezones
                .into_iter()
                .map(|school| pb::SchoolTimezone {
                    school_id: school.id.to_string(),
                    timezone: school.timezone,
                })
                .collect(),
        })
    }
}
