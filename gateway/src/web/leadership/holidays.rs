//! Holidays, vacations and other days without lessons of the newest year,
//! and the form to add, change or delete one.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::schedule_texts::ScheduleTexts;
use super::texts::LeadTexts;
use super::{Choice, form_refusal, refusal_lines, school_url};
use crate::caller::path_id;
use crate::extract::PageForm;
use crate::people::load_me;
use crate::periods::load_years;
use crate::timetable::holidays::{self as api, HolidayBody, HolidayView, HolidaysQuery};
use crate::views::HolidayKind;
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

struct HolidayRow {
    name: String,
    kind: &'static str,
    /// "28.12.2026 – 08.01.2027"
    dates: String,
    grades: String,
    edit_url: String,
}

#[derive(Template)]
#[template(path = "leadership/holidays.html")]
struct HolidaysPage {
    shell: Shell,
    lt: &'static LeadTexts,
    st: &'static ScheduleTexts,
    index_url: String,
    new_url: String,
    year: String,
    holidays: Vec<HolidayRow>,
}

fn kind_name(st: &'static ScheduleTexts, kind: Option<HolidayKind>) -> &'static str {
    match kind {
        Some(HolidayKind::Vacation) => st.vacation,
        Some(HolidayKind::PublicHoliday) => st.public_holiday,
        Some(HolidayKind::NoLessons) => st.no_lessons,
        None => "",
    }
}

fn kind_key(kind: HolidayKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `GET /school/{school_id}/holidays`: the newest year's.
pub async fn list(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let (me, years) = tokio::try_join!(
                load_me(&visitor.caller),
                load_years(&visitor.caller, &school_id)
            )?;
            let st = ScheduleTexts::of(visitor.lang);
            let year = years.academic_years.first();
            let holidays = match year {
                Some(year) => {
                    let query = HolidaysQuery {
                        academic_year_id: Some(year.id.clone()),
                        from: None,
                        to: None,
                    };
                    api::load_holidays(&visitor.caller, &school_id, query).await?
                }
                None => Vec::new(),
            };
            Ok(HolidaysPage {
                shell: visitor.shell(me.name.short()),
                lt: LeadTexts::of(visitor.lang),
                st,
                index_url: school_url(&school_id, "leadership"),
                new_url: if year.is_some() {
                    school_url(&school_id, "holidays/new")
                } else {
                    String::new()
                },
                year: year.map(|year| year.name.clone()).unwrap_or_default(),
                holidays: holidays
                    .into_iter()
                    .map(|holiday| HolidayRow {
                        kind: kind_name(st, holiday.kind),
                        dates: format!(
                            "{} – {}",
                            visitor.lang.numeric_date(&holiday.start_date),
                            visitor.lang.numeric_date(&holiday.end_date)
                        ),
                        grades: holiday
                            .grade_levels
                            .iter()
                            .map(i32::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                        edit_url: school_url(&school_id, &format!("holidays/{}", holiday.id)),
                        name: holiday.name,
                    })
                    .collect(),
            })
        })
        .await
}

/// The form's fields as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HolidayForm {
    academic_year_id: String,
    kind: String,
    name: String,
    start_date: String,
    end_date: String,
    /// "1, 2"
    grade_levels: String,
}

