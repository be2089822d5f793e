//! Building the dated lessons of a date range, for the school or a class,
//! and what the run changed, shown under the form it came from.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::schedule_texts::ScheduleTexts;
use super::texts::LeadTexts;
use super::{Choice, form_refusal, given, refusal_lines, school_url};
use crate::caller::path_id;
use crate::extract::PageForm;
use crate::people::load_me;
use crate::periods::load_years;
use crate::roster::load_classes;
use crate::timetable::generation::{GenerationBody, GenerationView, generate};
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

/// The form's fields as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GenerationForm {
    academic_year_id: String,
    from: String,
    to: String,
    class_id: String,
    /// Present when ticked.
    dry_run: String,
}

#[derive(Template)]
#[template(path = "leadership/generation.html")]
struct GenerationPage {
    shell: Shell,
    lt: &'static LeadTexts,
    st: &'static ScheduleTexts,
    index_url: String,
    form: GenerationForm,
    years: Vec<Choice>,
    classes: Vec<Choice>,
    result: Option<GenerationView>,
    errors: FieldErrors,
    summary: Vec<String>,
}

async fn generation_page(
    visitor: &Visitor,
    school_id: &str,
    mut form: GenerationForm,
) -> Result<GenerationPage> {
    let caller = &visitor.caller;
    let (me, years, classes) = tokio::try_join!(
        load_me(caller),
        load_years(caller, school_id),
        load_classes(caller, school_id),
    )?;
    let st = ScheduleTexts::of(visitor.lang);
    if form.academic_year_id.is_empty() {
        form.academic_year_id = years
            .academic_years
            .first()
            .map(|year| year.id.clone())
            .ok_or_else(|| Error::not_found("academic year"))?;
    }
    Ok(GenerationPage {
        shell: Shell::new(visitor.lang, &school_url(school_id, "generation"))
            .signed_in(me.name.short()),
        lt: LeadTexts::of(visitor.lang),
        st,
        index_url: school_url(school_id, "leadership"),
        years: years
            .academic_years
            .iter()
            .map(|year| Choice::new(&year.id, &year.name, &form.academic_year_id))
            .collect(),
        classes: std::iter::once(Choice::new("", st.all_classes, &form.class_id))
            .chain(
                classes
                    .iter()
                    .map(|class| Choice::new(&class.id, &class.name, &form.class_id)),
            )
            .collect(),
        form,
        result: None,
        errors: FieldErrors::default(),
        summary: Vec::new(),
    })
}

/// `GET /school/{school_id}/generation`.
pub async fn form(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            generation_page(&visitor, &school_id, GenerationForm::default()).await
        })
        .await
}

/// `POST /school/{school_id}/generation`: the form again with what the run
/// changed; nothing to come back to, so no redirect.
pub async fn run(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(form): PageForm<GenerationForm>,
) -> Response {
    let form = form.unwrap_or_default();
    let body = GenerationBody {
        academic_year_id: form.academic_year_id.clone(),
        from: given(&form.from),
        to: given(&form.to),
        class_id: given(&form.class_id),
        dry_run: !form.dry_run.is_empty(),
    };
    let st = ScheduleTexts::of(visitor.lang);
    let (status, result, errors) = match generate(&visitor.caller, &school_id, body).await {
        Ok(result) => (StatusCode::OK, Some(result), FieldErrors::default()),
        Err(error) => match form_refusal(&visitor, error, "from", st.failed) {
            Ok((status, errors)) => (status, None, errors),
            Err(page) => return page.into_response(),
        },
    };
    let page = async {
        let school_id = path_id("school", &school_id)?;
        let mut page = generation_page(&visitor, &school_id, form).await?;
        page.result = result;
        page.summary = refusal_lines(&errors, |field| st.field(field).to_owned());
        page.errors = errors;
        Ok::<_, Error>(page)
    };
    match page.await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
