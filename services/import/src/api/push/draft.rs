//! An operation's shape checked on its own and put in gradebook's terms,
//! before any of the vendor's ids is resolved.

use otmetka_platform::refusal::RecordRefusal;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

use super::invalid;
use super::payload::{vendor_attendance, vendor_mark};
use super::record_error;
use crate::model::EntityKind;
use crate::resolver::Reference;

/// Where a resolved platform id goes: a field of the record sent to
/// gradebook, or the class or group of a lesson named by its place in the
/// timetable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    MarkStudent,
    MarkSubject,
    MarkLesson,
    AttendanceStudent,
    AttendanceLesson,
    TimetableClass,
    TimetableGroup,
}

impl Slot {
    pub(super) fn field(self) -> &'static str {
        match self {
            Slot::MarkStudent => "mark.student",
            Slot::MarkSubject => "mark.subject",
            Slot::MarkLesson => "mark.lesson",
            Slot::AttendanceStudent => "attendance.student",
            Slot::AttendanceLesson => "attendance.lesson",
            Slot::TimetableClass => "lesson.slot.class_ref",
            Slot::TimetableGroup => "lesson.slot.group_ref",
        }
    }
}

/// A lesson named by class or group, date and number, to look up in the
/// timetable once its class or group is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TimetablePlace {
    /// The record's lesson field it fills.
    pub(super) lesson: Slot,
    pub(super) class_id: String,
    pub(super) group_id: String,
    pub(super) date: String,
    pub(super) lesson_number: i32,
}

impl TimetablePlace {
    pub(super) fn field(&self) -> String {
        format!("{}.slot", self.lesson.field())
    }
}

/// An operation checked on its own, with the vendor's ids still to resolve.
#[derive(Debug)]
pub(super) struct Draft {
    pub(super) school_id: Uuid,
    pub(super) record: gradebook::VendorRecord,
    pub(super) references: Vec<(Slot, Reference)>,
    /// A lesson named by its place in the timetable.
    pub(super) place: Option<TimetablePlace>,
}

impl Draft {
    pub(super) fn record_type(&self) -> gradebook::VendorRecordType {
        gradebook::VendorRecordType::try_from(self.record.record_type)
            .unwrap_or(gradebook::VendorRecordType::Mark)
    }
}

/// A platform id as given, or the vendor's external id to resolve.
pub(super) fn entity(
    reference: Option<&pb::EntityRef>,
    slot: Slot,
    kind: EntityKind,
    references: &mut Vec<(Slot, Reference)>,
) -> Result<String, pb::RecordError> {
    match reference.and_then(|r| r.reference.as_ref()) {
        Some(pb::entity_ref::Reference::Id(id)) if Uuid::parse_str(id).is_ok() => Ok(id.clone()),
        Some(pb::entity_ref::Reference::ExternalId(external_id)) if !external_id.is_empty() => {
            crate::model::check_external_id(external_id)
                .map_err(|problem| invalid(slot.field(), problem))?;
            references.push((
                slot,
                Reference {
                    kind,
                    external_id: external_id.clone(),
                },
            ));
            Ok(String::new())
        }
        Some(_) => Err(record_error(
            RecordRefusal::UnresolvedReference,
            slot.field(),
            "must be a platform id or an external id",
        )),
        None => Err(invalid(slot.field(), "is required")),
    }
}

