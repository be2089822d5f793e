//! What a vendor stored: the state of the keys it names, and its keys page
//! by page, which a vendor compares with its own state to find the records
//! it no longer holds (the OneRoster bulk mode withdraws them). Only the
//! calling vendor's own keys, and only while the school grants it the
//! kind's write scope.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::{parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;

use super::MAX_LISTED_RECORDS;
use super::record::RecordKind;
use crate::api::GradebookApi;
use crate::store;

impl GradebookApi {
    pub(in crate::api) async fn list_vendor_records(
        &self,
        ctx: CallContext,
        request: pb::ListVendorRecordsRequest,
    ) -> Result<pb::ListVendorRecordsResponse> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients have records".into(),
            ));
        }
        let school_id = parse_id("school_id", &request.school_id)?;
        if !(1..=MAX_LISTED_RECORDS).contains(&request.vendor_record_ids.len()) {
            return Err(Error::invalid(
                "vendor_record_ids",
                format!("must hold 1–{MAX_LISTED_RECORDS} ids"),
            ));
        }
        for id in &request.vendor_record_ids {
            super::VENDOR_RECORD_ID.parse("vendor_record_ids", id)?;
        }
        let kind = RecordKind::of(request.record_type).unwrap_or(RecordKind::Mark);
        if self.vendor_school(&ctx, school_id, kind).await.is_err() {
            return Err(Error::not_found("school"));
        }
        let records = store::vendor_records(
            &self.db,
            ctx.principal.id,
            school_id,
            kind.as_str(),
            &request.vendor_record_ids,
        )
        .await?;
        Ok(pb::ListVendorRecordsResponse {
            records: records
                .into_iter()
                .map(|record| pb::VendorRecordState {
                    vendor_record_id: record.vendor_record_id,
                    revision: record.revision,
                    platform_id: record
                        .platform_id
                        .map(|id| id.to_string())
                        .unwrap_or_default(),
                    deleted: record.deleted,
                    update_time: Some(to_timestamp(record.updated_at)),
                })
                .collect(),
        })
    }

    pub(in crate::api) async fn list_vendor_record_keys(
        &self,
        ctx: CallContext,
        request: pb::ListVendorRecordKeysRequest,
    ) -> Result<pb::ListVendorRecordKeysResponse> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients have records".into(),
            ));
        }
        let school_id = parse_id("school_id", &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let kind = match pb::VendorRecordType::try_from(request.record_type) {
            Ok(pb::VendorRecordType::Unspecified | pb::VendorRecordType::Mark) => RecordKind::Mark,
            Ok(pb::VendorRecordType::Attendance) => RecordKind::Attendance,
            Err(_) => return Err(Error::invalid("record_type", "is not a record type")),
        };
        // A vendor without the grant or the scope learns nothing, not even
        // what it stored there before.
        if !ctx.principal.has_scope(kind.scope()) {
            return Err(Error::not_found("school"));
        }
        match self
            .school(&ctx, identity::Action::ReadSchool, school_id)
            .await
        {
            Ok(()) => {}
            Err(Error::NotFound(_) | Error::InvalidArgument(_) | Error::PermissionDenied(_)) => {
                return Err(Error::not_found("school"));
            }
            Err(other) => return Err(other),
        }
        let mut rows =
            store::vendor_record_keys(&self.db, ctx.principal.id, school_id, kind.as_str(), &page)
                .await?;
        let next_page_token = page.finish(&mut rows, |(record, _)| record.vendor_record_id.clone());
        Ok(pb::ListVendorRecordKeysResponse {
            records: rows
                .into_iter()
                .map(|(record, lesson_date)| pb::VendorRecordKey {
                    state: Some(pb::VendorRecordState {
                        vendor_record_id: record.vendor_record_id,
                        revision: record.revision,
                        platform_id: record
                            .platform_id
                            .map(|id| id.to_string())
                            .unwrap_or_default(),
                        deleted: record.deleted,
                        update_time: Some(to_timestamp(record.updated_at)),
                    }),
                    lesson_date: lesson_date.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
            next_page_token,
        })
    }
}
