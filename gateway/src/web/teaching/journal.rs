//! The journal grid: students by name down, lessons by date across, marks
//! and attendance in the cells, each student's average at the end.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::texts::TeachingTexts;
use super::{
    MarkChip, SIGNS, attendance_letter, finals_url, journal_heading, journal_path, journal_path_of,
    parse_day,
};
use crate::extract::{ApiQuery, PageForm};
use crate::journal::{
    JournalQuery, JournalView, ReopenBody, ReopenListQuery, ask_reopen, load_journal,
    load_reopen_requests,
};
use crate::people::load_me;
use crate::views::{LessonStatus, PeriodState, ReopenState};
use crate::web::i18n::Lang;
use crate::web::mark_tone;
use crate::web::page::shown;
use crate::web::page::{PageError, Shell, Visitor, render};

#[derive(Template)]
#[template(path = "teaching/journal.html")]
struct JournalPage {
    shell: Shell,
    tt: &'static TeachingTexts,
    /// "5А · Математика"
    title: String,
    /// "II четверть, 9 ноября – 28 декабря 2026"
    period: String,
    closed: bool,
    subject_id: String,
    finals_url: String,
    /// The page that writes to the families of students picked by standing.
    cohort_url: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    signs: Vec<SignLine>,
    grid_script: &'static str,
    /// The form to ask for the journal to be reopened, when it is locked.
    reopen: Option<ReopenSection>,
}

struct ReopenSection {
    action: String,
    pending: Vec<String>,
    reason: String,
    error: String,
}

struct Column {
    /// "07.12"
    short: String,
    /// "7 декабря 2026, урок 1"
    long: String,
    url: String,
    lesson_id: String,
    date: String,
    cancelled: bool,
    /// The last lesson up to today: the grid's `#today` anchor, so that a
    /// phone opens the grid scrolled to it rather than at September.
    today: bool,
}

struct Row {
    student_id: String,
    name: String,
    cells: Vec<Cell>,
    average: String,
    final_mark: String,
    final_tone: &'static str,
}

struct Cell {
    marks: Vec<MarkChip>,
    attendance: &'static str,
}

struct SignLine {
    word: &'static str,
    shown: &'static str,
    typed: String,
    meaning: &'static str,
}

