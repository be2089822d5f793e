//! The calendar part of the roster pull: a granted school's reporting
//! periods and dated lessons, read from schedule on the vendor's token
//! (schedule pages them; its page tokens pass through).

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::optional_id;
use otmetka_proto::import::v1 as pb;
use otmetka_proto::schedule::v1 as schedule;

use super::{ImportApi, scope};
use crate::model::EntityKind;

fn period_kind(kind: i32) -> pb::PeriodKind {
    match schedule::ReportingPeriodKind::try_from(kind) {
        Ok(schedule::ReportingPeriodKind::Quarter) => pb::PeriodKind::Quarter,
        Ok(schedule::ReportingPeriodKind::Trimester) => pb::PeriodKind::Trimester,
        Ok(schedule::ReportingPeriodKind::HalfYear) => pb::PeriodKind::HalfYear,
        Ok(schedule::ReportingPeriodKind::Year) => pb::PeriodKind::Year,
        _ => pb::PeriodKind::Unspecified,
    }
}

impl ImportApi {
    pub(super) async fn roster_periods(
        &self,
        ctx: CallContext,
        request: pb::ListRosterPeriodsRequest,
    ) -> Result<pb::ListRosterPeriodsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        optional_id("academic_year_id", &request.academic_year_id)?;
        let reply = self
            .schedule
            .clone()
            .list_reporting_periods(ctx.forward(schedule::ListReportingPeriodsRequest {
                school_id: request.school_id,
                academic_year_id: request.academic_year_id,
                page_size: request.page_size,
                page_token: request.page_token,
                ..Default::default()
            })?)
            .await?
            .into_inner();
        let externals = self
            .externals(
                scope,
                EntityKind::ReportingPeriod,
                reply.reporting_periods.iter().map(|p| p.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterPeriodsResponse {
            periods: reply
                .reporting_periods
                .into_iter()
                .map(|period| pb::RosterPeriod {
                    external_id: externals.of(&period.id),
                    kind: period_kind(period.kind).into(),
                    closed: period.state == i32::from(schedule::ReportingPeriodState::Closed),
                    id: period.id,
                    school_id: period.school_id,
                    academic_year_id: period.academic_year_id,
                    number: period.number,
                    name: period.name,
                    grade_levels: period.grade_levels,
                    start_date: period.start_date,
                    end_date: period.end_date,
                })
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }

    pub(super) async fn roster_lessons(
        &self,
        ctx: CallContext,
        request: pb::ListRosterLessonsRequest,
    ) -> Result<pb::ListRosterLessonsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        // Schedule checks the dates, the range and the class and group, and
        // names the same fields.
        let reply = self
            .schedule
            .clone()
            .list_lessons(ctx.forward(schedule::ListLessonsRequest {
                school_id: request.school_id,
                from_date: request.from_date,
                to_date: request.to_date,
                class_id: request.class_id,
                group_id: request.group_id,
                page_size: request.page_size,
                page_token: request.page_token,
                ..Default::default()
            })?)
            .await?
            .into_inner();
        let externals = self
            .externals(
                scope,
                EntityKind::Lesson,
                reply.lessons.iter().map(|l| l.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterLessonsResponse {
            lessons: reply
                .lessons
                .into_iter()
                .map(|lesson| pb::RosterLesson {
                    external_id: externals.of(&lesson.id),
                    teacher_id: if lesson.substitute_teacher_id.is_empty() {
                        lesson.teacher_id
                    } else {
                        lesson.substitute_teacher_id
                    },
                    cancelled: lesson.status == i32::from(schedule::LessonStatus::Cancelled),
                    id: lesson.id,
                    school_id: lesson.school_id,
                    class_id: lesson.class_id,
                    group_id: lesson.group_id,
                    subject_id: lesson.subject_id,
                    date: lesson.date,
                    lesson_number: lesson.lesson_number,
                    start_time: lesson.start_time,
                    end_time: lesson.end_time,
                })
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_kinds_carry_over() {
        for (from, to) in [
            (
                schedule::ReportingPeriodKind::Quarter,
                pb::PeriodKind::Quarter,
            ),
            (
                schedule::ReportingPeriodKind::Trimester,
                pb::PeriodKind::Trimester,
            ),
            (
                schedule::ReportingPeriodKind::HalfYear,
                pb::PeriodKind::HalfYear,
            ),
            (schedule::ReportingPeriodKind::Year, pb::PeriodKind::Year),
            (
                schedule::ReportingPeriodKind::Unspecified,
                pb::PeriodKind::Unspecified,
            ),
        ] {
            assert_eq!(period_kind(from.into()), to);
        }
    }
}
