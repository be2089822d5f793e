//! Requests to reopen a journal: the pending ones with their decision
//! forms, and the recently decided ones.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::texts::LeadTexts;
use super::{field_label, form_refusal, school_url};
use crate::caller::path_id;
use crate::extract::PageForm;
use crate::journal::{self, DecisionBody, ReopenListQuery, ReopenView};
use crate::views::ReopenState;
use crate::web::page::{PageError, Shell, Visitor, render};

/// How many decided requests the page keeps in view.
const RECENT: usize = 20;

#[derive(Template)]
#[template(path = "leadership/reopen.html")]
struct ReopenPage {
    shell: Shell,
    lt: &'static LeadTexts,
    index_url: String,
    pending: Vec<Row>,
    decided: Vec<Row>,
    /// Why a decision on a request no longer pending was not saved.
    notice: String,
}

struct Row {
    id: String,
    action: String,
    teacher: String,
    class: String,
    subject: String,
    period: String,
    reason: String,
    requested: String,
    /// "Одобрено" / "Отказано"
    outcome: &'static str,
    decider: String,
    decided: String,
    /// Why the last decision was not saved.
    error: String,
    comment: String,
}

/// `GET /school/{school_id}/reopen-requests`.
pub async fn list(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor.page(reopen_page(&visitor, &school_id, None)).await
}

/// The page, with a refused decision's error and comment on its request.
async fn reopen_page(
    visitor: &Visitor,
    school_id: &str,
    refused: Option<(&str, String, String)>,
) -> otmetka_platform::Result<ReopenPage> {
    let school_id = path_id("school", school_id)?;
    let query = ReopenListQuery {
        school_id: Some(school_id.clone()),
        page_size: Some("500".into()),
        page_token: None,
    };
    let (me, requests) = tokio::try_join!(
        crate::people::load_me(&visitor.caller),
        journal::load_reopen_requests(&visitor.caller, query)
    )?;
    let lt = LeadTexts::of(visitor.lang);
    let (mut pending, mut decided): (Vec<_>, Vec<_>) = requests
        .reopen_requests
        .into_iter()
        .partition(|request| request.state == Some(ReopenState::Pending));
    pending.sort_by_key(|request| request.created_at);
    decided.sort_by_key(|request| std::cmp::Reverse(request.decided_at));
    decided.truncate(RECENT);
    let row = |request: ReopenView| {
        let mut row = Row {
            action: format!("/school/{school_id}/reopen-requests/{}", request.id),
            outcome: match request.state {
                Some(ReopenState::Approved) => lt.approved,
                Some(ReopenState::Refused) => lt.refused,
                _ => "",
            },
            requested: request
                .created_at
                .map(|at| visitor.lang.date(at.date_naive()))
                .unwrap_or_default(),
            decided: request
                .decided_at
                .map(|at| visitor.lang.date(at.date_naive()))
                .unwrap_or_default(),
            teacher: request.requester_name,
            class: request.class_name,
            subject: request.subject_name,
            period: request.period_name,
            reason: request.reason,
            decider: request.decider_name,
            error: String::new(),
            comment: String::new(),
            id: request.id,
        };
        if let Some((id, error, comment)) = &refused
            && *id == row.id
        {
            row.error = error.clone();
            row.comment = comment.clone();
        }
        row
    };
    let pending: Vec<Row> = pending.into_iter().map(row).collect();
    let notice = match &refused {
        Some((id, error, _)) if !pending.iter().any(|row| row.id == *id) => error.clone(),
        _ => String::new(),
    };
    Ok(ReopenPage {
        // After a refused decision the address is the form's; the language
        // switch must come back to the list.
        shell: Shell::new(visitor.lang, &school_url(&school_id, "reopen-requests"))
            .signed_in(me.name.short()),
        lt,
        index_url: school_url(&school_id, "leadership"),
        pending,
        notice,
        decided: decided.into_iter().map(row).collect(),
    })
}

#[derive(Deserialize)]
pub struct DecisionForm {
    /// `approve` or `refuse`: the button pressed.
    decision: String,
    #[serde(default)]
    comment: String,
}

/// `POST /school/{school_id}/reopen-requests/{request_id}`: the decision,
/// then back to the list.
pub async fn decide(
    visitor: Visitor,
    Path((school_id, request_id)): Path<(String, String)>,
    PageForm(form): PageForm<DecisionForm>,
) -> Response {
    let lt = LeadTexts::of(visitor.lang);
    let comment = form
        .as_ref()
        .map(|form| form.comment.clone())
        .unwrap_or_default();
    let attempt = async {
        let school_id = path_id("school", &school_id)?;
        let form = form?;
        let approve = match form.decision.as_str() {
            "approve" => true,
            "refuse" => false,
            _ => {
                return Err(otmetka_platform::Error::invalid(
                    "decision",
                    "must be approve or refuse",
                ));
            }
        };
        let body = DecisionBody {
            approve,
            comment: form.comment,
        };
        journal::decide(&visitor.caller, &request_id, body).await?;
        Ok(school_url(&school_id, "reopen-requests"))
    };
    let error = match attempt.await {
        Ok(next) => return Redirect::to(&next).into_response(),
        Err(error) => error,
    };
    let (status, errors) = match form_refusal(&visitor, error, "decision", lt.decided_already) {
        Ok(refusal) => refusal,
        Err(page) => return page.into_response(),
    };
    let message = errors
        .all()
        .iter()
        .map(|(field, why)| format!("{}: {why}", field_label(lt, field)))
        .collect::<Vec<_>>()
        .join("; ");
    match reopen_page(&visitor, &school_id, Some((&request_id, message, comment))).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
