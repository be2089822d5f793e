//! The calls the tests make as one person or another: planning, reading,
//! changing and cancelling a meeting, its invitations and replies, and what
//! each person was told of it.

use super::*;

impl School {
    pub(super) async fn create(
        &self,
        organizer: &Person,
        meeting: pb::ParentMeeting,
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::CreateParentMeetingRequest {
            meeting: Some(meeting),
            request_id: String::new(),
        };
        Ok(self
            .messaging
            .clone()
            .create_parent_meeting(with_token(&organizer.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    pub(super) async fn get(
        &self,
        reader: &Person,
        id: &str,
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::GetParentMeetingRequest {
            school_id: self.id.clone(),
            id: id.into(),
        };
        Ok(self
            .messaging
            .clone()
            .get_parent_meeting(with_token(&reader.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    pub(super) async fn update(
        &self,
        editor: &Person,
        meeting: pb::ParentMeeting,
        paths: &[&str],
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::UpdateParentMeetingRequest {
            meeting: Some(pb::ParentMeeting {
                school_id: self.id.clone(),
                ..meeting
            }),
            update_mask: Some(FieldMask {
                paths: paths.iter().map(|path| (*path).to_owned()).collect(),
            }),
        };
        Ok(self
            .messaging
            .clone()
            .update_parent_meeting(with_token(&editor.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    pub(super) async fn cancel(
        &self,
        editor: &Person,
        id: &str,
        reason: &str,
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::CancelParentMeetingRequest {
            school_id: self.id.clone(),
            id: id.into(),
            reason: reason.into(),
        };
        Ok(self
            .messaging
            .clone()
            .cancel_parent_meeting(with_token(&editor.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    /// The meetings `reader` lists: invited to, or of the school.
    pub(super) async fn listed(
        &self,
        reader: &Person,
        request: pb::ListParentMeetingsRequest,
    ) -> Vec<String> {
        self.messaging
            .clone()
            .list_parent_meetings(with_token(&reader.token, request))
            .await
            .expect("a list")
            .into_inner()
            .meetings
            .into_iter()
            .map(|meeting| meeting.id)
            .collect()
    }

    /// The invitations of a meeting `reader` may see, or with an empty
    /// `meeting_id` their own.
    pub(super) async fn invitations(
        &self,
        reader: &Person,
        meeting_id: &str,
        reply: pb::InvitationReply,
    ) -> Result<Vec<pb::MeetingInvitation>, tonic::Status> {
        let request = pb::ListMeetingInvitationsRequest {
            school_id: self.id.clone(),
            meeting_id: meeting_id.into(),
            reply: reply.into(),
            ..Default::default()
        };
        Ok(self
            .messaging
            .clone()
            .list_meeting_invitations(with_token(&reader.token, request))
            .await?
            .into_inner()
            .invitations)
    }

    /// `guardian`'s one invitation to the meeting.
    pub(super) async fn invitation_of(&self, guardian: &Person, meeting_id: &str) -> String {
        let own = self
            .invitations(guardian, meeting_id, pb::InvitationReply::Unspecified)
            .await
            .expect("one's own invitations");
        assert_eq!(own.len(), 1, "{own:#?}");
        own[0].id.clone()
    }

    pub(super) async fn reply(
        &self,
        guardian: &Person,
        invitation_id: &str,
        reply: pb::InvitationReply,
        comment: &str,
    ) -> Result<pb::MeetingInvitation, tonic::Status> {
        let request = pb::ReplyMeetingInvitationRequest {
            school_id: self.id.clone(),
            invitation_id: invitation_id.into(),
            reply: reply.into(),
            comment: comment.into(),
        };
        Ok(self
            .messaging
            .clone()
            .reply_meeting_invitation(with_token(&guardian.token, request))
            .await?
            .into_inner()
            .invitation
            .expect("the invitation"))
    }

    /// The meeting as its organizer sees it once `count` invitations are
    /// out (a page of invitations is written at once).
    pub(super) async fn invited(
        &self,
        organizer: &Person,
        id: &str,
        count: i32,
    ) -> pb::ParentMeeting {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self.get(organizer, id).await.expect("the organizer's");
            let invited = found.reply_counts.expect("the organizer's totals").invited;
            if invited > 0 {
                assert_eq!(invited, count, "invited");
                return found;
            }
            assert!(tokio::time::Instant::now() < deadline, "nobody invited");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `person`'s notifications of the meeting `id`, oldest first.
    pub(super) async fn told(&self, person: &Person, id: &str) -> Vec<pb::Notification> {
        let request = pb::ListNotificationsRequest {
            person_id: person.id.clone(),
            kinds: vec![pb::NotificationKind::Meeting.into()],
            page_size: 100,
            ..Default::default()
        };
        let mut told: Vec<_> = self
            .messaging
            .clone()
            .list_notifications(with_token(&person.token, request))
            .await
            .expect("one's own notifications")
            .into_inner()
            .notifications
            .into_iter()
            .filter(|notification| notification.resource_id == id)
            .collect();
        told.reverse();
        told
    }

    /// The titles of `person`'s notifications of the meeting once there
    /// are `count` of them.
    pub(super) async fn told_titles(&self, person: &Person, id: &str, count: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let told = self.told(person, id).await;
            if told.len() >= count || tokio::time::Instant::now() > deadline {
                return told.into_iter().map(|n| n.title).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub(super) async fn pending(&self, person: &Person) -> i32 {
        self.messaging
            .clone()
            .get_unread_counts(with_token(
                &person.token,
                pb::GetUnreadCountsRequest::default(),
            ))
            .await
            .expect("counts")
            .into_inner()
            .pending_invitations
    }
}

/// (invited, accepted, declined, tentative, no reply) as the organizer
/// reads them.
pub(super) fn totals(meeting: &pb::ParentMeeting) -> (i32, i32, i32, i32, i32) {
    let counts = meeting.reply_counts.expect("totals");
    (
        counts.invited,
        counts.accepted,
        counts.declined,
        counts.tentative,
        counts.no_reply,
    )
}
