//! The teacher's pages: the lessons of a day with the journals kept, the
//! journal grid, and one lesson's topic, attendance and marks.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Days;

mod cohort;
mod cohort_texts;
mod finals;
mod homework;
mod journal;
mod lesson;
mod roster;
mod submissions;
pub(super) mod texts;

use texts::TeachingTexts;

use super::i18n::Lang;
use super::page::{Shell, Visitor};
use super::parse_day;
use crate::AppState;
use crate::extract::ApiQuery;
use crate::journal::{JournalQuery, JournalView};
use crate::marks::MarkValueInput;
use crate::people::load_me;
use crate::teaching::{
    DayQuery, JournalsQuery, TeacherDayView, TeacherJournalsView, TeacherLessonView, load_day,
    load_journals,
};
use crate::views::{AttendanceKind, LessonStatus, MarkStatus, MarkView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teaching", get(day))
        .route("/teaching/journal", get(journal::grid))
        .route(
            "/teaching/journal/finals",
            get(finals::show).post(finals::set),
        )
        .route("/teaching/journal/reopen", post(journal::ask_to_reopen))
        .route(
            "/teaching/journal/cohort",
            get(cohort::show).post(cohort::send),
        )
        .route("/teaching/lessons/{lesson_id}", get(lesson::show))
        .route(
            "/teaching/homework/{homework_id}",
            get(submissions::show).post(submissions::review),
        )
        .route("/teaching/lessons/{lesson_id}/topic", post(lesson::topic))
        .route(
            "/teaching/lessons/{lesson_id}/attendance",
            post(roster::attendance),
        )
        .route("/teaching/lessons/{lesson_id}/marks", post(roster::marks))
        .route(
            "/teaching/lessons/{lesson_id}/homework",
            post(homework::create),
        )
}

/// A sign a teacher writes instead of a value, as the journal shows it and
/// as it may be typed: one table for the page's legend, the lesson form
/// and the grid's script (which reads the legend).
pub struct Sign {
    pub status: MarkStatus,
    /// The status's JSON word, for the script.
    pub word: &'static str,
    pub shown: &'static str,
    pub typed: &'static [&'static str],
}

pub const SIGNS: [Sign; 4] = [
    Sign {
        status: MarkStatus::Pending,
        word: "pending",
        shown: "•",
        typed: &["."],
    },
    Sign {
        status: MarkStatus::NotSubmitted,
        word: "not_submitted",
        shown: "н/с",
        typed: &["н", "n", "н/с"],
    },
    Sign {
        status: MarkStatus::Exempt,
        word: "exempt",
        shown: "осв",
        typed: &["осв", "ex"],
    },
    Sign {
        status: MarkStatus::Absent,
        word: "absent",
        shown: "отс",
        typed: &["отс", "a"],
    },
];

/// What a teacher typed: a sign's status, or a value on the scale.
pub fn entry(typed: &str) -> (Option<MarkValueInput>, Option<MarkStatus>) {
    let typed = typed.trim();
    let lower = typed.to_lowercase();
    match SIGNS
        .iter()
        .find(|sign| sign.typed.contains(&lower.as_str()))
    {
        Some(sign) => (None, Some(sign.status)),
        None => (Some(MarkValueInput::Text(typed.to_owned())), None),
    }
}

/// A mark as a chip: its value, or its sign.
pub struct MarkChip {
    pub text: String,
    /// `m5`, `m2`…: a colour that repeats what the text says.
    pub tone: &'static str,
    /// "вес 2" and the comment, for a tooltip-free reading.
    pub about: String,
    /// The mark's page, where its teacher corrects or withdraws it.
    pub url: String,
}

impl MarkChip {
    pub fn of(mark: &MarkView, t: &TeachingTexts) -> Self {
        let text = if mark.value.is_empty() {
            SIGNS
                .iter()
                .find(|sign| Some(sign.status) == mark.status)
                .map_or("?", |sign| sign.shown)
                .to_owned()
        } else {
            mark.value.clone()
        };
        let tone = crate::web::mark_tone(&mark.value);
        let mut about = format!("{} {}", t.mark_weight, mark.weight);
        if !mark.comment.is_empty() {
            about = format!("{about}, {}", mark.comment);
        }
        Self {
            text,
            tone,
            about,
            url: format!("/marks/{}", mark.id),
        }
    }
}

/// Н, Б, УП, ОП; nothing for present.
pub fn attendance_letter(kind: Option<AttendanceKind>) -> &'static str {
    match kind {
        Some(AttendanceKind::Absent) => "Н",
        Some(AttendanceKind::Ill) => "Б",
        Some(AttendanceKind::Excused) => "УП",
        Some(AttendanceKind::Late) => "ОП",
        Some(AttendanceKind::Present) | None => "",
    }
}

/// A journal's heading: "5А · Математика (группа 1)" and "II четверть,
/// 9 ноября – 28 декабря 2026".
fn journal_heading(lang: Lang, journal: &JournalView) -> (String, String) {
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
    (title, period)
}

