//! Parent meetings: planning one (a class teacher for their class, the
//! school's management for any) and reading them (the organizer and the
//! management with reply totals, invited guardians without). Invitations
//! go out in the background (the inviter).

use std::collections::HashSet;

use chrono::DateTime;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PersonId, SchoolId, StudentId};
use otmetka_platform::paging::{Page, bad_token, bounded_page_size};
use otmetka_platform::time::{from_timestamp, optional_id};
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;

use super::meeting_fields::{self as fields, DESCRIPTION, LOCATION, TITLE};
use super::{MessagingApi, convert};
use crate::model::{Audience, AudienceRole, Listed, Meeting, MeetingId, MeetingState};
use crate::store;
use crate::store::meetings::{MeetingFilter, MeetingKey, Shelf};

const DEFAULT_MEETINGS: u32 = 20;
const MAX_MEETINGS: u32 = 100;

impl MessagingApi {
    /// Whether the caller organized the meeting or manages its school.
    pub(super) async fn organizes(&self, ctx: &CallContext, meeting: &Meeting) -> Result<bool> {
        Ok(meeting.organizer_id == PersonId(ctx.person_id()?)
            || self.manages_school(ctx, meeting.school_id).await?)
    }

    /// A meeting the caller organized or manages, or "not found".
    pub(super) async fn organized(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        id: MeetingId,
    ) -> Result<Meeting> {
        let not_found = || Error::not_found("meeting");
        let meeting = store::meetings::get(&self.db, school_id, id)
            .await?
            .ok_or_else(not_found)?;
        if self.organizes(ctx, &meeting).await? {
            Ok(meeting)
        } else {
            Err(not_found())
        }
    }

    /// The meeting as its organizer sees it: with its reply totals.
    pub(super) async fn as_organizer(&self, meeting: Meeting) -> Result<pb::ParentMeeting> {
        let counts = store::meetings::reply_counts(&self.db, meeting.id).await?;
        Ok(convert::meeting(meeting, Some(counts)))
    }

    /// Those of `students` the caller acts for now (a guardianship that
    /// ended invites to nothing more).
    pub(super) async fn acting_for(
        &self,
        ctx: &CallContext,
        students: Vec<StudentId>,
    ) -> Result<Vec<StudentId>> {
        let mut kept = Vec::with_capacity(students.len());
        for student_id in students {
            if self.identity.acts_for(ctx, student_id).await? {
                kept.push(student_id);
            }
        }
        Ok(kept)
    }

