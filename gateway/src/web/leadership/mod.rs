//! The school leadership's pages: deciding teachers' requests to reopen a
//! journal, closing and reopening reporting periods, and every journal of
//! the school to read. Each reads and acts through the JSON routes' own
//! functions; the services decide who may.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use otmetka_platform::Error;

mod journals;
mod periods;
mod reopen;
pub(super) mod texts;

use texts::LeadTexts;

use super::page::{FieldErrors, PageError, Shell, Visitor};
use crate::AppState;
use crate::caller::path_id;
use crate::people::load_me;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/{school_id}/leadership", get(index))
        .route("/school/{school_id}/reopen-requests", get(reopen::list))
        .route(
            "/school/{school_id}/reopen-requests/{request_id}",
            post(reopen::decide),
        )
        .route("/school/{school_id}/periods", get(periods::list))
        .route(
            "/school/{school_id}/periods/{period_id}/close",
            get(periods::close_form).post(periods::close),
        )
        .route(
            "/school/{school_id}/periods/{period_id}/reopen",
            get(periods::reopen_form).post(periods::reopen),
        )
        .route("/school/{school_id}/journals", get(journals::list))
}

struct Link {
    url: String,
    title: &'static str,
    about: &'static str,
}

#[derive(Template)]
#[template(path = "leadership/index.html")]
struct IndexPage {
    shell: Shell,
    lt: &'static LeadTexts,
    links: Vec<Link>,
}

/// `GET /school/{school_id}/leadership`: the leadership's pages.
async fn index(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            // Reading the school's years asks schedule whether the visitor
            // may read the school at all: a stranger gets "not found".
            let (me, _) = tokio::try_join!(
                load_me(&visitor.caller),
                crate::periods::load_years(&visitor.caller, &school_id)
            )?;
            let lt = LeadTexts::of(visitor.lang);
            let link = |path: &str, title, about| Link {
                url: school_url(&school_id, path),
                title,
                about,
            };
            Ok(IndexPage {
                shell: visitor.shell(me.name.short()),
                lt,
                links: vec![
                    link(
                        "reopen-requests",
                        lt.reopen_requests,
                        lt.reopen_requests_about,
                    ),
                    link("periods", lt.periods, lt.periods_about),
                    link("journals", lt.journals, lt.journals_about),
                ],
            })
        })
        .await
}

/// A refusal a form shows beside its fields, with its status: field
/// violations by field, a conflict on `field`. Anything else (a refusal of
/// the object itself, an outage) becomes an error page.
fn form_refusal(
    visitor: &Visitor,
    error: Error,
    field: &str,
    conflict: &str,
) -> Result<(StatusCode, FieldErrors), PageError> {
    let status = match &error {
        Error::InvalidArgument(_) => StatusCode::BAD_REQUEST,
        Error::FailedPrecondition(_) | Error::AlreadyExists(_) => StatusCode::CONFLICT,
        _ => return Err(PageError::new(error, visitor.lang, &visitor.here)),
    };
    Ok((
        status,
        FieldErrors::of(&error, visitor.lang, field, conflict),
    ))
}

/// A form field's name as the page calls it.
fn field_label<'a>(lt: &'static LeadTexts, field: &'a str) -> &'a str {
    match field {
        "reason" => lt.field_reason,
        "comment" => lt.field_comment,
        "decision" => lt.field_decision,
        other => other,
    }
}

/// A page of the school's leadership area.
fn school_url(school_id: &str, page: &str) -> String {
    format!("/school/{school_id}/{page}")
}
