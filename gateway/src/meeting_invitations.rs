//! Invitations to parent meetings, one per guardian and student: who
//! replied what, for the organizer and the school's management (a guardian
//! reads only their own), and a guardian's reply, which a later one
//! replaces until replies close.

use axum::Json;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required, timestamp};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::meetings::meeting_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Will come.
    Accepted,
    /// Will not come.
    Declined,
    /// Not sure yet.
    Tentative,
}

impl Reply {
    fn from_proto(reply: i32) -> Option<Self> {
        match messaging::InvitationReply::try_from(reply).ok()? {
            messaging::InvitationReply::Accepted => Some(Self::Accepted),
            messaging::InvitationReply::Declined => Some(Self::Declined),
            messaging::InvitationReply::Tentative => Some(Self::Tentative),
            messaging::InvitationReply::Unspecified => None,
        }
    }

    fn to_proto(self) -> i32 {
        match self {
            Self::Accepted => messaging::InvitationReply::Accepted,
            Self::Declined => messaging::InvitationReply::Declined,
            Self::Tentative => messaging::InvitationReply::Tentative,
        }
        .into()
    }
}

#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub school_id: String,
    pub meeting_id: String,
    pub guardian_id: String,
    /// The child it concerns.
    pub student_id: String,
    /// Absent until the guardian replies.
    pub reply: Option<Reply>,
    pub comment: String,
    pub replied_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
}

impl From<messaging::MeetingInvitation> for InvitationView {
    fn from(invitation: messaging::MeetingInvitation) -> Self {
        Self {
            id: invitation.id,
            school_id: invitation.school_id,
            meeting_id: invitation.meeting_id,
            guardian_id: invitation.guardian_id,
            student_id: invitation.student_id,
            reply: Reply::from_proto(invitation.reply),
            comment: invitation.reply_comment,
            replied_at: timestamp(invitation.reply_time),
            created_at: timestamp(invitation.create_time),
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct InvitationsQuery {
    #[param(required = true, format = Uuid)]
    pub school_id: Option<String>,
    /// Only those with this reply.
    pub reply: Option<Reply>,
    /// 1–500; 50 when absent.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    pub page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    pub page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationsView {
    pub invitations: Vec<InvitationView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// `GET /api/v1/meetings/{meeting_id}/invitations?school_id=`: every
/// invitation and its reply for the organizer and the school's
/// management; an invited guardian's own.
#[utoipa::path(get, path = "/api/v1/meetings/{meeting_id}/invitations", tag = "messages",
    params(("meeting_id" = String, Path, format = Uuid, description = "The meeting"),
        InvitationsQuery),
    responses((status = 200, description = "The invitations", body = InvitationsView)))]
pub async fn list_invitations(
    caller: Caller,
    ApiPath(meeting_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<InvitationsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_invitations(&caller, &meeting_id, &query)
                .await
                .map(Json)
        })
        .await
}

pub async fn load_invitations(
    caller: &Caller,
    meeting_id: &str,
    query: &InvitationsQuery,
) -> Result<InvitationsView> {
    let (meeting_id, school_id) = meeting_key(meeting_id, query.school_id.as_deref())?;
    let mut params = Params::new();
    let page_size = params.page_size(query.page_size.as_deref());
    params.finish()?;
    let reply = caller
        .messaging()
        .list_meeting_invitations(caller.request(messaging::ListMeetingInvitationsRequest {
            school_id,
            meeting_id,
            reply: query.reply.map_or(0, Reply::to_proto),
            page_size,
            page_token: query.page_token.clone().unwrap_or_default(),
        })?)
        .await?
        .into_inner();
    Ok(InvitationsView {
        invitations: reply
            .invitations
            .into_iter()
            .map(InvitationView::from)
            .collect(),
        next_page_token: reply.next_page_token,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct ReplyBody {
    #[schema(format = Uuid)]
    pub school_id: String,
    pub reply: Reply,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: String,
}

/// `PUT /api/v1/meeting-invitations/{invitation_id}/reply`: the invited
/// guardian's reply, replacing an earlier one, until the reply deadline
/// (or the start); a cancelled meeting takes none (409).
#[utoipa::path(put, path = "/api/v1/meeting-invitations/{invitation_id}/reply", tag = "messages",
    params(("invitation_id" = String, Path, format = Uuid, description = "The invitation")),
    request_body = ReplyBody,
    responses((status = 200, description = "The invitation with the reply", body = InvitationView)))]
pub async fn reply_invitation(
    caller: Caller,
    ApiPath(invitation_id): ApiPath<String>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            answer_invitation(&caller, &invitation_id, body)
                .await
                .map(Json)
        })
        .await
}

pub async fn answer_invitation(
    caller: &Caller,
    invitation_id: &str,
    body: ReplyBody,
) -> Result<InvitationView> {
    let invitation_id = path_id("invitation", invitation_id)?;
    let reply = caller
        .messaging()
        .reply_meeting_invitation(caller.request(messaging::ReplyMeetingInvitationRequest {
            school_id: body.school_id,
            invitation_id,
            reply: body.reply.to_proto(),
            comment: body.comment,
        })?)
        .await?
        .into_inner();
    Ok(required(reply.invitation, "invitation")?.into())
}
