//! A pushed record's parts: its kind, its batch, its parsed fields, its
//! content hash, and how it is judged against its key's stored state.

use otmetka_platform::Result;
use otmetka_platform::authz::{SCOPE_ATTENDANCE_WRITE, SCOPE_MARKS_WRITE};
use otmetka_platform::ids::{LessonId, StudentId, SubjectId};
use otmetka_platform::refusal::RecordRefusal;
use otmetka_platform::time::{optional_id, parse_date, parse_id};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::refusal::{Failure, Refusal, invalid};
use super::valve::{DELETION_WINDOW_HOURS, DeletionLoad};
use crate::model::VendorRecord;
use crate::verdict::{Verdict, verdict};

pub(super) const RECORD_TYPE_MARK: &str = "mark";
const RECORD_TYPE_ATTENDANCE: &str = "attendance";

/// A pushed mark's fields, parsed.
pub(super) struct Wanted {
    pub(super) student_id: StudentId,
    pub(super) subject_id: SubjectId,
    pub(super) lesson_date: chrono::NaiveDate,
    pub(super) lesson_id: Option<LessonId>,
}

pub(super) fn parse_mark(mark: &pb::VendorMark) -> Result<Wanted, Failure> {
    let id = |field, text: &str| {
        parse_id(field, text).map_err(|_| {
            Failure::Refused(Refusal::new(
                RecordRefusal::UnresolvedReference,
                field,
                "must be a platform id",
            ))
        })
    };
    Ok(Wanted {
        student_id: StudentId(id("mark.student_id", &mark.student_id)?),
        subject_id: SubjectId(id("mark.subject_id", &mark.subject_id)?),
        lesson_date: parse_date("mark.lesson_date", &mark.lesson_date)
            .map_err(|_| invalid("mark.lesson_date", "must be a date as YYYY-MM-DD"))?,
        lesson_id: optional_id("mark.lesson_id", &mark.lesson_id)
            .map_err(|_| {
                Failure::Refused(Refusal::new(
                    RecordRefusal::UnresolvedReference,
                    "mark.lesson_id",
                    "must be a platform id",
                ))
            })?
            .map(LessonId),
    })
}

/// The content a revision stands for: the same revision sent again must
/// hash alike, whatever its expected revision.
pub(super) fn content_hash(record: &pb::VendorRecord) -> Vec<u8> {
    let content = pb::VendorRecord {
        expected_revision: None,
        ..record.clone()
    };
    Sha256::digest(content.encode_to_vec()).to_vec()
}

pub(super) fn result_of(
    outcome: pb::VendorRecordOutcome,
    stored: Option<&VendorRecord>,
) -> pb::VendorRecordResult {
    pb::VendorRecordResult {
        outcome: outcome.into(),
        platform_id: stored
            .and_then(|s| s.platform_id)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        stored_revision: stored.map_or(0, |s| s.revision),
        deleted: stored.is_some_and(|s| s.deleted),
        ..Default::default()
    }
}

/// The kinds of vendor record, each with its own keys and write scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum RecordKind {
    Mark,
    Attendance,
}

impl RecordKind {
    pub(super) fn of(record_type: i32) -> Option<Self> {
        match pb::VendorRecordType::try_from(record_type) {
            Ok(pb::VendorRecordType::Mark) => Some(RecordKind::Mark),
            Ok(pb::VendorRecordType::Attendance) => Some(RecordKind::Attendance),
            _ => None,
        }
    }

    /// The name its keys are stored under.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            RecordKind::Mark => RECORD_TYPE_MARK,
            RecordKind::Attendance => RECORD_TYPE_ATTENDANCE,
        }
    }

    pub(super) fn scope(self) -> &'static str {
        match self {
            RecordKind::Mark => SCOPE_MARKS_WRITE,
            RecordKind::Attendance => SCOPE_ATTENDANCE_WRITE,
        }
    }

    pub(super) fn action(self) -> identity::Action {
        match self {
            RecordKind::Mark => identity::Action::WriteMark,
            RecordKind::Attendance => identity::Action::WriteAttendance,
        }
    }

    pub(super) fn student_field(self) -> &'static str {
        match self {
            RecordKind::Mark => "mark.student_id",
            RecordKind::Attendance => "attendance.student_id",
        }
    }
}

/// The vendor and school a batch is for.
#[derive(Clone, Copy)]
pub(super) struct Batch {
    pub(super) vendor_id: Uuid,
    pub(super) school_id: Uuid,
    pub(super) dry_run: bool,
    /// The deletion safety valve is shut: deletions that would withdraw a
    /// live record are refused.
    pub(super) valve_shut: Option<DeletionLoad>,
}

/// Judges a record against its key's stored state once access is
/// settled: a result when there is nothing to write (a replay, an older
/// revision), a refusal (a conflict, or a deletion the safety valve
/// holds back), or `None` to go on and write.
pub(super) fn judge(
    batch: Batch,
    record: &pb::VendorRecord,
    stored: Option<&VendorRecord>,
    hash: &[u8],
) -> Result<Option<pb::VendorRecordResult>, Failure> {
    let outcome = verdict(
        stored.map(|s| (s.revision, s.content_hash.as_slice())),
        record.revision,
        hash,
        record.expected_revision,
    );
    match outcome {
        Verdict::Unchanged => Ok(Some(result_of(
            pb::VendorRecordOutcome::Unchanged,
            stored,
        ))),
        Verdict::Stale => Ok(Some(result_of(pb::VendorRecordOutcome::Stale, stored))),
        Verdict::Conflict { field, message } => {
            Err(Refusal::new(RecordRefusal::VersionConflict, field, message).into())
        }
        Verdict::Apply => match batch.valve_shut {
            Some(load) if record.delete && stored.is_some_and(|s| !s.deleted) => {
                Err(Refusal::new(
                    RecordRefusal::DeletionLimit,
                    "delete",
                    format!(
                        "this would withdraw {} of the vendor's {} records in the school within {DELETION_WINDOW_HOURS} h; send it again with confirm_deletions if that is meant",
                        load.withdrawn, load.base
                    ),
                )
                .into())
            }
            _ => Ok(None),
        },
    }
}
