//! What messaging stores, and the newtypes that parse it.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::ids::{PersonId, SchoolId, StudentId, SubjectId};

otmetka_platform::typed_id! {
    /// A conversation between families and staff.
    ThreadId;
    /// A message of a thread; ids grow with time.
    MessageId;
    /// A notification for one person; ids grow with time.
    NotificationId;
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

        impl TryFrom<String> for $type {
            type Error = String;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                $type::parse(&text).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($type), " {:?}"), text)
                })
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    NewMark,
    MarkChanged,
    Attendance,
    FinalMark,
    NewMessage,
}

stored_word!(NotificationKind {
    NewMark => "new_mark",
    MarkChanged => "mark_changed",
    Attendance => "attendance",
    FinalMark => "final_mark",
    NewMessage => "new_message",
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
