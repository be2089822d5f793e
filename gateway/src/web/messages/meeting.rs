//! One parent meeting: when and where, who holds it and its agenda. An
//! invited guardian replies on it; its organizer (and the school's
//! management) reads every family's reply, moves it or cancels it.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::meeting_edit::WhenFields;
use super::meeting_families::{FamilyGroup, family_groups};
use super::meeting_reply::{Back, ReplyBlock, ReplyTrouble, reply_blocks};
use super::meeting_texts::MeetingTexts;
use super::meetings::{Summary, class_line, counts, deadline_line};
use crate::extract::ApiQuery;
use crate::meeting_invitations::{InvitationsQuery, load_invitations};
use crate::meetings::{MeetingState, load_meeting, meeting_key};
use crate::people::{load_me, school_names};
use crate::roster::load_classes;
use crate::web::page::{PageError, Shell, Visitor, render, shown};

/// The organizer reads the families a page at a time: two large classes.
const FAMILIES_PAGE: &str = "100";

/// A form of the page the service refused, shown again where it was sent
/// with what was written.
pub(super) enum Trouble {
    None,
    Reply(ReplyTrouble),
    Change { message: String, when: WhenFields },
    Cancel { message: String, reason: String },
}

/// What its organizer and the school's management see and do.
pub(super) struct Organizing {
    school_id: String,
    counts: Vec<(&'static str, i32)>,
    families: Vec<FamilyGroup>,
    more_url: String,
    /// Scheduled and not yet started: it may still be moved or cancelled.
    editable: bool,
    when: WhenFields,
    change_action: String,
    change_error: String,
    cancel_action: String,
    reason: String,
    cancel_error: String,
}

#[derive(Template)]
#[template(path = "messages/meeting.html")]
pub(super) struct ItemPage {
    shell: Shell,
    at: &'static MeetingTexts,
    summary: Summary,
    organizer: String,
    classes: String,
    deadline: String,
    agenda: Vec<String>,
    /// The signed-in guardian's invitations.
    replies: Vec<ReplyBlock>,
    organizing: Option<Organizing>,
}

#[derive(Deserialize)]
pub struct ItemQuery {
    school_id: Option<String>,
    families_page: Option<String>,
}

/// `GET /meetings/{id}?school_id=`.
pub async fn show(
    visitor: Visitor,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ItemQuery>,
) -> Response {
    visitor
        .page(async {
            let (id, school_id) = meeting_key(&id, query.school_id.as_deref())?;
            item_page(
                &visitor,
                &id,
                &school_id,
                query.families_page,
                Trouble::None,
            )
            .await
        })
        .await
}

pub(super) async fn item_page(
    visitor: &Visitor,
    id: &str,
    school_id: &str,
    families_page: Option<String>,
    trouble: Trouble,
) -> Result<ItemPage> {
    let caller = &visitor.caller;
    let lang = visitor.lang;
    let (me, meeting) =
        tokio::try_join!(load_me(caller), load_meeting(caller, id, Some(school_id)))?;
    let names = match school_names(caller, school_id).await {
        Ok(names) => Some(names),
        Err(Error::NotFound(_)) => None,
        Err(error) => return Err(error),
    };
    let zone = names
        .as_ref()
        .map_or(chrono_tz::Europe::Moscow, |names| names.timezone);
    let at = MeetingTexts::of(lang);
    let now = caller.state.settings.clock.now();
    let organizes = meeting.reply_counts.is_some();
    let query = InvitationsQuery {
        school_id: Some(school_id.to_owned()),
        page_size: organizes.then(|| FAMILIES_PAGE.to_owned()),
        page_token: families_page,
        ..InvitationsQuery::default()
    };
    let invitations = load_invitations(caller, &meeting.id, &query).await?;
    let mut page = ItemPage {
        shell: visitor.shell(me.name.short()),
        at,
        summary: Summary::of(lang, &meeting, zone),
        organizer: names
            .as_ref()
            .map(|names| names.staff(&meeting.organizer_id).to_owned())
            .unwrap_or_default(),
        classes: String::new(),
        deadline: deadline_line(lang, &meeting, zone),
        agenda: meeting
            .agenda
            .split("\n\n")
            .map(|paragraph| paragraph.trim().to_owned())
            .filter(|paragraph| !paragraph.is_empty())
            .collect(),
        replies: Vec::new(),
        organizing: None,
    };
    if !organizes {
        let trouble = match &trouble {
            Trouble::Reply(trouble) => Some(trouble),
            _ => None,
        };
        page.replies = reply_blocks(
            &meeting,
            invitations.invitations,
            &me.children,
            now,
            Back::Meeting,
            trouble,
            at,
        );
        return Ok(page);
    }
    let class_names = load_classes(caller, school_id)
        .await?
        .into_iter()
        .map(|class| (class.id, class.name))
        .collect();
    page.classes = class_line(&class_names, &meeting.class_ids);
    let more_url = if invitations.next_page_token.is_empty() {
        String::new()
    } else {
        let query = serde_urlencoded::to_string([
            ("school_id", school_id),
            ("families_page", &invitations.next_page_token),
        ])
        .unwrap_or_default();
        format!("/meetings/{}?{query}", meeting.id)
    };
    let families = family_groups(caller, lang, zone, school_id, invitations.invitations).await?;
    let mut organizing = Organizing {
        school_id: school_id.to_owned(),
        counts: counts(at, meeting.reply_counts),
        families,
        more_url,
        editable: meeting.state == MeetingState::Scheduled && now < meeting.start_at,
        when: WhenFields::of(at, &meeting, zone),
        change_action: format!("/meetings/{}/change", meeting.id),
        change_error: String::new(),
        cancel_action: format!("/meetings/{}/cancel", meeting.id),
        reason: String::new(),
        cancel_error: String::new(),
    };
    match trouble {
        Trouble::Change { message, when } => {
            organizing.change_error = message;
            organizing.when = when;
        }
        Trouble::Cancel { message, reason } => {
            organizing.cancel_error = message;
            organizing.reason = reason;
        }
        Trouble::None | Trouble::Reply(_) => {}
    }
    page.organizing = Some(organizing);
    Ok(page)
}

/// A form's refusal on the meeting's page, beside the form, with
/// `conflict` for a meeting that is cancelled, started or changed
/// meanwhile; a meeting that is not there or not theirs is an error page.
pub(super) async fn refused(
    visitor: &Visitor,
    meeting_id: &str,
    school_id: &str,
    error: Error,
    conflict: &str,
    trouble: impl FnOnce(String) -> Trouble,
) -> Response {
    let message = match &error {
        Error::FailedPrecondition(_) => Some((StatusCode::CONFLICT, conflict.to_owned())),
        other => shown(other, visitor.lang),
    };
    let Some((status, message)) = message else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    match item_page(visitor, meeting_id, school_id, None, trouble(message)).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
