//! The diary week: schedule's days and lessons, with the student's marks
//! and attendance. While schedule cannot read them itself (it says so with
//! `marks_unavailable`), the gateway reads them from gradebook and places
//! each on its lesson.

use axum::Json;
use axum::extract::Path;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{STUDENT, place_of};
use crate::caller::{ApiQuery, Caller, Params, path_id};
use crate::views::{
    AttendanceKind, DiaryAttendance, LessonStatus, MarkStatus, ScaleKind, SubmissionStatus, Weekday,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// Any day of the wanted week, "YYYY-MM-DD"; the current week when absent.
    date: Option<String>,
}

/// A student's week, Monday to Sunday.
#[derive(Serialize, ToSchema)]
pub struct WeekView {
    student_id: String,
    /// The school whose timetable it is.
    school_id: String,
    /// Monday.
    week_start_date: String,
    /// Sunday.
    week_end_date: String,
    days: Vec<DayView>,
    /// Marks and attendance could not be read in time; the rest is
    /// complete. Show a notice and try again later.
    marks_unavailable: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DayView {
    date: String,
    weekday: Option<Weekday>,
    /// Set when there are no lessons because of a holiday or vacation.
    holiday_name: String,
    /// By lesson number.
    lessons: Vec<DiaryLessonView>,
    /// Marks of the day that name no lesson of that day.
    other_marks: Vec<DiaryMarkView>,
}

#[derive(Serialize, ToSchema)]
pub struct DiaryLessonView {
    lesson_id: String,
    lesson_number: i32,
    /// School-local "HH:MM".
    start_time: String,
    end_time: String,
    subject_id: String,
    subject_name: String,
    /// Who gives it: the substitute when there is one.
    teacher_id: String,
    teacher_name: String,
    substituted: bool,
    room: String,
    status: Option<LessonStatus>,
    topic: String,
    /// Homework due on this lesson.
    homework_due: Vec<HomeworkView>,
    /// Homework set on this lesson, due later.
    homework_set: Vec<HomeworkView>,
    marks: Vec<DiaryMarkView>,
    attendance: Option<DiaryAttendance>,
    attendance_reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DiaryMarkView {
    mark_id: String,
    /// As displayed: "5", "4-", "зачёт"; empty for a status without a value.
    value: String,
    /// Absent when the diary does not say.
    status: Option<MarkStatus>,
    /// The scale's code, e.g. `five_point`.
    scale: String,
    work_type_name: String,
    weight: f64,
    comment: String,
    /// The family has marked it seen.
    seen: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HomeworkView {
    homework_id: String,
    text: String,
    attachments: Vec<AttachmentView>,
    set_on_lesson_id: String,
    submission_required: bool,
    /// Absent until the student hands something in.
    submission_status: Option<SubmissionStatus>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    id: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
}

/// `GET /api/v1/students/{student_id}/week`: the diary week. The student,
/// their guardians, their class's teachers, deputy heads.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/week", tag = "family",
    params(("student_id" = String, Path, description = "The student"), WeekQuery),
    responses((status = 200, description = "The week", body = WeekView)))]
pub async fn student_week(
    caller: Caller,
    Path(student_id): Path<String>,
    ApiQuery(query): ApiQuery<WeekQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let student_id = path_id(STUDENT, &student_id)?;
            let mut params = Params::new();
            let date = params.optional_date("date", query.date.as_deref());
            params.finish()?;
            let place = place_of(&caller, &student_id, &date).await?;
            let message = schedule::GetStudentWeekRequest {
                school_id: place.school_id.clone(),
                student_id,
                date,
            };
            let reply = caller
                .schedule()
                .get_student_week(caller.request(message)?)
                .await?
                .into_inner();
            let mut week = week_view(reply, place.school_id);
            if week.marks_unavailable {
                fill_records(&caller, &mut week).await;
            }
            Ok(Json(week))
        })
        .await
}

fn week_view(reply: schedule::GetStudentWeekResponse, school_id: String) -> WeekView {
    WeekView {
        student_id: reply.student_id,
        school_id,
        week_start_date: reply.week_start_date,
        week_end_date: reply.week_end_date,
        marks_unavailable: reply.marks_unavailable,
        days: reply
            .days
            .into_iter()
            .map(|day| DayView {
                date: day.date,
                weekday: Weekday::from_proto(day.weekday),
                holiday_name: day.holiday_name,
                lessons: day.lessons.into_iter().map(lesson_view).collect(),
                other_marks: Vec::new(),
            })
            .collect(),
    }
}

