//! The lesson page's forms for the whole class at once: attendance and a
//! new mark per student, each row through the JSON routes' own functions.

use std::collections::HashMap;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use otmetka_platform::Error;

use super::entry;
use super::lesson::{Feedback, back, refused};
use crate::extract::{ApiQuery, PageForm};
use crate::journal::{AttendanceBody, record_attendance};
use crate::marks::{CreateMarkBody, post_mark};
use crate::teaching::lesson::{LessonQuery, load_lesson};
use crate::views::AttendanceKind;
use crate::web::page::shown;
use crate::web::page::{PageError, Visitor};

pub(super) fn word(kind: AttendanceKind) -> &'static str {
    match kind {
        AttendanceKind::Present => "present",
        AttendanceKind::Absent => "absent",
        AttendanceKind::Ill => "ill",
        AttendanceKind::Excused => "excused",
        AttendanceKind::Late => "late",
    }
}

fn kind_of(word: &str) -> Option<AttendanceKind> {
    [
        AttendanceKind::Present,
        AttendanceKind::Absent,
        AttendanceKind::Ill,
        AttendanceKind::Excused,
        AttendanceKind::Late,
    ]
    .into_iter()
    .find(|kind| self::word(*kind) == word)
}

/// `POST /teaching/lessons/{lesson_id}/attendance`: `kind:<student_id>`
/// and `late:<student_id>` for each row; only changed rows are recorded.
pub async fn attendance(
    visitor: Visitor,
    Path(lesson_id): Path<String>,
    ApiQuery(query): ApiQuery<LessonQuery>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let detail = async {
        let form = form?;
        let detail = load_lesson(&visitor.caller, &lesson_id, query.school_id.as_deref()).await?;
        Ok::<_, Error>((form, detail))
    }
    .await;
    let (form, detail) = match detail {
        Ok(both) => both,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let mut feedback = Feedback::default();
    let mut status = StatusCode::SEE_OTHER;
    for student in &detail.students {
        let id = &student.name.person_id;
        let Some(wanted) = form.get(&format!("kind:{id}")) else {
            continue;
        };
        let late = form
            .get(&format!("late:{id}"))
            .map(|m| m.trim().to_owned())
            .unwrap_or_default();
        let current = student.attendance.as_ref().and_then(|record| record.kind);
        let current_late = student
            .attendance
            .as_ref()
            .map_or(0, |record| record.late_minutes);
        let result = match kind_of(wanted) {
            None => Err(Error::invalid("kind", "must be one of the listed choices")),
            Some(kind) => {
                let minutes = if kind == AttendanceKind::Late {
                    late.parse::<i32>().unwrap_or(-1)
                } else {
                    0
                };
                let unchanged = current.unwrap_or(AttendanceKind::Present) == kind
                    && (kind != AttendanceKind::Late || minutes == current_late);
                if unchanged {
                    continue;
                }
                let body = AttendanceBody {
                    subject_id: detail.lesson.lesson.subject_id.clone(),
                    lesson_date: detail.lesson.lesson.date.clone(),
                    kind,
                    late_minutes: minutes,
                    reason: String::new(),
                };
                record_attendance(&visitor.caller, &lesson_id, id, body)
                    .await
                    .map(|_| ())
            }
        };
        if let Err(error) = result {
            let Some((refusal, text)) = shown(&error, visitor.lang) else {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            };
            status = refusal;
            feedback
                .attendance
                .insert(id.clone(), (wanted.clone(), late, text));
        }
    }
    if status == StatusCode::SEE_OTHER {
        back(&lesson_id, &query)
    } else {
        refused(&visitor, &lesson_id, &query, status, feedback).await
    }
}

/// `POST /teaching/lessons/{lesson_id}/marks`: `mark:<student_id>` for
/// each row; empty ones are skipped, the rest each posted as a new mark.
pub async fn marks(
    visitor: Visitor,
    Path(lesson_id): Path<String>,
    ApiQuery(query): ApiQuery<LessonQuery>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let detail = async {
        let form = form?;
        let detail = load_lesson(&visitor.caller, &lesson_id, query.school_id.as_deref()).await?;
        Ok::<_, Error>((form, detail))
    }
    .await;
    let (form, detail) = match detail {
        Ok(both) => both,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let mut feedback = Feedback::default();
    let mut status = StatusCode::SEE_OTHER;
    for student in &detail.students {
        let id = &student.name.person_id;
        let typed = form
            .get(&format!("mark:{id}"))
            .map(|m| m.trim().to_owned())
            .unwrap_or_default();
        if typed.is_empty() {
            continue;
        }
        let (value, mark_status) = entry(&typed);
        let body = CreateMarkBody {
            student_id: id.clone(),
            subject_id: detail.lesson.lesson.subject_id.clone(),
            lesson_date: detail.lesson.lesson.date.clone(),
            lesson_id: Some(detail.lesson.lesson.id.clone()),
            value,
            status: mark_status,
            scale: None,
            weight: None,
            work_type_id: None,
            comment: String::new(),
            request_id: String::new(),
        };
        if let Err(error) = post_mark(&visitor.caller, body).await {
            let Some((refusal, text)) = shown(&error, visitor.lang) else {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            };
            status = refusal;
            feedback.marks.insert(id.clone(), (typed, text));
        }
    }
    if status == StatusCode::SEE_OTHER {
        back(&lesson_id, &query)
    } else {
        refused(&visitor, &lesson_id, &query, status, feedback).await
    }
}
