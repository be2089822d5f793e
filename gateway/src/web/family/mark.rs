//! One mark as the family reads it: what, when, by whom, how it counts,
//! every change with its reason, and the «seen» button.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::texts::FamilyTexts;
use crate::marks::{PageQuery, RevisionView, load_mark, load_revisions, record_seen};
use crate::people::{SchoolNames, load_me, school_names};
use crate::views::{MarkStatus, MarkView};
use crate::web::page::{PageError, Shell, Visitor};

#[derive(Template)]
#[template(path = "family/mark.html")]
struct MarkPage {
    shell: Shell,
    ft: &'static FamilyTexts,
    mark_id: String,
    value: String,
    tone: &'static str,
    subject: String,
    facts: Vec<(&'static str, String)>,
    seen: bool,
    withdrawn: bool,
    history: Vec<HistoryRow>,
    week_url: String,
}

struct HistoryRow {
    when: String,
    who: String,
    change: String,
    reason: String,
}

/// `GET /marks/{mark_id}`.
pub async fn show(visitor: Visitor, Path(mark_id): Path<String>) -> Response {
    visitor
        .page(async {
            let mark = load_mark(&visitor.caller, &mark_id).await?;
            let (me, history, names) = tokio::try_join!(
                load_me(&visitor.caller),
                load_revisions(&visitor.caller, &mark_id, PageQuery::default()),
                school_names(&visitor.caller, &mark.school_id),
            )?;
            Ok(mark_page(
                &visitor,
                me.name.short(),
                mark,
                history.revisions,
                &names,
            ))
        })
        .await
}

/// `POST /marks/{mark_id}/seen`: then back to the mark.
pub async fn seen(visitor: Visitor, Path(mark_id): Path<String>) -> Response {
    match record_seen(&visitor.caller, &mark_id).await {
        Ok(seen) => Redirect::to(&format!("/marks/{}", seen.mark_id)).into_response(),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

fn mark_page(
    visitor: &Visitor,
    person_name: String,
    mark: MarkView,
    revisions: Vec<RevisionView>,
    names: &SchoolNames,
) -> MarkPage {
    let lang = visitor.lang;
    let ft = FamilyTexts::of(lang);
    let when = |instant| lang.date_time(instant, names.timezone);
    let mut facts = Vec::new();
    if let Ok(date) = NaiveDate::parse_from_str(&mark.lesson_date, "%Y-%m-%d") {
        facts.push((ft.lesson_date, lang.date(date)));
    }
    facts.push((ft.posted_by, names.staff(&mark.author_id).to_owned()));
    if let Some(created) = mark.created_at {
        facts.push((ft.posted_at, when(created)));
    }
    facts.push((ft.weight, mark.weight.to_string()));
    if !mark.comment.is_empty() {
        facts.push((ft.comment, mark.comment.clone()));
    }
    if let Some(seen) = mark.seen_at {
        facts.push((ft.seen_at, when(seen)));
    }
    let history = revisions
        .into_iter()
        .map(|revision| HistoryRow {
            when: revision.created_at.map(when).unwrap_or_default(),
            who: names.staff(&revision.author_id).to_owned(),
            change: change_text(ft, revision.before.as_ref(), revision.after.as_ref()),
            reason: revision.reason,
        })
        .collect();
    MarkPage {
        shell: visitor.shell(person_name),
        ft,
        value: written(ft, &mark),
        tone: super::tone(&mark.value),
        subject: names.subject(&mark.subject_id).to_owned(),
        facts,
        seen: mark.seen_at.is_some(),
        withdrawn: mark.deleted_at.is_some(),
        week_url: format!("/diary/{}?date={}", mark.student_id, mark.lesson_date),
        mark_id: mark.id,
        history,
    }
}

/// A mark as the journal writes it: its value, or what its status means.
fn written(ft: &FamilyTexts, mark: &MarkView) -> String {
    if !mark.value.is_empty() {
        return mark.value.clone();
    }
    match mark.status {
        Some(MarkStatus::Exempt) => ft.exempt,
        Some(MarkStatus::NotSubmitted) => ft.not_submitted,
        Some(MarkStatus::Absent) => ft.absent_from_work,
        Some(MarkStatus::Pending) => ft.pending,
        Some(MarkStatus::Graded) | None => "",
    }
    .to_owned()
}

/// "— → 5", "5 → 4", "4 → отменена".
fn change_text(ft: &FamilyTexts, before: Option<&MarkView>, after: Option<&MarkView>) -> String {
    let state = |mark: &MarkView| {
        if mark.deleted_at.is_some() {
            ft.withdrawn.to_owned()
        } else {
            written(ft, mark)
        }
    };
    match (before, after) {
        (None, Some(after)) => format!("{}: {}", ft.posted, state(after)),
        (Some(before), Some(after)) => format!("{} → {}", state(before), state(after)),
        (Some(before), None) => format!("{} → {}", state(before), ft.withdrawn),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    fn mark(value: &str, status: Option<MarkStatus>, withdrawn: bool) -> MarkView {
        let mut view = MarkView::from(otmetka_proto::gradebook::v1::Mark::default());
        view.value = value.to_owned();
        view.status = status;
        view.deleted_at = withdrawn.then(chrono::Utc::now);
        view
    }

    #[test]
    fn changes_read_as_before_and_after() {
        let ft = FamilyTexts::of(Lang::Ru);
        let five = mark("5", Some(MarkStatus::Graded), false);
        let four = mark("4", Some(MarkStatus::Graded), false);
        let gone = mark("4", Some(MarkStatus::Graded), true);
        assert_eq!(change_text(ft, None, Some(&five)), "выставлена: 5");
        assert_eq!(change_text(ft, Some(&five), Some(&four)), "5 → 4");
        assert_eq!(change_text(ft, Some(&four), Some(&gone)), "4 → отменена");
        let dot = mark("", Some(MarkStatus::Pending), false);
        assert_eq!(written(ft, &dot), "точка — оценка будет позже");
    }
}
