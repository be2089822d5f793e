//! Inviting: a planned meeting invites the guardians of its classes'
//! students (or of the students it names) as identity knows them then, a
//! page of students at a time. Each page writes its invitations, one
//! notification per guardian and how far inviting has gone in one
//! transaction; a guardian is invited once per student and told once per
//! meeting, so a restart (or a second replica) resumes where the last page
//! ended and nobody hears twice. A day before the start, everyone invited
//! who has not declined is reminded, once per start: a moved meeting
//! reminds again.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::StoredSignal;
use super::directory::Directory;
use super::texts::{self, MeetingNews};
use super::worker::Worker;
use crate::model::{Audience, AudienceRole, Listed, Meeting, MeetingNotice, ParticipantRole};
use crate::store;
use crate::store::announcements::Recipient;
use crate::store::invitations::{InvitedPage, NewInvitation};

/// Meetings taken up at once.
const BATCH: i64 = 10;
/// How often it looks for meetings planned on another replica; a reminder
/// wakes it at its time.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// What the invitees of `meeting` are told of `news`, with its start in
/// the school's `zone`, under a source event of its own: each change is
/// told under its revision and each reminder under the start it reminds
/// of, so each reaches a guardian once.
pub fn notice(meeting: &Meeting, news: MeetingNews<'_>, zone: chrono_tz::Tz) -> MeetingNotice {
    let start = meeting.start_at.with_timezone(&zone).naive_local();
    let (title, body) = texts::meeting(news, &meeting.title, start, &meeting.location);
    let id = meeting.id;
    let source_event_id = match news {
        MeetingNews::Invitation => format!("meeting/{id}"),
        MeetingNews::Change => format!("meeting/{id}/change/{}", meeting.revision),
        MeetingNews::Reminder => {
            format!("meeting/{id}/reminder/{}", meeting.start_at.timestamp())
        }
        MeetingNews::Cancellation { .. } => format!("meeting/{id}/cancelled"),
    };
    MeetingNotice {
        school_id: meeting.school_id,
        meeting_id: id,
        title,
        body,
        source_event_id,
    }
}

/// The guardians among a page of the classes' families, each with the
/// student they are invited about: every student's, or only those of the
/// students an individual meeting names.
fn invitees(meeting: &Meeting, members: &[Recipient]) -> Vec<NewInvitation> {
    let named = &meeting.student_ids.0;
    members
        .iter()
        .filter(|member| member.role == ParticipantRole::Guardian)
        .filter_map(|member| {
            let (student_id, class_id) = member.family?;
            (named.is_empty() || named.contains(&student_id)).then_some(NewInvitation {
                guardian_id: member.person_id,
                student_id,
                class_id,
            })
        })
        .collect()
}

pub struct Inviter {
    pub db: Db,
    pub directory: Directory,
    /// Woken when this replica plans or changes a meeting.
    pub planned: Arc<Notify>,
    pub stored: StoredSignal,
    /// When a reminder is due.
    pub clock: Clock,
}

impl Inviter {
    /// Invites and reminds until `shutdown` is cancelled; while identity or
    /// the database fails it backs off and tries again.
    pub async fn run(self, shutdown: CancellationToken) {
        let worker = Worker {
            doing: "inviting to meetings",
            failures: "otmetka_meeting_failures_total",
        };
        worker.run(&self.planned, shutdown, || self.work()).await;
    }

    /// Invites to every meeting not yet invited to and sends every reminder
    /// that is due; how long until the next reminder.
    async fn work(&self) -> Result<Duration> {
        loop {
            let uninvited = store::meetings::uninvited(&self.db, BATCH).await?;
            let full = uninvited.len() as i64 == BATCH;
            for meeting in &uninvited {
                self.invite(meeting).await?;
            }
            if !full {
                break;
            }
        }
        loop {
            let due = store::meetings::due_reminders(&self.db, self.clock.now(), BATCH).await?;
            let full = due.len() as i64 == BATCH;
            for meeting in &due {
                self.remind(meeting).await?;
            }
            if !full {
                break;
            }
        }
        let until_next = store::meetings::next_reminder(&self.db, self.clock.now())
            .await?
            .and_then(|due| (due - self.clock.now()).to_std().ok())
            .unwrap_or(IDLE_POLL);
        Ok(until_next.min(IDLE_POLL))
    }

