//! The journal as the gradebook keeps it.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::ids::{
    ClassId, LessonId, PeriodId, PersonId, SchoolId, StudentId, SubjectId,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::scale::ScaleKind;

otmetka_platform::typed_id! {
    /// A mark.
    MarkId;
    /// A student's attendance record of one lesson.
    AttendanceId;
    /// A school's kind of work a mark is given for (a test, homework).
    WorkTypeId;
    /// A student's final mark of a reporting period in a subject.
    FinalMarkId;
    /// A teacher's request to reopen a locked journal.
    ReopenRequestId;
    /// A grading scale: a school's, or one subject's in it.
    ScaleId;
}

/// What a journal cell holds instead of, or as, a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum MarkStatus {
    Graded,
    Exempt,
    NotSubmitted,
    Absent,
    Pending,
}

/// A mark, as stored and as kept in its history (JSON snapshots).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct Mark {
    pub id: MarkId,
    pub school_id: SchoolId,
    pub student_id: StudentId,
    pub subject_id: SubjectId,
    /// The student's class when the mark was posted, if they had one.
    pub class_id: Option<ClassId>,
    pub lesson_date: NaiveDate,
    pub lesson_id: Option<LessonId>,
    #[sqlx(try_from = "String")]
    pub scale: ScaleKind,
    pub value: String,
    pub status: MarkStatus,
    pub weight: i32,
    pub work_type_id: Option<WorkTypeId>,
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
    pub mark_id: MarkId,
    pub revision: i32,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub before: Option<Mark>,
    pub after: Mark,
    pub reason: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkType {
    pub id: WorkTypeId,
    pub school_id: SchoolId,
    pub name: String,
    pub weight: i32,
}

/// Attendance kinds as the paper journal writes them: Н, Б, УП, ОП.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum AttendanceKind {
    Present,
    Absent,
    Ill,
    Excused,
    Late,
}

impl AttendanceKind {
    /// The student was not at the lesson, whatever the reason. A late
    /// arrival attended, as reports count it.
    pub fn missed(self) -> bool {
        match self {
            AttendanceKind::Absent | AttendanceKind::Ill | AttendanceKind::Excused => true,
            AttendanceKind::Present | AttendanceKind::Late => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Attendance {
    pub id: AttendanceId,
    pub school_id: SchoolId,
    pub student_id: StudentId,
    pub class_id: Option<ClassId>,
    pub lesson_id: LessonId,
    pub subject_id: SubjectId,
    pub lesson_date: NaiveDate,
    pub kind: AttendanceKind,
    pub late_minutes: i32,
    pub reason: String,
    pub author_id: Uuid,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FinalMark {
    pub id: FinalMarkId,
    pub school_id: SchoolId,
    pub student_id: StudentId,
    pub subject_id: SubjectId,
    pub reporting_period_id: PeriodId,
    pub value: String,
    pub policy_version: i64,
    pub author_id: Uuid,
    pub reason: String,
    pub updated_at: DateTime<Utc>,
}

/// Where a teacher's request to reopen a locked journal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
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
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReopenRequest {
    pub id: ReopenRequestId,
    pub school_id: SchoolId,
    pub class_id: ClassId,
    pub subject_id: SubjectId,
    pub reporting_period_id: PeriodId,
    pub requester_id: PersonId,
    pub reason: String,
    pub state: ReopenState,
    pub decider_id: Option<PersonId>,
    pub decision_comment: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_the_snake_case_names() {
        // sqlx and serde both write the variant's snake_case name: the text
        // in the columns and in the mark history's snapshots.
        let name = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        assert_eq!(
            name(serde_json::json!(MarkStatus::NotSubmitted)),
            "not_submitted"
        );
        assert_eq!(name(serde_json::json!(AttendanceKind::Ill)), "ill");
        for state in [
            ReopenState::Pending,
            ReopenState::Approved,
            ReopenState::Refused,
        ] {
            assert_eq!(name(serde_json::json!(state)), state.as_str());
        }
        for kind in ScaleKind::ALL {
            assert_eq!(name(serde_json::json!(kind)), kind.as_str());
        }
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
