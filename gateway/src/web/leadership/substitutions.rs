//! A day's lessons of the school, each with its forms: a substitute
//! teacher, cancelling with a reason or restoring, another room.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Days, NaiveDate};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::schedule_texts::ScheduleTexts;
use super::texts::LeadTexts;
use super::{Choice, form_refusal, given, school_url};
use crate::caller::{Params, path_id};
use crate::extract::{ApiQuery, PageForm};
use crate::lesson_changes::{self as api, CancelBody, RoomBody, SubstituteBody};
use crate::lessons::{LessonView, load_school_day};
use crate::people::{SchoolNames, load_me, school_names};
use crate::roster::load_classes;
use crate::teaching::names::today;
use crate::views::LessonStatus;
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

#[derive(Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

/// A refused change: which form, and what was typed into it.
struct Refusal {
    lesson_id: String,
    change: String,
    form: ChangeForm,
    errors: FieldErrors,
}

struct LessonRow {
    id: String,
    /// "1 урок · 08:30–09:15"
    when: String,
    class: String,
    subject: String,
    teacher: String,
    substitute: String,
    substitution_reason: String,
    room: String,
    planned_room: String,
    cancelled: bool,
    cancel_reason: String,
    teachers: Vec<Choice>,
    action: String,
    /// What was typed into a refused form, else the lesson's own values.
    reason: String,
    new_room: String,
    refused_change: String,
    errors: FieldErrors,
}

impl LessonRow {
    /// The error of `field` in the form of `change`; empty when fine.
    fn error(&self, change: &str, field: &str) -> &str {
        if self.refused_change == change {
            self.errors.get(field)
        } else {
            ""
        }
    }
}

#[derive(Template)]
#[template(path = "leadership/substitutions.html")]
struct DayPage {
    shell: Shell,
    lt: &'static LeadTexts,
    st: &'static ScheduleTexts,
    index_url: String,
    action_url: String,
    date: String,
    /// "07.12.2026, понедельник"
    day: String,
    previous_url: String,
    next_url: String,
    lessons: Vec<LessonRow>,
}

/// `GET /school/{school_id}/substitutions?date`: today in the school unless asked.
pub async fn day(
    visitor: Visitor,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<DayQuery>,
) -> Response {
    visitor
        .page(day_page(&visitor, &school_id, query.date, None))
        .await
}

async fn day_page(
    visitor: &Visitor,
    school_id: &str,
    date: Option<String>,
    refusal: Option<Refusal>,
) -> Result<DayPage> {
    let school_id = path_id("school", school_id)?;
    let caller = &visitor.caller;
    let date = match given(date.as_deref().unwrap_or_default()) {
        Some(date) => {
            let mut params = Params::new();
            let date = params.date("date", Some(&date));
            params.finish()?;
            NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|_| Error::invalid("date", "must be a date"))?
        }
        None => today(caller, &school_id).await?,
    };
    let day = date.to_string();
    // Boxed: the calls' states would make the page's future large.
    let (me, lessons, classes, names) = tokio::try_join!(
        Box::pin(load_me(caller)),
        Box::pin(load_school_day(caller, &school_id, Some(&day))),
        Box::pin(load_classes(caller, &school_id)),
        Box::pin(school_names(caller, &school_id)),
    )?;
    let st = ScheduleTexts::of(visitor.lang);
    let staff = names.staff_by_name();
    let mut refusal = refusal;
    let mut rows: Vec<LessonRow> = lessons
        .into_iter()
        .map(|lesson| {
            let refused = refusal.take_if(|refused| refused.lesson_id == lesson.id);
            let class = classes
                .iter()
                .find(|class| class.id == lesson.class_id)
                .map(|class| class.name.clone())
                .unwrap_or_default();
            let mut row = row(st, &school_id, &day, &staff, &names, lesson, refused);
            row.class = class;
            row
        })
        .collect();
    rows.sort_by(|a, b| (&a.when, &a.class).cmp(&(&b.when, &b.class)));
    let page_of = |date: NaiveDate| format!("/school/{school_id}/substitutions?date={date}");
    let weekday = visitor.lang.weekdays()[date.weekday().num_days_from_monday() as usize];
    Ok(DayPage {
        shell: Shell::new(visitor.lang, &page_of(date)).signed_in(me.name.short()),
        lt: LeadTexts::of(visitor.lang),
        st,
        index_url: school_url(&school_id, "leadership"),
        action_url: school_url(&school_id, "substitutions"),
        day: format!("{}, {weekday}", visitor.lang.numeric_date(&day)),
        previous_url: page_of(date - Days::new(1)),
        next_url: page_of(date + Days::new(1)),
        date: day,
        lessons: rows,
    })
}

