//! Final marks: each subject's marks of the year's periods and the year
//! itself, as a table a family reads at the end of a quarter.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::texts::FamilyTexts;
use super::{FamilyNav, Tab, tone};
use crate::diary::records::load_final_marks;
use crate::diary::{PeriodView, load_student_periods};
use crate::marks::PageQuery;
use crate::people::{SchoolNames, load_me, school_names};
use crate::views::FinalMarkView;
use crate::web::page::Shell;
use crate::web::page::Visitor;

#[derive(Template)]
#[template(path = "family/finals.html")]
struct FinalsPage {
    shell: Shell,
    ft: &'static FamilyTexts,
    nav: FamilyNav,
    student_name: String,
    columns: Vec<String>,
    rows: Vec<SubjectRow>,
    no_periods: bool,
}

struct SubjectRow {
    subject: String,
    /// A cell per column: the mark and its colour, empty when not set.
    cells: Vec<(String, &'static str)>,
}

/// `GET /diary/{student_id}/finals`.
pub async fn show(visitor: Visitor, Path(student_id): Path<String>) -> Response {
    visitor
        .page(async {
            let caller = &visitor.caller;
            let everything = PageQuery {
                page_size: Some("500".into()),
                page_token: None,
            };
            let (me, periods, finals) = tokio::try_join!(
                load_me(caller),
                load_student_periods(caller, &student_id),
                load_final_marks(caller, &student_id, everything),
            )?;
            let mut periods = periods.periods;
            let names = match periods.first() {
                Some(period) => Some(school_names(caller, &period.school_id).await?),
                None => None,
            };
            // Quarters in order, then the half-year and the year that end
            // with the last of them.
            periods.sort_by(|a, b| {
                (&a.end_date, std::cmp::Reverse(&a.start_date))
                    .cmp(&(&b.end_date, std::cmp::Reverse(&b.start_date)))
            });
            let rows = names
                .map(|names| rows(&periods, &finals.final_marks, &names))
                .unwrap_or_default();
            Ok(FinalsPage {
                shell: visitor.shell(me.name.short()),
                ft: FamilyTexts::of(visitor.lang),
                nav: FamilyNav::new(&student_id, Tab::Finals),
                student_name: super::student_name(&me, &student_id),
                columns: periods.iter().map(|period| period.name.clone()).collect(),
                no_periods: periods.is_empty(),
                rows,
            })
        })
        .await
}

/// A row per subject with a final mark in one of `periods`, by name.
fn rows(periods: &[PeriodView], finals: &[FinalMarkView], names: &SchoolNames) -> Vec<SubjectRow> {
    let mut subjects: Vec<&str> = finals
        .iter()
        .filter(|mark| periods.iter().any(|period| period.id == mark.period_id))
        .map(|mark| mark.subject_id.as_str())
        .collect();
    subjects.sort_unstable();
    subjects.dedup();
    let mut rows: Vec<SubjectRow> = subjects
        .into_iter()
        .map(|subject_id| SubjectRow {
            subject: names.subject(subject_id).to_owned(),
            cells: periods
                .iter()
                .map(|period| {
                    finals
                        .iter()
                        .find(|mark| mark.subject_id == subject_id && mark.period_id == period.id)
                        .map(|mark| (mark.value.clone(), tone(&mark.value)))
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    rows.sort_by(|a, b| a.subject.cmp(&b.subject));
    rows
}
