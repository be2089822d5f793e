//! The payload of an upsert, a mark or an attendance record, checked and
//! put in gradebook's terms.

use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as pb;

use super::draft::{Slot, TimetablePlace, entity, lesson};
use super::invalid;
use crate::model::EntityKind;
use crate::resolver::Reference;

pub(super) fn vendor_attendance(
    attendance: &pb::AttendanceRecord,
    references: &mut Vec<(Slot, Reference)>,
    place: &mut Option<TimetablePlace>,
) -> Result<gradebook::VendorAttendance, pb::RecordError> {
    let student_id = entity(
        attendance.student.as_ref(),
        Slot::AttendanceStudent,
        EntityKind::Student,
        references,
    )?;
    if attendance.lesson.is_none() {
        return Err(invalid("attendance.lesson", "is required"));
    }
    let lesson_id = lesson(
        attendance.lesson.as_ref(),
        Slot::AttendanceLesson,
        references,
        place,
    )?;
    let (kind, late_minutes) = match pb::AttendanceStatus::try_from(attendance.status) {
        Ok(pb::AttendanceStatus::Absent) => (gradebook::AttendanceKind::Absent, 0),
        Ok(pb::AttendanceStatus::Ill) => (gradebook::AttendanceKind::Ill, 0),
        Ok(pb::AttendanceStatus::Excused) => (gradebook::AttendanceKind::Excused, 0),
        Ok(pb::AttendanceStatus::Late) => {
            let late_by = attendance.late_by.unwrap_or_default();
            if late_by.seconds < 0 || late_by.nanos != 0 || late_by.seconds % 60 != 0 {
                return Err(invalid("attendance.late_by", "must be whole minutes"));
            }
            let minutes = i32::try_from(late_by.seconds / 60).unwrap_or(i32::MAX);
            (gradebook::AttendanceKind::Late, minutes)
        }
        _ => return Err(invalid("attendance.status", "is required")),
    };
    Ok(gradebook::VendorAttendance {
        student_id,
        lesson_id,
        kind: kind.into(),
        late_minutes,
        reason: attendance.reason.clone(),
    })
}

pub(super) fn vendor_mark(
    mark: &pb::MarkRecord,
    references: &mut Vec<(Slot, Reference)>,
    place: &mut Option<TimetablePlace>,
) -> Result<gradebook::VendorMark, pb::RecordError> {
    if !matches!(
        pb::MarkKind::try_from(mark.kind),
        Ok(pb::MarkKind::Unspecified | pb::MarkKind::Current)
    ) {
        return Err(invalid("mark.kind", "only current marks are taken yet"));
    }
    let student_id = entity(
        mark.student.as_ref(),
        Slot::MarkStudent,
        EntityKind::Student,
        references,
    )?;
    let subject_id = entity(
        mark.subject.as_ref(),
        Slot::MarkSubject,
        EntityKind::Subject,
        references,
    )?;
    let lesson_id = lesson(mark.lesson.as_ref(), Slot::MarkLesson, references, place)?;
    if mark.date.is_empty() {
        return Err(invalid("mark.date", "is required"));
    }
    if mark.weight.fract() != 0.0 || !(0.0..=10.0).contains(&mark.weight) {
        return Err(invalid("mark.weight", "must be a whole number 1–10, or 0"));
    }
    Ok(gradebook::VendorMark {
        student_id,
        subject_id,
        lesson_date: mark.date.clone(),
        lesson_id,
        value: mark.value.clone(),
        weight: mark.weight as i32,
        comment: mark.comment.clone(),
    })
}