/// A lesson's card; `refused` is the change to it that was just refused.
fn row(
    st: &'static ScheduleTexts,
    school_id: &str,
    day: &str,
    staff: &[(String, String)],
    names: &SchoolNames,
    lesson: LessonView,
    refused: Option<Refusal>,
) -> LessonRow {
    let person = |id: &str| names.staff(id).to_owned();
    let (form, errors, refused_change) = match refused {
        Some(refusal) => (refusal.form, refusal.errors, refusal.change),
        None => (
            ChangeForm {
                date: day.to_owned(),
                teacher_id: lesson.substitute_teacher_id.clone(),
                reason: String::new(),
                room: String::new(),
            },
            FieldErrors::default(),
            String::new(),
        ),
    };
    let teachers = std::iter::once(Choice::new("", st.no_substitute, &form.teacher_id))
        .chain(
            staff
                .iter()
                .map(|(id, name)| Choice::new(id, name, &form.teacher_id)),
        )
        .collect();
    LessonRow {
        when: format!(
            "{} {} · {}–{}",
            lesson.lesson_number,
            st.lesson.to_lowercase(),
            lesson.start_time,
            lesson.end_time
        ),
        class: String::new(),
        subject: names.subject(&lesson.subject_id).to_owned(),
        teacher: person(&lesson.teacher_id),
        substitute: person(&lesson.substitute_teacher_id),
        substitution_reason: lesson.substitution_reason,
        cancelled: lesson.status == Some(LessonStatus::Cancelled),
        cancel_reason: lesson.cancel_reason,
        action: format!("/school/{school_id}/substitutions/{}", lesson.id),
        teachers,
        reason: form.reason,
        new_room: form.room,
        refused_change,
        errors,
        planned_room: lesson.planned_room,
        room: lesson.room,
        id: lesson.id,
    }
}

/// Every form of a lesson posts these; each reads its own.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    date: String,
    teacher_id: String,
    reason: String,
    room: String,
}

/// `POST /school/{school_id}/substitutions/{lesson_id}/{change}`:
/// `substitute`, `cancel`, `restore` or `room`; then back to the day.
pub async fn change(
    visitor: Visitor,
    Path((school_id, lesson_id, change)): Path<(String, String, String)>,
    PageForm(form): PageForm<ChangeForm>,
) -> Response {
    let form = form.unwrap_or_default();
    let caller = &visitor.caller;
    let done = match change.as_str() {
        "substitute" => {
            let body = SubstituteBody {
                teacher_id: given(&form.teacher_id),
                reason: form.reason.clone(),
            };
            api::substitute(caller, &school_id, &lesson_id, body).await
        }
        "cancel" => {
            let body = CancelBody {
                reason: form.reason.clone(),
            };
            api::cancel(caller, &school_id, &lesson_id, body).await
        }
        "restore" => api::restore(caller, &school_id, &lesson_id).await,
        "room" => {
            let body = RoomBody {
                room: form.room.trim().to_owned(),
            };
            api::move_room(caller, &school_id, &lesson_id, body).await
        }
        _ => Err(Error::not_found("page")),
    };
    let error = match done {
        Ok(lesson) => {
            let next = format!(
                "/school/{}/substitutions?date={}#lesson-{}",
                lesson.school_id, lesson.date, lesson.id
            );
            return Redirect::to(&next).into_response();
        }
        Err(error) => error,
    };
    let st = ScheduleTexts::of(visitor.lang);
    let (status, errors) = match form_refusal(&visitor, error, "reason", st.failed) {
        Ok(refusal) => refusal,
        Err(page) => return page.into_response(),
    };
    let date = Some(form.date.clone());
    let refusal = Refusal {
        lesson_id,
        change,
        form,
        errors,
    };
    match day_page(&visitor, &school_id, date, Some(refusal)).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
