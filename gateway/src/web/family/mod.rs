//! The family's pages: where each person starts, and the diary week.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Days, NaiveDate};
use serde::Deserialize;

mod attendance;
mod finals;
mod homework;
mod mark;
mod periods;
mod subjects;
pub(super) mod texts;

use texts::FamilyTexts;

use super::i18n::Lang;
use super::mark_tone as tone;
use super::page::{Shell, Visitor};
use crate::AppState;
use crate::diary::week::{self, DiaryLessonView, DiaryMarkView, HomeworkView, WeekView};
use crate::extract::ApiQuery;
use crate::people::{MeView, load_me};
use crate::views::{DiaryAttendance, LessonStatus, SubmissionStatus};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/diary/{student_id}", get(week))
        .route("/diary/{student_id}/subjects", get(subjects::show))
        .route("/diary/{student_id}/finals", get(finals::show))
        .route("/diary/{student_id}/attendance", get(attendance::show))
        .route(
            "/diary/{student_id}/homework/{homework_id}",
            get(homework::show).post(homework::hand_in),
        )
        .route("/marks/{mark_id}", get(mark::show))
        .route("/marks/{mark_id}/seen", post(mark::seen))
        .route("/marks/{mark_id}/correct", post(mark::correct))
        .route("/marks/{mark_id}/withdraw", post(mark::withdraw))
}

/// The diary's sections, the same on each of its pages.
#[derive(PartialEq, Eq)]
enum Tab {
    Week,
    Subjects,
    Finals,
    Attendance,
}

struct FamilyNav {
    week_url: String,
    subjects_url: String,
    finals_url: String,
    attendance_url: String,
    current: Tab,
}

impl FamilyNav {
    fn new(student_id: &str, current: Tab) -> Self {
        Self {
            week_url: format!("/diary/{student_id}"),
            subjects_url: format!("/diary/{student_id}/subjects"),
            finals_url: format!("/diary/{student_id}/finals"),
            attendance_url: format!("/diary/{student_id}/attendance"),
            current,
        }
    }
}

/// The student's name as their family reads it: their own, or their
/// guardian's child's; empty for anyone else.
fn student_name(me: &MeView, student_id: &str) -> String {
    if me.name.person_id == student_id {
        return me.name.short();
    }
    me.children
        .iter()
        .find(|child| child.person_id == student_id)
        .map(|child| child.short())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct WeekQuery {
    date: Option<String>,
}

struct ChildLink {
    url: String,
    name: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "family/week.html")]
struct WeekPage {
    shell: Shell,
    ft: &'static FamilyTexts,
    nav: FamilyNav,
    children: Vec<ChildLink>,
    student_name: String,
    /// "7–13 декабря 2026"
    title: String,
    previous_url: String,
    next_url: String,
    this_week_url: String,
    days: Vec<DayCard>,
    marks_unavailable: bool,
}

struct DayCard {
    heading: String,
    holiday: String,
    lessons: Vec<LessonRow>,
}

struct LessonRow {
    number: i32,
    time: String,
    subject: String,
    teacher: String,
    substituted: bool,
    room: String,
    cancelled: bool,
    topic: String,
    marks: Vec<MarkChip>,
    attendance: &'static str,
    attendance_reason: String,
    homework_due: Vec<HomeworkItem>,
    homework_set: Vec<HomeworkItem>,
}

struct MarkChip {
    url: String,
    /// "5", "4-", "зачёт"; a status's letter when there is no value.
    value: String,
    /// `m5`, `m2`…: a colour that repeats what the text says.
    tone: &'static str,
    /// "вес 2, контрольная работа"
    about: String,
    comment: String,
    new: bool,
}

/// A homework file, downloaded through the JSON route that streams it.
struct FileLink {
    url: String,
    name: String,
}

struct HomeworkItem {
    text: String,
    url: String,
    files: Vec<FileLink>,
    status: &'static str,
}

/// `GET /diary/{student_id}?date=`: the week of one child.
pub async fn week(
    visitor: Visitor,
    Path(student_id): Path<String>,
    ApiQuery(query): ApiQuery<WeekQuery>,
) -> Response {
    visitor
        .page(async {
            let me = load_me(&visitor.caller).await?;
            let week = week::load(&visitor.caller, &student_id, query.date.as_deref()).await?;
            Ok(week_page(&visitor, &me, week))
        })
        .await
}

