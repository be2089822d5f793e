//! One homework as the family reads it, with the student's answer: the
//! student hands it in (text and files) and changes it until it is
//! marked; their guardians see what was handed in, returned or marked.

use askama::Template;
use axum::body::Body;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;

use super::texts::FamilyTexts;
use crate::diary::week::AttachmentView;
use crate::extract::{ApiQuery, check_text};
use crate::homework::SchoolQuery;
use crate::marks::load_mark;
use crate::multipart::{HOMEWORK_FILES, read_form, store_files};
use crate::people::{SchoolNames, load_me, school_names};
use crate::submissions::{
    ChangeSubmissionBody, HandInBody, SubmissionView, SubmissionsQuery, change_answer,
    hand_in_answer, load_homework, load_submissions,
};
use crate::views::{MarkView, SubmissionStatus};
use crate::web::i18n::Lang;
use crate::web::page::{PageError, Shell, Visitor, render, shown};
use crate::web::{mark_tone, parse_day};

#[derive(Template)]
#[template(path = "family/homework.html")]
struct HomeworkPage {
    shell: Shell,
    ft: &'static FamilyTexts,
    subject: String,
    due: String,
    text: String,
    files: Vec<FileLink>,
    week_url: String,
    answer: Option<Answer>,
    /// The form, for the student themself while the answer may change.
    form: Option<AnswerForm>,
    /// Nothing handed in yet, and the reader is not the one to hand it in.
    awaited: bool,
}

pub struct FileLink {
    pub name: String,
    pub url: String,
}

struct Answer {
    status: &'static str,
    handed_in: String,
    late: bool,
    text: String,
    files: Vec<FileLink>,
    teacher_comment: String,
    mark_url: String,
    mark_value: String,
    mark_tone: &'static str,
}

struct AnswerForm {
    action: String,
    /// Set when the answer is handed in again.
    submission_id: String,
    text: String,
    error: String,
    again: bool,
    /// Handed in and waiting: the form is there to change it, folded away.
    folded: bool,
}

/// What the student sent when the answer was refused.
#[derive(Default)]
struct AnswerFeedback {
    text: Option<String>,
    error: String,
}

