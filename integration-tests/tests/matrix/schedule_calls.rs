//! Schedule's calls in the matrix.

use super::*;

/// Schedule's calls on the fixture's school, class, term and lessons.
pub(super) async fn call_schedule(
    f: &mut Fixture,
    rpc: Rpc,
    who: Who,
    token: &str,
) -> Result<(), Code> {
    let school = f.school.clone();
    let s = &mut f.schedule.clone();
    let today = otmetka_integration_tests::SANDBOX_TODAY;
    match rpc {
        Rpc::ListReportingPeriods => ok(s
            .list_reporting_periods(with_token(
                token,
                schedule::ListReportingPeriodsRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CloseReportingPeriod => ok(s
            .close_reporting_period(with_token(
                token,
                schedule::CloseReportingPeriodRequest {
                    school_id: school,
                    id: f.sixth_grade_period.clone(),
                },
            ))
            .await),
        Rpc::ListLessons => ok(s
            .list_lessons(with_token(
                token,
                schedule::ListLessonsRequest {
                    school_id: school,
                    class_id: f.class_5a.clone(),
                    from_date: (today - chrono::Days::new(7)).to_string(),
                    to_date: today.to_string(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudentWeek => ok(s
            .get_student_week(with_token(
                token,
                schedule::GetStudentWeekRequest {
                    school_id: school,
                    student_id: f.student.clone(),
                    date: today.to_string(),
                },
            ))
            .await),
        Rpc::CreateTimetableEntry => ok(s
            .create_timetable_entry(with_token(
                token,
                schedule::CreateTimetableEntryRequest {
                    timetable_entry: Some(schedule::TimetableEntry {
                        school_id: school,
                        academic_year_id: f.term.academic_year_id.clone(),
                        class_id: f.class_5a.clone(),
                        // A free slot for each of the two who may.
                        weekday: if who == Who::DeputyHead {
                            schedule::Weekday::Sunday
                        } else {
                            schedule::Weekday::Saturday
                        }
                        .into(),
                        lesson_number: 1,
                        subject_id: f.mathematics.clone(),
                        teacher_id: f.subject_teacher.clone(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await),
        Rpc::GenerateLessons => ok(s
            .generate_lessons(with_token(
                token,
                schedule::GenerateLessonsRequest {
                    school_id: school,
                    academic_year_id: f.term.academic_year_id.clone(),
                    from_date: today.to_string(),
                    to_date: (today + chrono::Days::new(7)).to_string(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::SetLessonTopic => ok(s
            .set_lesson_topic(with_token(
                token,
                schedule::SetLessonTopicRequest {
                    school_id: school,
                    lesson_id: f.lesson.id.clone(),
                    topic: "Дроби".into(),
                },
            ))
            .await),
        Rpc::CancelLesson => ok(s
            .cancel_lesson(with_token(
                token,
                schedule::CancelLessonRequest {
                    school_id: school,
                    lesson_id: f.term.lessons[0].id.clone(),
                    reason: "Карантин".into(),
                },
            ))
            .await),
        Rpc::ListScheduleChanges => ok(s
            .list_changes(with_token(
                token,
                schedule::ListChangesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not a schedule call"),
    }
}
