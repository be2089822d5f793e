//! The form of one timetable lesson: adding it (from a free slot of the
//! table, which fills in the day and number), changing it, deleting it.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::schedule_texts::ScheduleTexts;
use super::timetable::weekday_key;
use super::{Choice, form_refusal, given, refusal_lines, school_url};
use crate::caller::path_id;
use crate::extract::{ApiQuery, PageForm};
use crate::people::{load_me, school_names};
use crate::periods::load_years;
use crate::roster::{load_classes, load_groups};
use crate::timetable::bells::{MAX_LESSON_NUMBER, load_bells};
use crate::timetable::entries::{
    self as api, EntriesQuery, TimetableEntryBody, TimetableEntryView,
};
use crate::views::{WeekPeriodicity, Weekday};
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

/// The form's fields as typed; a new form takes them from the query.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EntryForm {
    academic_year_id: String,
    class_id: String,
    group_id: String,
    weekday: String,
    lesson_number: String,
    subject_id: String,
    teacher_id: String,
    room: String,
    periodicity: String,
    start_date: String,
    end_date: String,
    bell_schedule_id: String,
}

impl EntryForm {
    fn of(entry: &TimetableEntryView) -> Self {
        let word = |value: Option<String>| value.unwrap_or_default();
        Self {
            academic_year_id: entry.academic_year_id.clone(),
            class_id: entry.class_id.clone(),
            group_id: entry.group_id.clone(),
            weekday: word(entry.weekday.map(weekday_key)),
            lesson_number: entry.lesson_number.to_string(),
            subject_id: entry.subject_id.clone(),
            teacher_id: entry.teacher_id.clone(),
            room: entry.room.clone(),
            periodicity: word(entry.periodicity.map(periodicity_key)),
            start_date: entry.start_date.clone(),
            end_date: entry.end_date.clone(),
            bell_schedule_id: entry.bell_schedule_id.clone(),
        }
    }

    /// The body the form asks for; a value no select offers is refused on
    /// its field.
    fn body(&self) -> Result<TimetableEntryBody> {
        let weekday: Weekday = serde_json::from_value(self.weekday.clone().into())
            .map_err(|_| Error::invalid("weekday", "must be a day of the week"))?;
        let lesson_number = self.lesson_number.trim().parse().map_err(|_| {
            Error::invalid(
                "lesson_number",
                format!("must be a number 0–{MAX_LESSON_NUMBER}"),
            )
        })?;
        let periodicity = given(&self.periodicity)
            .map(|word| serde_json::from_value::<WeekPeriodicity>(word.into()))
            .transpose()
            .map_err(|_| Error::invalid("periodicity", "is not a known periodicity"))?;
        Ok(TimetableEntryBody {
            academic_year_id: given(&self.academic_year_id),
            class_id: self.class_id.clone(),
            group_id: given(&self.group_id),
            weekday,
            lesson_number,
            subject_id: self.subject_id.clone(),
            teacher_id: self.teacher_id.clone(),
            room: self.room.clone(),
            periodicity,
            start_date: given(&self.start_date),
            end_date: given(&self.end_date),
            bell_schedule_id: given(&self.bell_schedule_id),
            request_id: None,
        })
    }
}

fn periodicity_key(periodicity: WeekPeriodicity) -> String {
    serde_json::to_value(periodicity)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "leadership/entry_form.html")]
struct EntryPage {
    shell: Shell,
    st: &'static ScheduleTexts,
    title: &'static str,
    back_url: String,
    /// Empty for a new lesson.
    delete_url: String,
    form: EntryForm,
    classes: Vec<Choice>,
    /// The chosen class's groups; empty until a class is chosen (the form
    /// works without script, so it cannot list them as the class changes).
    groups: Vec<Choice>,
    weekdays: Vec<Choice>,
    numbers: Vec<Choice>,
    subjects: Vec<Choice>,
    teachers: Vec<Choice>,
    weeks: Vec<Choice>,
    bells: Vec<Choice>,
    errors: FieldErrors,
    summary: Vec<String>,
}

