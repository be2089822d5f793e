//! A class's weekly timetable as a table: lesson numbers down, weekdays
//! across, each lesson linking to its form and each free slot to a new one.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use otmetka_platform::Result;
use serde::Deserialize;

use super::schedule_texts::ScheduleTexts;
use super::texts::LeadTexts;
use super::{Choice, school_url};
use crate::caller::path_id;
use crate::extract::ApiQuery;
use crate::people::{load_me, school_names};
use crate::periods::load_years;
use crate::roster::load_classes;
use crate::timetable::bells::load_bells;
use crate::timetable::entries::{EntriesQuery, TimetableEntryView, load_entries};
use crate::views::{WeekPeriodicity, Weekday};
use crate::web::i18n::Lang;
use crate::web::page::{Shell, Visitor};

#[derive(Deserialize)]
pub struct GridQuery {
    class_id: Option<String>,
    year_id: Option<String>,
}

/// One lesson in a slot; a slot holds several when groups or alternate
/// weeks share it.
struct Item {
    subject: String,
    /// "Петрова Е. В."
    teacher: String,
    room: String,
    /// "По нечётным неделям, с 01.09.2026"; empty for every week all year.
    note: String,
    edit_url: String,
}

struct Cell {
    items: Vec<Item>,
    add_url: String,
    /// "Понедельник, урок 2": what a free slot's link adds.
    slot: String,
}

struct Row {
    number: i32,
    /// "08:30–09:15" by the default bells; empty when they lack the lesson.
    time: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "leadership/timetable.html")]
struct GridPage {
    shell: Shell,
    lt: &'static LeadTexts,
    st: &'static ScheduleTexts,
    index_url: String,
    action_url: String,
    years: Vec<Choice>,
    classes: Vec<Choice>,
    class_name: String,
    weekdays: Vec<String>,
    rows: Vec<Row>,
    add_url: String,
}

/// The days a school week shows: Monday to Saturday, Sunday only when
/// something happens on it.
fn shown_days(entries: &[TimetableEntryView]) -> Vec<Weekday> {
    let mut days = vec![
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ];
    if entries.iter().any(|e| e.weekday == Some(Weekday::Sunday)) {
        days.push(Weekday::Sunday);
    }
    days
}

