//! Writing to the families of students picked from a journal: a filter
//! (average below, absences at least, both or either), the students it
//! finds with the guardians a message would reach, and one message sent to
//! each chosen family over the JSON routes' own functions.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::cohort_texts::CohortTexts;
use super::texts::TeachingTexts;
use super::{journal_heading, journal_path_of};
use crate::caller::Params;
use crate::extract::{ApiQuery, PageForm};
use crate::journal::cohort::{
    CohortBody, CohortMessageBody, CohortSentListView, JournalKey, load_cohort, write_to_families,
};
use crate::journal::{JournalQuery, load_journal};
use crate::people::load_me;
use crate::web::i18n::Lang;
use crate::web::page::{PageError, Shell, Visitor, render, shown};

/// The form's field of a student's checkbox: `s:{student_id}`.
const PICKED: &str = "s:";

#[derive(Template)]
#[template(path = "teaching/cohort.html")]
struct CohortPage {
    shell: Shell,
    tt: &'static TeachingTexts,
    ct: &'static CohortTexts,
    /// "5А · Математика"
    title: String,
    period: String,
    journal_url: String,
    key: JournalQuery,
    average_below: String,
    absences_at_least: String,
    match_all: bool,
    filter_error: String,
    /// The students found, once the filter was applied.
    found: Option<Vec<Row>>,
    /// Where the message form posts: this page with its filter.
    action: String,
    subject: String,
    text: String,
    request_id: String,
    send_error: String,
}

struct Row {
    field: String,
    checked: bool,
    name: String,
    average: String,
    absences: String,
    guardians: String,
}

#[derive(Template)]
#[template(path = "teaching/cohort_sent.html")]
struct SentPage {
    shell: Shell,
    ct: &'static CohortTexts,
    again_url: String,
    sent: Vec<(String, String)>,
    refused: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct CohortQuery {
    class_id: Option<String>,
    subject_id: Option<String>,
    period_id: Option<String>,
    group_id: Option<String>,
    #[serde(default)]
    average_below: String,
    #[serde(default)]
    absences_at_least: String,
    match_all: Option<String>,
    /// The filter's button: the students are looked for once it is pressed.
    show: Option<String>,
}

impl CohortQuery {
    fn journal(&self) -> JournalQuery {
        JournalQuery {
            class_id: self.class_id.clone(),
            subject_id: self.subject_id.clone(),
            period_id: self.period_id.clone(),
            group_id: self.group_id.clone().filter(|id| !id.is_empty()),
        }
    }

