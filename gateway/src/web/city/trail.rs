//! The city's own trail on the city page: its latest events, with people,
//! schools and vendor clients by name, in Moscow time.

use std::collections::HashMap;

use futures_util::future::join_all;
use otmetka_platform::Result;

use crate::audit_events::{CityAuditEventsQuery, load_city_audit_page};
use crate::caller::Caller;
use crate::people::{PersonName, person};
use crate::web::admin::texts::AuditKindTexts;
use crate::web::i18n::Lang;

/// Events shown: a working day's changes, more are a JSON page away.
const SHOWN: &str = "20";

pub struct TrailRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub whom: String,
}

/// The latest events; `named` holds the schools' and clients' names by id.
pub async fn latest(
    caller: &Caller,
    lang: Lang,
    named: &HashMap<String, String>,
) -> Result<Vec<TrailRow>> {
    let query = CityAuditEventsQuery {
        page_size: Some(SHOWN.to_owned()),
        ..CityAuditEventsQuery::default()
    };
    let events = load_city_audit_page(caller, query).await?.audit_events;
    let mut actors: Vec<&str> = events
        .iter()
        .map(|event| event.actor_id.as_str())
        .filter(|id| !id.is_empty() && !named.contains_key(*id))
        .collect();
    actors.sort_unstable();
    actors.dedup();
    // An actor may be a machine client, which is no person: left unnamed.
    let people: HashMap<&str, String> = join_all(actors.iter().map(|id| person(caller, id)))
        .await
        .into_iter()
        .zip(&actors)
        .filter_map(|(found, id)| Some((*id, PersonName::from(found.ok()?).full())))
        .collect();
    let kinds = AuditKindTexts::of(lang);
    let name_of = |id: &str| {
        named
            .get(id)
            .or_else(|| people.get(id))
            .cloned()
            .unwrap_or_default()
    };
    Ok(events
        .iter()
        .map(|event| TrailRow {
            when: event
                .created_at
                .map(|at| lang.date_time(at, chrono_tz::Europe::Moscow))
                .unwrap_or_default(),
            who: name_of(&event.actor_id),
            what: kinds.describe(&event.kind).to_owned(),
            whom: name_of(&event.object_id),
        })
        .collect())
}
