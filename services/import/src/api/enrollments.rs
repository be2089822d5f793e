//! The roster's enrollments: teachers' (identity's teaching assignments)
//! and students' (class memberships), one list under one page key.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::{Page, bad_token, token_after};
use otmetka_platform::time::{optional_id, parse_date};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

use super::walk::{WHOLE_PAGE, across_classes, class_key, wanted};
use super::{ImportApi, scope};
use crate::model::EntityKind;

/// An enrollment as pages list them: teachers' (identity's teaching
/// assignments) first, then students' (class memberships, class by class).
enum Enrollment {
    Teacher(identity::TeachingAssignment),
    Student(usize, identity::ClassMembership),
}

impl Enrollment {
    fn key(&self, classes: &[identity::Class]) -> String {
        match self {
            Enrollment::Teacher(assignment) => format!("teacher\0{}", assignment.id),
            Enrollment::Student(index, membership) => format!(
                "student\0{}",
                class_key(&classes[*index].id, &membership.id)
            ),
        }
    }
}

/// Where a page of enrollments resumes.
#[derive(Debug, PartialEq, Eq)]
enum Resume<'a> {
    /// Among teachers, after this assignment.
    Teachers(Option<Uuid>),
    /// Among students, after this class and membership.
    Students((&'a str, Uuid)),
}

fn resume(page: &Page) -> Result<Resume<'_>> {
    let Some(key) = page.after.as_deref() else {
        return Ok(Resume::Teachers(None));
    };
    match key.split_once('\0') {
        Some(("teacher", id)) => Uuid::parse_str(id)
            .map(|id| Resume::Teachers(Some(id)))
            .map_err(|_| bad_token()),
        Some(("student", rest)) => rest
            .split_once('\0')
            .and_then(|(class, id)| Some(Resume::Students((class, Uuid::parse_str(id).ok()?))))
            .ok_or_else(bad_token),
        _ => Err(bad_token()),
    }
}

