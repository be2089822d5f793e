//! One lesson as its teacher keeps it: the lesson with names, and each
//! student of the class (or group) with their marks and attendance there.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::TeacherLessonView;
use super::names::{self, Directory};
use crate::caller::{Caller, path_id, required};
use crate::extract::{ApiPath, ApiQuery};
use crate::homework::{TeacherHomeworkView, load_homework};
use crate::journal::{JournalLessonView, JournalQuery, load_journal};
use crate::people::PersonName;
use crate::views::{AttendanceView, LessonStatus, MarkView};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LessonQuery {
    /// The lesson's school; the one that registered the caller when absent.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
}

/// A lesson with its students' records.
#[derive(Serialize, ToSchema)]
pub struct TeacherLessonDetailView {
    pub lesson: TeacherLessonView,
    /// The reporting period holding the lesson; empty when there is none,
    /// and then `students` is empty too.
    pub period_id: String,
    /// The journal's rows, in roster order.
    pub students: Vec<LessonStudentView>,
    /// Homework set on or due on this lesson.
    pub homework: Vec<TeacherHomeworkView>,
    /// The class's (or group's) next lessons of the subject, within four
    /// weeks: when homework set here may be due.
    pub next_lessons: Vec<JournalLessonView>,
}

#[derive(Serialize, ToSchema)]
pub struct LessonStudentView {
    #[serde(flatten)]
    pub name: PersonName,
    /// Marks posted for this lesson.
    pub marks: Vec<MarkView>,
    pub attendance: Option<AttendanceView>,
}

/// `GET /api/v1/teaching/lessons/{lesson_id}`: a lesson with each
/// student's marks and attendance there. Whoever may read its journal.
#[utoipa::path(get, path = "/api/v1/teaching/lessons/{lesson_id}", tag = "lessons",
    params(("lesson_id" = String, Path, format = Uuid, description = "The lesson"), LessonQuery),
    responses((status = 200, description = "The lesson", body = TeacherLessonDetailView)))]
pub async fn my_lesson(
    caller: Caller,
    ApiPath(lesson_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<LessonQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_lesson(&caller, &lesson_id, query.school_id.as_deref())
                .await
                .map(Json)
        })
        .await
}

/// The lesson of `lesson_id` (a path segment).
pub async fn load_lesson(
    caller: &Caller,
    lesson_id: &str,
    school_id: Option<&str>,
) -> Result<TeacherLessonDetailView> {
    let lesson_id = path_id("lesson", lesson_id)?;
    let school_id = names::school_of(caller, school_id).await?;
    let message = schedule::GetLessonRequest {
        school_id: school_id.clone(),
        id: lesson_id,
    };
    let lesson = caller
        .schedule()
        .get_lesson(caller.request(message)?)
        .await?
        .into_inner()
        .lesson;
    let lesson = required(lesson, "lesson")?;
    let mut names = Directory::of_school(caller, &school_id).await?;
    let grade = names
        .learn_class(caller, &lesson.class_id, !lesson.group_id.is_empty())
        .await?
        .grade_level;
    let day = chrono::NaiveDate::parse_from_str(&lesson.date, "%Y-%m-%d")
        .map_err(|_| otmetka_platform::Error::not_found("lesson"))?;
    let period = names::period_on(caller, &school_id, grade, day)
        .await?
        .filter(|period| period.start_date <= lesson.date && lesson.date <= period.end_date);
    let mut students = Vec::new();
    let mut period_id = String::new();
    if let Some(period) = period {
        let query = JournalQuery {
            class_id: Some(lesson.class_id.clone()),
            subject_id: Some(lesson.subject_id.clone()),
            period_id: Some(period.id.clone()),
            group_id: (!lesson.group_id.is_empty()).then(|| lesson.group_id.clone()),
        };
        // The journal's reader decides who may keep this lesson.
        let mut journal = load_journal(caller, &query).await?;
        for name in journal.students {
            let cell = journal
                .cells
                .iter()
                .position(|cell| cell.student_id == name.person_id && cell.lesson_id == lesson.id)
                .map(|at| journal.cells.swap_remove(at));
            let (marks, attendance) =
                cell.map_or((Vec::new(), None), |cell| (cell.marks, cell.attendance));
            students.push(LessonStudentView {
                name,
                marks,
                attendance,
            });
        }
        period_id = period.id;
    }
    let homework = load_homework(caller, &lesson.id, Some(&school_id))
        .await?
        .homework;
    let filter = schedule::ListLessonsRequest {
        school_id: school_id.clone(),
        class_id: lesson.class_id.clone(),
        group_id: lesson.group_id.clone(),
        subject_id: lesson.subject_id.clone(),
        ..Default::default()
    };
    let next_lessons = names::lessons_between(caller, filter, day, day + chrono::Days::new(28))
        .await?
        .into_iter()
        .filter(|next| (&next.date, next.lesson_number) > (&lesson.date, lesson.lesson_number))
        .map(|next| JournalLessonView {
            status: LessonStatus::from_proto(next.status),
            id: next.id,
            date: next.date,
            lesson_number: next.lesson_number,
            topic: next.topic,
        })
        .collect();
    let me = caller.session.person_id.to_string();
    Ok(TeacherLessonDetailView {
        lesson: TeacherLessonView::named(lesson, &names, &me),
        period_id,
        students,
        homework,
        next_lessons,
    })
}
