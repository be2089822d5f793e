//! One lesson's page: its topic, each student's attendance and a new mark,
//! all plain forms over the JSON routes' own functions.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::homework::{HomeworkFeedback, HomeworkSection, section};
use super::roster::word;
use super::texts::TeachingTexts;
use super::{MarkChip, journal_url, parse_day};
use crate::extract::{ApiQuery, PageForm};
use crate::lessons::{TopicBody, save_topic};
use crate::people::load_me;
use crate::teaching::lesson::{LessonQuery, TeacherLessonDetailView, load_lesson};
use crate::teaching::names::school_of;
use crate::views::{AttendanceKind, LessonStatus};
use crate::web::page::{PageError, Shell, Visitor, render, shown};

#[derive(Template)]
#[template(path = "teaching/lesson.html")]
struct LessonPage {
    shell: Shell,
    tt: &'static TeachingTexts,
    /// "5А · Математика"
    heading: String,
    /// "понедельник, 7 декабря · урок 1, 08:30–09:15"
    when: String,
    room: String,
    substituting: bool,
    cancelled: bool,
    cancel_reason: String,
    /// This page's path and query: where its forms post (with a suffix).
    path: String,
    query: String,
    topic: String,
    topic_error: String,
    journal_url: String,
    has_period: bool,
    students: Vec<StudentRow>,
    kinds: Vec<(&'static str, &'static str)>,
    homework: HomeworkSection,
    failed: bool,
}

struct StudentRow {
    id: String,
    name: String,
    marks: Vec<MarkChip>,
    /// The attendance word selected in the form.
    kind: String,
    late_minutes: String,
    attendance_error: String,
    mark: String,
    mark_error: String,
}

/// What a refused form sent, to show again with its errors.
#[derive(Default)]
pub(super) struct Feedback {
    topic: Option<(String, String)>,
    /// Per student: (kind, late minutes, error).
    pub(super) attendance: HashMap<String, (String, String, String)>,
    /// Per student: (typed, error).
    pub(super) marks: HashMap<String, (String, String)>,
    homework: Option<HomeworkFeedback>,
}

impl Feedback {
    pub(super) fn homework(sent: HomeworkFeedback) -> Self {
        Self {
            homework: Some(sent),
            ..Self::default()
        }
    }
}

/// `GET /teaching/lessons/{lesson_id}`.
pub async fn show(
    visitor: Visitor,
    Path(lesson_id): Path<String>,
    ApiQuery(query): ApiQuery<LessonQuery>,
) -> Response {
    let feedback = Feedback::default();
    visitor
        .page(lesson_page(&visitor, &lesson_id, &query, feedback))
        .await
}

async fn lesson_page(
    visitor: &Visitor,
    lesson_id: &str,
    query: &LessonQuery,
    feedback: Feedback,
) -> Result<LessonPage> {
    let me = load_me(&visitor.caller).await?;
    let detail = load_lesson(&visitor.caller, lesson_id, query.school_id.as_deref()).await?;
    Ok(page(visitor, me.name.short(), detail, query, feedback))
}

