//! Changes to a parent meeting, by its organizer or the school's
//! management: its words, time and place (a change of time or place is
//! told to every invitee, in the transaction that makes it), and its
//! cancellation, told to every invitee once.

use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::text::TextRule;
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;

use super::MessagingApi;
use super::meeting_fields::{self as fields, DESCRIPTION, LOCATION, TITLE};
use crate::model::{MeetingId, MeetingState};
use crate::notify::inviter::notice;
use crate::notify::texts::MeetingNews;
use crate::notify::told;
use crate::store;

const REASON: TextRule = TextRule::text(1_000);
const UPDATABLE: [&str; 9] = [
    "title",
    "description",
    "start_time",
    "duration",
    "location",
    "online_url",
    "reply_deadline",
    "class_ids",
    "student_ids",
];
/// Whom the meeting invites: fixed once inviting has begun. Invitations
/// are not withdrawn: a meeting for other families is cancelled and
/// planned anew.
const INVITEES: [&str; 2] = ["class_ids", "student_ids"];

pub async fn update_parent_meeting(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::UpdateParentMeetingRequest,
) -> Result<pb::UpdateParentMeetingResponse> {
    let changes = request
        .meeting
        .ok_or_else(|| Error::invalid("meeting", "is required"))?;
    let school_id = SchoolId::parse("meeting.school_id", &changes.school_id)?;
    let id = MeetingId::parse("meeting.id", &changes.id)?;
    let paths = request
        .update_mask
        .map(|mask| mask.paths)
        .unwrap_or_default();
    let mut violations = Violations::new();
    if paths.is_empty() {
        violations.add(
            "update_mask",
            format!("name the fields to change: {}", UPDATABLE.join(", ")),
        );
    }
    let before = api.organized(&ctx, school_id, id).await?;
    if before.state == MeetingState::Cancelled {
        return Err(Error::FailedPrecondition(
            "the meeting was cancelled".into(),
        ));
    }
    let now = api.clock.now();
    let mut meeting = before.clone();
    for path in &paths {
        match path.as_str() {
            "title" => {
                meeting.title = TITLE
                    .check("meeting.title", &changes.title, &mut violations)
                    .to_owned();
            }
            "description" => {
                meeting.description = DESCRIPTION
                    .check("meeting.description", &changes.description, &mut violations)
                    .to_owned();
            }
            "start_time" => {
                if let Some(start) =
                    fields::start(changes.start_time.as_ref(), now, &mut violations)
                {
                    meeting.start_at = start;
                }
            }
            "duration" => {
                meeting.duration_seconds =
                    fields::duration(changes.duration.as_ref(), &mut violations);
            }
            "location" => {
                meeting.location = LOCATION
                    .check("meeting.location", &changes.location, &mut violations)
                    .to_owned();
            }
            "online_url" => {
                meeting.online_url = fields::online_url(&changes.online_url, &mut violations);
            }
            "reply_deadline" => {
                meeting.reply_deadline =
                    fields::reply_deadline(changes.reply_deadline.as_ref(), now, &mut violations);
            }
            "class_ids" => {
                meeting.class_ids = fields::class_ids(&changes.class_ids, &mut violations);
            }
            "student_ids" => {
                meeting.student_ids = fields::student_ids(&changes.student_ids, &mut violations);
            }
            other => violations.add(
                "update_mask",
                format!(
                    "{other:?} cannot be changed; allowed: {}",
                    UPDATABLE.join(", ")
                ),
            ),
        }
    }
    fields::check_meeting(&meeting, true, &mut violations);
    violations.into_result()?;
    let invitees_changed = paths.iter().any(|path| INVITEES.contains(&path.as_str()));
    if invitees_changed {
        if before.inviting_begun() {
            return Err(invitations_sent());
        }
        api.require_classes(&ctx, school_id, "meeting.class_ids", &meeting.class_ids.0)
            .await?;
        api.require_in_classes(&meeting).await?;
    }
    meeting.updated_at = now;
    meeting.revision = before.revision + 1;
    let moved = meeting.start_at != before.start_at
        || meeting.duration_seconds != before.duration_seconds
        || meeting.location != before.location
        || meeting.online_url != before.online_url;
    let change = if moved {
        let zone = api.directory.timezone(school_id).await?;
        Some(notice(&meeting, MeetingNews::Change, zone))
    } else {
        None
    };
    let written = store::meetings::update(
        &api.db,
        &meeting,
        before.revision,
        invitees_changed,
        change.as_ref(),
    )
    .await?;
    let Some(stored) = written else {
        return Err(if invitees_changed {
            invitations_sent()
        } else {
            Error::FailedPrecondition("the meeting changed meanwhile; read it again".into())
        });
    };
    told(&api.stored, stored);
    // A page of invitations read before the change is written again as it
    // now stands, and a moved meeting may be due a reminder.
    api.planned.notify_one();
    let stored = store::meetings::get(&api.db, school_id, id)
        .await?
        .ok_or_else(|| Error::not_found("meeting"))?;
    Ok(pb::UpdateParentMeetingResponse {
        meeting: Some(api.as_organizer(stored).await?),
    })
}

fn invitations_sent() -> Error {
    Error::FailedPrecondition(
        "invitations have been sent: class_ids and student_ids can no longer change; \
         cancel the meeting and plan another"
            .into(),
    )
}

pub async fn cancel_parent_meeting(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::CancelParentMeetingRequest,
) -> Result<pb::CancelParentMeetingResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = MeetingId::parse("id", &request.id)?;
    let reason = REASON.parse("reason", &request.reason)?;
    let meeting = api.organized(&ctx, school_id, id).await?;
    if meeting.state == MeetingState::Scheduled {
        let zone = api.directory.timezone(school_id).await?;
        let cancellation = notice(&meeting, MeetingNews::Cancellation { reason }, zone);
        let now = api.clock.now();
        // Cancelled meanwhile by someone else: cancelled all the same.
        if let Some(stored) =
            store::meetings::cancel(&api.db, &meeting, reason, now, &cancellation).await?
        {
            told(&api.stored, stored);
        }
    }
    let stored = store::meetings::get(&api.db, school_id, id)
        .await?
        .ok_or_else(|| Error::not_found("meeting"))?;
    Ok(pb::CancelParentMeetingResponse {
        meeting: Some(api.as_organizer(stored).await?),
    })
}
