//! Receipts: what gradebook answered for each operation, in the terms of
//! the vendor's operation, and the lookup of stored receipts by key.

use chrono::Utc;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as pb;

use otmetka_platform::refusal::{self, RecordRefusal};

use super::{MAX_RECEIPT_KEYS, write_scope};
use crate::api::ImportApi;

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

pub(super) fn receipt_of(
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
    // Gradebook names a refusal both ways; one older than the enum sends
    // only the string.
    let refusal = match result.refusal() {
        RecordRefusal::Unspecified => refusal::from_code(&result.error_code),
        named => named,
    };
    receipt.stored_revision = result.stored_revision;
    receipt.platform_id = result.platform_id;
    receipt.deleted = result.deleted;
    if !result.error_code.is_empty() {
        receipt.errors = vec![pb::RecordError {
            field: vendor_field(&result.error_field).into(),
            code: result.error_code,
            message: result.error_message,
            refusal: refusal.into(),
        }];
    }
    receipt
}

impl ImportApi {
    pub(in crate::api) async fn get_receipts(
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
        if ![
            gradebook::VendorRecordType::Mark,
            gradebook::VendorRecordType::Attendance,
        ]
        .into_iter()
        .any(|kind| ctx.principal.has_scope(write_scope(kind)))
        {
            return Err(Error::not_found("school"));
        }
        // Gradebook asks identity whether the school granted the vendor
        // before it reads any key, so import asks only when it reads none.
        let mut asked_gradebook = false;
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
            asked_gradebook = true;
            let stored = match self
                .gradebook
                .clone()
                .list_vendor_records(ctx.forward(gradebook::ListVendorRecordsRequest {
                    school_id: school_id.to_string(),
                    vendor_record_ids: ids,
                    record_type: kind.into(),
                })?)
                .await
            {
                Ok(reply) => reply.into_inner().records,
                Err(status) if status.code() == tonic::Code::NotFound => {
                    return Err(Error::not_found("school"));
                }
                Err(status) => return Err(status.into()),
            };
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
        if !asked_gradebook && !self.school_granted(&ctx, school_id).await? {
            return Err(Error::not_found("school"));
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
}