fn page(
    visitor: &Visitor,
    person: String,
    detail: TeacherLessonDetailView,
    query: &LessonQuery,
    mut feedback: Feedback,
) -> LessonPage {
    let lang = visitor.lang;
    let tt = TeachingTexts::of(lang);
    let lesson = detail.lesson;
    let mut heading = format!("{} · {}", lesson.class_name, lesson.subject_name);
    if !lesson.group_name.is_empty() {
        heading = format!("{heading} ({} {})", tt.group, lesson.group_name);
    }
    let day = parse_day(&lesson.lesson.date)
        .map(|d| lang.day_heading(d))
        .unwrap_or_default();
    let when = format!(
        "{day} · {} {}, {}–{}",
        tt.lesson.to_lowercase(),
        lesson.lesson.lesson_number,
        lesson.lesson.start_time,
        lesson.lesson.end_time
    );
    let failed = feedback.topic.is_some()
        || !feedback.attendance.is_empty()
        || !feedback.marks.is_empty()
        || feedback.homework.is_some();
    let homework = section(
        lang,
        tt,
        &lesson.lesson.id,
        detail.homework,
        &detail.next_lessons,
        feedback.homework.take(),
    );
    let (topic, topic_error) = feedback
        .topic
        .take()
        .unwrap_or_else(|| (lesson.lesson.topic.clone(), String::new()));
    let students = detail
        .students
        .into_iter()
        .map(|student| {
            let id = student.name.person_id.clone();
            let current = student
                .attendance
                .as_ref()
                .and_then(|record| record.kind)
                .unwrap_or(AttendanceKind::Present);
            let late = student
                .attendance
                .as_ref()
                .map_or(0, |record| record.late_minutes);
            let (kind, late_minutes, attendance_error) =
                feedback.attendance.remove(&id).unwrap_or_else(|| {
                    (
                        word(current).to_owned(),
                        if late > 0 {
                            late.to_string()
                        } else {
                            String::new()
                        },
                        String::new(),
                    )
                });
            let (mark, mark_error) = feedback.marks.remove(&id).unwrap_or_default();
            StudentRow {
                name: student.name.short(),
                marks: student.marks.iter().map(|m| MarkChip::of(m, tt)).collect(),
                id,
                kind,
                late_minutes,
                attendance_error,
                mark,
                mark_error,
            }
        })
        .collect();
    LessonPage {
        shell: visitor.shell(person),
        heading,
        when,
        room: lesson.lesson.room,
        substituting: lesson.substituting,
        cancelled: lesson.lesson.status == Some(LessonStatus::Cancelled),
        cancel_reason: lesson.lesson.cancel_reason,
        path: format!("/teaching/lessons/{}", lesson.lesson.id),
        query: query_suffix(query),
        topic,
        topic_error,
        journal_url: if detail.period_id.is_empty() {
            String::new()
        } else {
            journal_url(
                &lesson.lesson.class_id,
                &lesson.lesson.subject_id,
                &detail.period_id,
                &lesson.lesson.group_id,
            )
        },
        has_period: !detail.period_id.is_empty(),
        students,
        kinds: vec![
            ("present", tt.present),
            ("absent", tt.absent),
            ("ill", tt.ill),
            ("excused", tt.excused),
            ("late", tt.late),
        ],
        homework,
        failed,
        tt,
    }
}

fn query_suffix(query: &LessonQuery) -> String {
    query
        .school_id
        .as_deref()
        .map(|school| {
            format!(
                "?{}",
                serde_urlencoded::to_string([("school_id", school)]).unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The page again with what was refused, or the error as a page.
pub(super) async fn refused(
    visitor: &Visitor,
    lesson_id: &str,
    query: &LessonQuery,
    status: StatusCode,
    feedback: Feedback,
) -> Response {
    match lesson_page(visitor, lesson_id, query, feedback).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

pub(super) fn back(lesson_id: &str, query: &LessonQuery) -> Response {
    Redirect::to(&format!(
        "/teaching/lessons/{lesson_id}{}",
        query_suffix(query)
    ))
    .into_response()
}

#[derive(Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    topic: String,
}

/// `POST /teaching/lessons/{lesson_id}/topic`.
pub async fn topic(
    visitor: Visitor,
    Path(lesson_id): Path<String>,
    ApiQuery(query): ApiQuery<LessonQuery>,
    PageForm(form): PageForm<TopicForm>,
) -> Response {
    let typed = form.as_ref().map(|f| f.topic.clone()).unwrap_or_default();
    let saved = async {
        let form = form?;
        let school_id = school_of(&visitor.caller, query.school_id.as_deref()).await?;
        let body = TopicBody {
            school_id,
            topic: form.topic,
        };
        save_topic(&visitor.caller, &lesson_id, body).await
    }
    .await;
    match saved {
        Ok(_) => back(&lesson_id, &query),
        Err(error) => match shown(&error, visitor.lang) {
            Some((status, text)) => {
                let feedback = Feedback {
                    topic: Some((typed, text)),
                    ..Feedback::default()
                };
                refused(&visitor, &lesson_id, &query, status, feedback).await
            }
            None => PageError::new(error, visitor.lang, &visitor.here).into_response(),
        },
    }
}
