//! Pushing marks and attendance: each message of the stream is taken from
//! the vendor's rate and quota, checked operation by operation, the
//! vendor's own ids resolved through its mappings, and the operations of
//! each school sent to gradebook in one call on the vendor's own token.
//! Gradebook applies them under its own rules and keeps each record key's
//! state with the mark or attendance record, so the receipts are exactly
//! what is stored, and a replay answers the same.

use std::collections::BTreeMap;

use chrono::Utc;
use otmetka_platform::authz::{SCOPE_ATTENDANCE_WRITE, SCOPE_MARKS_WRITE};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

use super::ImportApi;
use crate::model::EntityKind;
use crate::resolver::{self, Reference};

/// Operations in one message of the stream.
pub const MAX_OPERATIONS: usize = 500;
/// Keys in one receipts lookup.
pub const MAX_RECEIPT_KEYS: usize = 1000;
const NOT_GRANTED: &str = "NOT_GRANTED";
const INVALID_FIELD: &str = "INVALID_FIELD";

fn record_error(code: &str, field: &str, message: impl Into<String>) -> pb::RecordError {
    pb::RecordError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

fn invalid(field: &str, message: impl Into<String>) -> pb::RecordError {
    record_error(INVALID_FIELD, field, message)
}

/// Where a resolved platform id goes in the record sent to gradebook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    MarkStudent,
    MarkSubject,
    MarkLesson,
    AttendanceStudent,
    AttendanceLesson,
}

impl Slot {
    fn field(self) -> &'static str {
        match self {
            Slot::MarkStudent => "mark.student",
            Slot::MarkSubject => "mark.subject",
            Slot::MarkLesson => "mark.lesson",
            Slot::AttendanceStudent => "attendance.student",
            Slot::AttendanceLesson => "attendance.lesson",
        }
    }
}

/// The scope a vendor's token needs to push records of a type.
fn write_scope(record_type: gradebook::VendorRecordType) -> &'static str {
    match record_type {
        gradebook::VendorRecordType::Attendance => SCOPE_ATTENDANCE_WRITE,
        _ => SCOPE_MARKS_WRITE,
    }
}

/// An operation checked on its own, with the vendor's ids still to resolve.
#[derive(Debug)]
struct Draft {
    school_id: Uuid,
    record: gradebook::VendorRecord,
    references: Vec<(Slot, Reference)>,
}

impl Draft {
    fn record_type(&self) -> gradebook::VendorRecordType {
        gradebook::VendorRecordType::try_from(self.record.record_type)
            .unwrap_or(gradebook::VendorRecordType::Mark)
    }
}

/// A platform id as given, or the vendor's external id to resolve.
fn entity(
    reference: Option<&pb::EntityRef>,
    slot: Slot,
    kind: EntityKind,
    references: &mut Vec<(Slot, Reference)>,
) -> Result<String, pb::RecordError> {
    match reference.and_then(|r| r.reference.as_ref()) {
        Some(pb::entity_ref::Reference::Id(id)) if Uuid::parse_str(id).is_ok() => Ok(id.clone()),
        Some(pb::entity_ref::Reference::ExternalId(external_id)) if !external_id.is_empty() => {
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
            resolver::UNRESOLVED_REFERENCE,
            slot.field(),
            "must be a platform id or an external id",
        )),
        None => Err(invalid(slot.field(), "is required")),
    }
}

/// Checks one operation's shape and turns it into gradebook's terms.
fn draft(operation: &pb::RecordOperation) -> Result<Draft, pb::RecordError> {
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
            record.mark = Some(vendor_mark(mark, &mut references)?);
        }
        (gradebook::VendorRecordType::Mark, _) => {
            return Err(invalid("mark", "is required for an upsert of a mark"));
        }
        (_, Some(Payload::Attendance(attendance))) => {
            record.attendance = Some(vendor_attendance(attendance, &mut references)?);
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
    })
}

