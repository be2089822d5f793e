//! Stored types to the contract's messages.

use otmetka_platform::ids::optional_text;
use otmetka_platform::time::to_timestamp;
use otmetka_proto::messaging::v1 as pb;
use prost_types::Duration;

use crate::model::{
    Announcement, AnnouncementKind, AnnouncementState, AudienceRole, Invitation, Meeting,
    MeetingState, Message, Notification, NotificationKind, Participant, ParticipantRole, Reach,
    Reply, ReplyCounts, ThreadView,
};
use crate::store::deliveries::{Delivery, DeliveryState};
use crate::store::notifications::InApp;

pub fn message(message: Message) -> pb::ThreadMessage {
    pb::ThreadMessage {
        id: message.id.to_string(),
        school_id: message.school_id.to_string(),
        thread_id: message.thread_id.to_string(),
        author_id: message.author_id.to_string(),
        text: message.text,
        create_time: Some(to_timestamp(message.created_at)),
    }
}

fn role(role: ParticipantRole) -> pb::ParticipantRole {
    match role {
        ParticipantRole::Guardian => pb::ParticipantRole::Guardian,
        ParticipantRole::Student => pb::ParticipantRole::Student,
        ParticipantRole::Staff => pb::ParticipantRole::Staff,
    }
}

fn participant(participant: Participant) -> pb::ThreadParticipant {
    pb::ThreadParticipant {
        person_id: participant.person_id.to_string(),
        role: role(participant.role).into(),
        display_name: participant.display_name,
        last_read_message_id: optional_text(participant.last_read_message_id),
        last_read_time: participant.last_read_at.map(to_timestamp),
    }
}

pub fn thread(view: ThreadView) -> pb::Thread {
    let ThreadView {
        thread,
        participants,
        last_message,
        unread,
        archived,
    } = view;
    pb::Thread {
        id: thread.id.to_string(),
        school_id: thread.school_id.to_string(),
        student_id: optional_text(thread.student_id),
        subject: thread.subject,
        participants: participants.into_iter().map(participant).collect(),
        created_by_id: thread.created_by.to_string(),
        update_time: Some(to_timestamp(last_message.created_at)),
        last_message: Some(message(last_message)),
        unread_count: count(unread),
        archived,
        create_time: Some(to_timestamp(thread.created_at)),
    }
}

pub fn notification_kind(kind: NotificationKind) -> pb::NotificationKind {
    match kind {
        NotificationKind::NewMark => pb::NotificationKind::NewMark,
        NotificationKind::MarkChanged => pb::NotificationKind::MarkChanged,
        NotificationKind::Attendance => pb::NotificationKind::Attendance,
        NotificationKind::FinalMark => pb::NotificationKind::FinalMark,
        NotificationKind::NewMessage => pb::NotificationKind::NewMessage,
        NotificationKind::Announcement => pb::NotificationKind::Announcement,
        NotificationKind::Meeting => pb::NotificationKind::Meeting,
        NotificationKind::NewHomework => pb::NotificationKind::NewHomework,
        NotificationKind::LessonChange => pb::NotificationKind::LessonChange,
    }
}

pub fn notification(notification: Notification) -> pb::Notification {
    let stored = to_timestamp(notification.created_at);
    pb::Notification {
        id: notification.id.to_string(),
        school_id: notification.school_id.to_string(),
        person_id: notification.person_id.to_string(),
        student_id: optional_text(notification.student_id),
        kind: notification_kind(notification.kind).into(),
        title: notification.title,
        body: notification.body,
        source_service: notification.source_service,
        source_event_id: notification.source_event_id,
        resource_type: notification.resource_type,
        resource_id: notification.resource_id,
        // In the app's list from the moment it is stored.
        deliveries: vec![pb::Delivery {
            channel: pb::DeliveryChannel::InApp.into(),
            state: pb::DeliveryState::Delivered.into(),
            attempt_count: 1,
            last_attempt_time: Some(stored),
            deliver_time: Some(stored),
            ..Default::default()
        }],
        read_time: notification.read_at.map(to_timestamp),
        create_time: Some(stored),
        expire_time: None,
    }
}

/// A listed notification with how it fared on each channel: in the app
/// (muted, or when a device confirmed it) and by e-mail.
pub fn listed_notification(
    notification: Notification,
    in_app: Option<&InApp>,
    email: Option<&Delivery>,
) -> pb::Notification {
    let mut listed = self::notification(notification);
    if let Some(in_app) = in_app {
        let shown = &mut listed.deliveries[0];
        if !in_app.in_app {
            shown.state = pb::DeliveryState::Skipped.into();
            shown.deliver_time = None;
        } else if let Some(confirmed) = in_app.delivered_at {
            shown.deliver_time = Some(to_timestamp(confirmed));
        }
    }
    listed.deliveries.extend(email.map(email_delivery));
    listed
}