/// `GET /teaching/journal?class_id=&subject_id=&period_id=[&group_id=]`.
pub async fn grid(visitor: Visitor, ApiQuery(query): ApiQuery<JournalQuery>) -> Response {
    match grid_page(&visitor, &query, ReopenForm::default()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct ReopenForm {
    #[serde(default)]
    reason: String,
    /// What a refusal said of the reason, shown beside it.
    #[serde(skip)]
    error: String,
}

/// `POST /teaching/journal/reopen?…`: the teacher of a locked journal asks
/// the deputy head to reopen it, with a reason.
pub async fn ask_to_reopen(
    visitor: Visitor,
    ApiQuery(query): ApiQuery<JournalQuery>,
    PageForm(form): PageForm<ReopenForm>,
) -> Response {
    let mut form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = ReopenBody {
        class_id: query.class_id.clone().unwrap_or_default(),
        subject_id: query.subject_id.clone().unwrap_or_default(),
        period_id: query.period_id.clone().unwrap_or_default(),
        reason: form.reason.clone(),
    };
    let error = match ask_reopen(&visitor.caller, body).await {
        Ok(_) => return Redirect::to(&journal_path_of("", &query)).into_response(),
        Err(error) => error,
    };
    let Some((status, text)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    form.error = text;
    match grid_page(&visitor, &query, form).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn grid_page(
    visitor: &Visitor,
    query: &JournalQuery,
    reopen: ReopenForm,
) -> Result<JournalPage> {
    let (me, journal) = tokio::try_join!(
        load_me(&visitor.caller),
        load_journal(&visitor.caller, query)
    )?;
    let closed = journal.period_state == Some(PeriodState::Closed);
    let pending = if closed {
        pending_requests(visitor, &journal).await?
    } else {
        Vec::new()
    };
    let today = crate::teaching::names::today(&visitor.caller, &journal.school_id)
        .await?
        .to_string();
    let mut page = journal_page(
        visitor.shell(me.name.short()),
        visitor.lang,
        &today,
        journal,
    );
    page.reopen = closed.then(|| ReopenSection {
        action: journal_path_of("/reopen", query),
        pending,
        reason: reopen.reason,
        error: reopen.error,
    });
    Ok(page)
}

/// The teacher's own requests for this journal that wait for a decision,
/// as "7 декабря 2026: причина".
async fn pending_requests(visitor: &Visitor, journal: &JournalView) -> Result<Vec<String>> {
    let query = ReopenListQuery {
        school_id: Some(journal.school_id.clone()),
        page_size: Some("500".into()),
        page_token: None,
    };
    let requests = load_reopen_requests(&visitor.caller, query).await?;
    Ok(requests
        .reopen_requests
        .into_iter()
        .filter(|request| {
            request.state == Some(ReopenState::Pending)
                && request.class_id == journal.class_id
                && request.subject_id == journal.subject_id
                && request.period_id == journal.period_id
        })
        .map(|request| {
            let asked = request
                .created_at
                .map(|at| visitor.lang.date(at.date_naive()))
                .unwrap_or_default();
            format!("{asked}: {}", request.reason)
        })
        .collect())
}

fn journal_page(shell: Shell, lang: Lang, today: &str, journal: JournalView) -> JournalPage {
    let tt = TeachingTexts::of(lang);
    let (title, period) = journal_heading(lang, &journal);
    let latest_so_far = journal
        .lessons
        .iter()
        .rposition(|lesson| lesson.date.as_str() <= today);
    let columns: Vec<Column> = journal
        .lessons
        .iter()
        .enumerate()
        .map(|(index, lesson)| {
            let day = parse_day(&lesson.date);
            Column {
                short: day
                    .map(|d| d.format("%d.%m").to_string())
                    .unwrap_or_default(),
                long: format!(
                    "{}, {} {}",
                    day.map(|d| lang.date(d)).unwrap_or_default(),
                    tt.lesson.to_lowercase(),
                    lesson.lesson_number
                ),
                url: format!("/teaching/lessons/{}", lesson.id),
                lesson_id: lesson.id.clone(),
                date: lesson.date.clone(),
                cancelled: lesson.status == Some(LessonStatus::Cancelled),
                today: Some(index) == latest_so_far,
            }
        })
        .collect();
    let rows = journal
        .students
        .iter()
        .map(|student| {
            let cells = columns
                .iter()
                .map(|column| {
                    let cell = journal.cells.iter().find(|cell| {
                        cell.student_id == student.person_id && cell.lesson_id == column.lesson_id
                    });
                    Cell {
                        marks: cell
                            .map(|cell| cell.marks.iter().map(|m| MarkChip::of(m, tt)).collect())
                            .unwrap_or_default(),
                        attendance: attendance_letter(
                            cell.and_then(|cell| cell.attendance.as_ref())
                                .and_then(|record| record.kind),
                        ),
                    }
                })
                .collect();
            let average = journal
                .averages
                .iter()
                .find(|average| average.student_id == student.person_id)
                .filter(|average| !average.mark_ids.is_empty())
                .map_or_else(|| "—".to_owned(), |average| lang.decimal(average.average));
            let final_mark = journal
                .final_marks
                .iter()
                .find(|mark| mark.student_id == student.person_id)
                .map(|mark| mark.value.clone())
                .unwrap_or_default();
            Row {
                student_id: student.person_id.clone(),
                name: student.short(),
                cells,
                average,
                final_tone: mark_tone(&final_mark),
                final_mark,
            }
        })
        .collect();
    let meanings = [
        tt.sign_pending,
        tt.sign_not_submitted,
        tt.sign_exempt,
        tt.sign_absent,
    ];
    JournalPage {
        shell,
        tt,
        title,
        period,
        closed: journal.period_state == Some(PeriodState::Closed),
        finals_url: finals_url(
            &journal.class_id,
            &journal.subject_id,
            &journal.period_id,
            &journal.group_id,
        ),
        cohort_url: journal_path(
            "/cohort",
            &journal.class_id,
            &journal.subject_id,
            &journal.period_id,
            &journal.group_id,
        ),
        subject_id: journal.subject_id,
        columns,
        rows,
        signs: SIGNS
            .iter()
            .zip(meanings)
            .map(|(sign, meaning)| SignLine {
                word: sign.word,
                shown: sign.shown,
                typed: sign.typed.join(" "),
                meaning,
            })
            .collect(),
        grid_script: crate::web::assets::grid_script(),
        reopen: None,
    }
}
