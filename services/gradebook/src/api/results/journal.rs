//! The teacher's journal grid: a class's students down, lessons across,
//! marks and attendance in the cells and averages at the end of each row.

use std::collections::HashMap;

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PeriodId, StudentId, SubjectId};
use otmetka_platform::time::optional_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use uuid::Uuid;

use super::{counted, subject_average};
use crate::api::GradebookApi;
use crate::calc::{self, Policy};
use crate::calendar::Period;
use crate::convert;
use crate::model::{Attendance, Mark};
use crate::scale::Scale;
use crate::store;

/// Which journal: a class's (or one of its groups') in a subject and period.
pub(super) struct JournalKey {
    class_id: ClassId,
    group_id: Option<Uuid>,
    subject_id: SubjectId,
    period_id: PeriodId,
}

impl JournalKey {
    /// Reads the ids as GetJournal's request names them.
    pub(super) fn parse(
        class_id: &str,
        group_id: &str,
        subject_id: &str,
        reporting_period_id: &str,
    ) -> Result<Self> {
        Ok(Self {
            class_id: ClassId::parse("class_id", class_id)?,
            group_id: optional_id("group_id", group_id)?,
            subject_id: SubjectId::parse("subject_id", subject_id)?,
            period_id: PeriodId::parse("reporting_period_id", reporting_period_id)?,
        })
    }
}

/// What a journal holds, read for someone who may teach it.
pub(super) struct Journal {
    /// On the period's last day so far, in the roster's order.
    pub(super) students: Vec<Uuid>,
    /// Every lesson of the period, in order.
    pub(super) lessons: Vec<schedule::Lesson>,
    /// The class's standing marks in the subject and period.
    marks: Vec<Mark>,
    /// The class's attendance in the subject and period.
    pub(super) attendance: Vec<Attendance>,
    pub(super) scale: Scale,
    policy: Policy,
}

impl Journal {
    pub(super) fn marks_of(&self, student_id: StudentId) -> Vec<&Mark> {
        self.marks
            .iter()
            .filter(|mark| mark.student_id == student_id)
            .collect()
    }

    /// A student's average from their marks (`marks_of`).
    pub(super) fn average(&self, own: &[&Mark]) -> calc::Average {
        calc::average(&counted(own, &self.scale), &self.policy)
    }
}

impl GradebookApi {
    /// The grid of a class (or group) in a subject and period: a bounded
    /// number of calls whatever the class size — the roster, the lessons
    /// (a call per two months), one query for marks, one for attendance.
    pub(in crate::api) async fn get_journal(
        &self,
        ctx: CallContext,
        request: pb::GetJournalRequest,
    ) -> Result<pb::GetJournalResponse> {
        let key = JournalKey::parse(
            &request.class_id,
            &request.group_id,
            &request.subject_id,
            &request.reporting_period_id,
        )?;
        let journal = self.journal(&ctx, &key).await?;
        let finals = store::period_final_marks(&self.db, key.period_id, key.subject_id).await?;

        let lesson_ids: Vec<String> = journal.lessons.iter().map(|l| l.id.clone()).collect();
        let mut cells = Vec::new();
        let mut averages = Vec::new();
        for student in &journal.students {
            let student_id = StudentId(*student);
            let own = journal.marks_of(student_id);
            for lesson in &journal.lessons {
                let lesson_marks: Vec<pb::Mark> = own
                    .iter()
                    .filter(|mark| {
                        mark.lesson_id.map(|id| id.to_string()).as_deref() == Some(&lesson.id)
                            || (mark.lesson_id.is_none()
                                && mark.lesson_date.to_string() == lesson.date)
                    })
                    .map(|mark| convert::mark((*mark).clone()))
                    .collect();
                let record = journal
                    .attendance
                    .iter()
                    .find(|a| a.student_id == student_id && a.lesson_id.to_string() == lesson.id)
                    .cloned()
                    .map(convert::attendance);
                if !lesson_marks.is_empty() || record.is_some() {
                    cells.push(pb::JournalCell {
                        student_id: student.to_string(),
                        lesson_id: lesson.id.clone(),
                        marks: lesson_marks,
                        attendance: record,
                    });
                }
            }
            let result = journal.average(&own);
            averages.push(subject_average(
                student_id,
                key.subject_id,
                key.period_id,
                result,
            ));
        }
        let final_marks = finals
            .into_iter()
            .filter(|mark| journal.students.contains(&mark.student_id.uuid()))
            .map(convert::final_mark)
            .collect();
        Ok(pb::GetJournalResponse {
            student_ids: journal.students.iter().map(Uuid::to_string).collect(),
            lesson_ids,
            cells,
            averages,
            final_marks,
        })
    }

