//! Between the gradebook's records and its contract.

use otmetka_platform::ids::optional_text as optional_id;
use otmetka_platform::time::to_timestamp;
use otmetka_proto::gradebook::v1 as pb;

use crate::model::{
    Attendance, AttendanceKind, FinalMark, Mark, MarkRevision, MarkStatus, ReopenRequest,
    ReopenState, WorkType,
};
use crate::scale::{CustomValue, ScaleKind};
use crate::store::StoredScale;

pub fn scale_kind(kind: ScaleKind) -> pb::ScaleKind {
    match kind {
        ScaleKind::FivePoint => pb::ScaleKind::FivePoint,
        ScaleKind::TenPoint => pb::ScaleKind::TenPoint,
        ScaleKind::HundredPoint => pb::ScaleKind::HundredPoint,
        ScaleKind::PassFail => pb::ScaleKind::PassFail,
        ScaleKind::Custom => pb::ScaleKind::Custom,
    }
}

/// The contract's scale kind; unspecified means `default`.
pub fn scale_kind_from(kind: i32, default: ScaleKind) -> Option<ScaleKind> {
    match pb::ScaleKind::try_from(kind).ok()? {
        pb::ScaleKind::Unspecified => Some(default),
        pb::ScaleKind::FivePoint => Some(ScaleKind::FivePoint),
        pb::ScaleKind::TenPoint => Some(ScaleKind::TenPoint),
        pb::ScaleKind::HundredPoint => Some(ScaleKind::HundredPoint),
        pb::ScaleKind::PassFail => Some(ScaleKind::PassFail),
        pb::ScaleKind::Custom => Some(ScaleKind::Custom),
    }
}

pub fn mark_status(status: MarkStatus) -> pb::MarkStatus {
    match status {
        MarkStatus::Graded => pb::MarkStatus::Graded,
        MarkStatus::Exempt => pb::MarkStatus::Exempt,
        MarkStatus::NotSubmitted => pb::MarkStatus::NotSubmitted,
        MarkStatus::Absent => pb::MarkStatus::Absent,
        MarkStatus::Pending => pb::MarkStatus::Pending,
    }
}

/// The contract's status; unspecified means graded.
pub fn mark_status_from(status: i32) -> Option<MarkStatus> {
    match pb::MarkStatus::try_from(status).ok()? {
        pb::MarkStatus::Unspecified | pb::MarkStatus::Graded => Some(MarkStatus::Graded),
        pb::MarkStatus::Exempt => Some(MarkStatus::Exempt),
        pb::MarkStatus::NotSubmitted => Some(MarkStatus::NotSubmitted),
        pb::MarkStatus::Absent => Some(MarkStatus::Absent),
        pb::MarkStatus::Pending => Some(MarkStatus::Pending),
    }
}

pub fn mark(mark: Mark) -> pb::Mark {
    pb::Mark {
        id: mark.id.to_string(),
        school_id: mark.school_id.to_string(),
        student_id: mark.student_id.to_string(),
        subject_id: mark.subject_id.to_string(),
        lesson_date: mark.lesson_date.to_string(),
        lesson_id: optional_id(mark.lesson_id),
        scale: scale_kind(mark.scale).into(),
        value: mark.value,
        status: mark_status(mark.status).into(),
        weight: mark.weight,
        work_type_id: optional_id(mark.work_type_id),
        comment: mark.comment,
        author_id: mark.author_id.to_string(),
        create_time: Some(to_timestamp(mark.created_at)),
        update_time: Some(to_timestamp(mark.updated_at)),
        delete_time: mark.deleted_at.map(to_timestamp),
        seen_time: mark.seen_at.map(to_timestamp),
        revision: mark.revision,
        source_vendor_id: optional_id(mark.source_vendor_id),
        revised_by: mark.revised_by.to_string(),
    }
}

pub fn revision(revision: MarkRevision) -> pb::MarkRevision {
    pb::MarkRevision {
        mark_id: revision.mark_id.to_string(),
        revision: revision.revision,
        author_id: revision.author_id.to_string(),
        create_time: Some(to_timestamp(revision.created_at)),
        before: revision.before.map(mark),
        after: Some(mark(revision.after)),
        reason: revision.reason,
    }
}

