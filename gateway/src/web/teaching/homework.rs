//! Homework on the lesson page: what is set on or due on the lesson with
//! its files, and the form that sets more (multipart: the task, the lesson
//! it is due on, the files).

use axum::body::Body;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use otmetka_platform::Result;

use super::lesson::{Feedback, back, refused};
use super::parse_day;
use super::texts::TeachingTexts;
use crate::extract::{ApiQuery, check_text};
use crate::homework::{CreateHomeworkBody, TeacherHomeworkView, set_homework};
use crate::journal::JournalLessonView;
use crate::multipart::{HOMEWORK_FILES, read_form, store_files};
use crate::teaching::lesson::LessonQuery;
use crate::teaching::names::school_of;
use crate::web::i18n::Lang;
use crate::web::page::shown;
use crate::web::page::{PageError, Visitor};

/// The homework part of the lesson page.
pub struct HomeworkSection {
    pub items: Vec<HomeworkItem>,
    pub choices: Vec<DueChoice>,
    pub text: String,
    pub submission_required: bool,
    pub error: String,
}

pub struct HomeworkItem {
    pub text: String,
    /// The answers handed in; empty when none are asked for.
    pub submissions_url: String,
    /// "к 9 декабря 2026"; empty when it is due on this lesson.
    pub due: String,
    pub files: Vec<FileLink>,
}

pub struct FileLink {
    pub name: String,
    pub url: String,
}

pub struct DueChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// What a refused homework form sent.
#[derive(Default)]
pub struct HomeworkFeedback {
    pub text: String,
    pub due_lesson_id: String,
    pub submission_required: bool,
    pub error: String,
}

pub fn section(
    lang: Lang,
    tt: &TeachingTexts,
    lesson_id: &str,
    homework: Vec<TeacherHomeworkView>,
    next: &[JournalLessonView],
    feedback: Option<HomeworkFeedback>,
) -> HomeworkSection {
    let feedback = feedback.unwrap_or_default();
    let date_of = |text: &str| parse_day(text).map(|d| lang.date(d)).unwrap_or_default();
    HomeworkSection {
        items: homework
            .into_iter()
            .map(|homework| HomeworkItem {
                submissions_url: if homework.submission_required {
                    format!(
                        "/teaching/homework/{}?school_id={}",
                        homework.id, homework.school_id
                    )
                } else {
                    String::new()
                },
                due: if homework.lesson_id == lesson_id {
                    format!("{} {}", tt.due_on, date_of(&homework.due_date))
                } else {
                    String::new()
                },
                files: homework
                    .attachments
                    .iter()
                    .map(|file| FileLink {
                        name: file.file_name.clone(),
                        url: format!(
                            "/api/v1/attachments/{}?school_id={}",
                            file.id, homework.school_id
                        ),
                    })
                    .collect(),
                text: homework.text,
            })
            .collect(),
        choices: next
            .iter()
            .enumerate()
            .map(|(at, lesson)| DueChoice {
                id: lesson.id.clone(),
                label: format!(
                    "{}, {} {}",
                    date_of(&lesson.date),
                    tt.lesson.to_lowercase(),
                    lesson.lesson_number
                ),
                selected: if feedback.due_lesson_id.is_empty() {
                    at == 0
                } else {
                    feedback.due_lesson_id == lesson.id
                },
            })
            .collect(),
        text: feedback.text,
        submission_required: feedback.submission_required,
        error: feedback.error,
    }
}

/// `POST /teaching/lessons/{lesson_id}/homework` (multipart/form-data):
/// each file is stored, then the homework names them.
pub async fn create(
    visitor: Visitor,
    Path(lesson_id): Path<String>,
    ApiQuery(query): ApiQuery<LessonQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut sent = HomeworkFeedback::default();
    match read_and_set(&visitor, &lesson_id, &query, &headers, body, &mut sent).await {
        Ok(()) => back(&lesson_id, &query),
        Err(error) => match shown(&error, visitor.lang) {
            Some((status, text)) => {
                sent.error = text;
                refused(
                    &visitor,
                    &lesson_id,
                    &query,
                    status,
                    Feedback::homework(sent),
                )
                .await
            }
            None => PageError::new(error, visitor.lang, &visitor.here).into_response(),
        },
    }
}

async fn read_and_set(
    visitor: &Visitor,
    lesson_id: &str,
    query: &LessonQuery,
    headers: &HeaderMap,
    body: Body,
    sent: &mut HomeworkFeedback,
) -> Result<()> {
    let caller = &visitor.caller;
    let school_id = school_of(caller, query.school_id.as_deref()).await?;
    let form = read_form(headers, body, &HOMEWORK_FILES).await?;
    sent.text = form.field("text").to_owned();
    sent.due_lesson_id = form.field("due_lesson_id").to_owned();
    sent.submission_required = form.has("submission_required");
    check_text("text", &sent.text)?;
    check_text("due_lesson_id", &sent.due_lesson_id)?;
    let attachment_ids = store_files(caller, &school_id, form.files).await?;
    let body = CreateHomeworkBody {
        school_id,
        due_lesson_id: sent.due_lesson_id.clone(),
        text: sent.text.clone(),
        attachment_ids,
        submission_required: sent.submission_required,
        request_id: String::new(),
    };
    set_homework(caller, lesson_id, body).await.map(|_| ())
}
