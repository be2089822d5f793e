//! Academic years, which schedule keeps and a class in identity knows only
//! by its first calendar year.

use std::collections::HashMap;

use chrono::NaiveDate;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::time::{academic_year_start, parse_date};
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as schedule;
use uuid::Uuid;

use crate::api::ImportApi;
use crate::api::walk::{WHOLE_PAGE, every_page};

/// Academic years of a school by their first calendar year, which is all a
/// class in identity knows of its year.
pub(in crate::api) struct Years(HashMap<i32, String>);

impl Years {
    pub(super) fn id_of(&self, first_year: i32) -> String {
        self.0.get(&first_year).cloned().unwrap_or_default()
    }

    /// The first calendar year `academic_year_id` names; empty names the
    /// academic year of `today`.
    pub(super) fn first_year(&self, academic_year_id: &str, today: NaiveDate) -> Result<i32> {
        if academic_year_id.is_empty() {
            return Ok(chrono::Datelike::year(&academic_year_start(today)));
        }
        self.0
            .iter()
            .find(|(_, id)| id.as_str() == academic_year_id)
            .map(|(year, _)| *year)
            .ok_or_else(|| {
                Error::invalid("academic_year_id", "must be an academic year of the school")
            })
    }
}

impl ImportApi {
    pub(super) async fn years(&self, ctx: &CallContext, school_id: Uuid) -> Result<Years> {
        let years = every_page(|page_token| {
            let mut schedule = self.schedule.clone();
            let request = ctx.forward(schedule::ListAcademicYearsRequest {
                school_id: school_id.to_string(),
                page_size: WHOLE_PAGE,
                page_token,
            });
            async move {
                let reply = schedule.list_academic_years(request?).await?.into_inner();
                Ok((reply.academic_years, reply.next_page_token))
            }
        })
        .await?;
        Ok(Years(
            years
                .into_iter()
                .filter_map(|year| {
                    let start = parse_date("start_date", &year.start_date).ok()?;
                    Some((chrono::Datelike::year(&start), year.id))
                })
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_resolve_ids_and_refuse_strangers() {
        let years = Years(HashMap::from([(2026, "y2026".to_owned())]));
        let today = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        assert_eq!(years.first_year("y2026", today).unwrap(), 2026);
        assert_eq!(years.first_year("", today).unwrap(), 2027);
        assert_eq!(years.id_of(2026), "y2026");
        assert_eq!(years.id_of(2025), "");
        assert!(matches!(
            years.first_year("other", today),
            Err(Error::InvalidArgument(v)) if v[0].field == "academic_year_id"
        ));
    }
}
