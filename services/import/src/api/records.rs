//! Listing a vendor's stored record keys in a school, page by page: the
//! keys and their state live with the marks in gradebook, which answers on
//! the vendor's own token (its own keys only, and a school that has not
//! granted it marks.write is not found), so this only translates.

use otmetka_platform::authz::SCOPE_MARKS_WRITE;
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
        if !ctx.principal.has_scope(SCOPE_MARKS_WRITE) {
            return Err(Error::not_found("school"));
        }
        match pb::RecordType::try_from(request.record_type) {
            Ok(pb::RecordType::Unspecified | pb::RecordType::Mark) => {}
            // Attendance is not taken yet, so no attendance key is stored.
            Ok(pb::RecordType::Attendance) => return Ok(pb::ListRecordsResponse::default()),
            Err(_) => return Err(Error::invalid("record_type", "is not a record type")),
        }
        let reply = self
            .gradebook
            .clone()
            .list_vendor_record_keys(ctx.forward(gradebook::ListVendorRecordKeysRequest {
                school_id: school_id.to_string(),
                page_size: request.page_size,
                page_token: request.page_token,
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
                        record_type: pb::RecordType::Mark.into(),
                        vendor_record_id: state.vendor_record_id,
                    }),
                    revision: state.revision,
                    deleted: state.deleted,
                    platform_id: state.mark_id,
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
