//! What messaging stores, and the newtypes that parse it.

use chrono::{DateTime, Utc};
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};

otmetka_platform::typed_id! {
    /// A conversation between families and staff.
    ThreadId;
    /// A message of a thread; ids grow with time.
    MessageId;
}

/// How a person takes part in a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantRole {
    Guardian,
    Student,
    Staff,
}

impl ParticipantRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantRole::Guardian => "guardian",
            ParticipantRole::Student => "student",
            ParticipantRole::Staff => "staff",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            ParticipantRole::Guardian,
            ParticipantRole::Student,
            ParticipantRole::Staff,
        ]
        .into_iter()
        .find(|role| role.as_str() == text)
    }
}

/// A stored role no version wrote fails the read.
impl TryFrom<String> for ParticipantRole {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        ParticipantRole::parse(&text).ok_or_else(|| format!("unknown participant role {text:?}"))
    }
}

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
