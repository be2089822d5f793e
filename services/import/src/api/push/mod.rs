//! Pushing marks and attendance: each message of the stream is taken from
//! the vendor's rate and quota (`stream`), checked operation by operation
//! (`draft`, `payload`), the vendor's own ids resolved through its
//! mappings, and the operations of each school sent to gradebook in one
//! call on the vendor's own token (`batch`). Gradebook applies them under
//! its own rules and keeps each record key's state with the mark or
//! attendance record, so the receipts are exactly what is stored, and a
//! replay answers the same (`receipts`).

mod batch;
mod draft;
mod payload;
mod receipts;
mod stream;

use otmetka_platform::authz::{SCOPE_ATTENDANCE_WRITE, SCOPE_MARKS_WRITE};
use otmetka_platform::refusal::{self, RecordRefusal};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

/// Operations in one message of the stream.
pub const MAX_OPERATIONS: usize = 500;
/// Keys in one receipts lookup.
pub const MAX_RECEIPT_KEYS: usize = 1000;

/// A record refused, with the refusal and its string code both filled
/// (the string stays for clients of this contract version).
fn record_error(
    refusal: RecordRefusal,
    field: &str,
    message: impl Into<String>,
) -> pb::RecordError {
    pb::RecordError {
        field: field.into(),
        code: refusal::code(refusal).into(),
        message: message.into(),
        refusal: refusal.into(),
    }
}

fn invalid(field: &str, message: impl Into<String>) -> pb::RecordError {
    record_error(RecordRefusal::InvalidField, field, message)
}

/// A record the school has not granted the vendor, in gradebook's words.
fn not_granted(record_type: gradebook::VendorRecordType) -> pb::RecordError {
    record_error(
        RecordRefusal::NotGranted,
        "",
        refusal::not_granted_message(write_scope(record_type)),
    )
}

/// The scope a vendor's token needs to push records of a type.
fn write_scope(record_type: gradebook::VendorRecordType) -> &'static str {
    match record_type {
        gradebook::VendorRecordType::Attendance => SCOPE_ATTENDANCE_WRITE,
        _ => SCOPE_MARKS_WRITE,
    }
}

/// One operation checked on its own as the stream checks it, each of the
/// vendor's ids taken as resolved to `resolved`: the record gradebook would
/// be sent, or the operation's refusal.
pub fn check_operation(
    operation: &pb::RecordOperation,
    resolved: Uuid,
) -> Result<gradebook::VendorRecord, pb::RecordError> {
    let mut checked = draft::draft(operation)?;
    let slots: Vec<draft::Slot> = checked.references.iter().map(|(slot, _)| *slot).collect();
    for slot in slots {
        draft::fill(&mut checked, slot, resolved);
    }
    Ok(checked.record)
}
