//! What gradebook holds of a student's week, read within a bound, and
//! how the diary shows it.

use std::collections::HashMap;

use chrono::NaiveDate;
use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{LessonId, StudentId, SubjectId};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::schedule::v1 as pb;

use crate::api::ScheduleApi;
use crate::calendar::DateRange;
use crate::model::Lesson;

/// What gradebook holds of the student's week.
pub(super) struct Record {
    pub(super) marks: Vec<gradebook::Mark>,
    pub(super) attendance: Vec<gradebook::AttendanceRecord>,
    pub(super) work_types: HashMap<String, String>,
}

pub(super) async fn read_record(
    api: &ScheduleApi,
    ctx: &CallContext,
    student_id: StudentId,
    week: DateRange,
) -> Result<Record> {
    let week = api
        .gradebook
        .clone()
        .get_student_week_record(ctx.forward(gradebook::GetStudentWeekRecordRequest {
            student_id: student_id.to_string(),
            date: week.start.to_string(),
        })?)
        .await?
        .into_inner();
    Ok(Record {
        marks: week.marks,
        attendance: week.attendance,
        work_types: week.work_type_names,
    })
}

/// Which lesson a mark or attendance record belongs to: its own when it
/// names one of the week, else the subject's first lesson that day.
pub(super) fn lesson_for(
    lessons: &[&Lesson],
    lesson_id: &str,
    date: &str,
    subject_id: &str,
) -> Option<LessonId> {
    if let Ok(lesson_id) = lesson_id.parse::<LessonId>()
        && lessons.iter().any(|l| l.id == lesson_id)
    {
        return Some(lesson_id);
    }
    let date: NaiveDate = date.parse().ok()?;
    let subject_id: SubjectId = subject_id.parse().ok()?;
    lessons
        .iter()
        .filter(|l| l.date == date && l.subject_id == subject_id)
        .min_by_key(|l| l.lesson_number)
        .map(|l| l.id)
}

fn scale_code(scale: i32) -> &'static str {
    match gradebook::ScaleKind::try_from(scale) {
        Ok(gradebook::ScaleKind::TenPoint) => "ten_point",
        Ok(gradebook::ScaleKind::HundredPoint) => "hundred_point",
        Ok(gradebook::ScaleKind::PassFail) => "pass_fail",
        Ok(gradebook::ScaleKind::Custom) => "custom",
        _ => "five_point",
    }
}

/// The value a diary shows: the mark, or what was written instead of one.
fn shown_value(mark: &gradebook::Mark) -> String {
    match gradebook::MarkStatus::try_from(mark.status) {
        Ok(gradebook::MarkStatus::Exempt) => "осв".into(),
        Ok(gradebook::MarkStatus::NotSubmitted) => "н/сд".into(),
        Ok(gradebook::MarkStatus::Absent) => "отс".into(),
        Ok(gradebook::MarkStatus::Pending) => "•".into(),
        _ => mark.value.clone(),
    }
}

pub(super) fn diary_mark(
    mark: &gradebook::Mark,
    work_types: &HashMap<String, String>,
) -> pb::DiaryMark {
    pb::DiaryMark {
        mark_id: mark.id.clone(),
        value: shown_value(mark),
        scale_code: scale_code(mark.scale).into(),
        work_type_name: work_types
            .get(&mark.work_type_id)
            .cloned()
            .unwrap_or_default(),
        weight: f64::from(mark.weight),
        comment: mark.comment.clone(),
        seen: mark.seen_time.is_some(),
    }
}

pub(super) fn attendance_status(kind: i32) -> pb::DiaryAttendanceStatus {
    match gradebook::AttendanceKind::try_from(kind) {
        Ok(gradebook::AttendanceKind::Absent) => pb::DiaryAttendanceStatus::Absent,
        Ok(gradebook::AttendanceKind::Ill) => pb::DiaryAttendanceStatus::Ill,
        Ok(gradebook::AttendanceKind::Excused) => pb::DiaryAttendanceStatus::Excused,
        Ok(gradebook::AttendanceKind::Late) => pb::DiaryAttendanceStatus::Late,
        _ => pb::DiaryAttendanceStatus::Unspecified,
    }
}
