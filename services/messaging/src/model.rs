//! What messaging stores, and the newtypes that parse it.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId, SubjectId};

otmetka_platform::typed_id! {
    /// A conversation between families and staff.
    ThreadId;
    /// A message of a thread; ids grow with time.
    MessageId;
    /// A notification for one person; ids grow with time.
    NotificationId;
    /// News or an announcement of a school.
    AnnouncementId;
    /// A parent meeting of some classes.
    MeetingId;
    /// One guardian invited to a meeting about one student.
    InvitationId;
}

/// A stored word no version wrote fails the read.
macro_rules! stored_word {
    ($type:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $type {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($type::$variant => $word),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                [$($type::$variant),+].into_iter().find(|value| value.as_str() == text)
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $type {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $type::parse(text).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($type), " {:?}"), text)
                })
            }
        }

        impl TryFrom<String> for $type {
            type Error = String;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }
    };
}

/// How a person takes part in a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantRole {
    Guardian,
    Student,
    Staff,
}

stored_word!(ParticipantRole {
    Guardian => "guardian",
    Student => "student",
    Staff => "staff",
});

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Thread {
    pub id: ThreadId,
    pub school_id: SchoolId,
    pub student_id: Option<StudentId>,
    pub subject: String,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Participant {
    pub person_id: PersonId,
    #[sqlx(try_from = "String")]
    pub role: ParticipantRole,
    pub display_name: String,
    pub last_read_message_id: Option<MessageId>,
    pub last_read_at: Option<DateTime<Utc>>,
    pub archived: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: MessageId,
    pub school_id: SchoolId,
    pub thread_id: ThreadId,
    pub author_id: PersonId,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A thread as one participant sees it: everyone in it, the newest
/// message, and what this participant has not read.
#[derive(Debug, Clone)]
pub struct ThreadView {
    pub thread: Thread,
    pub participants: Vec<Participant>,
    pub last_message: Message,
    pub unread: i64,
    pub archived: bool,
}

/// What a piece of journal news about a student says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewsKind {
    NewMark,
    MarkChanged,
    MarkWithdrawn,
    Absent,
    Late,
    FinalMark,
}

stored_word!(NewsKind {
    NewMark => "new_mark",
    MarkChanged => "mark_changed",
    MarkWithdrawn => "mark_withdrawn",
    Absent => "absent",
    Late => "late",
    FinalMark => "final_mark",
});

/// News about a student that their family is still to hear.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct News {
    pub source_service: String,
    pub source_event_id: String,
    pub school_id: SchoolId,
    pub student_id: StudentId,
    pub subject_id: Option<SubjectId>,
    #[sqlx(try_from = "String")]
    pub kind: NewsKind,
    /// A mark's value, the minutes late.
    pub detail: String,
    pub day: Option<NaiveDate>,
    pub resource_type: String,
    pub resource_id: String,
    pub created_at: DateTime<Utc>,
}

/// What a notification is about, as the contract names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    NewMark,
    MarkChanged,
    Attendance,
    FinalMark,
    NewMessage,
    Announcement,
    Meeting,
    NewHomework,
    LessonChange,
}

stored_word!(NotificationKind {
    NewMark => "new_mark",
    MarkChanged => "mark_changed",
    Attendance => "attendance",
    FinalMark => "final_mark",
    NewMessage => "new_message",
    Announcement => "announcement",
    Meeting => "meeting",
    NewHomework => "new_homework",
    LessonChange => "lesson_change",
});

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: NotificationId,
    pub school_id: SchoolId,
    pub person_id: PersonId,
    pub student_id: Option<StudentId>,
    #[sqlx(try_from = "String")]
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub source_service: String,
    pub source_event_id: String,
    pub resource_type: String,
    pub resource_id: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// News is shown in the feed; an announcement also notifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementKind {
    News,
    Announcement,
}

stored_word!(AnnouncementKind {
    News => "news",
    Announcement => "announcement",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementState {
    Draft,
    Published,
    Withdrawn,
}

stored_word!(AnnouncementState {
    Draft => "draft",
    Published => "published",
    Withdrawn => "withdrawn",
});

/// Whom in the audience's classes an announcement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AudienceRole {
    Guardians,
    Students,
    Staff,
}

stored_word!(AudienceRole {
    Guardians => "guardians",
    Students => "students",
    Staff => "staff",
});

/// Values stored in one column, separated by commas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T>(pub Vec<T>);

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: std::str::FromStr> TryFrom<String> for Listed<T> {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.split(',')
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse()
                    .map_err(|_| format!("not a listed value: {part:?}"))
            })
            .collect::<Result<_, _>>()
            .map(Listed)
    }
}

impl<T: ToString> Listed<T> {
    pub fn stored(&self) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Whom an announcement reaches: the whole school or some grade levels,
/// classes and groups, and which roles in them.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Audience {
    pub whole_school: bool,
    #[sqlx(try_from = "String")]
    pub grade_levels: Listed<i32>,
    #[sqlx(try_from = "String")]
    pub class_ids: Listed<ClassId>,
    #[sqlx(try_from = "String")]
    pub group_ids: Listed<GroupId>,
    #[sqlx(try_from = "String")]
    pub roles: Listed<AudienceRole>,
}