fn lesson_view(lesson: schedule::DiaryLesson) -> DiaryLessonView {
    DiaryLessonView {
        status: LessonStatus::from_proto(lesson.status),
        attendance: DiaryAttendance::from_proto(lesson.attendance),
        homework_due: lesson.homework_due.into_iter().map(homework_view).collect(),
        homework_set: lesson.homework_set.into_iter().map(homework_view).collect(),
        marks: lesson
            .marks
            .into_iter()
            .map(|mark| DiaryMarkView {
                mark_id: mark.mark_id,
                value: mark.value,
                status: None,
                scale: mark.scale_code,
                work_type_name: mark.work_type_name,
                weight: mark.weight,
                comment: mark.comment,
                seen: mark.seen,
            })
            .collect(),
        lesson_id: lesson.lesson_id,
        lesson_number: lesson.lesson_number,
        start_time: lesson.start_time,
        end_time: lesson.end_time,
        subject_id: lesson.subject_id,
        subject_name: lesson.subject_name,
        teacher_id: lesson.teacher_id,
        teacher_name: lesson.teacher_name,
        substituted: lesson.substituted,
        room: lesson.room,
        topic: lesson.topic,
        attendance_reason: lesson.attendance_reason,
    }
}

fn homework_view(homework: schedule::DiaryHomework) -> HomeworkView {
    HomeworkView {
        submission_status: SubmissionStatus::from_proto(homework.submission_status),
        attachments: homework
            .attachments
            .into_iter()
            .map(|file| AttachmentView {
                id: file.id,
                file_name: file.file_name,
                content_type: file.content_type,
                size_bytes: file.size_bytes,
            })
            .collect(),
        homework_id: homework.homework_id,
        text: homework.text,
        set_on_lesson_id: homework.set_on_lesson_id,
        submission_required: homework.submission_required,
    }
}

/// Reads the week's marks and attendance from gradebook and places them;
/// if gradebook does not answer, the week stays marked unavailable.
async fn fill_records(caller: &Caller, week: &mut WeekView) {
    let records = async {
        let marks = week_marks(caller, week).await?;
        let attendance = week_attendance(caller, week).await?;
        Result::<_>::Ok((marks, attendance))
    };
    match records.await {
        Ok((marks, attendance)) => {
            place_records(week, marks, attendance);
            week.marks_unavailable = false;
        }
        Err(error) => {
            tracing::warn!(%error, "the diary week goes out without marks");
        }
    }
}

/// A week holds far fewer than this many records.
const WEEK_PAGE: i32 = 500;

async fn week_marks(caller: &Caller, week: &WeekView) -> Result<Vec<gradebook::Mark>> {
    let mut marks = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = gradebook::ListStudentMarksRequest {
            student_id: week.student_id.clone(),
            from_date: week.week_start_date.clone(),
            to_date: week.week_end_date.clone(),
            page_size: WEEK_PAGE,
            page_token,
            ..Default::default()
        };
        let page = caller
            .gradebook()
            .list_student_marks(caller.request(message)?)
            .await?
            .into_inner();
        marks.extend(page.marks);
        if page.next_page_token.is_empty() {
            return Ok(marks);
        }
        page_token = page.next_page_token;
    }
}

async fn week_attendance(
    caller: &Caller,
    week: &WeekView,
) -> Result<Vec<gradebook::AttendanceRecord>> {
    let mut records = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = gradebook::ListStudentAttendanceRequest {
            student_id: week.student_id.clone(),
            from_date: week.week_start_date.clone(),
            to_date: week.week_end_date.clone(),
            page_size: WEEK_PAGE,
            page_token,
        };
        let page = caller
            .gradebook()
            .list_student_attendance(caller.request(message)?)
            .await?
            .into_inner();
        records.extend(page.records);
        if page.next_page_token.is_empty() {
            return Ok(records);
        }
        page_token = page.next_page_token;
    }
}

