//! One mark: what, when, by whom, how it counts, every change with its
//! reason; for the family the «seen» button, for staff the forms that
//! correct or withdraw it (with a reason, kept in the history).

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use otmetka_platform::Result;
use serde::Deserialize;

use super::texts::FamilyTexts;
use crate::extract::PageForm;
use crate::marks::{
    PageQuery, RevisionView, UpdateMarkBody, correct_mark, load_mark, load_revisions, record_seen,
    withdraw_mark,
};
use crate::people::{SchoolNames, load_me, school_names};
use crate::views::{MarkStatus, MarkView, PersonKind};
use crate::web::page::{PageError, Shell, Visitor, render, shown};
use crate::web::teaching::entry;

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
    /// The family's week, or the lesson for staff.
    back_url: String,
    lesson_url: Option<String>,
    back_text: &'static str,
    /// Staff see the forms; the service decides whether they may use them.
    staff: bool,
    change: ChangeForm,
}

/// What a refused correction or withdrawal sent, shown again.
#[derive(Default)]
struct ChangeForm {
    value: String,
    reason: String,
    withdraw_reason: String,
    error: String,
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
        .page(page_of(&visitor, &mark_id, ChangeForm::default()))
        .await
}

async fn page_of(visitor: &Visitor, mark_id: &str, change: ChangeForm) -> Result<MarkPage> {
    let mark = load_mark(&visitor.caller, mark_id).await?;
    let (me, history, names) = tokio::try_join!(
        load_me(&visitor.caller),
        load_revisions(&visitor.caller, mark_id, PageQuery::default()),
        school_names(&visitor.caller, &mark.school_id),
    )?;
    let staff = me.kind == Some(PersonKind::Staff);
    let mut page = mark_page(visitor, me.name.short(), mark, history.revisions, &names);
    if staff {
        let ft = FamilyTexts::of(visitor.lang);
        page.staff = true;
        (page.back_url, page.back_text) = match page.lesson_url.take() {
            Some(lesson_url) => (lesson_url, ft.back_to_lesson),
            None => ("/teaching".to_owned(), ft.back_to_lessons),
        };
    }
    page.change = change;
    Ok(page)
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
}

/// `POST /marks/{mark_id}/correct`: a new value (or a sign: «.», «осв»…)
/// with the reason; then back to the mark.
pub async fn correct(
    visitor: Visitor,
    Path(mark_id): Path<String>,
    PageForm(form): PageForm<CorrectionForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let (value, status) = entry(&form.value);
    let body = UpdateMarkBody {
        value,
        status,
        weight: None,
        comment: None,
        reason: form.reason.clone(),
    };
    let done = correct_mark(&visitor.caller, &mark_id, body)
        .await
        .map(|_| ());
    let sent = ChangeForm {
        value: form.value,
        reason: form.reason,
        ..ChangeForm::default()
    };
    after_change(visitor, &mark_id, done, sent).await
}

#[derive(Deserialize)]
pub struct WithdrawalForm {
    #[serde(default)]
    reason: String,
}

/// `POST /marks/{mark_id}/withdraw`: the mark withdrawn with the reason; it
/// stays in the history.
pub async fn withdraw(
    visitor: Visitor,
    Path(mark_id): Path<String>,
    PageForm(form): PageForm<WithdrawalForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let done = withdraw_mark(&visitor.caller, &mark_id, Some(&form.reason))
        .await
        .map(|_| ());
    let sent = ChangeForm {
        withdraw_reason: form.reason,
        ..ChangeForm::default()
    };
    after_change(visitor, &mark_id, done, sent).await
}

/// Back to the mark after a change, or the page again with the refusal.
async fn after_change(
    visitor: Visitor,
    mark_id: &str,
    done: otmetka_platform::Result<()>,
    mut sent: ChangeForm,
) -> Response {
    let error = match done {
        Ok(()) => return Redirect::to(&format!("/marks/{mark_id}")).into_response(),
        Err(error) => error,
    };
    let Some((status, text)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    sent.error = text;
    match page_of(&visitor, mark_id, sent).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
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
        back_url: format!("/diary/{}?date={}", mark.student_id, mark.lesson_date),
        back_text: ft.back_to_week,
        lesson_url: (!mark.lesson_id.is_empty()).then(|| {
            format!(
                "/teaching/lessons/{}?school_id={}",
                mark.lesson_id, mark.school_id
            )
        }),
        staff: false,
        change: ChangeForm::default(),
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