fn week_page(visitor: &Visitor, me: &MeView, week: WeekView) -> WeekPage {
    let lang = visitor.lang;
    let t = FamilyTexts::of(lang);
    let monday = NaiveDate::parse_from_str(&week.week_start_date, "%Y-%m-%d").ok();
    let sunday = NaiveDate::parse_from_str(&week.week_end_date, "%Y-%m-%d").ok();
    let shifted = |days: i64| {
        monday
            .and_then(|day| {
                if days >= 0 {
                    day.checked_add_days(Days::new(days as u64))
                } else {
                    day.checked_sub_days(Days::new(days.unsigned_abs()))
                }
            })
            .map(|day| format!("/diary/{}?date={day}", week.student_id))
            .unwrap_or_default()
    };
    let children = me
        .children
        .iter()
        .map(|child| ChildLink {
            url: format!("/diary/{}", child.person_id),
            name: child.short(),
            current: child.person_id == week.student_id,
        })
        .collect();
    let student_name = student_name(me, &week.student_id);
    let title = match (monday, sunday) {
        (Some(monday), Some(sunday)) => lang.date_range(monday, sunday),
        _ => String::new(),
    };
    let school_id = week.school_id.clone();
    let days = week
        .days
        .into_iter()
        .filter_map(|day| {
            let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d").ok()?;
            let rest_day = day.lessons.is_empty() && day.holiday_name.is_empty();
            // Sunday without lessons is not worth a card on a phone.
            if rest_day && date.format("%u").to_string() == "7" {
                return None;
            }
            Some(DayCard {
                heading: lang.day_heading(date),
                holiday: day.holiday_name,
                lessons: day
                    .lessons
                    .into_iter()
                    .map(|lesson| lesson_row(t, lang, &school_id, &week.student_id, lesson))
                    .collect(),
            })
        })
        .collect();
    WeekPage {
        shell: visitor.shell(me.name.short()),
        ft: t,
        nav: FamilyNav::new(&week.student_id, Tab::Week),
        children,
        student_name,
        title,
        previous_url: shifted(-7),
        next_url: shifted(7),
        this_week_url: format!("/diary/{}", week.student_id),
        days,
        marks_unavailable: week.marks_unavailable,
    }
}

fn lesson_row(
    t: &'static FamilyTexts,
    lang: Lang,
    school_id: &str,
    student_id: &str,
    lesson: DiaryLessonView,
) -> LessonRow {
    let attendance = match lesson.attendance {
        Some(DiaryAttendance::Absent) => t.absent,
        Some(DiaryAttendance::Ill) => t.ill,
        Some(DiaryAttendance::Excused) => t.excused,
        Some(DiaryAttendance::Late) => t.late,
        Some(DiaryAttendance::Present) | None => "",
    };
    LessonRow {
        number: lesson.lesson_number,
        time: format!("{}–{}", lesson.start_time, lesson.end_time),
        subject: lesson.subject_name,
        teacher: lesson.teacher_name,
        substituted: lesson.substituted,
        room: lesson.room,
        cancelled: lesson.status == Some(LessonStatus::Cancelled),
        topic: lesson.topic,
        marks: lesson
            .marks
            .into_iter()
            .map(|mark| mark_chip(t, lang, mark))
            .collect(),
        attendance,
        attendance_reason: lesson.attendance_reason,
        homework_due: lesson
            .homework_due
            .into_iter()
            .map(|homework| homework_item(t, school_id, student_id, homework))
            .collect(),
        homework_set: lesson
            .homework_set
            .into_iter()
            .map(|homework| homework_item(t, school_id, student_id, homework))
            .collect(),
    }
}

fn mark_chip(t: &'static FamilyTexts, lang: Lang, mark: DiaryMarkView) -> MarkChip {
    let weight = if mark.weight.fract() == 0.0 {
        format!("{}", mark.weight as i64)
    } else {
        lang.decimal(mark.weight)
    };
    let mut about = format!("{} {weight}", t.mark_weight);
    if !mark.work_type_name.is_empty() {
        about = format!("{}, {about}", mark.work_type_name);
    }
    MarkChip {
        url: format!("/marks/{}", mark.mark_id),
        tone: tone(&mark.value),
        value: mark.value,
        about,
        comment: mark.comment,
        new: !mark.seen,
    }
}

fn homework_item(
    t: &'static FamilyTexts,
    school_id: &str,
    student_id: &str,
    homework: HomeworkView,
) -> HomeworkItem {
    let status = match homework.submission_status {
        Some(SubmissionStatus::Submitted) => t.submitted,
        Some(SubmissionStatus::Returned) => t.returned,
        Some(SubmissionStatus::Marked) => t.marked,
        None if homework.submission_required => t.submission_required,
        None => "",
    };
    HomeworkItem {
        // Where the answer is handed in and read.
        url: if homework.submission_required {
            format!(
                "/diary/{student_id}/homework/{}?school_id={school_id}",
                homework.homework_id
            )
        } else {
            String::new()
        },
        text: homework.text,
        files: homework
            .attachments
            .into_iter()
            .map(|file| FileLink {
                url: format!("/api/v1/attachments/{}?school_id={school_id}", file.id),
                name: file.file_name,
            })
            .collect(),
        status,
    }
}
