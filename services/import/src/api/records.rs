//! Listing a vendor's stored record keys in a school, page by page: the
//! keys and their state live with the records in gradebook, which answers
//! on the vendor's own token (its own keys only, and a school that has not
//! granted it the kind's write scope is not found), so this only translates.

use otmetka_platform::authz::{SCOPE_ATTENDANCE_WRITE, SCOPE_MARKS_WRITE};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as pb;

use super::ImportApi;

impl ImportApi {
    pub(super) async fn list_records(
        &self,
        ctx: CallContext,
        request: pb::ListRecordsRequest,
    ) -> Result<pb::ListRecordsResponse> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients have records".into(),
            ));
        }
        let school_id = otmetka_platform::time::parse_id("school_id", &request.school_id)?;
        let (record_type, kind, scope) = match pb::RecordType::try_from(request.record_type) {
            Ok(pb::RecordType::Unspecified | pb::RecordType::Mark) => (
                pb::RecordType::Mark,
                gradebook::VendorRecordType::Mark,
                SCOPE_MARKS_WRITE,
            ),
            Ok(pb::RecordType::Attendance) => (
                pb::RecordType::Attendance,
                gradebook::VendorRecordType::Attendance,
                SCOPE_ATTENDANCE_WRITE,
            ),
            Err(_) => return Err(Error::invalid("record_type", "is not a record type")),
        };
        if !ctx.principal.has_scope(scope) {
            return Err(Error::not_found("school"));
        }
        let reply = self
            .gradebook
            .clone()
            .list_vendor_record_keys(ctx.forward(gradebook::ListVendorRecordKeysRequest {
                school_id: school_id.to_string(),
                page_size: request.page_size,
                page_token: request.page_token,
                record_type: kind.into(),
            })?)
            .await?
            .into_inner();
        let records = reply
            .records
            .into_iter()
            .filter_map(|key| {
                let state = key.state?;
                Some(pb::StoredRecord {
                    key: Some(pb::RecordKey {
                        record_type: record_type.into(),
                        vendor_record_id: state.vendor_record_id,
                    }),
                    revision: state.revision,
                    deleted: state.deleted,
                    platform_id: state.platform_id,
                    date: key.lesson_date,
                    update_time: state.update_time,
                })
            })
            .collect();
        Ok(pb::ListRecordsResponse {
            records,
            next_page_token: reply.next_page_token,
        })
    }
}
