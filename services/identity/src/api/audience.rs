//! Whom an announcement reaches, for the service that publishes it.

use std::collections::{BTreeSet, HashMap};

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId};
use otmetka_platform::paging::{Page, bounded_page_size};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use super::families::{parse_ids, require_notifier};
use crate::access::school_today;
use crate::store::{self, StudentSelection};

/// The most classes or groups one audience names.
const MAX_AUDIENCE_UNITS: usize = 100;
const DEFAULT_AUDIENCE_PAGE: u32 = 1_000;
const MAX_AUDIENCE_PAGE: u32 = 5_000;

impl IdentityApi {
    pub(super) async fn list_audience(
        &self,
        ctx: CallContext,
        request: pb::ListAudienceRequest,
    ) -> Result<pb::ListAudienceResponse> {
        require_notifier(&ctx)?;
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        let selection = selection(&request)?;
        if request.include_staff && !selection.whole_school {
            return Err(Error::invalid(
                "include_staff",
                "staff are reached only by the whole school",
            ));
        }
        let size = bounded_page_size(request.page_size, DEFAULT_AUDIENCE_PAGE, MAX_AUDIENCE_PAGE)?;
        let page = Page {
            size,
            ..Page::parse(0, &request.page_token)?
        };
        let db = &self.state.db;
        let today = school_today(db, &self.state.settings.clock, school_id).await?;
        let mut students = store::selected_students(
            db,
            school_id,
            today,
            &selection,
            page.after_id()?,
            page.fetch_limit(),
        )
        .await?;
        let next_page_token = page.finish(&mut students, |student| student.student_id.to_string());
        let guardians = if request.include_guardians {
            let ids: Vec<StudentId> = students.iter().map(|student| student.student_id).collect();
            store::guardians_of_students(db, &ids).await?
        } else {
            Vec::new()
        };
        let mut guardians_by_student: HashMap<StudentId, Vec<PersonId>> = HashMap::new();
        for guardian in guardians {
            guardians_by_student
                .entry(guardian.student_id)
                .or_default()
                .push(guardian.guardian_id);
        }
        let mut members = Vec::new();
        for student in &students {
            let member = |person_id: String, kind: pb::PersonKind| pb::AudienceMember {
                person_id,
                student_id: student.student_id.to_string(),
                class_id: student.class_id.to_string(),
                kind: kind.into(),
            };
            if request.include_students {
                members.push(member(
                    student.student_id.to_string(),
                    pb::PersonKind::Student,
                ));
            }
            for guardian_id in guardians_by_student
                .remove(&student.student_id)
                .unwrap_or_default()
            {
                members.push(member(guardian_id.to_string(), pb::PersonKind::Guardian));
            }
        }
        // The staff of a school are few: they come with the last page.
        if request.include_staff && next_page_token.is_empty() {
            let staff: BTreeSet<PersonId> = store::school_staff_roles(db, school_id)
                .await?
                .into_iter()
                .map(|(person_id, _)| person_id)
                .collect();
            members.extend(staff.into_iter().map(|person_id| pb::AudienceMember {
                person_id: person_id.to_string(),
                kind: pb::PersonKind::Staff.into(),
                ..Default::default()
            }));
        }
        Ok(pb::ListAudienceResponse {
            members,
            next_page_token,
        })
    }
}

fn selection(request: &pb::ListAudienceRequest) -> Result<StudentSelection> {
    if request.grade_levels.len() > 11 {
        return Err(Error::invalid("grade_levels", "names at most 11 levels"));
    }
    if let Some(level) = request
        .grade_levels
        .iter()
        .find(|level| !(1..=11).contains(*level))
    {
        return Err(Error::invalid(
            "grade_levels",
            format!("{level} is not a grade level (1–11)"),
        ));
    }
    let selection = StudentSelection {
        whole_school: request.whole_school,
        grade_levels: request.grade_levels.clone(),
        class_ids: parse_ids(
            "class_ids",
            &request.class_ids,
            MAX_AUDIENCE_UNITS,
            ClassId::parse,
        )?,
        group_ids: parse_ids(
            "group_ids",
            &request.group_ids,
            MAX_AUDIENCE_UNITS,
            GroupId::parse,
        )?,
    };
    if !selection.whole_school
        && selection.grade_levels.is_empty()
        && selection.class_ids.is_empty()
        && selection.group_ids.is_empty()
    {
        return Err(Error::invalid(
            "whole_school",
            "set it, or name grade levels, classes or groups",
        ));
    }
    Ok(selection)
}
