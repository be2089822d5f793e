//! The diary week: schedule's days and lessons, with the student's marks,
//! attendance and homework, which schedule gathers in one call.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::STUDENT;
use crate::caller::{Caller, Params, path_id};
use crate::extract::{ApiPath, ApiQuery};
use crate::views::{DiaryAttendance, LessonStatus, MarkStatus, SubmissionStatus, Weekday};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// Any day of the wanted week, "YYYY-MM-DD"; the current week when absent.
    #[param(format = Date)]
    date: Option<String>,
}

/// A student's week, Monday to Sunday.
#[derive(Serialize, ToSchema)]
pub struct WeekView {
    pub student_id: String,
    /// The school whose timetable it is.
    pub school_id: String,
    /// Monday.
    pub week_start_date: String,
    /// Sunday.
    pub week_end_date: String,
    pub days: Vec<DayView>,
    /// Marks and attendance could not be read in time; the rest is
    /// complete. Show a notice and try again later.
    pub marks_unavailable: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DayView {
    pub date: String,
    pub weekday: Option<Weekday>,
    /// Set when there are no lessons because of a holiday or vacation.
    pub holiday_name: String,
    /// By lesson number.
    pub lessons: Vec<DiaryLessonView>,
}

#[derive(Serialize, ToSchema)]
pub struct DiaryLessonView {
    pub lesson_id: String,
    pub lesson_number: i32,
    /// School-local "HH:MM".
    pub start_time: String,
    pub end_time: String,
    pub subject_id: String,
    pub subject_name: String,
    /// Who gives it: the substitute when there is one.
    pub teacher_id: String,
    pub teacher_name: String,
    pub substituted: bool,
    pub room: String,
    pub status: Option<LessonStatus>,
    pub topic: String,
    /// Homework due on this lesson.
    pub homework_due: Vec<HomeworkView>,
    /// Homework set on this lesson, due later.
    pub homework_set: Vec<HomeworkView>,
    pub marks: Vec<DiaryMarkView>,
    pub attendance: Option<DiaryAttendance>,
    pub attendance_reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DiaryMarkView {
    pub mark_id: String,
    /// As displayed: "5", "4-", "зачёт"; empty for a status without a value.
    pub value: String,
    /// Absent when the diary does not say.
    pub status: Option<MarkStatus>,
    /// The scale's code, e.g. `five_point`.
    pub scale: String,
    pub work_type_name: String,
    pub weight: f64,
    pub comment: String,
    /// The family has marked it seen.
    pub seen: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HomeworkView {
    pub homework_id: String,
    pub text: String,
    pub attachments: Vec<AttachmentView>,
    pub set_on_lesson_id: String,
    pub submission_required: bool,
    /// Absent until the student hands something in.
    pub submission_status: Option<SubmissionStatus>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// `GET /api/v1/students/{student_id}/week`: the diary week. The student,
/// their guardians, their class's teachers, deputy heads.
#[utoipa::path(get, path = "/api/v1/students/{student_id}/week", tag = "family",
    params(("student_id" = String, Path, format = Uuid, description = "The student"), WeekQuery),
    responses((status = 200, description = "The week", body = WeekView)))]
pub async fn student_week(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<WeekQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load(&caller, &student_id, query.date.as_deref())
                .await
                .map(Json)
        })
        .await
}

/// The week of `student_id` (a path segment) around `date` (the current
/// week when absent), for whichever page or route shows it.
pub async fn load(caller: &Caller, student_id: &str, date: Option<&str>) -> Result<WeekView> {
    let student_id = path_id(STUDENT, student_id)?;
    let mut params = Params::new();
    let date = params.optional_date("date", date);
    params.finish()?;
    // Schedule finds the student's school itself.
    let message = schedule::GetStudentWeekRequest {
        school_id: String::new(),
        student_id,
        date,
    };
    let reply = caller
        .schedule()
        .get_student_week(caller.request(message)?)
        .await?
        .into_inner();
    Ok(week_view(reply))
}

fn week_view(reply: schedule::GetStudentWeekResponse) -> WeekView {
    WeekView {
        student_id: reply.student_id,
        school_id: reply.school_id,
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