/// Puts each mark on its lesson (or, naming none, on the first lesson of
/// its subject that day, as the journal does) and each attendance record
/// on its lesson.
fn place_records(
    week: &mut WeekView,
    marks: Vec<gradebook::Mark>,
    attendance: Vec<gradebook::AttendanceRecord>,
) {
    let mut marks: Vec<_> = marks
        .into_iter()
        .filter(|mark| mark.delete_time.is_none())
        .collect();
    // Oldest first within a lesson, as they were given.
    marks.sort_by(|a, b| {
        (a.create_time.map(|t| (t.seconds, t.nanos)))
            .cmp(&b.create_time.map(|t| (t.seconds, t.nanos)))
    });
    for mark in marks {
        let Some(day) = week
            .days
            .iter_mut()
            .find(|day| day.date == mark.lesson_date)
        else {
            continue;
        };
        let lesson = if mark.lesson_id.is_empty() {
            day.lessons
                .iter_mut()
                .find(|lesson| lesson.subject_id == mark.subject_id)
        } else {
            day.lessons
                .iter_mut()
                .find(|lesson| lesson.lesson_id == mark.lesson_id)
        };
        let view = diary_mark(mark);
        match lesson {
            Some(lesson) => lesson.marks.push(view),
            None => day.other_marks.push(view),
        }
    }
    for record in attendance {
        let lesson = week
            .days
            .iter_mut()
            .flat_map(|day| day.lessons.iter_mut())
            .find(|lesson| lesson.lesson_id == record.lesson_id);
        if let Some(lesson) = lesson {
            lesson.attendance = Some(diary_attendance(record.kind));
            lesson.attendance_reason = record.reason;
        }
    }
}

fn diary_mark(mark: gradebook::Mark) -> DiaryMarkView {
    let scale = ScaleKind::from_proto(mark.scale)
        .and_then(|scale| serde_json::to_value(scale).ok())
        .and_then(|code| code.as_str().map(str::to_owned))
        .unwrap_or_default();
    DiaryMarkView {
        status: MarkStatus::from_proto(mark.status),
        seen: mark.seen_time.is_some(),
        weight: f64::from(mark.weight),
        mark_id: mark.id,
        value: mark.value,
        scale,
        work_type_name: String::new(),
        comment: mark.comment,
    }
}

fn diary_attendance(kind: i32) -> DiaryAttendance {
    match AttendanceKind::from_proto(kind) {
        Some(AttendanceKind::Absent) => DiaryAttendance::Absent,
        Some(AttendanceKind::Ill) => DiaryAttendance::Ill,
        Some(AttendanceKind::Excused) => DiaryAttendance::Excused,
        Some(AttendanceKind::Late) => DiaryAttendance::Late,
        Some(AttendanceKind::Present) | None => DiaryAttendance::Present,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str, subject: &str) -> DiaryLessonView {
        lesson_view(schedule::DiaryLesson {
            lesson_id: id.into(),
            subject_id: subject.into(),
            ..Default::default()
        })
    }

    fn mark(id: &str, date: &str, subject: &str, lesson: &str) -> gradebook::Mark {
        gradebook::Mark {
            id: id.into(),
            lesson_date: date.into(),
            subject_id: subject.into(),
            lesson_id: lesson.into(),
            value: "5".into(),
            status: MarkStatus::Graded.to_proto(),
            weight: 2,
            ..Default::default()
        }
    }

    #[test]
    fn records_land_on_their_lessons() {
        let mut week = WeekView {
            student_id: "s".into(),
            school_id: "school".into(),
            week_start_date: "2026-11-23".into(),
            week_end_date: "2026-11-29".into(),
            marks_unavailable: true,
            days: vec![DayView {
                date: "2026-11-23".into(),
                weekday: Some(Weekday::Monday),
                holiday_name: String::new(),
                lessons: vec![lesson("l1", "math"), lesson("l2", "math")],
                other_marks: Vec::new(),
            }],
        };
        let marks = vec![
            mark("on-l2", "2026-11-23", "math", "l2"),
            mark("by-day", "2026-11-23", "math", ""),
            mark("no-lesson", "2026-11-23", "russian", ""),
            gradebook::Mark {
                delete_time: Some(prost_types::Timestamp::default()),
                ..mark("withdrawn", "2026-11-23", "math", "l1")
            },
        ];
        let attendance = vec![gradebook::AttendanceRecord {
            lesson_id: "l2".into(),
            kind: AttendanceKind::Late.to_proto(),
            reason: "автобус".into(),
            ..Default::default()
        }];
        place_records(&mut week, marks, attendance);
        let day = &week.days[0];
        let ids = |lesson: &DiaryLessonView| -> Vec<String> {
            lesson.marks.iter().map(|m| m.mark_id.clone()).collect()
        };
        assert_eq!(ids(&day.lessons[0]), ["by-day"]);
        assert_eq!(ids(&day.lessons[1]), ["on-l2"]);
        assert_eq!(day.other_marks[0].mark_id, "no-lesson");
        assert_eq!(day.lessons[1].attendance, Some(DiaryAttendance::Late));
        assert_eq!(day.lessons[1].attendance_reason, "автобус");
        assert_eq!(day.lessons[0].attendance, Some(DiaryAttendance::Present));
        assert_eq!(day.lessons[0].marks[0].scale, "");
        assert_eq!(day.lessons[0].marks[0].weight, 2.0);
    }
}