    async fn invite(&self, meeting: &Meeting) -> Result<()> {
        let zone = self.directory.timezone(meeting.school_id).await?;
        let notice = notice(meeting, MeetingNews::Invitation, zone);
        let families = Audience {
            class_ids: meeting.class_ids.clone(),
            roles: Listed(vec![AudienceRole::Guardians]),
            ..Audience::default()
        };
        let mut cursor = meeting.invite_cursor.clone();
        loop {
            let (members, next) = self
                .directory
                .audience_page(meeting.school_id, &families, cursor.as_deref())
                .await?;
            let invitations = invitees(meeting, &members);
            // Notifications are instants on the system clock, as their ids are.
            let created_at = Utc::now();
            let mut told = HashSet::new();
            let notifications: Vec<_> = invitations
                .iter()
                .filter(|invitation| told.insert(invitation.guardian_id))
                .map(|invitation| notice.to(invitation.guardian_id, created_at))
                .collect();
            let page = InvitedPage {
                invitations: &invitations,
                notifications: &notifications,
                cursor: next.as_deref(),
                now: self.clock.now(),
            };
            let Some(told) = store::invitations::invite_page(&self.db, meeting, page).await? else {
                // Its next reading invites as it stands now, from this page on.
                tracing::info!(meeting = %meeting.id, "changed or cancelled while inviting");
                return Ok(());
            };
            super::told(&self.stored, told);
            match next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }

    async fn remind(&self, meeting: &Meeting) -> Result<()> {
        let zone = self.directory.timezone(meeting.school_id).await?;
        let notice = notice(meeting, MeetingNews::Reminder, zone);
        if let Some(told) = store::meetings::remind(&self.db, meeting, &notice).await? {
            super::told(&self.stored, told);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use otmetka_platform::ids::{ClassId, PersonId, SchoolId, StudentId};
    use uuid::Uuid;

    use super::*;
    use crate::model::{MeetingId, MeetingState};

    fn meeting(student_ids: Vec<StudentId>) -> Meeting {
        let start = "2026-12-03T11:00:00Z".parse::<DateTime<Utc>>().unwrap();
        Meeting {
            id: MeetingId::generate(),
            school_id: SchoolId(Uuid::now_v7()),
            class_ids: Listed(vec![ClassId(Uuid::now_v7())]),
            student_ids: Listed(student_ids),
            title: "Итоги четверти".into(),
            description: String::new(),
            start_at: start,
            duration_seconds: 3600,
            location: "Кабинет 12".into(),
            online_url: String::new(),
            reply_deadline: None,
            state: MeetingState::Scheduled,
            cancel_reason: String::new(),
            organizer_id: PersonId(Uuid::now_v7()),
            created_at: start,
            updated_at: start,
            revision: 3,
            invite_cursor: None,
            invited_at: None,
        }
    }

    fn member(role: ParticipantRole, student: StudentId) -> Recipient {
        Recipient {
            person_id: PersonId(Uuid::now_v7()),
            role,
            family: Some((student, ClassId(Uuid::now_v7()))),
        }
    }

    #[test]
    fn guardians_are_invited_about_the_students_named_or_all() {
        let (first, second) = (StudentId(Uuid::now_v7()), StudentId(Uuid::now_v7()));
        let members = [
            member(ParticipantRole::Guardian, first),
            member(ParticipantRole::Student, first),
            member(ParticipantRole::Guardian, second),
        ];
        let everyone = invitees(&meeting(Vec::new()), &members);
        assert_eq!(
            everyone.iter().map(|i| i.student_id).collect::<Vec<_>>(),
            vec![first, second]
        );
        let individual = invitees(&meeting(vec![second]), &members);
        assert_eq!(individual.len(), 1);
        assert_eq!(individual[0].guardian_id, members[2].person_id);
    }

    #[test]
    fn each_event_of_a_meeting_has_a_source_of_its_own_in_school_time() {
        let meeting = meeting(Vec::new());
        let moscow = chrono_tz::Europe::Moscow;
        let invitation = notice(&meeting, MeetingNews::Invitation, moscow);
        assert_eq!(invitation.body, "3 декабря, 14:00, Кабинет 12");
        assert_eq!(
            invitation.source_event_id,
            format!("meeting/{}", meeting.id)
        );
        let change = notice(&meeting, MeetingNews::Change, moscow);
        assert_eq!(
            change.source_event_id,
            format!("meeting/{}/change/3", meeting.id)
        );
        let reminder = notice(&meeting, MeetingNews::Reminder, chrono_tz::Asia::Omsk);
        assert_eq!(reminder.body, "3 декабря, 17:00, Кабинет 12");
        assert_eq!(
            reminder.source_event_id,
            format!(
                "meeting/{}/reminder/{}",
                meeting.id,
                meeting.start_at.timestamp()
            )
        );
        let cancelled = notice(&meeting, MeetingNews::Cancellation { reason: "" }, moscow);
        assert_eq!(
            cancelled.source_event_id,
            format!("meeting/{}/cancelled", meeting.id)
        );
    }
}
