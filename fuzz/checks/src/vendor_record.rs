//! A vendor's push: the bytes of a message decoded as import's push stream
//! and as gradebook's vendor call decode them, and every record checked as
//! each service checks it before looking anything up.
//!
//! Input: a protobuf message, read both as `import.v1.PushRecordsRequest`
//! and as `gradebook.v1.ApplyVendorRecordsRequest`.

use otmetka_gradebook::fuzzing::{Scale, ScaleKind, check_vendor_record};
use otmetka_import::fuzzing::{MAX_OPERATIONS, check_external_id, check_operation};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as import;
use prost::Message;
use uuid::Uuid;

const RESOLVED: Uuid = Uuid::from_u128(0x0190_a4f6_6a4e_7a8c_9a6e_3c8a_5f0b_1d2e);

/// Gradebook's checks of one record: a refusal always names its field.
fn gradebook_checks(record: &gradebook::VendorRecord) {
    if let Err((field, message)) = check_vendor_record(record) {
        assert!(!field.is_empty(), "{message}");
        assert!(!message.is_empty(), "{field}");
    }
    if let Some(mark) = &record.mark {
        for kind in ScaleKind::ALL {
            let scale = Scale {
                kind,
                modifiers: kind == ScaleKind::FivePoint,
                custom: Vec::new(),
            };
            if let Err(message) = scale.grade(&mark.value) {
                assert!(!message.is_empty());
            }
        }
    }
}

/// Checks the target's properties on one input; panics when one fails.
pub fn vendor_record(data: &[u8]) {
    if let Ok(push) = import::PushRecordsRequest::decode(data) {
        // What decodes encodes back to the same message (compared encoded:
        // a NaN field is never equal to itself).
        let encoded = push.encode_to_vec();
        let again = import::PushRecordsRequest::decode(encoded.as_slice())
            .expect("an encoded message decodes");
        assert_eq!(again.encode_to_vec(), encoded);
        for operation in push.operations.iter().take(MAX_OPERATIONS) {
            if let Err(message) = check_external_id(&operation.vendor_record_id) {
                assert!(!message.is_empty());
            }
            match check_operation(operation, RESOLVED) {
                Ok(record) => {
                    assert_eq!(record.vendor_record_id, operation.vendor_record_id);
                    assert_eq!(record.revision, operation.revision);
                    gradebook_checks(&record);
                }
                Err(error) => {
                    // Only a missing grant refuses a whole operation, and
                    // that is decided later.
                    assert!(!error.field.is_empty(), "{error:?}");
                    assert!(!error.code.is_empty(), "{error:?}");
                    assert!(!error.message.is_empty(), "{error:?}");
                }
            }
        }
    }
    if let Ok(apply) = gradebook::ApplyVendorRecordsRequest::decode(data) {
        let encoded = apply.encode_to_vec();
        let again = gradebook::ApplyVendorRecordsRequest::decode(encoded.as_slice())
            .expect("an encoded message decodes");
        assert_eq!(again.encode_to_vec(), encoded);
        for record in &apply.records {
            gradebook_checks(record);
        }
    }
}
