//! The school's audit trail in the administration: a page of events,
//! newest first, with people's names, what each event means, the school's
//! own time, and a filter by kind and day.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use futures_util::future::join_all;
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use serde::Deserialize;

use super::texts::{AuditKindTexts, PeopleTexts};
use super::{Shell, Visitor};
use crate::audit_events::{AUDIT_KINDS, AuditEventsQuery, load_audit_page};
use crate::caller::Caller;
use crate::extract::ApiQuery;
use crate::people::{PersonName, load_me, school_names};
use crate::schools::load_school;
use crate::vendor_grants::load_vendor_grants;

/// Events on one page: a day of a small school's sign-ins.
const PAGE_SIZE: &str = "50";

#[derive(Deserialize, Default)]
pub struct TrailQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    page_token: String,
}

struct EventRow {
    when: String,
    who: String,
    what: String,
    whom: String,
    address: String,
}

struct KindOption {
    kind: &'static str,
    name: &'static str,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    shell: Shell,
    pt: &'static PeopleTexts,
    school_name: String,
    admin_url: String,
    here_url: String,
    kinds: Vec<KindOption>,
    query: TrailQuery,
    events: Vec<EventRow>,
    /// The next page's address; empty on the last page.
    next_url: String,
}

/// `GET /school/{school_id}/admin/audit`.
pub async fn audit(
    visitor: Visitor,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<TrailQuery>,
) -> Response {
    visitor.page(audit_page(&visitor, &school_id, query)).await
}

async fn audit_page(visitor: &Visitor, school_id: &str, query: TrailQuery) -> Result<AuditPage> {
    let caller = &visitor.caller;
    let lang = visitor.lang;
    let pt = PeopleTexts::of(lang);
    // The trail first: only the school's administrators read it.
    let page = load_audit_page(
        caller,
        school_id,
        AuditEventsQuery {
            kind: Some(query.kind.clone()),
            date: Some(query.date.clone()),
            page_size: Some(PAGE_SIZE.to_owned()),
            page_token: Some(query.page_token.clone()),
        },
    )
    .await?;
    // Boxed: the four calls' states would make the page's future large.
    let (me, school, directory, vendors) = tokio::try_join!(
        Box::pin(load_me(caller)),
        Box::pin(load_school(caller, school_id)),
        Box::pin(school_names(caller, school_id)),
        Box::pin(load_vendor_grants(caller, school_id)),
    )?;
    let mut names: HashMap<String, String> = vendors
        .into_iter()
        .map(|vendor| (vendor.client_id, vendor.name))
        .collect();
    let ids: Vec<&String> = page
        .audit_events
        .iter()
        .flat_map(|event| [&event.actor_id, &event.object_id])
        .filter(|id| !id.is_empty() && !names.contains_key(*id))
        .collect();
    names.extend(people_named(caller, ids).await);
    let kinds = AuditKindTexts::of(lang);
    let name = |id: &str| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| pt.unknown.to_owned())
    };
    let events = page
        .audit_events
        .iter()
        .map(|event| EventRow {
            when: event
                .created_at
                .map(|at| lang.date_time(at, directory.timezone))
                .unwrap_or_default(),
            who: name(&event.actor_id),
            what: kinds.describe(&event.kind).to_owned(),
            whom: name(&event.object_id),
            address: event.source_address.clone(),
        })
        .collect();
    let here_url = format!("/school/{}/admin/audit", school.id);
    let next_url = if page.next_page_token.is_empty() {
        String::new()
    } else {
        let query = serde_urlencoded::to_string([
            ("kind", query.kind.as_str()),
            ("date", query.date.as_str()),
            ("page_token", page.next_page_token.as_str()),
        ])
        .unwrap_or_default();
        format!("{here_url}?{query}")
    };
    Ok(AuditPage {
        shell: visitor.shell(me.name.short()),
        pt,
        school_name: school.name,
        admin_url: format!("/school/{}/admin", school.id),
        here_url,
        kinds: AUDIT_KINDS
            .into_iter()
            .map(|kind| KindOption {
                kind,
                name: kinds.describe(kind),
            })
            .collect(),
        query,
        events,
        next_url,
    })
}

/// The names of the people among `ids`; what is no person (a code, a
/// class) or no longer visible stays unnamed.
async fn people_named(caller: &Caller, mut ids: Vec<&String>) -> Vec<(String, String)> {
    ids.sort();
    ids.dedup();
    let lookups = ids.into_iter().map(|id| async move {
        let message = identity::GetPersonRequest { id: id.clone() };
        let person = caller
            .identity()
            .get_person(caller.request(message).ok()?)
            .await
            .ok()?
            .into_inner()
            .person?;
        Some((id.clone(), PersonName::from(person).full()))
    });
    join_all(lookups).await.into_iter().flatten().collect()
}
