//! The checks every mark goes through, a teacher's or a vendor's: its value
//! on the subject's scale, its weight, its comment and its lesson.

use otmetka_platform::error::Violations;
use otmetka_platform::grpc::access::StudentPlace;
use otmetka_platform::ids::{LessonId, SchoolId, SubjectId};
use otmetka_platform::{Error, Result};

use super::{COMMENT, GradebookApi};
use crate::model::{MarkStatus, WorkTypeId};
use crate::scale::Scale;
use crate::store;

/// A value (or a status instead of one) checked against the subject's scale.
pub(super) struct Reading {
    pub(super) value: String,
    pub(super) status: MarkStatus,
}

pub(super) fn read_value(
    scale: &Scale,
    status: Option<MarkStatus>,
    value: &str,
    violations: &mut Violations,
) -> Option<Reading> {
    match status? {
        MarkStatus::Graded => violations
            .check("value", scale.grade(value))
            .map(|graded| Reading {
                value: graded.value,
                status: MarkStatus::Graded,
            }),
        status if value.trim().is_empty() => Some(Reading {
            value: String::new(),
            status,
        }),
        _ => {
            violations.add("value", "must be empty when the status is not graded");
            None
        }
    }
}

pub(super) fn check_weight(weight: i32, violations: &mut Violations) {
    if !(1..=10).contains(&weight) {
        violations.add("weight", "must be 1–10");
    }
}

pub(super) fn check_comment(comment: &str, violations: &mut Violations) {
    COMMENT.check("comment", comment, violations);
}

impl GradebookApi {
    /// The mark's weight: as given, else its work type's, else 1.
    pub(super) async fn weight_of(
        &self,
        school_id: SchoolId,
        work_type_id: Option<WorkTypeId>,
        requested: i32,
        violations: &mut Violations,
    ) -> Result<i32> {
        let Some(work_type_id) = work_type_id else {
            return Ok(if requested == 0 { 1 } else { requested });
        };
        match store::get_work_type(&self.db, work_type_id).await? {
            Some(work_type) if work_type.school_id == school_id => Ok(if requested == 0 {
                work_type.weight
            } else {
                requested
            }),
            _ => {
                violations.add("work_type_id", "is not a work type of this school");
                Ok(1)
            }
        }
    }

    /// A mark's lesson must be the student's, in the subject, on the day.
    pub(super) async fn check_lesson(
        &self,
        place: &StudentPlace,
        lesson_id: LessonId,
        subject_id: SubjectId,
        lesson_date: chrono::NaiveDate,
        violations: &mut Violations,
    ) -> Result<()> {
        let lesson = match self.lesson_of(place, lesson_id).await {
            Ok(lesson) => lesson,
            Err(Error::NotFound(_) | Error::InvalidArgument(_)) => {
                violations.add("lesson_id", "is not a lesson this student attends");
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        if lesson.subject_id != subject_id.to_string() {
            violations.add("lesson_id", "is a lesson of another subject");
        }
        if lesson.date != lesson_date.to_string() {
            violations.add(
                "lesson_date",
                format!("must be the lesson's date, {}", lesson.date),
            );
        }
        Ok(())
    }
}