/// Checks one operation's shape and turns it into gradebook's terms.
pub(super) fn draft(operation: &pb::RecordOperation) -> Result<Draft, pb::RecordError> {
    let school_id = Uuid::parse_str(&operation.school_id)
        .map_err(|_| invalid("school_id", "must be an id (UUID)"))?;
    let record_type = match pb::RecordType::try_from(operation.record_type) {
        Ok(pb::RecordType::Mark) => gradebook::VendorRecordType::Mark,
        Ok(pb::RecordType::Attendance) => gradebook::VendorRecordType::Attendance,
        _ => return Err(invalid("record_type", "is required")),
    };
    let delete = match pb::RecordAction::try_from(operation.action) {
        Ok(pb::RecordAction::Upsert) => false,
        Ok(pb::RecordAction::Delete) => true,
        _ => return Err(invalid("action", "is required")),
    };
    let mut references = Vec::new();
    let mut place = None;
    let mut record = gradebook::VendorRecord {
        vendor_record_id: operation.vendor_record_id.clone(),
        revision: operation.revision,
        expected_revision: operation.expected_revision,
        delete,
        reason: operation.reason.clone(),
        record_type: record_type.into(),
        ..Default::default()
    };
    use pb::record_operation::Payload;
    match (record_type, &operation.payload) {
        _ if delete => {}
        (gradebook::VendorRecordType::Mark, Some(Payload::Mark(mark))) => {
            record.mark = Some(vendor_mark(mark, &mut references, &mut place)?);
        }
        (gradebook::VendorRecordType::Mark, _) => {
            return Err(invalid("mark", "is required for an upsert of a mark"));
        }
        (_, Some(Payload::Attendance(attendance))) => {
            record.attendance = Some(vendor_attendance(attendance, &mut references, &mut place)?);
        }
        (_, _) => {
            return Err(invalid(
                "attendance",
                "is required for an upsert of an attendance record",
            ));
        }
    }
    Ok(Draft {
        school_id,
        record,
        references,
        place,
    })
}

/// A lesson by platform id, by the vendor's external id, or by its place
/// in the timetable (looked up once the class or group is resolved).
pub(super) fn lesson(
    lesson: Option<&pb::LessonRef>,
    slot: Slot,
    references: &mut Vec<(Slot, Reference)>,
    place: &mut Option<TimetablePlace>,
) -> Result<String, pb::RecordError> {
    let reference = match lesson.and_then(|l| l.reference.as_ref()) {
        None => return Ok(String::new()),
        Some(pb::lesson_ref::Reference::LessonId(id)) => pb::entity_ref::Reference::Id(id.clone()),
        Some(pb::lesson_ref::Reference::ExternalId(id)) => {
            pb::entity_ref::Reference::ExternalId(id.clone())
        }
        Some(pb::lesson_ref::Reference::Slot(at)) => {
            *place = Some(timetable_place(at, slot, references)?);
            return Ok(String::new());
        }
    };
    entity(
        Some(&pb::EntityRef {
            reference: Some(reference),
        }),
        slot,
        EntityKind::Lesson,
        references,
    )
}

fn timetable_place(
    at: &pb::LessonSlot,
    lesson: Slot,
    references: &mut Vec<(Slot, Reference)>,
) -> Result<TimetablePlace, pb::RecordError> {
    let field = |name: &str| format!("{}.slot.{name}", lesson.field());
    let (class_id, group_id) = match (&at.class_ref, &at.group_ref) {
        (Some(class), None) => (
            entity(
                Some(class),
                Slot::TimetableClass,
                EntityKind::Class,
                references,
            )?,
            String::new(),
        ),
        (None, Some(group)) => (
            String::new(),
            entity(
                Some(group),
                Slot::TimetableGroup,
                EntityKind::Group,
                references,
            )?,
        ),
        _ => {
            return Err(invalid(
                &field("class_ref"),
                "name the class or the group, one of them",
            ));
        }
    };
    if chrono::NaiveDate::parse_from_str(&at.date, "%Y-%m-%d").is_err() {
        return Err(invalid(&field("date"), "must be a date as YYYY-MM-DD"));
    }
    if at.lesson_number < 1 {
        return Err(invalid(&field("lesson_number"), "must be at least 1"));
    }
    Ok(TimetablePlace {
        lesson,
        class_id,
        group_id,
        date: at.date.clone(),
        lesson_number: at.lesson_number,
    })
}