impl HolidayForm {
    fn of(holiday: &HolidayView) -> Self {
        Self {
            academic_year_id: holiday.academic_year_id.clone(),
            kind: holiday.kind.map(kind_key).unwrap_or_default(),
            name: holiday.name.clone(),
            start_date: holiday.start_date.clone(),
            end_date: holiday.end_date.clone(),
            grade_levels: holiday
                .grade_levels
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    fn body(&self) -> Result<HolidayBody> {
        let kind = serde_json::from_value(self.kind.clone().into())
            .map_err(|_| Error::invalid("kind", "is required"))?;
        let grade_levels = self
            .grade_levels
            .split([',', ' '])
            .filter(|part| !part.is_empty())
            .map(|part| part.parse::<i32>())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| Error::invalid("grade_levels", "must be numbers 1–11"))?;
        Ok(HolidayBody {
            academic_year_id: super::given(&self.academic_year_id),
            kind,
            name: self.name.clone(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            grade_levels,
            request_id: None,
        })
    }
}

#[derive(Template)]
#[template(path = "leadership/holiday_form.html")]
struct HolidayPage {
    shell: Shell,
    st: &'static ScheduleTexts,
    title: &'static str,
    back_url: String,
    delete_url: String,
    form: HolidayForm,
    kinds: Vec<Choice>,
    errors: FieldErrors,
    summary: Vec<String>,
}

async fn holiday_page(
    visitor: &Visitor,
    school_id: &str,
    holiday_id: Option<&str>,
    form: HolidayForm,
) -> Result<HolidayPage> {
    let me = load_me(&visitor.caller).await?;
    let st = ScheduleTexts::of(visitor.lang);
    let here = holiday_id.map_or_else(|| "holidays/new".to_owned(), |id| format!("holidays/{id}"));
    Ok(HolidayPage {
        shell: Shell::new(visitor.lang, &school_url(school_id, &here)).signed_in(me.name.short()),
        st,
        title: if holiday_id.is_some() {
            st.edit_holiday
        } else {
            st.add_holiday
        },
        back_url: school_url(school_id, "holidays"),
        delete_url: holiday_id
            .map(|id| school_url(school_id, &format!("holidays/{id}/delete")))
            .unwrap_or_default(),
        kinds: [
            HolidayKind::Vacation,
            HolidayKind::PublicHoliday,
            HolidayKind::NoLessons,
        ]
        .into_iter()
        .map(|kind| Choice::new(&kind_key(kind), kind_name(st, Some(kind)), &form.kind))
        .collect(),
        form,
        errors: FieldErrors::default(),
        summary: Vec::new(),
    })
}

async fn find(visitor: &Visitor, school_id: &str, holiday_id: &str) -> Result<HolidayView> {
    let holiday_id = path_id("holiday", holiday_id)?;
    let query = HolidaysQuery {
        academic_year_id: None,
        from: None,
        to: None,
    };
    api::load_holidays(&visitor.caller, school_id, query)
        .await?
        .into_iter()
        .find(|holiday| holiday.id == holiday_id)
        .ok_or_else(|| Error::not_found("holiday"))
}

/// `GET /school/{school_id}/holidays/new`: in the newest year.
pub async fn new_form(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let years = load_years(&visitor.caller, &school_id).await?;
            let year = years
                .academic_years
                .first()
                .ok_or_else(|| Error::not_found("academic year"))?;
            let form = HolidayForm {
                academic_year_id: year.id.clone(),
                kind: kind_key(HolidayKind::Vacation),
                ..HolidayForm::default()
            };
            holiday_page(&visitor, &school_id, None, form).await
        })
        .await
}

/// `GET /school/{school_id}/holidays/{holiday_id}`.
pub async fn edit_form(
    visitor: Visitor,
    Path((school_id, holiday_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let holiday = find(&visitor, &school_id, &holiday_id).await?;
            holiday_page(
                &visitor,
                &school_id,
                Some(&holiday.id),
                HolidayForm::of(&holiday),
            )
            .await
        })
        .await
}

/// `POST /school/{school_id}/holidays/new`.
pub async fn create(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(form): PageForm<HolidayForm>,
) -> Response {
    let form = form.unwrap_or_default();
    let done = match form.body() {
        Ok(body) => api::add_holiday(&visitor.caller, &school_id, body)
            .await
            .map(drop),
        Err(error) => Err(error),
    };
    answer(visitor, &school_id, None, form, done).await
}

/// `POST /school/{school_id}/holidays/{holiday_id}`.
pub async fn update(
    visitor: Visitor,
    Path((school_id, holiday_id)): Path<(String, String)>,
    PageForm(form): PageForm<HolidayForm>,
) -> Response {
    let form = form.unwrap_or_default();
    let done = match form.body() {
        Ok(body) => api::change_holiday(&visitor.caller, &school_id, &holiday_id, body)
            .await
            .map(drop),
        Err(error) => Err(error),
    };
    answer(visitor, &school_id, Some(&holiday_id), form, done).await
}

/// `POST /school/{school_id}/holidays/{holiday_id}/delete`.
pub async fn delete(
    visitor: Visitor,
    Path((school_id, holiday_id)): Path<(String, String)>,
) -> Response {
    let holiday = match find(&visitor, &school_id, &holiday_id).await {
        Ok(holiday) => holiday,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let done = api::remove_holiday(&visitor.caller, &school_id, &holiday.id).await;
    answer(
        visitor,
        &school_id,
        Some(&holiday_id),
        HolidayForm::of(&holiday),
        done,
    )
    .await
}

/// Back to the list, or the form again with the refusal beside its fields.
async fn answer(
    visitor: Visitor,
    school_id: &str,
    holiday_id: Option<&str>,
    form: HolidayForm,
    done: Result<()>,
) -> Response {
    let Err(error) = done else {
        return Redirect::to(&school_url(school_id, "holidays")).into_response();
    };
    let st = ScheduleTexts::of(visitor.lang);
    let (status, errors) = match form_refusal(&visitor, error, "name", st.failed) {
        Ok(refusal) => refusal,
        Err(page) => return page.into_response(),
    };
    let page = async {
        let school_id = path_id("school", school_id)?;
        let mut page = holiday_page(&visitor, &school_id, holiday_id, form).await?;
        page.summary = refusal_lines(&errors, |field| st.field(field).to_owned());
        page.errors = errors;
        Ok::<_, Error>(page)
    };
    match page.await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