impl ImportApi {
    /// Who teaches what to which class or group (identity's teaching
    /// assignments, whose ids are the enrollments'), then who is in which
    /// class (class memberships, with their ids and dates). Students'
    /// places in groups have no id of their own yet: a group filter lists
    /// teachers only.
    pub(super) async fn roster_enrollments(
        &self,
        ctx: CallContext,
        request: pb::ListRosterEnrollmentsRequest,
    ) -> Result<pb::ListRosterEnrollmentsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let group_id = optional_id("group_id", &request.group_id)?.map(|id| id.to_string());
        let role = pb::EnrollmentRole::try_from(request.role).unwrap_or_default();
        let resume = resume(&page)?;
        let wanted = wanted(&page);
        let mut rows = Vec::new();
        if role != pb::EnrollmentRole::Student
            && let Resume::Teachers(after) = resume
        {
            let mut page_token = after
                .map(|id| token_after(&id.to_string()))
                .unwrap_or_default();
            loop {
                let request = identity::ListTeachingAssignmentsRequest {
                    school_id: request.school_id.clone(),
                    class_id: request.class_id.clone(),
                    teacher_id: String::new(),
                    page_size: i32::try_from(wanted - rows.len())
                        .unwrap_or(WHOLE_PAGE)
                        .min(WHOLE_PAGE),
                    page_token,
                };
                let reply = self
                    .identity
                    .clone()
                    .list_teaching_assignments(ctx.forward(request)?)
                    .await?
                    .into_inner();
                rows.extend(
                    reply
                        .teaching_assignments
                        .into_iter()
                        .filter(|a| group_id.as_ref().is_none_or(|group| &a.group_id == group))
                        .map(Enrollment::Teacher),
                );
                if rows.len() >= wanted || reply.next_page_token.is_empty() {
                    break;
                }
                page_token = reply.next_page_token;
            }
        }
        let students_wanted =
            role != pb::EnrollmentRole::Teacher && group_id.is_none() && rows.len() < wanted;
        let classes = if students_wanted {
            self.walked_classes(&ctx, scope.school_id, "", &request.class_id)
                .await?
                .0
        } else {
            Vec::new()
        };
        if students_wanted {
            let after = match resume {
                Resume::Students(after) => Some(after),
                Resume::Teachers(_) => None,
            };
            let members = across_classes(
                &classes,
                after,
                wanted - rows.len(),
                |class, page_token, page_size| {
                    let mut identity = self.identity.clone();
                    let request = ctx.forward(identity::ListClassMembershipsRequest {
                        class_id: class.id.clone(),
                        page_size,
                        page_token,
                    });
                    async move {
                        let reply = identity
                            .list_class_memberships(request?)
                            .await?
                            .into_inner();
                        Ok((reply.memberships, reply.next_page_token))
                    }
                },
            )
            .await?;
            rows.extend(
                members
                    .into_iter()
                    .map(|(index, membership)| Enrollment::Student(index, membership)),
            );
        }
        let next_page_token = page.finish(&mut rows, |row| row.key(&classes));
        let ids: Vec<&str> = rows
            .iter()
            .map(|row| match row {
                Enrollment::Teacher(assignment) => assignment.id.as_str(),
                Enrollment::Student(_, membership) => membership.id.as_str(),
            })
            .collect();
        let externals = self.externals(scope, EntityKind::Enrollment, ids).await?;
        Ok(pb::ListRosterEnrollmentsResponse {
            enrollments: rows
                .into_iter()
                .map(|row| match row {
                    Enrollment::Teacher(assignment) => pb::RosterEnrollment {
                        external_id: externals.of(&assignment.id),
                        role: pb::EnrollmentRole::Teacher.into(),
                        // A group's assignment names the group alone.
                        class_id: if assignment.group_id.is_empty() {
                            assignment.class_id
                        } else {
                            String::new()
                        },
                        group_id: assignment.group_id,
                        person_id: assignment.teacher_id,
                        subject_id: assignment.subject_id,
                        school_id: assignment.school_id,
                        // Assignments are not dated.
                        start_date: String::new(),
                        end_date: String::new(),
                        id: assignment.id,
                    },
                    Enrollment::Student(_, membership) => pb::RosterEnrollment {
                        external_id: externals.of(&membership.id),
                        role: pb::EnrollmentRole::Student.into(),
                        class_id: membership.class_id,
                        group_id: String::new(),
                        person_id: membership.student_id,
                        subject_id: String::new(),
                        school_id: membership.school_id,
                        start_date: membership.start_date,
                        // Identity keeps the first day after; the contract the last day in.
                        end_date: last_day(&membership.end_date),
                        id: membership.id,
                    },
                })
                .collect(),
            next_page_token,
        })
    }
}

/// The last day of a membership identity ends on `end` (exclusive); empty
/// while it lasts.
fn last_day(end: &str) -> String {
    parse_date("end_date", end)
        .ok()
        .and_then(|day| day.pred_opt())
        .map(|day| day.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrollment_pages_resume_among_teachers_or_students() {
        let token = |key: &str| Page::parse(1, &token_after(key)).unwrap();
        let id = Uuid::now_v7();
        assert_eq!(
            resume(&Page::parse(1, "").unwrap()).unwrap(),
            Resume::Teachers(None)
        );
        let page = token(&format!("teacher\0{id}"));
        assert_eq!(resume(&page).unwrap(), Resume::Teachers(Some(id)));
        let page = token(&format!("student\0class\0{id}"));
        assert_eq!(resume(&page).unwrap(), Resume::Students(("class", id)));
        for garbage in ["teacher\0nope", "student\0{id}", "parent\0x", "plain"] {
            assert!(resume(&token(garbage)).is_err(), "{garbage}");
        }
    }

    #[test]
    fn memberships_end_on_the_day_before_identity_moves_the_student() {
        assert_eq!(last_day("2027-01-10"), "2027-01-09");
        assert_eq!(last_day(""), "");
    }
}
