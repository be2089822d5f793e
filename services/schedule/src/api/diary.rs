//! The diary week of one student.

use chrono::{Datelike, Days};
use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_proto::schedule::v1 as pb;

use super::ScheduleApi;
use super::input::Input;
use crate::calendar::{school_today, week_of};
use crate::model::Lesson;
use crate::store;

/// Marks, attendance and homework are not filled in yet: gradebook has no
/// per-lesson read for them and homework is not built, so every lesson says
/// so through `marks_unavailable` rather than showing an empty record as a
/// clean one.
fn diary_lesson(lesson: &Lesson) -> pb::DiaryLesson {
    let status = if lesson.cancelled {
        pb::LessonStatus::Cancelled
    } else {
        pb::LessonStatus::Scheduled
    };
    pb::DiaryLesson {
        lesson_id: lesson.id.to_string(),
        lesson_number: lesson.lesson_number,
        start_time: lesson.start_time.clone(),
        end_time: lesson.end_time.clone(),
        subject_id: lesson.subject_id.to_string(),
        teacher_id: lesson.acting_teacher().to_string(),
        substituted: lesson.substitute_teacher_id.is_some(),
        room: lesson.room().to_owned(),
        status: status.into(),
        topic: lesson.topic.clone(),
        ..Default::default()
    }
}

pub async fn student_week(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetStudentWeekRequest,
) -> Result<pb::GetStudentWeekResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let student_id = input.id("student_id", &request.student_id);
    let date = input.optional_date("date", &request.date);
    input.finish()?;
    let date = match date {
        Some(date) => date,
        None => school_today(api.identity.timezone(&ctx, &api.db, school_id).await?),
    };
    let place = api
        .identity
        .student(&ctx, school_id, student_id, date)
        .await?;
    let week = week_of(date);
    let lessons: Vec<Lesson> = store::class_lessons(&api.db, school_id, place.class_id, week)
        .await?
        .into_iter()
        .filter(|lesson| {
            lesson
                .group_id
                .is_none_or(|group| place.group_ids.contains(&group))
        })
        .collect();
    let grade_level = match lessons.first() {
        Some(lesson) => Some(lesson.grade_level),
        None => api
            .identity
            .class_facts(&ctx, school_id, place.class_id, None)
            .await
            .ok()
            .map(|class| class.grade_level),
    };
    let holidays = store::holidays_within(&api.db, school_id, week).await?;
    let days = (0..7)
        .map(|offset| {
            let day = week.start + Days::new(offset);
            let holiday = holidays.iter().find(|holiday| match grade_level {
                Some(level) => holiday.covers(day, level),
                None => holiday.covers(day, 0) && holiday.grade_levels.is_empty(),
            });
            pb::DiaryDay {
                date: day.to_string(),
                weekday: day.weekday().number_from_monday() as i32,
                holiday_name: holiday.map(|h| h.name.clone()).unwrap_or_default(),
                lessons: lessons
                    .iter()
                    .filter(|lesson| lesson.date == day)
                    .map(diary_lesson)
                    .collect(),
            }
        })
        .collect();
    Ok(pb::GetStudentWeekResponse {
        student_id: student_id.to_string(),
        week_start_date: week.start.to_string(),
        week_end_date: week.end.to_string(),
        days,
        marks_unavailable: true,
    })
}
