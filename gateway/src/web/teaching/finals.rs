//! The period's final marks of a journal: each student's average and the
//! mark it suggests beside the final mark, which the teacher sets (the
//! suggested one offered) or replaces with a reason. Plain forms, one per
//! student, over the JSON route's own function.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::texts::TeachingTexts;
use super::{journal_heading, journal_path_of, journal_url};
use crate::extract::{ApiQuery, PageForm};
use crate::journal::finals::{FinalMarkBody, record_final_mark};
use crate::journal::{JournalQuery, JournalView, load_journal};
use crate::people::load_me;
use crate::views::PeriodState;
use crate::web::mark_tone;
use crate::web::page::shown;
use crate::web::page::{PageError, Shell, Visitor, render};

#[derive(Template)]
#[template(path = "teaching/finals.html")]
struct FinalsPage {
    shell: Shell,
    tt: &'static TeachingTexts,
    /// "5А · Математика"
    title: String,
    /// "II четверть, 9 ноября – 28 декабря 2026"
    period: String,
    closed: bool,
    journal_url: String,
    /// Where the forms post: this page's own address.
    action: String,
    rows: Vec<FinalRow>,
}

struct FinalRow {
    student_id: String,
    name: String,
    average: String,
    suggested: String,
    suggested_tone: &'static str,
    current: String,
    current_tone: &'static str,
    /// What the value field holds: what was typed, else the final mark,
    /// else the suggested one.
    value: String,
    reason: String,
    error: String,
}

/// What a refused form sent, shown again beside that student's row.
struct Refused {
    student_id: String,
    value: String,
    reason: String,
    error: String,
}

/// `GET /teaching/journal/finals?class_id=&subject_id=&period_id=[&group_id=]`.
pub async fn show(visitor: Visitor, ApiQuery(query): ApiQuery<JournalQuery>) -> Response {
    match finals_page(&visitor, &query, None).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

#[derive(Deserialize)]
pub struct FinalForm {
    student_id: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
}

/// `POST /teaching/journal/finals?…`: one student's final mark.
pub async fn set(
    visitor: Visitor,
    ApiQuery(query): ApiQuery<JournalQuery>,
    PageForm(form): PageForm<FinalForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = FinalMarkBody {
        student_id: form.student_id.clone(),
        subject_id: query.subject_id.clone().unwrap_or_default(),
        period_id: query.period_id.clone().unwrap_or_default(),
        value: form.value.clone(),
        reason: form.reason.clone(),
    };
    let error = match record_final_mark(&visitor.caller, body).await {
        Ok(_) => {
            let back = format!(
                "{}#s-{}",
                journal_path_of("/finals", &query),
                form.student_id
            );
            return Redirect::to(&back).into_response();
        }
        Err(error) => error,
    };
    let Some((status, text)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let refused = Refused {
        student_id: form.student_id,
        value: form.value,
        reason: form.reason,
        error: text,
    };
    match finals_page(&visitor, &query, Some(refused)).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn finals_page(
    visitor: &Visitor,
    query: &JournalQuery,
    refused: Option<Refused>,
) -> Result<FinalsPage> {
    let (me, journal) = tokio::try_join!(
        load_me(&visitor.caller),
        load_journal(&visitor.caller, query)
    )?;
    let lang = visitor.lang;
    let tt = TeachingTexts::of(lang);
    let (title, period) = journal_heading(lang, &journal);
    let rows = rows(&journal, refused, |average| lang.decimal(average));
    Ok(FinalsPage {
        shell: visitor.shell(me.name.short()),
        tt,
        title,
        period,
        closed: journal.period_state == Some(PeriodState::Closed),
        journal_url: journal_url(
            &journal.class_id,
            &journal.subject_id,
            &journal.period_id,
            &journal.group_id,
        ),
        action: journal_path_of("/finals", query),
        rows,
    })
}

fn rows(
    journal: &JournalView,
    mut refused: Option<Refused>,
    decimal: impl Fn(f64) -> String,
) -> Vec<FinalRow> {
    journal
        .students
        .iter()
        .map(|student| {
            let id = &student.person_id;
            let average = journal
                .averages
                .iter()
                .find(|average| &average.student_id == id)
                .filter(|average| !average.mark_ids.is_empty());
            let suggested = average
                .map(|average| average.suggested_mark.clone())
                .unwrap_or_default();
            let current = journal
                .final_marks
                .iter()
                .find(|mark| &mark.student_id == id)
                .map(|mark| mark.value.clone())
                .unwrap_or_default();
            let sent = refused.take_if(|refused| &refused.student_id == id);
            let value = match &sent {
                Some(sent) => sent.value.clone(),
                None if !current.is_empty() => current.clone(),
                None => suggested.clone(),
            };
            FinalRow {
                student_id: id.clone(),
                name: student.short(),
                average: average.map_or_else(|| "—".to_owned(), |a| decimal(a.average)),
                suggested_tone: mark_tone(&suggested),
                suggested,
                current_tone: mark_tone(&current),
                current,
                value,
                reason: sent.as_ref().map(|s| s.reason.clone()).unwrap_or_default(),
                error: sent.map(|s| s.error).unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_keeps_the_journal_it_was_opened_for() {
        let query = JournalQuery {
            class_id: Some("c".into()),
            subject_id: Some("s".into()),
            period_id: Some("p".into()),
            group_id: None,
        };
        assert_eq!(
            journal_path_of("/finals", &query),
            "/teaching/journal/finals?class_id=c&subject_id=s&period_id=p"
        );
    }
}
