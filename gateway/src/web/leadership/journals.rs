//! Every journal of the school, by class, for a chosen period: links to
//! the journal grid, which shows it read-only to whoever may not change it.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;

use super::school_url;
use super::texts::LeadTexts;
use crate::caller::path_id;
use crate::extract::ApiQuery;
use crate::people::load_me;
use crate::school_journals::load;
use crate::views::PeriodState;
use crate::web::page::{Shell, Visitor};

#[derive(Deserialize)]
pub struct PeriodQuery {
    period_id: Option<String>,
}

struct PeriodChoice {
    id: String,
    name: String,
    selected: bool,
}

struct ClassCard {
    name: String,
    journals: Vec<JournalLink>,
}

struct JournalLink {
    url: String,
    subject: String,
    teachers: String,
}

#[derive(Template)]
#[template(path = "leadership/journals.html")]
struct JournalsPage {
    shell: Shell,
    lt: &'static LeadTexts,
    index_url: String,
    action_url: String,
    periods: Vec<PeriodChoice>,
    classes: Vec<ClassCard>,
}

/// `GET /school/{school_id}/journals?period_id=`: the first open period
/// unless another is chosen.
pub async fn list(
    visitor: Visitor,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Response {
    visitor
        .page(async {
            let school_id = path_id("school", &school_id)?;
            let chosen = query
                .period_id
                .map(|id| path_id("reporting period", &id))
                .transpose()?;
            let (me, (journals, names)) =
                tokio::try_join!(load_me(&visitor.caller), load(&visitor.caller, &school_id))?;
            let period_id = chosen
                .or_else(|| {
                    names
                        .periods
                        .iter()
                        .find(|period| period.state == Some(PeriodState::Open))
                        .or(names.periods.last())
                        .map(|period| period.id.clone())
                })
                .unwrap_or_default();
            let mut classes: Vec<ClassCard> = Vec::new();
            for journal in journals.journals {
                let query = serde_urlencoded::to_string([
                    ("class_id", journal.class_id.as_str()),
                    ("subject_id", journal.subject_id.as_str()),
                    ("period_id", period_id.as_str()),
                ])
                .unwrap_or_default();
                let link = JournalLink {
                    url: format!("/teaching/journal?{query}"),
                    subject: journal.subject_name,
                    teachers: journal
                        .teachers
                        .into_iter()
                        .map(|teacher| teacher.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                match classes.last_mut() {
                    Some(card) if card.name == journal.class_name => card.journals.push(link),
                    _ => classes.push(ClassCard {
                        name: journal.class_name,
                        journals: vec![link],
                    }),
                }
            }
            Ok(JournalsPage {
                shell: visitor.shell(me.name.short()),
                lt: LeadTexts::of(visitor.lang),
                index_url: school_url(&school_id, "leadership"),
                action_url: school_url(&school_id, "journals"),
                periods: names
                    .periods
                    .iter()
                    .map(|period| PeriodChoice {
                        selected: period.id == period_id,
                        id: period.id.clone(),
                        name: period.name.clone(),
                    })
                    .collect(),
                classes,
            })
        })
        .await
}
