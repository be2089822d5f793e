//! Parent meetings in the matrix: a meeting of 5А its class teacher
//! planned, to which the class's guardians are invited, and the own
//! guardian's invitation to it.

use chrono::Days;
use otmetka_integration_tests::SANDBOX_TODAY;
use otmetka_proto::messaging::v1 as messaging;

use super::*;

/// A meeting of `class` a week after the sandbox's day.
fn of_class(school: &str, class: &str) -> messaging::CreateParentMeetingRequest {
    let start = (SANDBOX_TODAY + Days::new(7))
        .and_hms_opt(15, 0, 0)
        .expect("a time")
        .and_utc();
    messaging::CreateParentMeetingRequest {
        meeting: Some(messaging::ParentMeeting {
            school_id: school.into(),
            class_ids: vec![class.into()],
            title: "Итоги четверти".into(),
            start_time: Some(prost_types::Timestamp {
                seconds: start.timestamp(),
                nanos: 0,
            }),
            location: "Кабинет 12".into(),
            ..Default::default()
        }),
        request_id: String::new(),
    }
}

/// The meeting the rows read, planned by the class teacher, and the own
/// guardian's invitation to it, once it is sent.
pub(super) async fn fixture_meeting(
    messaging: &mut MessagingServiceClient<Channel>,
    school: &str,
    class: &str,
    class_teacher: &str,
    own_guardian: &str,
) -> (String, String) {
    let id = messaging
        .create_parent_meeting(with_token(class_teacher, of_class(school, class)))
        .await
        .unwrap()
        .into_inner()
        .meeting
        .unwrap()
        .id;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let own = messaging
            .list_meeting_invitations(with_token(
                own_guardian,
                messaging::ListMeetingInvitationsRequest {
                    school_id: school.into(),
                    meeting_id: id.clone(),
                    ..Default::default()
                },
            ))
            .await;
        if let Ok(own) = own
            && let Some(invitation) = own.into_inner().invitations.pop()
        {
            return (id, invitation.id);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never invited the class"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub(super) async fn call_meetings(f: &mut Fixture, rpc: Rpc, token: &str) -> Result<(), Code> {
    let m = &mut f.messaging.clone();
    let school_id = f.school.clone();
    match rpc {
        Rpc::CreateParentMeeting => ok(m
            .create_parent_meeting(with_token(token, of_class(&school_id, &f.class_5a)))
            .await),
        Rpc::GetParentMeeting => ok(m
            .get_parent_meeting(with_token(
                token,
                messaging::GetParentMeetingRequest {
                    school_id,
                    id: f.meeting.clone(),
                },
            ))
            .await),
        Rpc::ListParentMeetings => ok(m
            .list_parent_meetings(with_token(
                token,
                messaging::ListParentMeetingsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::UpdateParentMeeting => ok(m
            .update_parent_meeting(with_token(
                token,
                messaging::UpdateParentMeetingRequest {
                    meeting: Some(messaging::ParentMeeting {
                        school_id,
                        id: f.meeting.clone(),
                        title: "Итоги второй четверти".into(),
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["title".into()],
                    }),
                },
            ))
            .await),
        Rpc::CancelParentMeeting => {
            let planned = m
                .create_parent_meeting(with_token(
                    &f.token(Who::ClassTeacher),
                    of_class(&school_id, &f.class_5a),
                ))
                .await
                .unwrap()
                .into_inner()
                .meeting
                .unwrap();
            ok(m.cancel_parent_meeting(with_token(
                token,
                messaging::CancelParentMeetingRequest {
                    school_id,
                    id: planned.id,
                    reason: "Карантин".into(),
                },
            ))
            .await)
        }
        Rpc::ListMeetingInvitations => ok(m
            .list_meeting_invitations(with_token(
                token,
                messaging::ListMeetingInvitationsRequest {
                    school_id,
                    meeting_id: f.meeting.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ReplyMeetingInvitation => ok(m
            .reply_meeting_invitation(with_token(
                token,
                messaging::ReplyMeetingInvitationRequest {
                    school_id,
                    invitation_id: f.invitation.clone(),
                    reply: messaging::InvitationReply::Accepted.into(),
                    comment: String::new(),
                },
            ))
            .await),
        rpc => unreachable!("{rpc:?} is not a meeting's"),
    }
}
