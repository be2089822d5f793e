//! A roster loaded from OneRoster files in the administration: the files
//! chosen in a plain form (checked first, without writing, unless the
//! administrator says otherwise), then what was created, updated and left,
//! and every refused row by file, line and column.

use askama::Template;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use otmetka_platform::Result;

use super::roster_texts::RosterTexts;
use super::texts::PeopleTexts;
use super::{PageError, Shell, Visitor, render};
use crate::audit_events::{AuditEventsQuery, load_audit_page};
use crate::multipart::read_form;
use crate::people::{load_me, school_names};
use crate::roster_import::{ROSTER_FILES, RosterImportView, load_roster};
use crate::schools::load_school;
use crate::web::page::shown;

#[derive(Template)]
#[template(path = "admin/roster.html")]
struct RosterPage {
    shell: Shell,
    pt: &'static PeopleTexts,
    rt: &'static RosterTexts,
    school_name: String,
    admin_url: String,
    action: String,
    /// When the roster was last loaded; empty if never.
    last_loaded: String,
    /// Checking only: the box stays as it was sent.
    validate_only: bool,
    report: Option<RosterImportView>,
    error: String,
}

/// `GET /school/{school_id}/admin/roster`.
pub async fn form(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(roster_page(&visitor, &school_id, true, None, String::new()))
        .await
}

/// `POST /school/{school_id}/admin/roster` (multipart/form-data): the
/// files checked or loaded; the page again with the report.
pub async fn load(
    visitor: Visitor,
    Path(school_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut validate_only = false;
    let loaded = async {
        let form = read_form(&headers, body, &ROSTER_FILES).await?;
        validate_only = form.has("validate_only");
        load_roster(&visitor.caller, &school_id, form.files, validate_only).await
    }
    .await;
    let (status, report, error) = match loaded {
        Ok(report) => (StatusCode::OK, Some(report), String::new()),
        Err(error) => match shown(&error, visitor.lang) {
            Some((status, text)) => (status, None, text),
            None => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
        },
    };
    match roster_page(&visitor, &school_id, validate_only, report, error).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

async fn roster_page(
    visitor: &Visitor,
    school_id: &str,
    validate_only: bool,
    report: Option<RosterImportView>,
    error: String,
) -> Result<RosterPage> {
    let caller = &visitor.caller;
    // The trail first: only the school's administrators read it, and its
    // newest roster event says when the roster was last loaded.
    let last = load_audit_page(
        caller,
        school_id,
        AuditEventsQuery {
            kind: Some("roster.imported".to_owned()),
            page_size: Some("1".to_owned()),
            ..AuditEventsQuery::default()
        },
    )
    .await?;
    let (me, school, names) = tokio::try_join!(
        load_me(caller),
        load_school(caller, school_id),
        school_names(caller, school_id),
    )?;
    let lang = visitor.lang;
    Ok(RosterPage {
        shell: visitor.shell(me.name.short()),
        pt: PeopleTexts::of(lang),
        rt: RosterTexts::of(lang),
        admin_url: format!("/school/{}/admin", school.id),
        action: format!("/school/{}/admin/roster", school.id),
        school_name: school.name,
        last_loaded: last
            .audit_events
            .first()
            .and_then(|event| event.created_at)
            .map(|at| lang.date_time(at, names.timezone))
            .unwrap_or_default(),
        validate_only,
        report,
        error,
    })
}