/// `Weekday::Monday` → "monday", as forms and queries spell it.
pub fn weekday_key(day: Weekday) -> String {
    serde_json::to_value(day)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// "Петрова Е. В." for "Петрова Елена Викторовна".
fn initials(full_name: &str) -> String {
    let mut parts = full_name.split_whitespace();
    let family = parts.next().unwrap_or_default();
    parts.fold(family.to_owned(), |name, part| {
        let first: String = part.chars().take(1).collect();
        format!("{name} {first}.")
    })
}

/// `GET /school/{school_id}/timetable?class_id&year_id`: the first class of
/// the newest year unless asked.
pub async fn grid(
    visitor: Visitor,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<GridQuery>,
) -> Response {
    visitor.page(grid_page(&visitor, &school_id, query)).await
}

async fn grid_page(visitor: &Visitor, school_id: &str, query: GridQuery) -> Result<GridPage> {
    let school_id = path_id("school", school_id)?;
    let caller = &visitor.caller;
    // Boxed: the calls' states would make the page's future large.
    let (me, years, classes, names, bells) = tokio::try_join!(
        Box::pin(load_me(caller)),
        Box::pin(load_years(caller, &school_id)),
        Box::pin(load_classes(caller, &school_id)),
        Box::pin(school_names(caller, &school_id)),
        Box::pin(load_bells(caller, &school_id)),
    )?;
    let lt = LeadTexts::of(visitor.lang);
    let st = ScheduleTexts::of(visitor.lang);
    let year = match query.year_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => {
            let id = path_id("academic year", id)?;
            years.academic_years.iter().find(|year| year.id == id)
        }
        None => years.academic_years.first(),
    };
    let year_id = year.map(|year| year.id.clone()).unwrap_or_default();
    // A class belongs to the year that begins in its calendar year.
    let starts = year.and_then(|year| year.start_date.get(..4)?.parse::<i32>().ok());
    let classes: Vec<_> = classes
        .into_iter()
        .filter(|class| starts.is_none_or(|starts| class.academic_year == starts))
        .collect();
    let class_id = match query.class_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => Some(path_id("class", id)?),
        None => classes.first().map(|class| class.id.clone()),
    };
    let class = class_id
        .as_ref()
        .and_then(|id| classes.iter().find(|class| &class.id == id));
    let entries = match (class, year) {
        (Some(class), Some(_)) => {
            let query = EntriesQuery {
                academic_year_id: Some(year_id.clone()),
                class_id: Some(class.id.clone()),
                teacher_id: None,
            };
            load_entries(caller, &school_id, query).await?
        }
        _ => Vec::new(),
    };
    let default_bells = bells.iter().find(|bells| bells.is_default);
    let mut numbers: Vec<i32> = default_bells
        .map(|bells| bells.slots.iter().map(|slot| slot.lesson_number).collect())
        .unwrap_or_else(|| (1..=6).collect());
    numbers.extend(entries.iter().map(|entry| entry.lesson_number));
    numbers.sort_unstable();
    numbers.dedup();
    let days = shown_days(&entries);
    let class_query = class
        .map(|class| format!("class_id={}&year_id={year_id}", class.id))
        .unwrap_or_default();
    let week_names = visitor.lang.weekdays();
    let rows = numbers
        .into_iter()
        .map(|number| Row {
            number,
            time: default_bells
                .and_then(|bells| bells.slots.iter().find(|s| s.lesson_number == number))
                .map(|slot| format!("{}–{}", slot.start_time, slot.end_time))
                .unwrap_or_default(),
            cells: days
                .iter()
                .map(|day| Cell {
                    slot: format!(
                        "{}, {} {number}",
                        capitalised(week_names[*day as usize]),
                        st.lesson.to_lowercase()
                    ),
                    add_url: format!(
                        "/school/{school_id}/timetable/new?{class_query}&weekday={}&lesson_number={number}",
                        weekday_key(*day)
                    ),
                    items: entries
                        .iter()
                        .filter(|e| e.weekday == Some(*day) && e.lesson_number == number)
                        .map(|entry| Item {
                            subject: names.subject(&entry.subject_id).to_owned(),
                            teacher: initials(names.staff(&entry.teacher_id)),
                            room: entry.room.clone(),
                            note: note(st, visitor.lang, entry),
                            edit_url: school_url(&school_id, &format!("timetable/{}", entry.id)),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(GridPage {
        shell: visitor.shell(me.name.short()),
        lt,
        st,
        index_url: school_url(&school_id, "leadership"),
        action_url: school_url(&school_id, "timetable"),
        years: years
            .academic_years
            .iter()
            .map(|year| Choice::new(&year.id, &year.name, &year_id))
            .collect(),
        class_name: class.map(|class| class.name.clone()).unwrap_or_default(),
        classes: classes
            .iter()
            .map(|c| Choice::new(&c.id, &c.name, class_id.as_deref().unwrap_or_default()))
            .collect(),
        weekdays: days
            .iter()
            .map(|day| capitalised(week_names[*day as usize]))
            .collect(),
        rows,
        add_url: if class.is_some() && year.is_some() {
            format!("/school/{school_id}/timetable/new?{class_query}")
        } else {
            String::new()
        },
    })
}

/// "Понедельник" for "понедельник".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Which weeks and dates an entry keeps to, when not all of them.
fn note(st: &ScheduleTexts, lang: Lang, entry: &TimetableEntryView) -> String {
    let mut parts = Vec::new();
    match entry.periodicity {
        Some(WeekPeriodicity::OddWeeks) => parts.push(st.odd_weeks.to_owned()),
        Some(WeekPeriodicity::EvenWeeks) => parts.push(st.even_weeks.to_owned()),
        _ => {}
    }
    if !entry.start_date.is_empty() {
        parts.push(format!(
            "{} {}",
            st.from,
            lang.numeric_date(&entry.start_date)
        ));
    }
    if !entry.end_date.is_empty() {
        parts.push(format!("{} {}", st.to, lang.numeric_date(&entry.end_date)));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_shorten_to_initials() {
        assert_eq!(initials("Петрова Елена Викторовна"), "Петрова Е. В.");
        assert_eq!(initials("Петрова"), "Петрова");
        assert_eq!(capitalised("среда"), "Среда");
        assert_eq!(weekday_key(Weekday::Saturday), "saturday");
    }
}
