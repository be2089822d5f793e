//! Vendors' marks and attendance, pushed through import. Each record is
//! keyed by the vendor's own id and carries the vendor's revision; it goes
//! through the same checks and writes as a teacher's (scale, lesson, locks,
//! history, change feed), and the key's new state is stored in the same
//! transaction as the mark or attendance record, so a replay after any
//! failure is recognised.

mod access;
mod attendance;
mod keys;
mod ledger;
mod marks;
mod record;
mod refusal;
mod valve;

use otmetka_platform::grpc::CallContext;
use otmetka_platform::text::TextRule;
use otmetka_platform::time::parse_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use uuid::Uuid;

use self::ledger::{Ledger, Mode};
use self::record::{Batch, RecordKind};
use self::refusal::{Failure, invalid};
use self::valve::{
    DELETION_WINDOW_HOURS, DeletionLoad, check_deletion_share, exceeds_deletion_limit,
};
use super::GradebookApi;
use crate::store;

pub const MAX_VENDOR_RECORDS: usize = 500;
pub const MAX_VENDOR_RECORD_ID_CHARS: usize = 128;
/// A vendor's own id of a record: kept exactly as sent, one line.
pub const VENDOR_RECORD_ID: TextRule = TextRule::line(MAX_VENDOR_RECORD_ID_CHARS)
    .required()
    .untrimmed();
pub const MAX_LISTED_RECORDS: usize = 1000;

impl GradebookApi {
    pub(in crate::api) async fn apply_vendor_records(
        &self,
        ctx: CallContext,
        request: pb::ApplyVendorRecordsRequest,
    ) -> Result<pb::ApplyVendorRecordsResponse> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients push records".into(),
            ));
        }
        let school_id = parse_id("school_id", &request.school_id)?;
        if !(1..=MAX_VENDOR_RECORDS).contains(&request.records.len()) {
            return Err(Error::invalid(
                "records",
                format!("must hold 1–{MAX_VENDOR_RECORDS} records"),
            ));
        }
        check_deletion_share(request.max_deletion_share)?;
        // Teachers' writes come first: a vendor's batch waits for a place.
        let _place = self
            .vendor_batches
            .acquire()
            .await
            .map_err(|_| Error::Unavailable("shutting down".into()))?;
        let vendor_id = ctx.principal.id;
        let valve_shut = match self.deletion_load(vendor_id, school_id, &request).await? {
            Some(load)
                if exceeds_deletion_limit(
                    load,
                    request.max_deletion_share,
                    i64::from(request.deletion_allowance.max(0)),
                ) =>
            {
                Some(load)
            }
            _ => None,
        };
        let batch = Batch {
            vendor_id,
            school_id,
            dry_run: request.dry_run,
            valve_shut,
        };
        let mode = if request.dry_run {
            Mode::DryRun
        } else {
            Mode::Together
        };
        let (results, ledger) = self
            .apply_batch(&ctx, batch, &request.records, mode)
            .await?;
        if mode == Mode::DryRun || ledger.commit(&self.db).await? {
            return Ok(pb::ApplyVendorRecordsResponse { results });
        }
        // Another writer raced the batch: nothing of it was stored. Each
        // record is decided again on what is stored now, and stored alone.
        let (results, _) = self
            .apply_batch(&ctx, batch, &request.records, Mode::OneByOne)
            .await?;
        Ok(pb::ApplyVendorRecordsResponse { results })
    }

    /// Decides the batch's records in order on what is stored (and what
    /// earlier records of the batch did), one result per record.
    async fn apply_batch(
        &self,
        ctx: &CallContext,
        batch: Batch,
        records: &[pb::VendorRecord],
        mode: Mode,
    ) -> Result<(Vec<pb::VendorRecordResult>, Ledger)> {
        self.ask_access_ahead(ctx, batch, records).await;
        let mut ledger =
            Ledger::read(&self.db, batch.vendor_id, batch.school_id, records, mode).await?;
        let mut results = Vec::with_capacity(records.len());
        for record in records {
            let result = match self
                .apply_vendor_record(ctx, batch, &mut ledger, record)
                .await
            {
                Ok(result) => result,
                Err(Failure::Refused(refusal)) => pb::VendorRecordResult {
                    outcome: pb::VendorRecordOutcome::Rejected.into(),
                    error_field: refusal.field.into(),
                    error_code: otmetka_platform::refusal::code(refusal.refusal).into(),
                    error_message: refusal.message,
                    refusal: refusal.refusal.into(),
                    ..Default::default()
                },
                Err(Failure::Broken(error)) => return Err(error),
            };
            results.push(result);
        }
        Ok((results, ledger))
    }

    /// How many live records the request's deletions would withdraw, with
    /// those the vendor withdrew in the school within the window; `None`
    /// when the request deletes nothing live or the valve is off.
    async fn deletion_load(
        &self,
        vendor_id: Uuid,
        school_id: Uuid,
        request: &pb::ApplyVendorRecordsRequest,
    ) -> Result<Option<DeletionLoad>> {
        if request.confirm_deletions || request.max_deletion_share <= 0.0 {
            return Ok(None);
        }
        let mut withdrawing = 0;
        for kind in [RecordKind::Mark, RecordKind::Attendance] {
            let ids: Vec<String> = request
                .records
                .iter()
                .filter(|r| r.delete && RecordKind::of(r.record_type) == Some(kind))
                .map(|r| r.vendor_record_id.clone())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let stored =
                store::vendor_records(&self.db, vendor_id, school_id, kind.as_str(), &ids).await?;
            withdrawing += stored.iter().filter(|s| !s.deleted).count() as i64;
        }
        if withdrawing == 0 {
            return Ok(None);
        }
        let since = self.clock.now() - chrono::Duration::hours(DELETION_WINDOW_HOURS);
        let (live, recently_deleted) =
            store::vendor_deletion_load(&self.db, vendor_id, school_id, since).await?;
        Ok(Some(DeletionLoad {
            withdrawn: withdrawing + recently_deleted,
            base: live + recently_deleted,
        }))
    }

    async fn apply_vendor_record(
        &self,
        ctx: &CallContext,
        batch: Batch,
        ledger: &mut Ledger,
        record: &pb::VendorRecord,
    ) -> Result<pb::VendorRecordResult, Failure> {
        let kind = check_key(record)?;
        let stored = ledger.key(kind, &record.vendor_record_id);
        match kind {
            RecordKind::Mark => {
                self.apply_vendor_mark(ctx, batch, ledger, record, stored)
                    .await
            }
            RecordKind::Attendance => {
                self.apply_vendor_attendance(ctx, batch, ledger, record, stored)
                    .await
            }
        }
    }
}

