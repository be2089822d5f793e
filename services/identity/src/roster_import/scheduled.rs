//! Scheduled classes matched to the homeroom their students share, and
//! applied as teaching assignments of the whole class or of a group.

use otmetka_platform::Result;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, StudentId, SubjectId};

use super::{CLASSES, Loader, Outcome, Report};
use crate::model::{Group, Subject, TeachingAssignment, TeachingAssignmentId};
use crate::store;

/// A scheduled class of the file and who enrolled in it.
#[derive(Debug, Default)]
pub(super) struct ScheduledClass {
    pub line: u64,
    pub title: String,
    pub subject: String,
    /// Student enrollments: (line, person).
    pub students: Vec<(u64, StudentId)>,
    /// Teacher enrollments: (line, person).
    pub teachers: Vec<(u64, PersonId)>,
}

impl Loader<'_> {
    /// Turns a scheduled class into teaching assignments: its subject, the
    /// homeroom its students share (or a group of it) and its teachers.
    pub(super) async fn scheduled_class(
        &mut self,
        class: &ScheduledClass,
        report: &mut Report,
    ) -> Result<()> {
        let today = self.clock.today_utc();
        let mut homerooms = Vec::new();
        for (_, student) in &class.students {
            if let Some(homeroom) = self.homerooms.get(student) {
                homerooms.push(*homeroom);
            } else if let Some(membership) = store::membership_on(self.db, *student, today).await? {
                homerooms.push(membership.class_id);
            }
        }
        homerooms.sort();
        homerooms.dedup();
        let homeroom = match homerooms.as_slice() {
            [homeroom] => *homeroom,
            [] => {
                report.refuse(
                    CLASSES,
                    class.line,
                    "sourcedId",
                    format!(
                        "scheduled class {:?} has no student enrolled in a homeroom, so its class is unknown",
                        class.title
                    ),
                );
                return Ok(());
            }
            _ => {
                report.refuse(
                    CLASSES,
                    class.line,
                    "sourcedId",
                    format!(
                        "scheduled class {:?} mixes students of several homerooms",
                        class.title
                    ),
                );
                return Ok(());
            }
        };
        let mut outcome = Outcome::Unchanged;
        let subject_id = match store::find_subject(self.db, self.school_id, &class.subject).await? {
            Some(id) => id,
            None => {
                let subject = Subject {
                    id: SubjectId::generate(),
                    school_id: self.school_id,
                    name: class.subject.clone(),
                };
                if !self.dry_run {
                    store::insert_subject(self.db, &subject).await?;
                }
                outcome = Outcome::Created;
                subject.id
            }
        };
        let mut students: Vec<StudentId> = class.students.iter().map(|(_, id)| *id).collect();
        students.sort();
        students.dedup();
        let mut homeroom_students = store::class_student_ids(self.db, homeroom, today).await?;
        homeroom_students.extend(
            self.homerooms
                .iter()
                .filter(|(_, class_id)| **class_id == homeroom)
                .map(|(student, _)| *student),
        );
        homeroom_students.sort();
        homeroom_students.dedup();
        let whole_class = homeroom_students == students;
        let group_id = if whole_class {
            None
        } else {
            Some(
                self.group_of(homeroom, class, &students, &mut outcome)
                    .await?,
            )
        };
        report.count(outcome);
        for (_, teacher_id) in &class.teachers {
            let assignment = TeachingAssignment {
                id: TeachingAssignmentId::generate(),
                school_id: self.school_id,
                teacher_id: *teacher_id,
                class_id: homeroom,
                subject_id,
                group_id,
            };
            if store::has_assignment(self.db, &assignment).await? {
                report.count(Outcome::Unchanged);
                continue;
            }
            if !self.dry_run {
                store::insert_assignment(self.db, &assignment).await?;
            }
            report.count(Outcome::Created);
        }
        Ok(())
    }
}

impl Loader<'_> {
    /// The homeroom's group named after the scheduled class, made or
    /// completed so that it holds the class's students.
    async fn group_of(
        &mut self,
        homeroom: ClassId,
        class: &ScheduledClass,
        students: &[StudentId],
        outcome: &mut Outcome,
    ) -> Result<GroupId> {
        if let Some(id) = store::find_group(self.db, homeroom, &class.title).await? {
            let members = store::group_students(self.db, id).await?;
            let missing: Vec<StudentId> = students
                .iter()
                .filter(|student| !members.contains(student))
                .copied()
                .collect();
            if !missing.is_empty() {
                if !self.dry_run {
                    store::add_group_students(self.db, id, &missing).await?;
                }
                *outcome = Outcome::Updated;
            }
            return Ok(id);
        }
        let group = Group {
            id: GroupId::generate(),
            school_id: self.school_id,
            class_id: homeroom,
            name: class.title.clone(),
            student_ids: students.to_vec(),
        };
        if !self.dry_run {
            store::insert_group(self.db, &group).await?;
        }
        *outcome = Outcome::Created;
        Ok(group.id)
    }
}
