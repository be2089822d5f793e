//! The teacher's journal grid: a class's students down, lessons across,
//! marks and attendance in the cells and averages at the end of each row.

use std::collections::HashMap;

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PeriodId, StudentId, SubjectId};
use otmetka_platform::time::optional_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use uuid::Uuid;

use super::{counted, subject_average};
use crate::api::GradebookApi;
use crate::calc;
use crate::calendar::Period;
use crate::convert;
use crate::model::Mark;
use crate::store;

impl GradebookApi {
    /// The grid of a class (or group) in a subject and period: a bounded
    /// number of calls whatever the class size — the roster, the lessons
    /// (a call per two months), one query for marks, one for attendance.
    pub(in crate::api) async fn get_journal(
        &self,
        ctx: CallContext,
        request: pb::GetJournalRequest,
    ) -> Result<pb::GetJournalResponse> {
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let group_id = optional_id("group_id", &request.group_id)?;
        let subject_id = SubjectId::parse("subject_id", &request.subject_id)?;
        let period_id = PeriodId::parse("reporting_period_id", &request.reporting_period_id)?;
        let school_id = self
            .class(
                &ctx,
                identity::Action::TeachClass,
                class_id,
                group_id,
                Some(subject_id),
            )
            .await?;
        let period = self.calendar.period(school_id, period_id).await?;
        let students = self
            .journal_students(&ctx, class_id, group_id, &period)
            .await?;
        let lessons = self
            .calendar
            .journal_lessons(class_id, group_id, subject_id, &period)
            .await?;
        let marks =
            store::class_subject_marks(&self.db, class_id, subject_id, period.start, period.end)
                .await?;
        let attendance = store::class_subject_attendance(
            &self.db,
            class_id,
            subject_id,
            period.start,
            period.end,
        )
        .await?;
        let finals = store::period_final_marks(&self.db, period_id, subject_id).await?;
        let (scale, policy) = self
            .rules(school_id, subject_id, &mut HashMap::new())
            .await?;

        let lesson_ids: Vec<String> = lessons.iter().map(|lesson| lesson.id.clone()).collect();
        let mut cells = Vec::new();
        let mut averages = Vec::new();
        for student in &students {
            let student_id = StudentId(*student);
            let own: Vec<&Mark> = marks
                .iter()
                .filter(|m| m.student_id == student_id)
                .collect();
            for lesson in &lessons {
                let lesson_marks: Vec<pb::Mark> = own
                    .iter()
                    .filter(|mark| {
                        mark.lesson_id.map(|id| id.to_string()).as_deref() == Some(&lesson.id)
                            || (mark.lesson_id.is_none()
                                && mark.lesson_date.to_string() == lesson.date)
                    })
                    .map(|mark| convert::mark((*mark).clone()))
                    .collect();
                let record = attendance
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
            let result = calc::average(&counted(&own, &scale), &policy);
            averages.push(subject_average(student_id, subject_id, period.id, result));
        }
        let final_marks = finals
            .into_iter()
            .filter(|mark| students.contains(&mark.student_id.uuid()))
            .map(convert::final_mark)
            .collect();
        Ok(pb::GetJournalResponse {
            student_ids: students.iter().map(Uuid::to_string).collect(),
            lesson_ids,
            cells,
            averages,
            final_marks,
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