/// A record's key, revisions and type, checked before anything is looked up.
fn check_key(record: &pb::VendorRecord) -> Result<RecordKind, Failure> {
    VENDOR_RECORD_ID
        .read(&record.vendor_record_id)
        .map_err(|problem| invalid("vendor_record_id", problem.to_string()))?;
    crate::api::REASON
        .read(&record.reason)
        .map_err(|problem| invalid("reason", problem.to_string()))?;
    if record.revision < 1 {
        return Err(invalid("revision", "must be at least 1"));
    }
    if record.expected_revision.is_some_and(|e| e < 0) {
        return Err(invalid("expected_revision", "must not be negative"));
    }
    RecordKind::of(record.record_type).ok_or_else(|| invalid("record_type", "is required"))
}

/// The checks of a record's own fields, in the order a push makes them and
/// without the database: the refused field and why, or the failure's text
/// with no field when the platform itself failed.
pub fn check_fields(record: &pb::VendorRecord) -> std::result::Result<(), (&'static str, String)> {
    let checked = check_key(record).and_then(|kind| match kind {
        _ if record.delete => Ok(()),
        RecordKind::Mark => match &record.mark {
            Some(mark) => record::parse_mark(mark).map(|_| ()),
            None => Err(invalid("mark", "is required unless deleting")),
        },
        RecordKind::Attendance => match &record.attendance {
            Some(attendance) => attendance::parse_fields(attendance).map(|_| ()),
            None => Err(invalid("attendance", "is required unless deleting")),
        },
    });
    checked.map_err(|failure| match failure {
        Failure::Refused(refusal) => (refusal.field, refusal.message),
        Failure::Broken(error) => ("", error.to_string()),
    })
}