pub fn grading_scale(stored: StoredScale) -> pb::GradingScale {
    pb::GradingScale {
        id: stored.id.to_string(),
        school_id: stored.school_id.to_string(),
        subject_id: optional_id(stored.subject_id),
        kind: scale_kind(stored.scale.kind).into(),
        name: stored.name,
        values: stored
            .scale
            .custom
            .into_iter()
            .map(|CustomValue { value, points }| pb::ScaleValue { value, points })
            .collect(),
        allow_modifiers: stored.scale.modifiers,
    }
}

pub fn work_type(work_type: WorkType) -> pb::WorkType {
    pb::WorkType {
        id: work_type.id.to_string(),
        school_id: work_type.school_id.to_string(),
        name: work_type.name,
        weight: work_type.weight,
    }
}

pub fn attendance_kind(kind: AttendanceKind) -> pb::AttendanceKind {
    match kind {
        AttendanceKind::Present => pb::AttendanceKind::Present,
        AttendanceKind::Absent => pb::AttendanceKind::Absent,
        AttendanceKind::Ill => pb::AttendanceKind::Ill,
        AttendanceKind::Excused => pb::AttendanceKind::Excused,
        AttendanceKind::Late => pb::AttendanceKind::Late,
    }
}

pub fn attendance_kind_from(kind: i32) -> Option<AttendanceKind> {
    match pb::AttendanceKind::try_from(kind).ok()? {
        pb::AttendanceKind::Unspecified => None,
        pb::AttendanceKind::Present => Some(AttendanceKind::Present),
        pb::AttendanceKind::Absent => Some(AttendanceKind::Absent),
        pb::AttendanceKind::Ill => Some(AttendanceKind::Ill),
        pb::AttendanceKind::Excused => Some(AttendanceKind::Excused),
        pb::AttendanceKind::Late => Some(AttendanceKind::Late),
    }
}

pub fn attendance(record: Attendance) -> pb::AttendanceRecord {
    pb::AttendanceRecord {
        id: record.id.to_string(),
        school_id: record.school_id.to_string(),
        student_id: record.student_id.to_string(),
        lesson_id: record.lesson_id.to_string(),
        subject_id: record.subject_id.to_string(),
        lesson_date: record.lesson_date.to_string(),
        kind: attendance_kind(record.kind).into(),
        late_minutes: record.late_minutes,
        reason: record.reason,
        author_id: record.author_id.to_string(),
        update_time: Some(to_timestamp(record.updated_at)),
    }
}

pub fn final_mark(mark: FinalMark) -> pb::FinalMark {
    pb::FinalMark {
        id: mark.id.to_string(),
        school_id: mark.school_id.to_string(),
        student_id: mark.student_id.to_string(),
        subject_id: mark.subject_id.to_string(),
        reporting_period_id: mark.reporting_period_id.to_string(),
        value: mark.value,
        policy_version: mark.policy_version,
        author_id: mark.author_id.to_string(),
        update_time: Some(to_timestamp(mark.updated_at)),
    }
}

pub fn reopen_request(request: ReopenRequest) -> pb::ReopenRequest {
    let state = match request.state {
        ReopenState::Pending => pb::ReopenState::Pending,
        ReopenState::Approved => pb::ReopenState::Approved,
        ReopenState::Refused => pb::ReopenState::Refused,
    };
    pb::ReopenRequest {
        id: request.id.to_string(),
        school_id: request.school_id.to_string(),
        class_id: request.class_id.to_string(),
        subject_id: request.subject_id.to_string(),
        reporting_period_id: request.reporting_period_id.to_string(),
        requester_id: request.requester_id.to_string(),
        reason: request.reason,
        state: state.into(),
        decider_id: optional_id(request.decider_id),
        create_time: Some(to_timestamp(request.created_at)),
        decide_time: request.decided_at.map(to_timestamp),
    }
}