impl Audience {
    pub fn reaches(&self, role: AudienceRole) -> bool {
        self.roles.0.contains(&role)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Announcement {
    pub id: AnnouncementId,
    pub school_id: SchoolId,
    #[sqlx(try_from = "String")]
    pub kind: AnnouncementKind,
    #[sqlx(flatten)]
    pub audience: Audience,
    pub title: String,
    pub body: String,
    pub pinned: bool,
    #[sqlx(try_from = "String")]
    pub state: AnnouncementState,
    pub publish_at: Option<DateTime<Utc>>,
    pub expire_at: Option<DateTime<Utc>>,
    pub author_id: PersonId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reach_cursor: Option<String>,
    pub reached_at: Option<DateTime<Utc>>,
}

/// How many an announcement reached, and how many of them read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub families: i64,
    pub families_read: i64,
    pub staff: i64,
    pub staff_read: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingState {
    Scheduled,
    Cancelled,
}

stored_word!(MeetingState {
    Scheduled => "scheduled",
    Cancelled => "cancelled",
});

/// A guardian's answer to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Accepted,
    Declined,
    Tentative,
}

stored_word!(Reply {
    Accepted => "accepted",
    Declined => "declined",
    Tentative => "tentative",
});

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    pub id: MeetingId,
    pub school_id: SchoolId,
    #[sqlx(try_from = "String")]
    pub class_ids: Listed<ClassId>,
    /// Only these students' guardians; empty for every student of the classes.
    #[sqlx(try_from = "String")]
    pub student_ids: Listed<StudentId>,
    pub title: String,
    pub description: String,
    pub start_at: DateTime<Utc>,
    pub duration_seconds: i64,
    pub location: String,
    pub online_url: String,
    pub reply_deadline: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub state: MeetingState,
    pub cancel_reason: String,
    pub organizer_id: PersonId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i32,
    pub invite_cursor: Option<String>,
    pub invited_at: Option<DateTime<Utc>>,
}

impl Meeting {
    /// Replies are taken until this instant.
    pub fn replies_close_at(&self) -> DateTime<Utc> {
        self.reply_deadline.unwrap_or(self.start_at)
    }

    /// Whether inviting has begun: whom it invites can no longer change.
    pub fn inviting_begun(&self) -> bool {
        self.invite_cursor.is_some() || self.invited_at.is_some()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub id: InvitationId,
    pub school_id: SchoolId,
    pub meeting_id: MeetingId,
    pub guardian_id: PersonId,
    pub student_id: StudentId,
    #[sqlx(try_from = "Option<String>")]
    pub reply: Answer,
    pub reply_comment: String,
    pub replied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A reply, or none yet, as a nullable column holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answer(pub Option<Reply>);

impl TryFrom<Option<String>> for Answer {
    type Error = String;

    fn try_from(text: Option<String>) -> Result<Self, Self::Error> {
        text.map(|text| text.parse()).transpose().map(Answer)
    }
}

/// How the invitees of a meeting answered, counted by invitation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplyCounts {
    pub invited: i64,
    pub accepted: i64,
    pub declined: i64,
    pub tentative: i64,
}

/// What every invitee of a meeting is told of one event, before it is
/// addressed to each of them.
#[derive(Debug, Clone)]
pub struct MeetingNotice {
    pub school_id: SchoolId,
    pub meeting_id: MeetingId,
    pub title: String,
    pub body: String,
    pub source_event_id: String,
}

impl MeetingNotice {
    /// The notification of `person_id`, stored at `created_at`.
    pub fn to(&self, person_id: PersonId, created_at: DateTime<Utc>) -> Notification {
        Notification {
            id: NotificationId::generate(),
            school_id: self.school_id,
            person_id,
            student_id: None,
            kind: NotificationKind::Meeting,
            title: self.title.clone(),
            body: self.body.clone(),
            source_service: "messaging".into(),
            source_event_id: self.source_event_id.clone(),
            resource_type: "parent_meeting".into(),
            resource_id: self.meeting_id.to_string(),
            read_at: None,
            created_at,
        }
    }
}

/// What a piece of news about a class (or a group of it) says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassNewsKind {
    NewHomework,
    LessonCancelled,
    Substitution,
    RoomChanged,
}

stored_word!(ClassNewsKind {
    NewHomework => "new_homework",
    LessonCancelled => "lesson_cancelled",
    Substitution => "substitution",
    RoomChanged => "room_changed",
});

impl ClassNewsKind {
    /// A change of a lesson, told on the day before at the earliest.
    pub fn is_lesson_change(self) -> bool {
        self != ClassNewsKind::NewHomework
    }
}

/// News about a class or a group of it that its families are still to hear.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClassNews {
    pub source_service: String,
    pub source_event_id: String,
    pub school_id: SchoolId,
    pub class_id: ClassId,
    pub group_id: Option<GroupId>,
    pub subject_id: Option<SubjectId>,
    #[sqlx(try_from = "String")]
    pub kind: ClassNewsKind,
    /// The homework's first line, the new room.
    pub detail: String,
    /// The lesson's day, or the day the homework is due.
    pub day: Option<NaiveDate>,
    pub lesson_number: Option<i32>,
    pub resource_type: String,
    pub resource_id: String,
    pub created_at: DateTime<Utc>,
}