/// The form filled with `form`; `entry_id` names the lesson being changed.
async fn entry_page(
    visitor: &Visitor,
    school_id: &str,
    entry_id: Option<&str>,
    form: EntryForm,
) -> Result<EntryPage> {
    let caller = &visitor.caller;
    // Boxed: the calls' states would make the page's future large.
    let (me, classes, names, bells) = tokio::try_join!(
        Box::pin(load_me(caller)),
        Box::pin(load_classes(caller, school_id)),
        Box::pin(school_names(caller, school_id)),
        Box::pin(load_bells(caller, school_id)),
    )?;
    let groups = if form.class_id.is_empty() {
        Vec::new()
    } else {
        load_groups(caller, &form.class_id).await?
    };
    let st = ScheduleTexts::of(visitor.lang);
    let with_blank = |listed: Vec<(String, String)>, blank: &str, current: &str| {
        std::iter::once((String::new(), blank.to_owned()))
            .chain(listed)
            .map(|(value, label)| Choice::new(&value, &label, current))
            .collect::<Vec<_>>()
    };
    let week_names = visitor.lang.weekdays();
    let here = entry_id.map_or_else(
        || "timetable/new".to_owned(),
        |id| format!("timetable/{id}"),
    );
    Ok(EntryPage {
        shell: Shell::new(visitor.lang, &school_url(school_id, &here)).signed_in(me.name.short()),
        st,
        title: if entry_id.is_some() {
            st.edit_entry
        } else {
            st.add_entry
        },
        back_url: format!(
            "/school/{school_id}/timetable?class_id={}&year_id={}",
            form.class_id, form.academic_year_id
        ),
        delete_url: entry_id
            .map(|id| school_url(school_id, &format!("timetable/{id}/delete")))
            .unwrap_or_default(),
        classes: with_blank(
            classes.into_iter().map(|c| (c.id, c.name)).collect(),
            st.choose,
            &form.class_id,
        ),
        groups: if groups.is_empty() {
            Vec::new()
        } else {
            with_blank(
                groups.into_iter().map(|g| (g.id, g.name)).collect(),
                st.whole_class,
                &form.group_id,
            )
        },
        weekdays: [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ]
        .into_iter()
        .map(|day| Choice::new(&weekday_key(day), week_names[day as usize], &form.weekday))
        .collect(),
        numbers: (0..=MAX_LESSON_NUMBER)
            .map(|n| Choice::new(&n.to_string(), &n.to_string(), form.lesson_number.trim()))
            .collect(),
        subjects: with_blank(names.subjects_by_name(), st.choose, &form.subject_id),
        teachers: with_blank(names.staff_by_name(), st.choose, &form.teacher_id),
        weeks: [
            ("", st.every_week),
            ("odd_weeks", st.odd_weeks),
            ("even_weeks", st.even_weeks),
        ]
        .into_iter()
        .map(|(value, label)| {
            let current = form.periodicity.replace("every_week", "");
            Choice::new(value, label, &current)
        })
        .collect(),
        bells: with_blank(
            bells.into_iter().map(|b| (b.id, b.name)).collect(),
            st.school_default,
            &form.bell_schedule_id,
        ),
        form,
        errors: FieldErrors::default(),
        summary: Vec::new(),
    })
}

/// The entry of the school with `entry_id`, from whichever year holds it.
async fn find(visitor: &Visitor, school_id: &str, entry_id: &str) -> Result<TimetableEntryView> {
    let entry_id = path_id("timetable entry", entry_id)?;
    for year in load_years(&visitor.caller, school_id).await?.academic_years {
        let query = EntriesQuery {
            academic_year_id: Some(year.id),
            class_id: None,
            teacher_id: None,
        };
        let entries = api::load_entries(&visitor.caller, school_id, query).await?;
        if let Some(entry) = entries.into_iter().find(|entry| entry.id == entry_id) {
            return Ok(entry);
        }
    }
    Err(Error::not_found("timetable entry"))
}

