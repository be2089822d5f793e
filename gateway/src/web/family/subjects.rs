//! Marks by subject in a reporting period: each subject's weighted average,
//! how it was counted, the mark it suggests, and what it takes to reach
//! another («что нужно, чтобы получить 5»).

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;

use super::periods::{PeriodChoice, chosen, period_choices};
use super::texts::FamilyTexts;
use super::{FamilyNav, Tab, tone};
use crate::diary::{
    PeriodView, WhatIfQuery, WhatIfView, load_averages, load_student_periods, load_what_if,
};
use crate::extract::ApiQuery;
use crate::marks::{MarksQuery, load_student_marks};
use crate::people::{load_me, school_names};
use crate::views::{AverageView, MarkView};
use crate::web::i18n::Lang;
use crate::web::page::{Shell, Visitor};

#[derive(Deserialize)]
pub struct SubjectsQuery {
    pub period_id: Option<String>,
    /// The subject whose what-if to show, with `target`.
    subject_id: Option<String>,
    target: Option<String>,
}

#[derive(Template)]
#[template(path = "family/subjects.html")]
struct SubjectsPage {
    shell: Shell,
    ft: &'static FamilyTexts,
    nav: FamilyNav,
    student_name: String,
    periods: Vec<PeriodChoice>,
    period_id: String,
    subjects: Vec<SubjectCard>,
}

struct SubjectCard {
    id: String,
    name: String,
    average: String,
    suggested: String,
    suggested_tone: &'static str,
    marks: Vec<(String, String, &'static str)>,
    /// The marks to ask about, the one last asked about selected.
    targets: Vec<(&'static str, bool)>,
    explanation: String,
    what_if: Option<WhatIfAnswer>,
}

struct WhatIfAnswer {
    target: String,
    needed: Vec<String>,
    reachable: bool,
    explanation: String,
}

/// The marks a period's targets are offered for.
const TARGETS: [&str; 3] = ["5", "4", "3"];

/// `GET /diary/{student_id}/subjects?period_id=[&subject_id=&target=]`.
pub async fn show(
    visitor: Visitor,
    Path(student_id): Path<String>,
    ApiQuery(query): ApiQuery<SubjectsQuery>,
) -> Response {
    // The week of loaders joined below makes a large future: it lives on
    // the heap rather than on the worker's stack.
    visitor
        .page(Box::pin(async {
            let caller = &visitor.caller;
            let (me, periods) =
                tokio::try_join!(load_me(caller), load_student_periods(caller, &student_id))?;
            let today = caller.state.settings.clock.today_utc().to_string();
            let Some(period) = chosen(&periods.periods, query.period_id.as_deref(), &today) else {
                return Ok(page(
                    &visitor,
                    &me,
                    &student_id,
                    &periods.periods,
                    "",
                    Vec::new(),
                ));
            };
            let marks_query = MarksQuery {
                from: Some(period.start_date.clone()),
                to: Some(period.end_date.clone()),
                page_size: Some("500".into()),
                ..Default::default()
            };
            let what_if_query = query.subject_id.clone().zip(query.target.clone());
            let what_if = async {
                match &what_if_query {
                    Some((subject_id, target)) => {
                        let asked = WhatIfQuery {
                            subject_id: Some(subject_id.clone()),
                            period_id: Some(period.id.clone()),
                            target: Some(target.clone()),
                        };
                        load_what_if(caller, &student_id, asked).await.map(Some)
                    }
                    None => Ok(None),
                }
            };
            let (averages, marks, names, what_if) = tokio::try_join!(
                load_averages(caller, &student_id, Some(&period.id)),
                load_student_marks(caller, &student_id, marks_query),
                school_names(caller, &period.school_id),
                what_if,
            )?;
            let lang = visitor.lang;
            let mut subjects: Vec<SubjectCard> = averages
                .averages
                .into_iter()
                .map(|average| {
                    let name = names.subject(&average.subject_id).to_owned();
                    let answer = what_if_query
                        .as_ref()
                        .filter(|(subject_id, _)| *subject_id == average.subject_id)
                        .zip(what_if.as_ref())
                        .map(|((_, target), answer)| what_if_answer(lang, target, answer));
                    subject_card(lang, name, average, &marks.marks, answer)
                })
                .collect();
            subjects.sort_by(|a, b| a.name.cmp(&b.name));
            let period_id = period.id.clone();
            Ok(page(
                &visitor,
                &me,
                &student_id,
                &periods.periods,
                &period_id,
                subjects,
            ))
        }))
        .await
}

fn page(
    visitor: &Visitor,
    me: &crate::people::MeView,
    student_id: &str,
    periods: &[PeriodView],
    period_id: &str,
    subjects: Vec<SubjectCard>,
) -> SubjectsPage {
    SubjectsPage {
        shell: visitor.shell(me.name.short()),
        ft: FamilyTexts::of(visitor.lang),
        nav: FamilyNav::new(student_id, Tab::Subjects),
        student_name: super::student_name(me, student_id),
        periods: period_choices(periods, Some(period_id)),
        period_id: period_id.to_owned(),
        subjects,
    }
}

fn subject_card(
    lang: Lang,
    name: String,
    average: AverageView,
    marks: &[MarkView],
    what_if: Option<WhatIfAnswer>,
) -> SubjectCard {
    let counted = marks
        .iter()
        .filter(|mark| average.mark_ids.contains(&mark.id))
        .map(|mark| {
            (
                format!("/marks/{}", mark.id),
                mark.value.clone(),
                tone(&mark.value),
            )
        })
        .collect();
    let asked = what_if.as_ref().map(|answer| answer.target.as_str());
    let targets = TARGETS
        .iter()
        .map(|target| (*target, asked == Some(*target)))
        .collect();
    SubjectCard {
        id: average.subject_id,
        suggested_tone: tone(&average.suggested_mark),
        targets,
        name,
        average: if average.mark_ids.is_empty() {
            String::new()
        } else {
            lang.decimal(average.average)
        },
        suggested: average.suggested_mark,
        marks: counted,
        explanation: average.explanation,
        what_if,
    }
}

fn what_if_answer(lang: Lang, target: &str, answer: &WhatIfView) -> WhatIfAnswer {
    let ft = FamilyTexts::of(lang);
    WhatIfAnswer {
        target: target.to_owned(),
        needed: answer
            .marks_needed
            .iter()
            .map(|mark| {
                format!(
                    "{} × «{}» ({} {})",
                    mark.count, mark.value, ft.mark_weight, mark.weight
                )
            })
            .collect(),
        reachable: answer.reachable,
        explanation: answer.explanation.clone(),
    }
}