    fn key(&self) -> JournalKey {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        JournalKey {
            class_id: text(&self.class_id),
            group_id: text(&self.group_id),
            subject_id: text(&self.subject_id),
            period_id: text(&self.period_id),
        }
    }
}

/// What the message form sent, kept when a refusal shows it again.
#[derive(Default)]
struct Sent {
    picked: Option<HashMap<String, String>>,
    error: String,
}

/// `GET /teaching/journal/cohort?class_id=&subject_id=&period_id=[&group_id=]
/// [&average_below=&absences_at_least=&match_all=&show=]`.
pub async fn show(visitor: Visitor, ApiQuery(query): ApiQuery<CohortQuery>) -> Response {
    match cohort_page(&visitor, &query, Sent::default()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// `POST /teaching/journal/cohort?…`: one message to each chosen family;
/// the answer lists the threads and the families not written to. A refusal
/// shows the form again with what was written.
pub async fn send(
    visitor: Visitor,
    ApiQuery(query): ApiQuery<CohortQuery>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let body = CohortMessageBody {
        journal: query.key(),
        student_ids: form
            .keys()
            .filter_map(|key| key.strip_prefix(PICKED))
            .map(str::to_owned)
            .collect(),
        subject: field("subject"),
        text: field("text"),
        request_id: field("request_id"),
    };
    let error = match write_to_families(&visitor.caller, body).await {
        Ok(sent) => return sent_page(&visitor, &query, sent).await,
        Err(error) => error,
    };
    let Some((status, text)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let sent = Sent {
        picked: Some(form),
        error: text,
    };
    match cohort_page(&visitor, &query, sent).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn cohort_page(visitor: &Visitor, query: &CohortQuery, sent: Sent) -> Result<CohortPage> {
    let key = query.journal();
    let (me, journal) = tokio::try_join!(
        load_me(&visitor.caller),
        load_journal(&visitor.caller, &key)
    )?;
    let lang = visitor.lang;
    let (title, period) = journal_heading(lang, &journal);
    let mut filter_error = String::new();
    let mut found = None;
    if query.show.is_some() {
        match find(visitor, query, &sent).await {
            Ok(rows) => found = Some(rows),
            Err(error) => match shown(&error, lang) {
                Some((_, text)) => filter_error = text,
                None => return Err(error),
            },
        }
    }
    let kept = |name: &str| {
        sent.picked
            .as_ref()
            .and_then(|form| form.get(name).cloned())
            .unwrap_or_default()
    };
    let request_id = Some(kept("request_id"))
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    Ok(CohortPage {
        shell: visitor.shell(me.name.short()),
        tt: TeachingTexts::of(lang),
        ct: CohortTexts::of(lang),
        title,
        period,
        journal_url: journal_path_of("", &key),
        key,
        average_below: query.average_below.clone(),
        absences_at_least: query.absences_at_least.clone(),
        match_all: query.match_all.is_some(),
        filter_error,
        found,
        action: visitor.here.clone(),
        subject: kept("subject"),
        text: kept("text"),
        request_id,
        send_error: sent.error,
    })
}

/// The students the filter finds, each checked unless a sent form left it out.
async fn find(visitor: &Visitor, query: &CohortQuery, sent: &Sent) -> Result<Vec<Row>> {
    let mut params = Params::new();
    let absences = query.absences_at_least.trim();
    let absences_at_least = (!absences.is_empty())
        .then(|| params.number("absences_at_least", Some(absences), 1..=1000));
    params.finish()?;
    let body = CohortBody {
        journal: query.key(),
        average_below: query.average_below.clone(),
        absences_at_least,
        match_all: query.match_all.is_some(),
    };
    let cohort = load_cohort(&visitor.caller, &body).await?;
    let (lang, ct) = (visitor.lang, CohortTexts::of(visitor.lang));
    Ok(cohort
        .students
        .into_iter()
        .map(|student| {
            let field = format!("{PICKED}{}", student.student_id);
            let guardians: Vec<String> = student
                .guardians
                .into_iter()
                .map(|g| g.display_name)
                .collect();
            Row {
                checked: sent
                    .picked
                    .as_ref()
                    .is_none_or(|form| form.contains_key(&field)),
                field,
                name: student.display_name,
                average: student
                    .average
                    .map_or_else(|| "—".to_owned(), |average| lang.decimal(average)),
                absences: format!("{} {} {}", student.absences, ct.of_lessons, student.lessons),
                guardians: if guardians.is_empty() {
                    ct.no_guardians.to_owned()
                } else {
                    guardians.join(", ")
                },
            }
        })
        .collect())
}

async fn sent_page(visitor: &Visitor, query: &CohortQuery, sent: CohortSentListView) -> Response {
    let lang = visitor.lang;
    let ct = CohortTexts::of(lang);
    let page = async {
        let me = load_me(&visitor.caller).await?;
        // The form's ticks arrive unordered: by name, as a reader looks for one.
        let mut students = sent.students;
        students.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        let (threads, refusals): (Vec<_>, Vec<_>) = students
            .into_iter()
            .partition(|student| !student.thread_id.is_empty());
        Ok::<_, otmetka_platform::Error>(SentPage {
            shell: visitor.shell(me.name.short()),
            ct,
            again_url: journal_path_of("/cohort", &query.journal()),
            sent: threads
                .into_iter()
                .map(|student| {
                    let url = format!(
                        "/messages/{}?school_id={}",
                        student.thread_id, sent.school_id
                    );
                    (url, student.display_name)
                })
                .collect(),
            refused: refusals
                .into_iter()
                .map(|student| (student.display_name, refusal_text(lang, &student.refusal)))
                .collect(),
        })
    };
    match page.await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => PageError::new(error, lang, &visitor.here).into_response(),
    }
}

fn refusal_text(lang: Lang, refusal: &str) -> String {
    let ct = CohortTexts::of(lang);
    match refusal {
        "no-guardians" => ct.no_guardians,
        _ => ct.refused,
    }
    .to_owned()
}
