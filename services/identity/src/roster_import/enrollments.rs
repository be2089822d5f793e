//! Enrollments: students into homerooms, a homeroom's class teacher, and
//! the students and teachers of scheduled classes.

use chrono::NaiveDate;
use otmetka_platform::Result;
use otmetka_platform::ids::{PersonId, StudentId};
use otmetka_platform::text::quote;

use super::parse::EnrollmentRow;
use super::{ENROLLMENTS, Loader, Outcome, Report};
use crate::model::Membership;
use crate::store;

impl Loader<'_> {
    pub(super) async fn enrollment(
        &mut self,
        line: u64,
        row: &EnrollmentRow,
        report: &mut Report,
    ) -> Result<()> {
        if row.status == "tobedeleted" {
            return Ok(());
        }
        if self.scheduled.contains_key(&row.class_sourced_id) {
            return self.scheduled_enrollment(line, row, report).await;
        }
        let Some(class_id) = self.known("class", &row.class_sourced_id) else {
            report.refuse(
                ENROLLMENTS,
                line,
                "classSourcedId",
                format!(
                    "{} is not a class of this roster",
                    quote(&row.class_sourced_id)
                ),
            );
            return Ok(());
        };
        let Some(person_id) = self.known::<PersonId>("user", &row.user_sourced_id) else {
            report.refuse(
                ENROLLMENTS,
                line,
                "userSourcedId",
                format!(
                    "{} is not a user of this roster",
                    quote(&row.user_sourced_id)
                ),
            );
            return Ok(());
        };
        let start = if row.begin_date.is_empty() {
            otmetka_platform::time::academic_year_start(self.clock.today_utc())
        } else {
            match NaiveDate::parse_from_str(&row.begin_date, "%Y-%m-%d") {
                Ok(date) => date,
                Err(_) => {
                    report.refuse(
                        ENROLLMENTS,
                        line,
                        "beginDate",
                        "must be a date as YYYY-MM-DD",
                    );
                    return Ok(());
                }
            }
        };
        match row.role.as_str() {
            "student" => {
                let student_id = StudentId(person_id.uuid());
                self.homerooms.insert(student_id, class_id);
                let current = store::membership_on(self.db, student_id, start).await?;
                if current.is_some_and(|m| m.class_id == class_id && m.start_date == start) {
                    report.count(Outcome::Unchanged);
                    return Ok(());
                }
                if !self.dry_run {
                    let membership = Membership {
                        student_id,
                        class_id,
                        school_id: self.school_id,
                        start_date: start,
                        end_date: None,
                    };
                    store::enroll(self.db, &membership).await?;
                }
                report.count(Outcome::Created);
            }
            "teacher" if row.primary == "true" => {
                let class = store::get_class(self.db, class_id).await?;
                if class.is_some_and(|c| c.class_teacher_id == Some(person_id)) {
                    report.count(Outcome::Unchanged);
                    return Ok(());
                }
                if !self.dry_run {
                    store::set_class_teacher(self.db, class_id, person_id).await?;
                }
                report.count(Outcome::Updated);
            }
            "teacher" => report.refuse(
                ENROLLMENTS,
                line,
                "primary",
                "a homeroom takes only its primary teacher (the class teacher); subject teachers enroll in scheduled classes",
            ),
            other => report.refuse(
                ENROLLMENTS,
                line,
                "role",
                format!("{} is not student or teacher", quote(other)),
            ),
        }
        Ok(())
    }
}

impl Loader<'_> {
    /// Notes a student or teacher of a scheduled class, for
    /// [`Self::scheduled_class`].
    async fn scheduled_enrollment(
        &mut self,
        line: u64,
        row: &EnrollmentRow,
        report: &mut Report,
    ) -> Result<()> {
        let Some(person_id) = self.known::<PersonId>("user", &row.user_sourced_id) else {
            report.refuse(
                ENROLLMENTS,
                line,
                "userSourcedId",
                format!(
                    "{} is not a user of this roster",
                    quote(&row.user_sourced_id)
                ),
            );
            return Ok(());
        };
        let class = self
            .scheduled
            .get_mut(&row.class_sourced_id)
            .expect("a scheduled class of this file");
        match row.role.as_str() {
            "student" => class.students.push((line, StudentId(person_id.uuid()))),
            "teacher" => class.teachers.push((line, person_id)),
            other => report.refuse(
                ENROLLMENTS,
                line,
                "role",
                format!("{} is not student or teacher", quote(other)),
            ),
        }
        Ok(())
    }
}
