//! The journal grid: students by name down, lessons by date across, marks
//! and attendance in the cells, each student's average at the end.

use askama::Template;
use axum::response::Response;

use super::texts::TeachingTexts;
use super::{MarkChip, SIGNS, attendance_letter, finals_url, parse_day};
use crate::extract::ApiQuery;
use crate::journal::{JournalQuery, JournalView, load_journal};
use crate::people::load_me;
use crate::views::{LessonStatus, PeriodState};
use crate::web::i18n::Lang;
use crate::web::mark_tone;
use crate::web::page::{Shell, Visitor};

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
    columns: Vec<Column>,
    rows: Vec<Row>,
    signs: Vec<SignLine>,
    grid_script: &'static str,
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
    visitor
        .page(async {
            let me = load_me(&visitor.caller).await?;
            let journal = load_journal(&visitor.caller, &query).await?;
            Ok(journal_page(
                visitor.shell(me.name.short()),
                visitor.lang,
                journal,
            ))
        })
        .await
}

fn journal_page(shell: Shell, lang: Lang, journal: JournalView) -> JournalPage {
    let tt = TeachingTexts::of(lang);
    let mut title = format!("{} · {}", journal.class_name, journal.subject_name);
    if !journal.group_name.is_empty() {
        title = format!("{title} ({})", journal.group_name);
    }
    let period = match (
        parse_day(&journal.period_start_date),
        parse_day(&journal.period_end_date),
    ) {
        (Some(first), Some(last)) => {
            format!("{}, {}", journal.period_name, lang.date_range(first, last))
        }
        _ => journal.period_name.clone(),
    };
    let columns: Vec<Column> = journal
        .lessons
        .iter()
        .map(|lesson| {
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
    }
}
