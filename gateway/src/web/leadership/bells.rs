//! Bell schedules: the school's schedules with their times, and a form to
//! add, change or delete one, a row of start and end times per lesson.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};

use super::schedule_texts::ScheduleTexts;
use super::texts::LeadTexts;
use super::{form_refusal, school_url};
use crate::caller::path_id;
use crate::extract::PageForm;
use crate::people::load_me;
use crate::timetable::bells::{
    self as api, BellScheduleBody, BellScheduleView, BellSlot, MAX_LESSON_NUMBER,
};
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

/// Lessons a form offers at least: 0 to 10 covers any usual day.
const USUAL_LESSONS: i32 = 10;

struct BellsRow {
    name: String,
    is_default: bool,
    /// "1. 08:30–09:15"
    slots: Vec<String>,
    edit_url: String,
}

#[derive(Template)]
#[template(path = "leadership/bells.html")]
struct BellsPage {
    shell: Shell,
    lt: &'static LeadTexts,
    st: &'static ScheduleTexts,
    index_url: String,
    new_url: String,
    schedules: Vec<BellsRow>,
}

/// `GET /school/{school_id}/bells`.
pub async fn list(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let (me, schedules) = tokio::try_join!(
                load_me(&visitor.caller),
                api::load_bells(&visitor.caller, &school_id)
            )?;
            Ok(BellsPage {
                shell: visitor.shell(me.name.short()),
                lt: LeadTexts::of(visitor.lang),
                st: ScheduleTexts::of(visitor.lang),
                index_url: school_url(&school_id, "leadership"),
                new_url: school_url(&school_id, "bells/new"),
                schedules: schedules
                    .into_iter()
                    .map(|bells| BellsRow {
                        edit_url: school_url(&school_id, &format!("bells/{}", bells.id)),
                        slots: bells
                            .slots
                            .iter()
                            .map(|slot| {
                                format!(
                                    "{}. {}–{}",
                                    slot.lesson_number, slot.start_time, slot.end_time
                                )
                            })
                            .collect(),
                        is_default: bells.is_default,
                        name: bells.name,
                    })
                    .collect(),
            })
        })
        .await
}

/// One lesson's row of the form, with what was wrong with it.
struct SlotRow {
    number: i32,
    start: String,
    end: String,
    start_error: String,
    end_error: String,
}

#[derive(Template)]
#[template(path = "leadership/bell_form.html")]
struct BellFormPage {
    shell: Shell,
    st: &'static ScheduleTexts,
    back_url: String,
    title: &'static str,
    /// Empty for a new schedule.
    delete_url: String,
    name: String,
    is_default: bool,
    rows: Vec<SlotRow>,
    errors: FieldErrors,
    summary: Vec<String>,
}

/// The form, filled with `bells` (none for a new schedule).
async fn form_page(
    visitor: &Visitor,
    school_id: &str,
    bells: Option<&BellScheduleView>,
) -> Result<BellFormPage> {
    let me = load_me(&visitor.caller).await?;
    let st = ScheduleTexts::of(visitor.lang);
    let slots = bells.map(|bells| bells.slots.clone()).unwrap_or_default();
    let last = slots
        .iter()
        .map(|slot| slot.lesson_number)
        .max()
        .unwrap_or(0)
        .max(USUAL_LESSONS);
    let rows = (0..=last)
        .map(|number| {
            let slot = slots.iter().find(|slot| slot.lesson_number == number);
            SlotRow {
                number,
                start: slot.map(|s| s.start_time.clone()).unwrap_or_default(),
                end: slot.map(|s| s.end_time.clone()).unwrap_or_default(),
                start_error: String::new(),
                end_error: String::new(),
            }
        })
        .collect();
    let here = match bells {
        Some(bells) => format!("bells/{}", bells.id),
        None => "bells/new".to_owned(),
    };
    Ok(BellFormPage {
        // A refused deletion answers at its own address; the language
        // switch must come back to the form.
        shell: Shell::new(visitor.lang, &school_url(school_id, &here)).signed_in(me.name.short()),
        st,
        back_url: school_url(school_id, "bells"),
        title: if bells.is_some() {
            st.edit_bells
        } else {
            st.add_bells
        },
        delete_url: bells
            .map(|bells| school_url(school_id, &format!("bells/{}/delete", bells.id)))
            .unwrap_or_default(),
        name: bells.map(|bells| bells.name.clone()).unwrap_or_default(),
        is_default: bells.is_some_and(|bells| bells.is_default),
        rows,
        errors: FieldErrors::default(),
        summary: Vec::new(),
    })
}

async fn find(visitor: &Visitor, school_id: &str, bells_id: &str) -> Result<BellScheduleView> {
    let bells_id = path_id("bell schedule", bells_id)?;
    api::load_bells(&visitor.caller, school_id)
        .await?
        .into_iter()
        .find(|bells| bells.id == bells_id)
        .ok_or_else(|| Error::not_found("bell schedule"))
}

/// `GET /school/{school_id}/bells/new`.
pub async fn new_form(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            // Reading the schedules asks whether the visitor may read the school.
            api::load_bells(&visitor.caller, &school_id).await?;
            form_page(&visitor, &school_id, None).await
        })
        .await
}