    /// Reads a journal if the caller may teach it (the subject to the class
    /// or the group); NOT_FOUND otherwise.
    pub(super) async fn journal(&self, ctx: &CallContext, key: &JournalKey) -> Result<Journal> {
        let school_id = self
            .class(
                ctx,
                identity::Action::TeachClass,
                key.class_id,
                key.group_id,
                Some(key.subject_id),
            )
            .await?;
        let period = self.calendar.period(school_id, key.period_id).await?;
        let students = self
            .journal_students(ctx, key.class_id, key.group_id, &period)
            .await?;
        let lessons = self
            .calendar
            .journal_lessons(key.class_id, key.group_id, key.subject_id, &period)
            .await?;
        let (from, to) = (period.start, period.end);
        let marks =
            store::class_subject_marks(&self.db, key.class_id, key.subject_id, from, to).await?;
        let attendance =
            store::class_subject_attendance(&self.db, key.class_id, key.subject_id, from, to)
                .await?;
        let (scale, policy) = self
            .rules(school_id, key.subject_id, &mut HashMap::new())
            .await?;
        Ok(Journal {
            students,
            lessons,
            marks,
            attendance,
            scale,
            policy,
        })
    }

    /// The class's (or group's) students on the period's last day so far.
    async fn journal_students(
        &self,
        ctx: &CallContext,
        class_id: ClassId,
        group_id: Option<Uuid>,
        period: &Period,
    ) -> Result<Vec<Uuid>> {
        let day = period.end.min(self.clock.today_utc()).max(period.start);
        let mut students = Vec::new();
        let mut page_token = String::new();
        loop {
            let request = ctx.forward(identity::ListClassStudentsRequest {
                class_id: class_id.to_string(),
                date: day.to_string(),
                page_size: 500,
                page_token,
            })?;
            let page = self
                .identity
                .clone()
                .list_class_students(request)
                .await?
                .into_inner();
            students.extend(
                page.students
                    .iter()
                    .filter_map(|s| Uuid::parse_str(&s.id).ok()),
            );
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        if let Some(group_id) = group_id {
            let members = self.group_members(ctx, class_id, group_id).await?;
            students.retain(|student| members.contains(student));
        }
        Ok(students)
    }

    async fn group_members(
        &self,
        ctx: &CallContext,
        class_id: ClassId,
        group_id: Uuid,
    ) -> Result<Vec<Uuid>> {
        let mut page_token = String::new();
        loop {
            let request = ctx.forward(identity::ListGroupsRequest {
                class_id: class_id.to_string(),
                page_size: 100,
                page_token,
            })?;
            let page = self
                .identity
                .clone()
                .list_groups(request)
                .await?
                .into_inner();
            if let Some(group) = page.groups.iter().find(|g| g.id == group_id.to_string()) {
                return Ok(group
                    .student_ids
                    .iter()
                    .filter_map(|id| Uuid::parse_str(id).ok())
                    .collect());
            }
            if page.next_page_token.is_empty() {
                return Err(Error::not_found("group"));
            }
            page_token = page.next_page_token;
        }
    }
}