fn email_delivery(delivery: &Delivery) -> pb::Delivery {
    let state = match delivery.state {
        DeliveryState::Pending => pb::DeliveryState::Pending,
        DeliveryState::Sent => pb::DeliveryState::Sent,
        DeliveryState::Failed => pb::DeliveryState::Failed,
        DeliveryState::Skipped => pb::DeliveryState::Skipped,
    };
    pb::Delivery {
        channel: pb::DeliveryChannel::Email.into(),
        state: state.into(),
        attempt_count: delivery.attempts,
        last_attempt_time: delivery.last_attempt_at.map(to_timestamp),
        next_attempt_time: (delivery.state == DeliveryState::Pending)
            .then(|| to_timestamp(delivery.due_at)),
        deliver_time: delivery.sent_at.map(to_timestamp),
        last_error: delivery.last_error.clone(),
    }
}

/// An announcement as the caller sees it: `read` by them, with its `reach`
/// for its author and the school's management.
pub fn announcement(
    announcement: Announcement,
    read: bool,
    reach: Option<Reach>,
) -> pb::Announcement {
    let audience = &announcement.audience;
    pb::Announcement {
        id: announcement.id.to_string(),
        school_id: announcement.school_id.to_string(),
        kind: match announcement.kind {
            AnnouncementKind::News => pb::AnnouncementKind::News,
            AnnouncementKind::Announcement => pb::AnnouncementKind::Announcement,
        }
        .into(),
        audience: Some(pb::Audience {
            whole_school: audience.whole_school,
            grade_levels: audience.grade_levels.0.clone(),
            class_ids: texts(&audience.class_ids.0),
            roles: audience
                .roles
                .0
                .iter()
                .map(|role| {
                    match role {
                        AudienceRole::Guardians => pb::AudienceRole::Guardians,
                        AudienceRole::Students => pb::AudienceRole::Students,
                        AudienceRole::Staff => pb::AudienceRole::Staff,
                    }
                    .into()
                })
                .collect(),
            group_ids: texts(&audience.group_ids.0),
        }),
        title: announcement.title,
        body: announcement.body,
        pinned: announcement.pinned,
        state: match announcement.state {
            AnnouncementState::Draft => pb::AnnouncementState::Draft,
            AnnouncementState::Published => pb::AnnouncementState::Published,
            AnnouncementState::Withdrawn => pb::AnnouncementState::Withdrawn,
        }
        .into(),
        publish_time: announcement.publish_at.map(to_timestamp),
        expire_time: announcement.expire_at.map(to_timestamp),
        author_id: announcement.author_id.to_string(),
        read,
        create_time: Some(to_timestamp(announcement.created_at)),
        update_time: Some(to_timestamp(announcement.updated_at)),
        reach: reach.map(|reach| pb::AnnouncementReach {
            families: count(reach.families),
            families_read: count(reach.families_read),
            staff: count(reach.staff),
            staff_read: count(reach.staff_read),
        }),
    }
}

/// A count as the contract holds it.
pub fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn texts<T: ToString>(ids: &[T]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

/// A meeting as the caller sees it: with its reply totals for its
/// organizer and the school's management.
pub fn meeting(meeting: Meeting, counts: Option<ReplyCounts>) -> pb::ParentMeeting {
    pb::ParentMeeting {
        id: meeting.id.to_string(),
        school_id: meeting.school_id.to_string(),
        class_ids: texts(&meeting.class_ids.0),
        student_ids: texts(&meeting.student_ids.0),
        title: meeting.title,
        description: meeting.description,
        start_time: Some(to_timestamp(meeting.start_at)),
        duration: Some(Duration {
            seconds: meeting.duration_seconds,
            nanos: 0,
        }),
        location: meeting.location,
        online_url: meeting.online_url,
        reply_deadline: meeting.reply_deadline.map(to_timestamp),
        state: match meeting.state {
            MeetingState::Scheduled => pb::ParentMeetingState::Scheduled,
            MeetingState::Cancelled => pb::ParentMeetingState::Cancelled,
        }
        .into(),
        cancel_reason: meeting.cancel_reason,
        organizer_id: meeting.organizer_id.to_string(),
        reply_counts: counts.map(|counts| pb::ReplyCounts {
            invited: count(counts.invited),
            accepted: count(counts.accepted),
            declined: count(counts.declined),
            tentative: count(counts.tentative),
            no_reply: count(counts.invited - counts.accepted - counts.declined - counts.tentative),
        }),
        create_time: Some(to_timestamp(meeting.created_at)),
        update_time: Some(to_timestamp(meeting.updated_at)),
    }
}

pub fn reply(reply: Option<Reply>) -> pb::InvitationReply {
    match reply {
        None => pb::InvitationReply::Unspecified,
        Some(Reply::Accepted) => pb::InvitationReply::Accepted,
        Some(Reply::Declined) => pb::InvitationReply::Declined,
        Some(Reply::Tentative) => pb::InvitationReply::Tentative,
    }
}

pub fn invitation(invitation: Invitation) -> pb::MeetingInvitation {
    pb::MeetingInvitation {
        id: invitation.id.to_string(),
        school_id: invitation.school_id.to_string(),
        meeting_id: invitation.meeting_id.to_string(),
        guardian_id: invitation.guardian_id.to_string(),
        student_id: invitation.student_id.to_string(),
        reply: reply(invitation.reply.0).into(),
        reply_comment: invitation.reply_comment,
        reply_time: invitation.replied_at.map(to_timestamp),
        create_time: Some(to_timestamp(invitation.created_at)),
    }
}