    /// Refuses, naming each, the students an individual meeting names who
    /// are not in one of its classes today.
    pub(super) async fn require_in_classes(&self, meeting: &Meeting) -> Result<()> {
        if meeting.student_ids.0.is_empty() {
            return Ok(());
        }
        let students = Audience {
            class_ids: meeting.class_ids.clone(),
            roles: Listed(vec![AudienceRole::Students]),
            ..Audience::default()
        };
        let mut enrolled = HashSet::new();
        let mut cursor = None;
        loop {
            let (members, next) = self
                .directory
                .audience_page(meeting.school_id, &students, cursor.as_deref())
                .await?;
            enrolled.extend(
                members
                    .iter()
                    .filter_map(|member| member.family.map(|f| f.0)),
            );
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut violations = Violations::new();
        for (index, student_id) in meeting.student_ids.0.iter().enumerate() {
            if !enrolled.contains(student_id) {
                violations.add(
                    format!("meeting.student_ids[{index}]"),
                    "is not a student of the meeting's classes",
                );
            }
        }
        violations.into_result()
    }
}

/// The meeting as an invitee sees it: without totals, and of an individual
/// meeting only the students the invitee acts for.
fn as_invitee(mut meeting: Meeting, students: &[StudentId]) -> pb::ParentMeeting {
    meeting.student_ids.0.retain(|id| students.contains(id));
    convert::meeting(meeting, None)
}

pub async fn create_parent_meeting(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::CreateParentMeetingRequest,
) -> Result<pb::CreateParentMeetingResponse> {
    let caller = PersonId(ctx.person_id()?);
    let input = request
        .meeting
        .ok_or_else(|| Error::invalid("meeting", "is required"))?;
    let school_id = SchoolId::parse("meeting.school_id", &input.school_id)?;
    let request_id = optional_id("request_id", &request.request_id)?;
    let now = api.clock.now();
    let mut violations = Violations::new();
    let class_ids = fields::class_ids(&input.class_ids, &mut violations);
    let student_ids = fields::student_ids(&input.student_ids, &mut violations);
    let title = TITLE.check("meeting.title", &input.title, &mut violations);
    let description = DESCRIPTION.check("meeting.description", &input.description, &mut violations);
    let start_at = fields::start(input.start_time.as_ref(), now, &mut violations);
    let duration_seconds = fields::duration(input.duration.as_ref(), &mut violations);
    let location = LOCATION.check("meeting.location", &input.location, &mut violations);
    let online_url = fields::online_url(&input.online_url, &mut violations);
    let reply_deadline =
        fields::reply_deadline(input.reply_deadline.as_ref(), now, &mut violations);
    let meeting = Meeting {
        id: MeetingId::generate(),
        school_id,
        class_ids,
        student_ids,
        title: title.to_owned(),
        description: description.to_owned(),
        start_at: start_at.unwrap_or(now),
        duration_seconds,
        location: location.to_owned(),
        online_url,
        reply_deadline,
        state: MeetingState::Scheduled,
        cancel_reason: String::new(),
        organizer_id: caller,
        created_at: now,
        updated_at: now,
        revision: 1,
        invite_cursor: None,
        invited_at: None,
    };
    fields::check_meeting(&meeting, start_at.is_some(), &mut violations);
    violations.into_result()?;
    api.require_classes(&ctx, school_id, "meeting.class_ids", &meeting.class_ids.0)
        .await?;
    api.require_in_classes(&meeting).await?;
    let written = store::meetings::insert(&api.db, &meeting, request_id).await?;
    api.planned.notify_one();
    let stored = store::meetings::get(&api.db, school_id, written.into_inner())
        .await?
        .ok_or_else(|| Error::not_found("meeting"))?;
    Ok(pb::CreateParentMeetingResponse {
        meeting: Some(api.as_organizer(stored).await?),
    })
}

pub async fn get_parent_meeting(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::GetParentMeetingRequest,
) -> Result<pb::GetParentMeetingResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = MeetingId::parse("id", &request.id)?;
    let not_found = || Error::not_found("meeting");
    let meeting = store::meetings::get(&api.db, school_id, id)
        .await?
        .ok_or_else(not_found)?;
    if api.organizes(&ctx, &meeting).await? {
        return Ok(pb::GetParentMeetingResponse {
            meeting: Some(api.as_organizer(meeting).await?),
        });
    }
    let invited =
        store::invitations::students_of(&api.db, caller, Some(id), Some(school_id)).await?;
    let students = api.acting_for(&ctx, invited).await?;
    if students.is_empty() {
        return Err(not_found());
    }
    Ok(pb::GetParentMeetingResponse {
        meeting: Some(as_invitee(meeting, &students)),
    })
}

pub async fn list_parent_meetings(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ListParentMeetingsRequest,
) -> Result<pb::ListParentMeetingsResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse_optional("school_id", &request.school_id)?;
    let class_id = ClassId::parse_optional("class_id", &request.class_id)?;
    let start_after = request
        .start_after
        .as_ref()
        .map(|start| from_timestamp("start_after", start))
        .transpose()?;
    let size = bounded_page_size(request.page_size, DEFAULT_MEETINGS, MAX_MEETINGS)?;
    let page = Page {
        size,
        ..Page::parse(0, &request.page_token)?
    };
    let after = page
        .after_pair()?
        .map(|(start_at, id)| {
            let start_at = DateTime::parse_from_rfc3339(start_at).map_err(|_| bad_token())?;
            Ok::<_, Error>(MeetingKey {
                start_at: start_at.to_utc(),
                id,
            })
        })
        .transpose()?;
    let shelf = if request.invited_only {
        let invited = store::invitations::students_of(&api.db, caller, None, school_id).await?;
        Shelf::Invited {
            guardian: caller,
            students: api.acting_for(&ctx, invited).await?,
        }
    } else {
        let school_id = school_id
            .ok_or_else(|| Error::invalid("school_id", "is required unless invited_only"))?;
        if api.manages_school(&ctx, school_id).await? {
            Shelf::School
        } else {
            Shelf::Organized(caller)
        }
    };
    let filter = MeetingFilter {
        shelf,
        school_id,
        class_id,
        start_after,
    };
    let mut rows = store::meetings::list(&api.db, &filter, after, page.fetch_limit()).await?;
    let next_page_token = page.finish(&mut rows, |meeting| {
        format!("{}\0{}", meeting.start_at.to_rfc3339(), meeting.id)
    });
    let mut meetings = Vec::with_capacity(rows.len());
    for meeting in rows {
        meetings.push(match &filter.shelf {
            Shelf::Invited { students, .. } => as_invitee(meeting, students),
            Shelf::Organized(_) | Shelf::School => api.as_organizer(meeting).await?,
        });
    }
    Ok(pb::ListParentMeetingsResponse {
        meetings,
        next_page_token,
    })
}
