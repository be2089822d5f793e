//! Reporting periods of an academic year: their state, and closing or
//! reopening one after a confirmation form.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::texts::LeadTexts;
use super::{field_label, form_refusal, school_url};
use crate::caller::path_id;
use crate::diary::{PeriodView, periods};
use crate::extract::{ApiQuery, PageForm};
use crate::people::load_me;
use crate::periods::{self as api, ReopenPeriodBody, load_years};
use crate::views::PeriodState;
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

#[derive(Deserialize)]
pub struct YearQuery {
    year_id: Option<String>,
}

struct YearChoice {
    id: String,
    name: String,
    selected: bool,
}

struct PeriodRow {
    name: String,
    dates: String,
    grades: String,
    closed: bool,
    state: &'static str,
    /// The confirmation page of what can be done next.
    action_url: String,
    action: &'static str,
}

#[derive(Template)]
#[template(path = "leadership/periods.html")]
struct PeriodsPage {
    shell: Shell,
    lt: &'static LeadTexts,
    index_url: String,
    action_url: String,
    years: Vec<YearChoice>,
    periods: Vec<PeriodRow>,
}

/// `GET /school/{school_id}/periods?year_id=`: the newest year unless asked.
pub async fn list(
    visitor: Visitor,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let (me, years) = tokio::try_join!(
                load_me(&visitor.caller),
                load_years(&visitor.caller, &school_id)
            )?;
            let year_id = match query.year_id {
                Some(id) => path_id("academic year", &id)?,
                None => years
                    .academic_years
                    .first()
                    .map(|year| year.id.clone())
                    .unwrap_or_default(),
            };
            let lt = LeadTexts::of(visitor.lang);
            let listed = if year_id.is_empty() {
                Vec::new()
            } else {
                periods(&visitor.caller, school_id.clone(), year_id.clone(), 0)
                    .await?
                    .periods
            };
            let periods = listed
                .into_iter()
                .map(|period| {
                    let closed = period.state == Some(PeriodState::Closed);
                    let (path, action) = if closed {
                        ("reopen", lt.reopen)
                    } else {
                        ("close", lt.close)
                    };
                    PeriodRow {
                        action_url: format!("/school/{school_id}/periods/{}/{path}", period.id),
                        action,
                        dates: dates(&visitor, &period),
                        grades: grades(&period),
                        closed,
                        state: if closed { lt.closed } else { lt.open },
                        name: period.name,
                    }
                })
                .collect();
            Ok(PeriodsPage {
                shell: visitor.shell(me.name.short()),
                lt,
                index_url: school_url(&school_id, "leadership"),
                action_url: school_url(&school_id, "periods"),
                years: years
                    .academic_years
                    .into_iter()
                    .map(|year| YearChoice {
                        selected: year.id == year_id,
                        id: year.id,
                        name: year.name,
                    })
                    .collect(),
                periods,
            })
        })
        .await
}

/// "1 сентября – 24 октября 2026"
fn dates(visitor: &Visitor, period: &PeriodView) -> String {
    let parse = |date: &str| chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
    match (parse(&period.start_date), parse(&period.end_date)) {
        (Some(first), Some(last)) => visitor.lang.date_range(first, last),
        _ => format!("{} – {}", period.start_date, period.end_date),
    }
}

fn grades(period: &PeriodView) -> String {
    period
        .grade_levels
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Closing and reopening ask first; reopening asks why.
#[derive(Template)]
#[template(path = "leadership/period_confirm.html")]
struct ConfirmPage {
    shell: Shell,
    lt: &'static LeadTexts,
    back_url: String,
    reopening: bool,
    title: &'static str,
    name: String,
    dates: String,
    grades: String,
    reason: String,
    errors: FieldErrors,
    /// "причина: обязательное поле", each error once with its field.
    summary: Vec<String>,
}

async fn confirm_page(
    visitor: &Visitor,
    school_id: &str,
    period_id: &str,
    reopening: bool,
) -> Result<ConfirmPage> {
    let school_id = path_id("school", school_id)?;
    let period_id = path_id("reporting period", period_id)?;
    let (me, listed) = tokio::try_join!(
        load_me(&visitor.caller),
        periods(&visitor.caller, school_id.clone(), String::new(), 0)
    )?;
    let period = listed
        .periods
        .into_iter()
        .find(|period| period.id == period_id)
        .ok_or_else(|| Error::not_found("reporting period"))?;
    let lt = LeadTexts::of(visitor.lang);
    Ok(ConfirmPage {
        shell: visitor.shell(me.name.short()),
        lt,
        back_url: format!(
            "/school/{school_id}/periods?year_id={}",
            period.academic_year_id
        ),
        reopening,
        title: if reopening { lt.reopen } else { lt.close },
        dates: dates(visitor, &period),
        grades: grades(&period),
        name: period.name,
        reason: String::new(),
        errors: FieldErrors::default(),
        summary: Vec::new(),
    })
}

/// `GET /school/{school_id}/periods/{period_id}/close`: the confirmation.
pub async fn close_form(
    visitor: Visitor,
    Path((school_id, period_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(confirm_page(&visitor, &school_id, &period_id, false))
        .await
}

/// `GET /school/{school_id}/periods/{period_id}/reopen`: the form with the reason.
pub async fn reopen_form(
    visitor: Visitor,
    Path((school_id, period_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(confirm_page(&visitor, &school_id, &period_id, true))
        .await
}

/// `POST /school/{school_id}/periods/{period_id}/close`.
pub async fn close(
    visitor: Visitor,
    Path((school_id, period_id)): Path<(String, String)>,
) -> Response {
    let done = api::close(&visitor.caller, &school_id, &period_id).await;
    answer(visitor, &school_id, &period_id, false, String::new(), done).await
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    reason: String,
}

/// `POST /school/{school_id}/periods/{period_id}/reopen`.
pub async fn reopen(
    visitor: Visitor,
    Path((school_id, period_id)): Path<(String, String)>,
    PageForm(form): PageForm<ReopenForm>,
) -> Response {
    let reason = form
        .as_ref()
        .map(|form| form.reason.clone())
        .unwrap_or_default();
    let done = match form {
        Ok(form) => {
            let body = ReopenPeriodBody {
                reason: form.reason,
            };
            api::reopen(&visitor.caller, &school_id, &period_id, body).await
        }
        Err(error) => Err(error),
    };
    answer(visitor, &school_id, &period_id, true, reason, done).await
}

/// Back to the year's periods, or the confirmation again with the error.
async fn answer(
    visitor: Visitor,
    school_id: &str,
    period_id: &str,
    reopening: bool,
    reason: String,
    done: Result<PeriodView>,
) -> Response {
    let error = match done {
        Ok(period) => {
            let next = format!(
                "/school/{}/periods?year_id={}",
                period.school_id, period.academic_year_id
            );
            return Redirect::to(&next).into_response();
        }
        Err(error) => error,
    };
    let lt = LeadTexts::of(visitor.lang);
    let (status, errors) = match form_refusal(&visitor, error, "reason", lt.failed) {
        Ok(refusal) => refusal,
        Err(page) => return page.into_response(),
    };
    match confirm_page(&visitor, school_id, period_id, reopening).await {
        Ok(mut page) => {
            page.reason = reason;
            page.summary = errors
                .all()
                .iter()
                .map(|(field, why)| format!("{}: {why}", field_label(lt, field)))
                .collect();
            page.errors = errors;
            render(status, &page)
        }
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
