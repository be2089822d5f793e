//! Homerooms of the roster, adopted by name when made by hand; scheduled
//! classes are noted here and resolved once every enrollment is read.

use chrono::{Datelike, Utc};
use otmetka_platform::Result;
use otmetka_platform::ids::ClassId;
use otmetka_platform::text::TextRule;

use super::parse::{ClassRow, class_name};
use super::scheduled::ScheduledClass;
use super::{CLASSES, Loader, Outcome, Report};
use crate::model::Class;
use crate::store;

impl Loader<'_> {
    pub(super) async fn class(
        &mut self,
        line: u64,
        row: &ClassRow,
        report: &mut Report,
    ) -> Result<()> {
        if row.status == "tobedeleted" {
            return Ok(());
        }
        match row.class_type.as_str() {
            "homeroom" => {}
            "scheduled" => {
                let subject = row.subjects.split(',').next().unwrap_or("").trim();
                if TextRule::line(100).required().read(subject).is_err() {
                    report.refuse(
                        CLASSES,
                        line,
                        "subjects",
                        "a scheduled class needs its subject (1–100 characters)",
                    );
                    return Ok(());
                }
                let title = row.title.trim();
                if let Err(problem) = TextRule::line(100).required().read(title) {
                    report.refuse(CLASSES, line, "title", problem.to_string());
                    return Ok(());
                }
                self.scheduled.insert(
                    row.sourced_id.clone(),
                    ScheduledClass {
                        line,
                        title: title.to_owned(),
                        subject: subject.to_owned(),
                        ..ScheduledClass::default()
                    },
                );
                return Ok(());
            }
            _ => {
                report.refuse(CLASSES, line, "classType", "must be homeroom or scheduled");
                return Ok(());
            }
        }
        let (grade_level, letter) = match class_name(&row.title, &row.grades) {
            Ok(name) => name,
            Err((field, description)) => {
                report.refuse(CLASSES, line, field, description);
                return Ok(());
            }
        };
        let academic_year =
            otmetka_platform::time::academic_year_start(self.clock.today_utc()).year();
        if let Some(id) = self.known("class", &row.sourced_id) {
            let class = store::get_class(self.db, id).await?;
            let same = class.is_some_and(|c| c.grade_level == grade_level && c.letter == letter);
            report.count(if same {
                Outcome::Unchanged
            } else {
                Outcome::Updated
            });
            if !same && !self.dry_run {
                store::rename_class(self.db, id, grade_level, &letter).await?;
            }
            return Ok(());
        }
        // A class made by hand with the same name is adopted, not duplicated.
        let existing =
            store::find_class(self.db, self.school_id, academic_year, grade_level, &letter).await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let class = Class {
                    id: ClassId::generate(),
                    school_id: self.school_id,
                    grade_level,
                    letter,
                    academic_year,
                    class_teacher_id: None,
                    created_at: Utc::now(),
                };
                if !self.dry_run {
                    store::insert_class(self.db, &class).await?;
                }
                class.id
            }
        };
        self.remember("class", &row.sourced_id, id).await?;
        report.count(if existing.is_some() {
            Outcome::Unchanged
        } else {
            Outcome::Created
        });
        Ok(())
    }
}