/// A lesson by platform id or by the vendor's external id.
fn lesson(
    lesson: Option<&pb::LessonRef>,
    slot: Slot,
    references: &mut Vec<(Slot, Reference)>,
) -> Result<String, pb::RecordError> {
    let reference = match lesson.and_then(|l| l.reference.as_ref()) {
        None => return Ok(String::new()),
        Some(pb::lesson_ref::Reference::LessonId(id)) => pb::entity_ref::Reference::Id(id.clone()),
        Some(pb::lesson_ref::Reference::ExternalId(id)) => {
            pb::entity_ref::Reference::ExternalId(id.clone())
        }
        Some(pb::lesson_ref::Reference::Slot(_)) => {
            return Err(invalid(
                &format!("{}.slot", slot.field()),
                "lessons by slot are not taken yet; use the lesson's id",
            ));
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

fn vendor_attendance(
    attendance: &pb::AttendanceRecord,
    references: &mut Vec<(Slot, Reference)>,
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

fn vendor_mark(
    mark: &pb::MarkRecord,
    references: &mut Vec<(Slot, Reference)>,
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
    let lesson_id = lesson(mark.lesson.as_ref(), Slot::MarkLesson, references)?;
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

/// Gradebook's name of a field, in the terms of the vendor's operation.
fn vendor_field(field: &str) -> &str {
    match field {
        "mark.student_id" => "mark.student",
        "mark.subject_id" => "mark.subject",
        "mark.lesson_id" => "mark.lesson",
        "mark.lesson_date" => "mark.date",
        "attendance.student_id" => "attendance.student",
        "attendance.lesson_id" => "attendance.lesson",
        "attendance.late_minutes" => "attendance.late_by",
        "attendance.kind" => "attendance.status",
        "delete" => "action",
        other => other,
    }
}

fn receipt_of(
    operation: &pb::RecordOperation,
    answer: Result<gradebook::VendorRecordResult, pb::RecordError>,
) -> pb::Receipt {
    let mut receipt = pb::Receipt {
        school_id: operation.school_id.clone(),
        record_type: operation.record_type,
        vendor_record_id: operation.vendor_record_id.clone(),
        revision: operation.revision,
        process_time: Some(to_timestamp(Utc::now())),
        ..Default::default()
    };
    let result = match answer {
        Ok(result) => result,
        Err(error) => {
            receipt.status = pb::ReceiptStatus::Rejected.into();
            receipt.errors = vec![error];
            return receipt;
        }
    };
    receipt.status = match gradebook::VendorRecordOutcome::try_from(result.outcome) {
        Ok(gradebook::VendorRecordOutcome::Accepted) => pb::ReceiptStatus::Accepted,
        Ok(gradebook::VendorRecordOutcome::Unchanged) => pb::ReceiptStatus::Unchanged,
        Ok(gradebook::VendorRecordOutcome::Stale) => pb::ReceiptStatus::Stale,
        _ => pb::ReceiptStatus::Rejected,
    }
    .into();
    receipt.stored_revision = result.stored_revision;
    receipt.platform_id = result.platform_id;
    receipt.deleted = result.deleted;
    if !result.error_code.is_empty() {
        receipt.errors = vec![record_error(
            &result.error_code,
            vendor_field(&result.error_field),
            result.error_message,
        )];
    }
    receipt
}

impl ImportApi {
    /// Answers one message of the stream, the stream having carried
    /// `carried` before it: one receipt per operation, in order.
    pub(super) async fn push_batch(
        &self,
        ctx: &CallContext,
        carried: u64,
        request: pb::PushRecordsRequest,
    ) -> Result<pb::PushRecordsResponse> {
        if !(1..=MAX_OPERATIONS).contains(&request.operations.len()) {
            return Err(Error::invalid(
                "operations",
                format!("must hold 1–{MAX_OPERATIONS} operations"),
            ));
        }
        self.limiter.check_stream_length(carried)?;
        let vendor_id = ctx.principal.id;
        self.limiter
            .take(&self.db, vendor_id, request.operations.len())
            .await?;
        let mut answers: Vec<Option<Result<_, pb::RecordError>>> =
            vec![None; request.operations.len()];
        let mut schools: BTreeMap<Uuid, Vec<(usize, Draft)>> = BTreeMap::new();
        for (index, operation) in request.operations.iter().enumerate() {
            match draft(operation) {
                Ok(draft) => schools
                    .entry(draft.school_id)
                    .or_default()
                    .push((index, draft)),
                Err(error) => answers[index] = Some(Err(error)),
            }
        }
        for (school_id, drafts) in schools {
            // Asked before any mapping is read, so a vendor without the
            // grant learns nothing about the school, not even what it mapped.
            let granted = self.school_granted(ctx, school_id).await?;
            let (drafts, refused): (Vec<_>, Vec<_>) = drafts.into_iter().partition(|(_, draft)| {
                granted && ctx.principal.has_scope(write_scope(draft.record_type()))
            });
            for (index, draft) in refused {
                answers[index] = Some(Err(record_error(
                    NOT_GRANTED,
                    "",
                    format!(
                        "the school has not granted this vendor {}",
                        write_scope(draft.record_type())
                    ),
                )));
            }
            if drafts.is_empty() {
                continue;
            }
            let references: Vec<Reference> = drafts
                .iter()
                .flat_map(|(_, draft)| draft.references.iter().map(|(_, r)| r.clone()))
                .collect();
            let mut resolved = resolver::resolve(&self.db, vendor_id, school_id, &references)
                .await?
                .into_iter();
            let mut indices = Vec::new();
            let mut records = Vec::new();
            for (index, mut draft) in drafts {
                let mut unresolved = None;
                for (slot, _) in &draft.references {
                    match resolved.next().expect("one answer per reference") {
                        Ok(id) => fill(&mut draft.record, *slot, id),
                        Err(missing) => {
                            unresolved.get_or_insert_with(|| {
                                record_error(missing.code(), slot.field(), missing.message())
                            });
                        }
                    }
                }
                match unresolved {
                    Some(error) => answers[index] = Some(Err(error)),
                    None => {
                        indices.push(index);
                        records.push(draft.record);
                    }
                }
            }
            if records.is_empty() {
                continue;
            }
            let results = self
                .gradebook
                .clone()
                .apply_vendor_records(ctx.forward(gradebook::ApplyVendorRecordsRequest {
                    school_id: school_id.to_string(),
                    records,
                    dry_run: request.dry_run,
                    max_deletion_share: self.limiter.limits().max_deletion_share,
                    deletion_allowance: self.limiter.limits().deletion_allowance,
                    confirm_deletions: request.confirm_deletions,
                })?)
                .await?
                .into_inner()
                .results;
            for (index, result) in indices.into_iter().zip(results) {
                answers[index] = Some(Ok(result));
            }
        }
        let receipts = request
            .operations
            .iter()
            .zip(answers)
            .map(|(operation, answer)| {
                receipt_of(
                    operation,
                    answer.unwrap_or_else(|| {
                        Err(record_error("INTERNAL", "", "no answer from the journal"))
                    }),
                )
            })
            .collect();
        Ok(pb::PushRecordsResponse { receipts })
    }

    pub(super) async fn get_receipts(
        &self,
        ctx: CallContext,
        request: pb::GetReceiptsRequest,
    ) -> Result<pb::GetReceiptsResponse> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients have receipts".into(),
            ));
        }
        let school_id = otmetka_platform::time::parse_id("school_id", &request.school_id)?;
        if !(1..=MAX_RECEIPT_KEYS).contains(&request.keys.len()) {
            return Err(Error::invalid(
                "keys",
                format!("must hold 1–{MAX_RECEIPT_KEYS} keys"),
            ));
        }
        if !self.school_granted(&ctx, school_id).await? {
            return Err(Error::not_found("school"));
        }
        let mut receipts = Vec::new();
        let mut found = Vec::new();
        for (record_type, kind) in [
            (pb::RecordType::Mark, gradebook::VendorRecordType::Mark),
            (
                pb::RecordType::Attendance,
                gradebook::VendorRecordType::Attendance,
            ),
        ] {
            let ids: Vec<String> = request
                .keys
                .iter()
                .filter(|key| key.record_type == i32::from(record_type))
                .map(|key| key.vendor_record_id.clone())
                .collect();
            if ids.is_empty() || !ctx.principal.has_scope(write_scope(kind)) {
                continue;
            }
            let stored = self
                .gradebook
                .clone()
                .list_vendor_records(ctx.forward(gradebook::ListVendorRecordsRequest {
                    school_id: school_id.to_string(),
                    vendor_record_ids: ids,
                    record_type: kind.into(),
                })?)
                .await?
                .into_inner()
                .records;
            for state in stored {
                found.push((i32::from(record_type), state.vendor_record_id.clone()));
                receipts.push(pb::Receipt {
                    school_id: school_id.to_string(),
                    record_type: record_type.into(),
                    vendor_record_id: state.vendor_record_id,
                    revision: state.revision,
                    status: pb::ReceiptStatus::Accepted.into(),
                    stored_revision: state.revision,
                    platform_id: state.platform_id,
                    deleted: state.deleted,
                    errors: Vec::new(),
                    process_time: state.update_time,
                });
            }
        }
        let not_found = request
            .keys
            .into_iter()
            .filter(|key| {
                !found
                    .iter()
                    .any(|(t, id)| *t == key.record_type && *id == key.vendor_record_id)
            })
            .collect();
        Ok(pb::GetReceiptsResponse {
            receipts,
            not_found,
        })
    }

    /// The school granted the vendor access (among the vendor's own grants,
    /// which identity lists to it alone) and its token may write something.
    async fn school_granted(&self, ctx: &CallContext, school_id: Uuid) -> Result<bool> {
        if ![SCOPE_MARKS_WRITE, SCOPE_ATTENDANCE_WRITE]
            .iter()
            .any(|scope| ctx.principal.has_scope(scope))
        {
            return Ok(false);
        }
        let school_id = school_id.to_string();
        let mut page_token = String::new();
        loop {
            let reply = self
                .identity
                .clone()
                .list_vendor_grants(ctx.forward(identity::ListVendorGrantsRequest {
                    school_id: String::new(),
                    page_size: 0,
                    page_token,
                })?)
                .await?
                .into_inner();
            if reply
                .grants
                .iter()
                .any(|grant| grant.school.as_ref().is_some_and(|s| s.id == school_id))
            {
                return Ok(true);
            }
            if reply.next_page_token.is_empty() {
                return Ok(false);
            }
            page_token = reply.next_page_token;
        }
    }
}

fn fill(record: &mut gradebook::VendorRecord, slot: Slot, id: Uuid) {
    let target = match (slot, record.mark.as_mut(), record.attendance.as_mut()) {
        (Slot::MarkStudent, Some(mark), _) => &mut mark.student_id,
        (Slot::MarkSubject, Some(mark), _) => &mut mark.subject_id,
        (Slot::MarkLesson, Some(mark), _) => &mut mark.lesson_id,
        (Slot::AttendanceStudent, _, Some(attendance)) => &mut attendance.student_id,
        (Slot::AttendanceLesson, _, Some(attendance)) => &mut attendance.lesson_id,
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
            (INVALID_FIELD, "mark.student")
        );

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
