//! The answers handed in for one homework: each student's text and files,
//! when and whether late, and one form per answer to mark it (the mark
//! goes into the journal) or return it for rework with a comment.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::texts::TeachingTexts;
use crate::extract::{ApiQuery, PageForm};
use crate::homework::SchoolQuery;
use crate::marks::MarkValueInput;
use crate::people::{load_me, school_names};
use crate::submissions::{
    MarkSubmissionBody, ReturnBody, SubmissionView, SubmissionsQuery, give_mark, load_homework,
    load_submissions, send_back,
};
use crate::teaching::names::students;
use crate::views::SubmissionStatus;
use crate::web::page::{PageError, Shell, Visitor, render, shown};
use crate::web::parse_day;

#[derive(Template)]
#[template(path = "teaching/submissions.html")]
struct SubmissionsPage {
    shell: Shell,
    tt: &'static TeachingTexts,
    /// "Математика, к 9 декабря 2026"
    title: String,
    task: String,
    lesson_url: String,
    action: String,
    rows: Vec<AnswerRow>,
}

struct AnswerRow {
    id: String,
    student: String,
    status: &'static str,
    handed_in: String,
    late: bool,
    text: String,
    files: Vec<(String, String)>,
    teacher_comment: String,
    mark_url: String,
    marked: bool,
    value: String,
    comment: String,
    error: String,
}

/// What a refused review sent, shown again on that answer.
struct Refused {
    submission_id: String,
    value: String,
    comment: String,
    error: String,
}

/// `GET /teaching/homework/{homework_id}?school_id=`.
pub async fn show(
    visitor: Visitor,
    Path(homework_id): Path<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> Response {
    match submissions_page(&visitor, &homework_id, &query, None).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    submission_id: String,
    /// `mark` or `return`: the button pressed.
    decision: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    comment: String,
}

/// `POST /teaching/homework/{homework_id}?school_id=`: one answer marked
/// or returned; then back to it.
pub async fn review(
    visitor: Visitor,
    Path(homework_id): Path<String>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
    PageForm(form): PageForm<ReviewForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let school_id = query.school_id.clone().unwrap_or_default();
    let caller = &visitor.caller;
    let done = if form.decision == "return" {
        let body = ReturnBody {
            school_id: school_id.clone(),
            comment: form.comment.clone(),
        };
        send_back(caller, &form.submission_id, body).await
    } else {
        let body = MarkSubmissionBody {
            school_id: school_id.clone(),
            value: Some(MarkValueInput::Text(form.value.clone())),
            weight: None,
            mark_id: None,
            comment: form.comment.clone(),
        };
        give_mark(caller, &form.submission_id, body).await
    };
    let error = match done {
        Ok(_) => {
            let back = format!(
                "/teaching/homework/{homework_id}?school_id={school_id}#a-{}",
                form.submission_id
            );
            return Redirect::to(&back).into_response();
        }
        Err(error) => error,
    };
    let Some((status, text)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let refused = Refused {
        submission_id: form.submission_id,
        value: form.value,
        comment: form.comment,
        error: text,
    };
    match submissions_page(&visitor, &homework_id, &query, Some(refused)).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn submissions_page(
    visitor: &Visitor,
    homework_id: &str,
    query: &SchoolQuery,
    mut refused: Option<Refused>,
) -> Result<SubmissionsPage> {
    let caller = &visitor.caller;
    let homework = load_homework(caller, homework_id, query.school_id.as_deref()).await?;
    let every = SubmissionsQuery {
        school_id: Some(homework.school_id.clone()),
        student_id: None,
    };
    let (me, names, answers) = tokio::try_join!(
        load_me(caller),
        school_names(caller, &homework.school_id),
        load_submissions(caller, homework_id, &every),
    )?;
    let student_ids: Vec<String> = answers
        .submissions
        .iter()
        .map(|answer| answer.student_id.clone())
        .collect();
    let people = students(caller, &homework.class_id, &homework.due_date, &student_ids).await?;
    let lang = visitor.lang;
    let tt = TeachingTexts::of(lang);
    let mut rows: Vec<AnswerRow> = answers
        .submissions
        .into_iter()
        .zip(people)
        .map(|(answer, person)| {
            let sent = refused.take_if(|r| r.submission_id == answer.id);
            row(
                tt,
                &|at| lang.date_time(at, names.timezone),
                answer,
                person.full(),
                sent,
            )
        })
        .collect();
    rows.sort_by(|a, b| a.student.cmp(&b.student));
    let due = parse_day(&homework.due_date)
        .map(|day| format!("{} {}", tt.due_on, lang.date(day)))
        .unwrap_or_default();
    Ok(SubmissionsPage {
        shell: visitor.shell(me.name.short()),
        tt,
        title: format!("{}, {due}", names.subject(&homework.subject_id)),
        lesson_url: format!(
            "/teaching/lessons/{}?school_id={}",
            homework.lesson_id, homework.school_id
        ),
        action: format!(
            "/teaching/homework/{}?school_id={}",
            homework.id, homework.school_id
        ),
        task: homework.text,
        rows,
    })
}

fn row(
    tt: &'static TeachingTexts,
    when: &dyn Fn(chrono::DateTime<chrono::Utc>) -> String,
    answer: SubmissionView,
    student: String,
    sent: Option<Refused>,
) -> AnswerRow {
    let marked = answer.status == Some(SubmissionStatus::Marked);
    AnswerRow {
        status: match answer.status {
            Some(SubmissionStatus::Returned) => tt.answer_returned,
            Some(SubmissionStatus::Marked) => tt.answer_marked,
            Some(SubmissionStatus::Submitted) | None => tt.answer_handed_in,
        },
        handed_in: answer.submit_time.map(when).unwrap_or_default(),
        late: answer.late,
        files: answer
            .attachments
            .iter()
            .map(|file| {
                (
                    file.file_name.clone(),
                    format!(
                        "/api/v1/attachments/{}?school_id={}",
                        file.id, answer.school_id
                    ),
                )
            })
            .collect(),
        mark_url: if marked {
            format!("/marks/{}", answer.mark_id)
        } else {
            String::new()
        },
        marked,
        value: sent.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        comment: sent.as_ref().map(|s| s.comment.clone()).unwrap_or_default(),
        error: sent.map(|s| s.error).unwrap_or_default(),
        teacher_comment: answer.teacher_comment,
        text: answer.text,
        id: answer.id,
        student,
    }
}