/// Puts a resolved platform id where the slot says.
pub(super) fn fill(draft: &mut Draft, slot: Slot, id: Uuid) {
    let record = &mut draft.record;
    let target = match (slot, record.mark.as_mut(), record.attendance.as_mut()) {
        (Slot::MarkStudent, Some(mark), _) => &mut mark.student_id,
        (Slot::MarkSubject, Some(mark), _) => &mut mark.subject_id,
        (Slot::MarkLesson, Some(mark), _) => &mut mark.lesson_id,
        (Slot::AttendanceStudent, _, Some(attendance)) => &mut attendance.student_id,
        (Slot::AttendanceLesson, _, Some(attendance)) => &mut attendance.lesson_id,
        (Slot::TimetableClass, ..) => match draft.place.as_mut() {
            Some(place) => &mut place.class_id,
            None => return,
        },
        (Slot::TimetableGroup, ..) => match draft.place.as_mut() {
            Some(place) => &mut place.group_id,
            None => return,
        },
        _ => return,
    };
    *target = id.to_string();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(payload: Option<pb::record_operation::Payload>) -> pb::RecordOperation {
        pb::RecordOperation {
            school_id: Uuid::now_v7().to_string(),
            record_type: pb::RecordType::Mark.into(),
            vendor_record_id: "m-1".into(),
            revision: 1,
            action: pb::RecordAction::Upsert.into(),
            payload,
            ..Default::default()
        }
    }

    fn mark() -> pb::MarkRecord {
        pb::MarkRecord {
            student: Some(pb::EntityRef {
                reference: Some(pb::entity_ref::Reference::ExternalId("s-1".into())),
            }),
            subject: Some(pb::EntityRef {
                reference: Some(pb::entity_ref::Reference::Id(Uuid::now_v7().to_string())),
            }),
            date: "2026-11-20".into(),
            value: "5".into(),
            ..Default::default()
        }
    }

    #[test]
    fn external_ids_wait_for_the_resolver_and_platform_ids_pass() {
        let draft = draft(&operation(Some(
            pb::record_operation::Payload::Mark(mark()),
        )))
        .unwrap();
        assert_eq!(draft.references.len(), 1);
        assert_eq!(draft.references[0].0, Slot::MarkStudent);
        let sent = draft.record.mark.unwrap();
        assert!(sent.student_id.is_empty());
        assert!(Uuid::parse_str(&sent.subject_id).is_ok());
    }

    #[test]
    fn a_malformed_operation_names_its_field() {
        let mut no_student = mark();
        no_student.student = None;
        let error = draft(&operation(Some(pb::record_operation::Payload::Mark(
            no_student,
        ))))
        .unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.field.as_str()),
            ("INVALID_FIELD", "mark.student")
        );
        assert_eq!(error.refusal(), RecordRefusal::InvalidField);

        let error = draft(&operation(None)).unwrap_err();
        assert_eq!(error.field, "mark");

        let mut attendance = operation(None);
        attendance.record_type = pb::RecordType::Attendance.into();
        assert_eq!(draft(&attendance).unwrap_err().field, "attendance");

        let mut mismatched = operation(Some(pb::record_operation::Payload::Mark(mark())));
        mismatched.record_type = pb::RecordType::Attendance.into();
        assert_eq!(draft(&mismatched).unwrap_err().field, "attendance");

        let mut heavy = mark();
        heavy.weight = 2.5;
        let error =
            draft(&operation(Some(pb::record_operation::Payload::Mark(heavy)))).unwrap_err();
        assert_eq!(error.field, "mark.weight");
    }

    #[test]
    fn attendance_names_its_lesson_and_whole_minutes_late() {
        let mut operation = operation(Some(pb::record_operation::Payload::Attendance(
            pb::AttendanceRecord {
                student: Some(pb::EntityRef {
                    reference: Some(pb::entity_ref::Reference::ExternalId("s-1".into())),
                }),
                lesson: Some(pb::LessonRef {
                    reference: Some(pb::lesson_ref::Reference::ExternalId("l-1".into())),
                }),
                status: pb::AttendanceStatus::Late.into(),
                late_by: Some(prost_types::Duration {
                    seconds: 600,
                    nanos: 0,
                }),
                ..Default::default()
            },
        )));
        operation.record_type = pb::RecordType::Attendance.into();
        let parsed = draft(&operation).unwrap();
        let slots: Vec<Slot> = parsed.references.iter().map(|(slot, _)| *slot).collect();
        assert_eq!(slots, [Slot::AttendanceStudent, Slot::AttendanceLesson]);
        assert_eq!(parsed.record.attendance.unwrap().late_minutes, 10);

        if let Some(pb::record_operation::Payload::Attendance(attendance)) =
            operation.payload.as_mut()
        {
            attendance.late_by = Some(prost_types::Duration {
                seconds: 90,
                nanos: 0,
            });
        }
        assert_eq!(draft(&operation).unwrap_err().field, "attendance.late_by");
    }

    #[test]
    fn a_deletion_needs_no_payload() {
        let mut delete = operation(None);
        delete.action = pb::RecordAction::Delete.into();
        let draft = draft(&delete).unwrap();
        assert!(draft.record.delete && draft.record.mark.is_none());
    }
}
