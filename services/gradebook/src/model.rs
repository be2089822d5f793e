//! The journal as the gradebook keeps it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a journal cell holds instead of, or as, a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkStatus {
    Graded,
    Exempt,
    NotSubmitted,
    Absent,
    Pending,
}

impl MarkStatus {
    pub const ALL: [MarkStatus; 5] = [
        MarkStatus::Graded,
        MarkStatus::Exempt,
        MarkStatus::NotSubmitted,
        MarkStatus::Absent,
        MarkStatus::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarkStatus::Graded => "graded",
            MarkStatus::Exempt => "exempt",
            MarkStatus::NotSubmitted => "not_submitted",
            MarkStatus::Absent => "absent",
            MarkStatus::Pending => "pending",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

/// A mark, as stored and as kept in its history (JSON snapshots).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct Mark {
    pub id: Uuid,
    pub school_id: Uuid,
    pub student_id: Uuid,
    pub subject_id: Uuid,
    /// The student's class when the mark was posted, if they had one.
    pub class_id: Option<Uuid>,
    pub lesson_date: NaiveDate,
    pub lesson_id: Option<Uuid>,
    pub scale: String,
    pub value: String,
    pub status: String,
    pub weight: i32,
    pub work_type_id: Option<Uuid>,
    pub comment: String,
    pub author_id: Uuid,
    pub request_id: Option<String>,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub seen_at: Option<DateTime<Utc>>,
    /// The vendor client whose push posted it; `None` for a teacher's.
    #[serde(default)]
    pub source_vendor_id: Option<Uuid>,
    /// Who made the latest revision: a person, or a vendor client.
    #[serde(default)]
    pub revised_by: Uuid,
}

/// One recorded change of a mark.
#[derive(Debug, Clone)]
pub struct MarkRevision {
    pub mark_id: Uuid,
    pub revision: i32,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub before: Option<Mark>,
    pub after: Mark,
    pub reason: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkType {
    pub id: Uuid,
    pub school_id: Uuid,
    pub name: String,
    pub weight: i32,
}

/// Attendance kinds as the paper journal writes them: Н, Б, УП, ОП.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceKind {
    Present,
    Absent,
    Ill,
    Excused,
    Late,
}

impl AttendanceKind {
    pub const ALL: [AttendanceKind; 5] = [
        AttendanceKind::Present,
        AttendanceKind::Absent,
        AttendanceKind::Ill,
        AttendanceKind::Excused,
        AttendanceKind::Late,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceKind::Present => "present",
            AttendanceKind::Absent => "absent",
            AttendanceKind::Ill => "ill",
            AttendanceKind::Excused => "excused",
            AttendanceKind::Late => "late",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Attendance {
    pub id: Uuid,
    pub school_id: Uuid,
    pub student_id: Uuid,
    pub class_id: Option<Uuid>,
    pub lesson_id: Uuid,
    pub subject_id: Uuid,
    pub lesson_date: NaiveDate,
    pub kind: String,
    pub late_minutes: i32,
    pub reason: String,
    pub author_id: Uuid,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FinalMark {
    pub id: Uuid,
    pub school_id: Uuid,
    pub student_id: Uuid,
    pub subject_id: Uuid,
    pub reporting_period_id: Uuid,
    pub value: String,
    pub policy_version: i64,
    pub author_id: Uuid,
    pub reason: String,
    pub updated_at: DateTime<Utc>,
}

/// Where a teacher's request to reopen a locked journal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenState {
    Pending,
    Approved,
    Refused,
}

impl ReopenState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReopenState::Pending => "pending",
            ReopenState::Approved => "approved",
            ReopenState::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Refused]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReopenRequest {
    pub id: Uuid,
    pub school_id: Uuid,
    pub class_id: Uuid,
    pub subject_id: Uuid,
    pub reporting_period_id: Uuid,
    pub requester_id: Uuid,
    pub reason: String,
    pub state: String,
    pub decider_id: Option<Uuid>,
    pub decision_comment: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for status in MarkStatus::ALL {
            assert_eq!(MarkStatus::parse(status.as_str()), Some(status));
        }
        for kind in AttendanceKind::ALL {
            assert_eq!(AttendanceKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ReopenState::parse("approved"), Some(ReopenState::Approved));
    }
}

/// What is stored for one vendor record key: the revision in force and the
/// mark it stands for.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VendorRecord {
    pub vendor_id: Uuid,
    pub school_id: Uuid,
    pub record_type: String,
    pub vendor_record_id: String,
    pub revision: i64,
    pub content_hash: Vec<u8>,
    /// The mark, or the attendance record, the key stands for.
    pub platform_id: Option<Uuid>,
    /// The mark's revision this record left behind.
    pub mark_revision: Option<i32>,
    pub deleted: bool,
    pub updated_at: DateTime<Utc>,
}
