//! A guardian's replies to a meeting, one per child it concerns: what they
//! answered, and while replies are taken a plain form with the three
//! answers as its buttons, on the list and on the meeting's page alike.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use otmetka_platform::Error;
use serde::Deserialize;

use super::meeting::{Trouble, refused};
use super::meeting_texts::MeetingTexts;
use super::meetings::child_name;
use crate::extract::PageForm;
use crate::meeting_invitations::{InvitationView, Reply, ReplyBody, answer_invitation};
use crate::meetings::{MeetingState, MeetingView, meeting_key};
use crate::people::PersonName;
use crate::web::page::{PageError, Visitor};

/// Where a reply was given, to come back to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Back {
    List,
    Meeting,
}

impl Back {
    fn word(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Meeting => "meeting",
        }
    }
}

/// One invitation as its guardian sees it.
pub(super) struct ReplyBlock {
    pub invitation_id: String,
    pub school_id: String,
    pub action: String,
    pub back: &'static str,
    pub child: String,
    /// "accepted", "declined", "tentative", or empty before a reply.
    pub reply: &'static str,
    /// "Приду"; empty before a reply.
    pub answer: &'static str,
    pub comment: String,
    /// Replies are still taken.
    pub open: bool,
    /// Replies closed before the meeting was held (not cancelled).
    pub closed: bool,
    /// Why the last reply was not taken.
    pub error: String,
}

/// A reply the service did not take, shown in its invitation's block with
/// what was written.
pub(super) struct ReplyTrouble {
    pub invitation_id: String,
    pub message: String,
    pub comment: String,
}

fn reply_word(reply: Reply) -> &'static str {
    match reply {
        Reply::Accepted => "accepted",
        Reply::Declined => "declined",
        Reply::Tentative => "tentative",
    }
}

fn answer(at: &MeetingTexts, reply: Reply) -> &'static str {
    match reply {
        Reply::Accepted => at.accept,
        Reply::Declined => at.decline,
        Reply::Tentative => at.tentative,
    }
}

pub(super) fn reply_blocks(
    meeting: &MeetingView,
    invitations: Vec<InvitationView>,
    children: &[PersonName],
    now: DateTime<Utc>,
    back: Back,
    trouble: Option<&ReplyTrouble>,
    at: &MeetingTexts,
) -> Vec<ReplyBlock> {
    let scheduled = meeting.state == MeetingState::Scheduled;
    let open = scheduled && now < meeting.replies_close_at();
    let mut blocks: Vec<ReplyBlock> = invitations
        .into_iter()
        .map(|invitation| {
            let trouble = trouble.filter(|trouble| trouble.invitation_id == invitation.id);
            ReplyBlock {
                action: format!("/meetings/{}/reply", meeting.id),
                back: back.word(),
                child: child_name(children, &invitation.student_id),
                reply: invitation.reply.map_or("", reply_word),
                answer: invitation.reply.map_or("", |reply| answer(at, reply)),
                comment: trouble.map_or(invitation.comment, |trouble| trouble.comment.clone()),
                open,
                closed: scheduled && !open,
                error: trouble
                    .map(|trouble| trouble.message.clone())
                    .unwrap_or_default(),
                invitation_id: invitation.id,
                school_id: invitation.school_id,
            }
        })
        .collect();
    blocks.sort_by(|a, b| a.child.cmp(&b.child));
    blocks
}

#[derive(Deserialize)]
pub struct ReplyForm {
    school_id: Option<String>,
    invitation_id: Option<String>,
    reply: Option<String>,
    comment: Option<String>,
    back: Option<String>,
}

/// `POST /meetings/{id}/reply`: taken, back to where it was given;
/// refused, the meeting's page with the reason beside the form.
pub async fn reply(
    visitor: Visitor,
    Path(meeting_id): Path<String>,
    PageForm(form): PageForm<ReplyForm>,
) -> Response {
    let refuse = |error| PageError::new(error, visitor.lang, &visitor.here).into_response();
    let form = match form {
        Ok(form) => form,
        Err(error) => return refuse(error),
    };
    let (meeting_id, school_id) = match meeting_key(&meeting_id, form.school_id.as_deref()) {
        Ok(key) => key,
        Err(error) => return refuse(error),
    };
    let invitation_id = form.invitation_id.unwrap_or_default();
    let comment = form.comment.unwrap_or_default();
    let reply = match form.reply.as_deref() {
        Some("accepted") => Some(Reply::Accepted),
        Some("declined") => Some(Reply::Declined),
        Some("tentative") => Some(Reply::Tentative),
        _ => None,
    };
    let answered = match reply {
        Some(reply) => {
            let body = ReplyBody {
                school_id: school_id.clone(),
                reply,
                comment: comment.clone(),
            };
            answer_invitation(&visitor.caller, &invitation_id, body).await
        }
        None => Err(Error::invalid("reply", "is required")),
    };
    let error = match answered {
        Ok(_) if form.back.as_deref() == Some(Back::List.word()) => {
            return Redirect::to(&format!("/meetings#meeting-{meeting_id}")).into_response();
        }
        Ok(_) => {
            let to = format!("/meetings/{meeting_id}?school_id={school_id}");
            return Redirect::to(&to).into_response();
        }
        Err(error) => error,
    };
    let conflict = MeetingTexts::of(visitor.lang).reply_refused;
    refused(
        &visitor,
        &meeting_id,
        &school_id,
        error,
        conflict,
        |message| {
            Trouble::Reply(ReplyTrouble {
                invitation_id,
                message,
                comment,
            })
        },
    )
    .await
}