/// `GET /diary/{student_id}/homework/{homework_id}?school_id=`.
pub async fn show(
    visitor: Visitor,
    Path((student_id, homework_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
) -> Response {
    let feedback = AnswerFeedback::default();
    visitor
        .page(homework_page(
            &visitor,
            &student_id,
            &homework_id,
            &query,
            feedback,
        ))
        .await
}

async fn homework_page(
    visitor: &Visitor,
    student_id: &str,
    homework_id: &str,
    query: &SchoolQuery,
    feedback: AnswerFeedback,
) -> Result<HomeworkPage> {
    let caller = &visitor.caller;
    let homework = load_homework(caller, homework_id, query.school_id.as_deref()).await?;
    let own = SubmissionsQuery {
        school_id: Some(homework.school_id.clone()),
        student_id: Some(student_id.to_owned()),
    };
    let (me, names, answers) = tokio::try_join!(
        load_me(caller),
        school_names(caller, &homework.school_id),
        load_submissions(caller, homework_id, &own),
    )?;
    let lang = visitor.lang;
    let ft = FamilyTexts::of(lang);
    let submission = answers.submissions.into_iter().next();
    let mark = match submission
        .as_ref()
        .filter(|answer| !answer.mark_id.is_empty())
    {
        Some(answer) => Some(load_mark(caller, &answer.mark_id).await?),
        None => None,
    };
    let attachments: Vec<AttachmentView> = homework
        .attachments
        .iter()
        .cloned()
        .map(AttachmentView::from)
        .collect();
    let is_student = me.name.person_id == student_id;
    let form = (is_student && homework.submission_required)
        .then(|| answer_form(&homework, student_id, submission.as_ref(), feedback))
        .flatten();
    Ok(HomeworkPage {
        shell: visitor.shell(me.name.short()),
        ft,
        subject: names.subject(&homework.subject_id).to_owned(),
        due: parse_day(&homework.due_date)
            .map(|day| format!("{} {}", ft.due_by, lang.date(day)))
            .unwrap_or_default(),
        files: links(&homework.school_id, &attachments),
        week_url: format!("/diary/{student_id}?date={}", homework.due_date),
        awaited: submission.is_none() && form.is_none() && homework.submission_required,
        answer: submission.map(|answer| answered(lang, ft, &names, answer, mark)),
        form,
        text: homework.text,
    })
}

fn links(school_id: &str, files: &[AttachmentView]) -> Vec<FileLink> {
    files
        .iter()
        .map(|file| FileLink {
            name: file.file_name.clone(),
            url: format!("/api/v1/attachments/{}?school_id={school_id}", file.id),
        })
        .collect()
}

/// The form while the answer may still change: none handed in, or handed
/// in or returned but not yet marked.
fn answer_form(
    homework: &schedule::Homework,
    student_id: &str,
    submission: Option<&SubmissionView>,
    feedback: AnswerFeedback,
) -> Option<AnswerForm> {
    if submission.is_some_and(|answer| answer.status == Some(SubmissionStatus::Marked)) {
        return None;
    }
    Some(AnswerForm {
        action: format!(
            "/diary/{student_id}/homework/{}?school_id={}",
            homework.id, homework.school_id
        ),
        submission_id: submission
            .map(|answer| answer.id.clone())
            .unwrap_or_default(),
        text: feedback
            .text
            .or_else(|| submission.map(|answer| answer.text.clone()))
            .unwrap_or_default(),
        again: submission.is_some(),
        folded: feedback.error.is_empty()
            && submission.is_some_and(|answer| answer.status == Some(SubmissionStatus::Submitted)),
        error: feedback.error,
    })
}

fn answered(
    lang: Lang,
    ft: &'static FamilyTexts,
    names: &SchoolNames,
    answer: SubmissionView,
    mark: Option<MarkView>,
) -> Answer {
    let mark_value = mark.map(|mark| mark.value).unwrap_or_default();
    let reviewer = names.staff(&answer.reviewed_by_id);
    Answer {
        status: match answer.status {
            Some(SubmissionStatus::Returned) => ft.returned,
            Some(SubmissionStatus::Marked) => ft.marked,
            Some(SubmissionStatus::Submitted) | None => ft.submitted,
        },
        handed_in: answer
            .submit_time
            .map(|at| lang.date_time(at, names.timezone))
            .unwrap_or_default(),
        late: answer.late,
        files: links(&answer.school_id, &answer.attachments),
        teacher_comment: if answer.teacher_comment.is_empty() || reviewer.is_empty() {
            answer.teacher_comment
        } else {
            format!("{} ({reviewer})", answer.teacher_comment)
        },
        mark_url: format!("/marks/{}", answer.mark_id),
        mark_tone: mark_tone(&mark_value),
        mark_value,
        text: answer.text,
    }
}

/// `POST /diary/{student_id}/homework/{homework_id}?school_id=`
/// (multipart/form-data): hands the answer in, or in again; then back to
/// the homework.
pub async fn hand_in(
    visitor: Visitor,
    Path((student_id, homework_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<SchoolQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut typed = String::new();
    let sent = send(&visitor, &homework_id, &query, &headers, body, &mut typed).await;
    let error = match sent {
        Ok(()) => {
            let back = format!(
                "/diary/{student_id}/homework/{homework_id}?school_id={}",
                query.school_id.unwrap_or_default()
            );
            return Redirect::to(&back).into_response();
        }
        Err(error) => error,
    };
    let Some((status, text)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let feedback = AnswerFeedback {
        text: Some(typed),
        error: text,
    };
    match homework_page(&visitor, &student_id, &homework_id, &query, feedback).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn send(
    visitor: &Visitor,
    homework_id: &str,
    query: &SchoolQuery,
    headers: &HeaderMap,
    body: Body,
    typed: &mut String,
) -> Result<()> {
    let caller = &visitor.caller;
    let school_id = query.school_id.clone().unwrap_or_default();
    // The homework first: a student of another class learns nothing more
    // than that it is not there, and stores no file.
    load_homework(caller, homework_id, Some(&school_id)).await?;
    let form = read_form(headers, body, &HOMEWORK_FILES).await?;
    typed.push_str(form.field("text"));
    check_text("text", typed)?;
    let submission_id = form.field("submission_id").to_owned();
    let attachment_ids = store_files(caller, &school_id, form.files).await?;
    if submission_id.is_empty() {
        let body = HandInBody {
            school_id,
            text: typed.clone(),
            attachment_ids,
            request_id: String::new(),
        };
        hand_in_answer(caller, homework_id, body).await?;
    } else {
        // Files already handed in stay unless new ones replace them.
        let body = ChangeSubmissionBody {
            school_id,
            text: Some(typed.clone()),
            attachment_ids: (!attachment_ids.is_empty()).then_some(attachment_ids),
        };
        change_answer(caller, &submission_id, body).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(status: SubmissionStatus) -> SubmissionView {
        let mut view = SubmissionView::from(schedule::Submission::default());
        view.id = "s1".into();
        view.text = "ответ".into();
        view.status = Some(status);
        view
    }

    #[test]
    fn an_answer_may_change_until_it_is_marked() {
        let homework = schedule::Homework {
            id: "h1".into(),
            school_id: "school".into(),
            ..Default::default()
        };
        let first = answer_form(&homework, "st", None, AnswerFeedback::default()).unwrap();
        assert!(!first.again && first.submission_id.is_empty());
        let returned = submission(SubmissionStatus::Returned);
        let again =
            answer_form(&homework, "st", Some(&returned), AnswerFeedback::default()).unwrap();
        assert_eq!(
            (again.submission_id.as_str(), again.text.as_str()),
            ("s1", "ответ")
        );
        let marked = submission(SubmissionStatus::Marked);
        assert!(answer_form(&homework, "st", Some(&marked), AnswerFeedback::default()).is_none());
    }
}