/// `GET /school/{school_id}/timetable/new?class_id&year_id&weekday&lesson_number`.
pub async fn new_form(
    visitor: Visitor,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<NewQuery>,
) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let years = load_years(&visitor.caller, &school_id).await?;
            let newest = years.academic_years.first().map(|year| year.id.clone());
            let form = EntryForm {
                academic_year_id: query.year_id.or(newest).unwrap_or_default(),
                class_id: query.class_id.unwrap_or_default(),
                weekday: query.weekday.unwrap_or_default(),
                lesson_number: query.lesson_number.unwrap_or_default(),
                ..EntryForm::default()
            };
            entry_page(&visitor, &school_id, None, form).await
        })
        .await
}

#[derive(Deserialize)]
pub struct NewQuery {
    class_id: Option<String>,
    year_id: Option<String>,
    weekday: Option<String>,
    lesson_number: Option<String>,
}

/// `GET /school/{school_id}/timetable/{entry_id}`.
pub async fn edit_form(
    visitor: Visitor,
    Path((school_id, entry_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let entry = find(&visitor, &school_id, &entry_id).await?;
            entry_page(&visitor, &school_id, Some(&entry.id), EntryForm::of(&entry)).await
        })
        .await
}

/// `POST /school/{school_id}/timetable/new`.
pub async fn create(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(form): PageForm<EntryForm>,
) -> Response {
    let form = form.unwrap_or_default();
    let done = match form.body() {
        Ok(body) => api::add_entry(&visitor.caller, &school_id, body).await,
        Err(error) => Err(error),
    };
    let next = done.map(|entry| timetable_url(&school_id, &entry));
    answer(visitor, &school_id, None, form, next).await
}

/// `POST /school/{school_id}/timetable/{entry_id}`.
pub async fn update(
    visitor: Visitor,
    Path((school_id, entry_id)): Path<(String, String)>,
    PageForm(form): PageForm<EntryForm>,
) -> Response {
    let form = form.unwrap_or_default();
    let done = match form.body() {
        Ok(body) => api::change_entry(&visitor.caller, &school_id, &entry_id, body).await,
        Err(error) => Err(error),
    };
    let next = done.map(|entry| timetable_url(&school_id, &entry));
    answer(visitor, &school_id, Some(&entry_id), form, next).await
}

/// `POST /school/{school_id}/timetable/{entry_id}/delete`.
pub async fn delete(
    visitor: Visitor,
    Path((school_id, entry_id)): Path<(String, String)>,
) -> Response {
    let entry = match find(&visitor, &school_id, &entry_id).await {
        Ok(entry) => entry,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let done = api::remove_entry(&visitor.caller, &school_id, &entry.id).await;
    let next = done.map(|()| timetable_url(&school_id, &entry));
    answer(
        visitor,
        &school_id,
        Some(&entry_id),
        EntryForm::of(&entry),
        next,
    )
    .await
}

/// The timetable of the entry's class and year.
fn timetable_url(school_id: &str, entry: &TimetableEntryView) -> String {
    format!(
        "/school/{school_id}/timetable?class_id={}&year_id={}",
        entry.class_id, entry.academic_year_id
    )
}

/// Back to the class's timetable (`done` says where), or the form again
/// with the refusal beside its fields and what was typed kept.
async fn answer(
    visitor: Visitor,
    school_id: &str,
    entry_id: Option<&str>,
    form: EntryForm,
    done: Result<String>,
) -> Response {
    let error = match done {
        Ok(next) => return Redirect::to(&next).into_response(),
        Err(error) => error,
    };
    let st = ScheduleTexts::of(visitor.lang);
    let (status, errors) = match form_refusal(&visitor, error, "lesson_number", st.clash) {
        Ok(refusal) => refusal,
        Err(page) => return page.into_response(),
    };
    let page = async {
        let school_id = path_id("school", school_id)?;
        let mut page = entry_page(&visitor, &school_id, entry_id, form).await?;
        page.summary = refusal_lines(&errors, |field| st.field(field).to_owned());
        page.errors = errors;
        Ok::<_, Error>(page)
    };
    match page.await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
