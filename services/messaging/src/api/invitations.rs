//! Invitations to parent meetings: the replies of a meeting for its
//! organizer and the school's management, a guardian's own invitations,
//! replying until replies close, and the count of those still unanswered.

use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::{Page, bounded_page_size};
use otmetka_platform::text::TextRule;
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;

use super::{MessagingApi, convert};
use crate::model::{InvitationId, MeetingId, MeetingState, Reply};
use crate::store;
use crate::store::invitations::InvitationFilter;

const COMMENT: TextRule = TextRule::text(1_000);
const DEFAULT_INVITATIONS: u32 = 50;
const MAX_INVITATIONS: u32 = 500;

/// The reply a guardian gives; any other value is noted under `reply`.
fn reply_of(reply: i32, violations: &mut Violations) -> Reply {
    match pb::InvitationReply::try_from(reply) {
        Ok(pb::InvitationReply::Accepted) => Reply::Accepted,
        Ok(pb::InvitationReply::Declined) => Reply::Declined,
        Ok(pb::InvitationReply::Tentative) => Reply::Tentative,
        Ok(pb::InvitationReply::Unspecified) | Err(_) => {
            violations.add("reply", "must be ACCEPTED, DECLINED or TENTATIVE");
            Reply::Tentative
        }
    }
}

impl MessagingApi {
    /// Invitations the caller has without a reply, to scheduled meetings
    /// not yet started (in the school, if named), about students they
    /// still act for.
    pub(super) async fn pending_invitations(
        &self,
        ctx: &CallContext,
        school_id: Option<SchoolId>,
    ) -> Result<i64> {
        let caller = PersonId(ctx.person_id()?);
        let by_student =
            store::invitations::pending(&self.db, caller, school_id, self.clock.now()).await?;
        let mut pending = 0;
        for (student_id, count) in by_student {
            if self.identity.acts_for(ctx, student_id).await? {
                pending += count;
            }
        }
        Ok(pending)
    }
}

pub async fn list_meeting_invitations(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ListMeetingInvitationsRequest,
) -> Result<pb::ListMeetingInvitationsResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse_optional("school_id", &request.school_id)?;
    let meeting_id = MeetingId::parse_optional("meeting_id", &request.meeting_id)?;
    let mut violations = Violations::new();
    let reply = (request.reply != i32::from(pb::InvitationReply::Unspecified))
        .then(|| reply_of(request.reply, &mut violations));
    violations.into_result()?;
    let size = bounded_page_size(request.page_size, DEFAULT_INVITATIONS, MAX_INVITATIONS)?;
    let page = Page {
        size,
        ..Page::parse(0, &request.page_token)?
    };
    let mut filter = InvitationFilter {
        meeting_id,
        school_id,
        guardian: None,
        reply,
    };
    match meeting_id {
        Some(meeting_id) => {
            let school_id = school_id
                .ok_or_else(|| Error::invalid("school_id", "is required with meeting_id"))?;
            let not_found = || Error::not_found("meeting");
            let meeting = store::meetings::get(&api.db, school_id, meeting_id)
                .await?
                .ok_or_else(not_found)?;
            // The organizer and the management read every reply; an invitee
            // their own.
            if !api.organizes(&ctx, &meeting).await? {
                let invited = store::invitations::students_of(
                    &api.db,
                    caller,
                    Some(meeting_id),
                    Some(school_id),
                )
                .await?;
                let students = api.acting_for(&ctx, invited).await?;
                if students.is_empty() {
                    return Err(not_found());
                }
                filter.guardian = Some((caller, students));
            }
        }
        None => {
            let invited = store::invitations::students_of(&api.db, caller, None, school_id).await?;
            filter.guardian = Some((caller, api.acting_for(&ctx, invited).await?));
        }
    }
    let mut rows =
        store::invitations::list(&api.db, &filter, page.after_id()?, page.fetch_limit()).await?;
    let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
    Ok(pb::ListMeetingInvitationsResponse {
        invitations: rows.into_iter().map(convert::invitation).collect(),
        next_page_token,
    })
}

pub async fn reply_meeting_invitation(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ReplyMeetingInvitationRequest,
) -> Result<pb::ReplyMeetingInvitationResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = InvitationId::parse("invitation_id", &request.invitation_id)?;
    let mut violations = Violations::new();
    let reply = reply_of(request.reply, &mut violations);
    let comment = COMMENT.check("comment", &request.comment, &mut violations);
    violations.into_result()?;
    let not_found = || Error::not_found("invitation");
    let invitation = store::invitations::get(&api.db, school_id, id)
        .await?
        .ok_or_else(not_found)?;
    if invitation.guardian_id != caller
        || !api.identity.acts_for(&ctx, invitation.student_id).await?
    {
        return Err(not_found());
    }
    let meeting = store::meetings::get(&api.db, school_id, invitation.meeting_id)
        .await?
        .ok_or_else(not_found)?;
    if meeting.state == MeetingState::Cancelled {
        return Err(Error::FailedPrecondition(
            "the meeting was cancelled".into(),
        ));
    }
    let now = api.clock.now();
    if now >= meeting.replies_close_at() {
        return Err(Error::FailedPrecondition(
            "replies to this meeting are closed".into(),
        ));
    }
    if !store::invitations::reply(&api.db, id, reply, comment, now).await? {
        return Err(Error::FailedPrecondition(
            "the meeting was cancelled or its replies closed meanwhile".into(),
        ));
    }
    let answered = store::invitations::get(&api.db, school_id, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(pb::ReplyMeetingInvitationResponse {
        invitation: Some(convert::invitation(answered)),
    })
}