/// The journal page of a class's subject in a period.
pub fn journal_url(class_id: &str, subject_id: &str, period_id: &str, group_id: &str) -> String {
    journal_path("", class_id, subject_id, period_id, group_id)
}

/// The page of the final marks of the same journal.
pub fn finals_url(class_id: &str, subject_id: &str, period_id: &str, group_id: &str) -> String {
    journal_path("/finals", class_id, subject_id, period_id, group_id)
}

/// `/teaching/journal{page}` for the journal a page's query names.
pub fn journal_path_of(page: &str, query: &JournalQuery) -> String {
    journal_path(
        page,
        query.class_id.as_deref().unwrap_or_default(),
        query.subject_id.as_deref().unwrap_or_default(),
        query.period_id.as_deref().unwrap_or_default(),
        query.group_id.as_deref().unwrap_or_default(),
    )
}

fn journal_path(
    page: &str,
    class_id: &str,
    subject_id: &str,
    period_id: &str,
    group_id: &str,
) -> String {
    let mut pairs = vec![
        ("class_id", class_id),
        ("subject_id", subject_id),
        ("period_id", period_id),
    ];
    if !group_id.is_empty() {
        pairs.push(("group_id", group_id));
    }
    format!(
        "/teaching/journal{page}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

#[derive(Template)]
#[template(path = "teaching/day.html")]
struct DayPage {
    shell: Shell,
    tt: &'static TeachingTexts,
    /// "понедельник, 7 декабря"
    heading: String,
    previous_url: String,
    next_url: String,
    lessons: Vec<DayLesson>,
    journals: Vec<JournalLink>,
}

struct DayLesson {
    number: i32,
    time: String,
    /// "5А", "5А, группа 1"
    class: String,
    subject: String,
    room: String,
    substituting: bool,
    cancelled: bool,
    topic: String,
    url: String,
}

struct JournalLink {
    title: String,
    period: String,
    /// Empty when there is no period to open it at.
    url: String,
}

/// `GET /teaching?date=`: the teacher's lessons of a day and their journals.
pub async fn day(visitor: Visitor, ApiQuery(query): ApiQuery<DayQuery>) -> Response {
    visitor
        .page(async {
            let me = load_me(&visitor.caller).await?;
            let day = load_day(&visitor.caller, &query).await?;
            let journals = JournalsQuery {
                school_id: query.school_id.clone(),
            };
            let journals = load_journals(&visitor.caller, &journals).await?;
            Ok(day_page(
                visitor.shell(me.name.short()),
                visitor.lang,
                day,
                journals,
            ))
        })
        .await
}

fn day_page(
    shell: Shell,
    lang: Lang,
    day: TeacherDayView,
    journals: TeacherJournalsView,
) -> DayPage {
    let tt = TeachingTexts::of(lang);
    let date = parse_day(&day.date);
    let shifted = |forward: bool| {
        date.and_then(|date| {
            if forward {
                date.checked_add_days(Days::new(1))
            } else {
                date.checked_sub_days(Days::new(1))
            }
        })
        .map(|date| format!("/teaching?date={date}"))
        .unwrap_or_default()
    };
    DayPage {
        heading: date.map(|d| lang.day_heading(d)).unwrap_or_default(),
        previous_url: shifted(false),
        next_url: shifted(true),
        lessons: day
            .lessons
            .into_iter()
            .map(|lesson| day_lesson(tt, lesson))
            .collect(),
        journals: journals
            .journals
            .into_iter()
            .map(|journal| {
                let mut title = format!("{} · {}", journal.class_name, journal.subject_name);
                if !journal.group_name.is_empty() {
                    title = format!("{title} ({})", journal.group_name);
                }
                JournalLink {
                    title,
                    period: if journal.period_id.is_empty() {
                        tt.no_period.to_owned()
                    } else {
                        journal.period_name
                    },
                    url: if journal.period_id.is_empty() {
                        String::new()
                    } else {
                        // Opened at today's column, not at the period's first.
                        journal_url(
                            &journal.class_id,
                            &journal.subject_id,
                            &journal.period_id,
                            &journal.group_id,
                        ) + "#today"
                    },
                }
            })
            .collect(),
        shell,
        tt,
    }
}

/// "5А" or "5А, группа 1".
fn class_label(tt: &TeachingTexts, lesson: &TeacherLessonView) -> String {
    if lesson.group_name.is_empty() {
        lesson.class_name.clone()
    } else {
        format!("{}, {} {}", lesson.class_name, tt.group, lesson.group_name)
    }
}

fn day_lesson(tt: &TeachingTexts, lesson: TeacherLessonView) -> DayLesson {
    DayLesson {
        class: class_label(tt, &lesson),
        number: lesson.lesson.lesson_number,
        time: format!("{}–{}", lesson.lesson.start_time, lesson.lesson.end_time),
        subject: lesson.subject_name,
        room: lesson.lesson.room,
        substituting: lesson.substituting,
        cancelled: lesson.lesson.status == Some(LessonStatus::Cancelled),
        topic: lesson.lesson.topic,
        url: format!("/teaching/lessons/{}", lesson.lesson.id),
    }
}
