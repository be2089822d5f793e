//! The choice of a reporting period that the pages of marks by subject
//! and of attendance share.

use crate::diary::PeriodView;
use crate::views::PeriodState;

/// A period in a page's choice of periods.
pub(super) struct PeriodChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The period asked for; else the shortest holding today (the quarter, not
/// the year); else the first still open; else the last.
pub(super) fn chosen<'a>(
    periods: &'a [PeriodView],
    asked: Option<&str>,
    today: &str,
) -> Option<&'a PeriodView> {
    if let Some(asked) = asked {
        return periods.iter().find(|period| period.id == asked);
    }
    periods
        .iter()
        .filter(|period| period.start_date.as_str() <= today && today <= period.end_date.as_str())
        .min_by(|a, b| a.end_date.cmp(&b.end_date))
        .or_else(|| {
            periods
                .iter()
                .find(|period| period.state == Some(PeriodState::Open))
        })
        .or(periods.last())
}

/// The periods to choose from, `chosen` selected.
pub(super) fn period_choices(periods: &[PeriodView], chosen: Option<&str>) -> Vec<PeriodChoice> {
    periods
        .iter()
        .map(|period| PeriodChoice {
            id: period.id.clone(),
            name: period.name.clone(),
            selected: Some(period.id.as_str()) == chosen,
        })
        .collect()
}
