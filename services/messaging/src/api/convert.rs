//! Stored types to the contract's messages.

use otmetka_platform::ids::optional_text;
use otmetka_platform::time::to_timestamp;
use otmetka_proto::messaging::v1 as pb;

use crate::model::{Message, Participant, ParticipantRole, ThreadView};

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
        unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
        archived,
        create_time: Some(to_timestamp(thread.created_at)),
    }
}