/// `GET /school/{school_id}/bells/{bells_id}`.
pub async fn edit_form(
    visitor: Visitor,
    Path((school_id, bells_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let bells = find(&visitor, &school_id, &bells_id).await?;
            form_page(&visitor, &school_id, Some(&bells)).await
        })
        .await
}

/// The form as posted: `name`, `is_default`, and `start_N`, `end_N` per lesson.
type Fields = Vec<(String, String)>;

/// The body a posted form asks for, its lessons in order.
fn body_of(fields: &Fields) -> BellScheduleBody {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    };
    let slots = (0..=MAX_LESSON_NUMBER)
        .map(|number| BellSlot {
            lesson_number: number,
            start_time: value(&format!("start_{number}")),
            end_time: value(&format!("end_{number}")),
        })
        .filter(|slot| !slot.start_time.is_empty() || !slot.end_time.is_empty())
        .collect();
    BellScheduleBody {
        name: value("name"),
        slots,
        is_default: !value("is_default").is_empty(),
        request_id: None,
    }
}

/// `POST /school/{school_id}/bells/new`.
pub async fn create(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(fields): PageForm<Fields>,
) -> Response {
    let fields = fields.unwrap_or_default();
    let done = api::add_bells(&visitor.caller, &school_id, body_of(&fields)).await;
    answer(visitor, &school_id, None, &fields, done.map(drop)).await
}

/// `POST /school/{school_id}/bells/{bells_id}`.
pub async fn update(
    visitor: Visitor,
    Path((school_id, bells_id)): Path<(String, String)>,
    PageForm(fields): PageForm<Fields>,
) -> Response {
    let fields = fields.unwrap_or_default();
    let done = api::change_bells(&visitor.caller, &school_id, &bells_id, body_of(&fields)).await;
    answer(
        visitor,
        &school_id,
        Some(&bells_id),
        &fields,
        done.map(drop),
    )
    .await
}

/// `POST /school/{school_id}/bells/{bells_id}/delete`.
pub async fn delete(
    visitor: Visitor,
    Path((school_id, bells_id)): Path<(String, String)>,
) -> Response {
    let done = api::remove_bells(&visitor.caller, &school_id, &bells_id).await;
    answer(visitor, &school_id, Some(&bells_id), &Fields::new(), done).await
}

/// Back to the list, or the form again with the refusal beside its fields
/// and what was typed kept.
async fn answer(
    visitor: Visitor,
    school_id: &str,
    bells_id: Option<&str>,
    fields: &Fields,
    done: Result<()>,
) -> Response {
    let Err(error) = done else {
        return Redirect::to(&school_url(school_id, "bells")).into_response();
    };
    let st = ScheduleTexts::of(visitor.lang);
    // Only a deletion has a conflict of its own: a timetable entry uses
    // the schedule.
    let (field, conflict) = if fields.is_empty() {
        ("delete", st.in_use)
    } else {
        ("name", st.failed)
    };
    let (status, errors) = match form_refusal(&visitor, error, field, conflict) {
        Ok(refusal) => refusal,
        Err(page) => return page.into_response(),
    };
    match refused_form(&visitor, school_id, bells_id, fields, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn refused_form(
    visitor: &Visitor,
    school_id: &str,
    bells_id: Option<&str>,
    fields: &Fields,
    errors: FieldErrors,
) -> Result<BellFormPage> {
    let school_id = path_id("school", school_id)?;
    let mut page = match bells_id {
        Some(id) => {
            let bells = find(visitor, &school_id, id).await?;
            form_page(visitor, &school_id, Some(&bells)).await?
        }
        None => form_page(visitor, &school_id, None).await?,
    };
    // A deletion refused shows the schedule as it is; a change, as typed.
    if !fields.is_empty() {
        let body = body_of(fields);
        page.name = body.name;
        page.is_default = body.is_default;
        for row in &mut page.rows {
            let slot = body.slots.iter().find(|s| s.lesson_number == row.number);
            row.start = slot.map(|s| s.start_time.clone()).unwrap_or_default();
            row.end = slot.map(|s| s.end_time.clone()).unwrap_or_default();
        }
        // The service names a slot by its place among those sent.
        for (i, slot) in body.slots.iter().enumerate() {
            if let Some(row) = page
                .rows
                .iter_mut()
                .find(|r| r.number == slot.lesson_number)
            {
                row.start_error = errors.get(&format!("slots[{i}].start_time")).to_owned();
                row.end_error = errors.get(&format!("slots[{i}].end_time")).to_owned();
            }
        }
    }
    let st = page.st;
    page.summary = super::refusal_lines(&errors, |field| slot_label(st, fields, field));
    page.errors = errors;
    Ok(page)
}

/// "Урок 2, начало" for `slots[1].start_time`; other fields by their names.
fn slot_label(st: &'static ScheduleTexts, fields: &Fields, field: &str) -> String {
    let Some((index, part)) = field
        .strip_prefix("slots[")
        .and_then(|rest| rest.split_once("]."))
    else {
        return st.field(field).to_owned();
    };
    let number = index
        .parse::<usize>()
        .ok()
        .and_then(|i| body_of(fields).slots.get(i).map(|slot| slot.lesson_number));
    let part = if part == "end_time" {
        st.ends
    } else {
        st.starts
    };
    match number {
        Some(number) => format!("{} {number}, {}", st.lesson, part.to_lowercase()),
        None => st.field_slots.to_owned(),
    }
}
