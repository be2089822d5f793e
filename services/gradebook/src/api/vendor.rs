//! Vendors' marks and attendance, pushed through import. Each record is
//! keyed by the vendor's own id and carries the vendor's revision; it goes
//! through the same checks and writes as a teacher's (scale, lesson, locks,
//! history, change feed), and the key's new state is stored in the same
//! transaction as the mark or attendance record, so a replay after any
//! failure is recognised.

use otmetka_platform::authz::{SCOPE_ATTENDANCE_WRITE, SCOPE_MARKS_WRITE};
use otmetka_platform::error::{FieldViolation, Violations};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::StudentPlace;
use otmetka_platform::outbox::ChangeKind;
use otmetka_platform::time::{optional_id, parse_date, parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::GradebookApi;
use super::marks::{check_comment, check_weight, mark_change, read_value};
use super::vendor_ledger::{Ledger, Mode};
use crate::model::{Mark, MarkStatus, VendorRecord};
use crate::store::{self, VendorChange, VendorWrite};
use crate::verdict::{Verdict, verdict};

pub const MAX_VENDOR_RECORDS: usize = 500;
pub const MAX_VENDOR_RECORD_ID_CHARS: usize = 128;
pub const MAX_LISTED_RECORDS: usize = 1000;
const RECORD_TYPE_MARK: &str = "mark";
const RECORD_TYPE_ATTENDANCE: &str = "attendance";
/// Access questions of a batch asked of identity at once.
const ACCESS_QUESTIONS_AT_ONCE: usize = 8;
/// How far back a vendor's deletions count towards the safety valve.
const DELETION_WINDOW_HOURS: i64 = 1;
/// Kept in a mark's history when the vendor gives no reason of its own.
const DEFAULT_REASON: &str = "Изменено во внешнем журнале";

/// Why a record was refused, in the vendor API's stable codes.
#[derive(Debug)]
pub(super) struct Refusal {
    code: &'static str,
    field: &'static str,
    message: String,
}

impl Refusal {
    pub(super) fn new(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }

    fn not_granted(kind: RecordKind) -> Self {
        Self::new(
            "NOT_GRANTED",
            "",
            format!(
                "the school has not granted this vendor {}, or the student is not its",
                kind.scope()
            ),
        )
    }

    /// A violation of the mark checks a teacher's mark goes through.
    fn of_violation(violation: &FieldViolation) -> Self {
        let (code, field) = match violation.field.as_str() {
            "value" => ("OUT_OF_SCALE", "mark.value"),
            "lesson_id" => ("UNRESOLVED_REFERENCE", "mark.lesson_id"),
            "lesson_date" => ("INVALID_FIELD", "mark.lesson_date"),
            "weight" => ("INVALID_FIELD", "mark.weight"),
            "comment" => ("INVALID_FIELD", "mark.comment"),
            _ => ("INVALID_FIELD", "mark"),
        };
        Self::new(code, field, violation.description.clone())
    }
}

/// A record's failure: refused (an answer for that record alone), or the
/// platform failed (the call fails, and the vendor sends the batch again).
pub(super) enum Failure {
    Refused(Refusal),
    Broken(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Broken(error)
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

/// Turns the mark checks' errors into the refusals a vendor reads; others
/// stay failures.
pub(super) fn refused(error: Error) -> Failure {
    match error {
        Error::InvalidArgument(violations) => {
            Failure::Refused(Refusal::of_violation(&violations[0]))
        }
        Error::FailedPrecondition(message) => {
            Failure::Refused(Refusal::new("PERIOD_CLOSED", "", message))
        }
        other => Failure::Broken(other),
    }
}

pub(super) fn invalid(field: &'static str, message: impl Into<String>) -> Failure {
    Failure::Refused(Refusal::new("INVALID_FIELD", field, message))
}

/// A pushed mark's fields, parsed.
struct Wanted {
    student_id: Uuid,
    subject_id: Uuid,
    lesson_date: chrono::NaiveDate,
    lesson_id: Option<Uuid>,
}

fn parse_mark(mark: &pb::VendorMark) -> Result<Wanted, Failure> {
    let id = |field, text: &str| {
        parse_id(field, text).map_err(|_| {
            Failure::Refused(Refusal::new(
                "UNRESOLVED_REFERENCE",
                field,
                "must be a platform id",
            ))
        })
    };
    Ok(Wanted {
        student_id: id("mark.student_id", &mark.student_id)?,
        subject_id: id("mark.subject_id", &mark.subject_id)?,
        lesson_date: parse_date("mark.lesson_date", &mark.lesson_date)
            .map_err(|_| invalid("mark.lesson_date", "must be a date as YYYY-MM-DD"))?,
        lesson_id: optional_id("mark.lesson_id", &mark.lesson_id).map_err(|_| {
            Failure::Refused(Refusal::new(
                "UNRESOLVED_REFERENCE",
                "mark.lesson_id",
                "must be a platform id",
            ))
        })?,
    })
}

/// The content a revision stands for: the same revision sent again must
/// hash alike, whatever its expected revision.
pub(super) fn content_hash(record: &pb::VendorRecord) -> Vec<u8> {
    let content = pb::VendorRecord {
        expected_revision: None,
        ..record.clone()
    };
    Sha256::digest(content.encode_to_vec()).to_vec()
}

pub(super) fn result_of(
    outcome: pb::VendorRecordOutcome,
    stored: Option<&VendorRecord>,
) -> pb::VendorRecordResult {
    pb::VendorRecordResult {
        outcome: outcome.into(),
        platform_id: stored
            .and_then(|s| s.platform_id)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        stored_revision: stored.map_or(0, |s| s.revision),
        deleted: stored.is_some_and(|s| s.deleted),
        ..Default::default()
    }
}

/// The kinds of vendor record, each with its own keys and write scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum RecordKind {
    Mark,
    Attendance,
}

impl RecordKind {
    pub(super) fn of(record_type: i32) -> Option<Self> {
        match pb::VendorRecordType::try_from(record_type) {
            Ok(pb::VendorRecordType::Mark) => Some(RecordKind::Mark),
            Ok(pb::VendorRecordType::Attendance) => Some(RecordKind::Attendance),
            _ => None,
        }
    }

    /// The name its keys are stored under.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            RecordKind::Mark => RECORD_TYPE_MARK,
            RecordKind::Attendance => RECORD_TYPE_ATTENDANCE,
        }
    }

    pub(super) fn scope(self) -> &'static str {
        match self {
            RecordKind::Mark => SCOPE_MARKS_WRITE,
            RecordKind::Attendance => SCOPE_ATTENDANCE_WRITE,
        }
    }

    fn action(self) -> identity::Action {
        match self {
            RecordKind::Mark => identity::Action::WriteMark,
            RecordKind::Attendance => identity::Action::WriteAttendance,
        }
    }

    fn student_field(self) -> &'static str {
        match self {
            RecordKind::Mark => "mark.student_id",
            RecordKind::Attendance => "attendance.student_id",
        }
    }
}

/// The vendor and school a batch is for.
#[derive(Clone, Copy)]
pub(super) struct Batch {
    pub(super) vendor_id: Uuid,
    pub(super) school_id: Uuid,
    pub(super) dry_run: bool,
    /// The deletion safety valve is shut: deletions that would withdraw a
    /// live record are refused.
    valve_shut: Option<DeletionLoad>,
}

/// What the deletion safety valve weighed.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DeletionLoad {
    /// Live records withdrawn by the request's deletions and by the
    /// vendor's deletions within the window.
    withdrawn: i64,
    /// The vendor's records in the school at the window's start: live now,
    /// or deleted within the window.
    base: i64,
}

/// Whether withdrawing `load.withdrawn` of `load.base` records within the
/// window is more than the vendor may without confirming: more than the
/// `allowance`, and more than the `share` of the base.
fn exceeds_deletion_limit(load: DeletionLoad, share: f64, allowance: i64) -> bool {
    load.withdrawn > allowance && load.withdrawn as f64 > share * load.base as f64
}

impl GradebookApi {
    pub(super) async fn apply_vendor_records(
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
                    error_code: refusal.code.into(),
                    error_message: refusal.message,
                    ..Default::default()
                },
                Err(Failure::Broken(error)) => return Err(error),
            };
            results.push(result);
        }
        Ok((results, ledger))
    }

    /// Asks identity about the batch's new marks' students at once, a few
    /// questions at a time, rather than one after another as the records
    /// are decided: the allowances are remembered, so the records then find
    /// them. A refusal is not remembered; its record asks again and answers
    /// NOT_GRANTED.
    async fn ask_access_ahead(
        &self,
        ctx: &CallContext,
        batch: Batch,
        records: &[pb::VendorRecord],
    ) {
        use futures_util::StreamExt;
        let mut questions: Vec<(Uuid, Uuid, chrono::NaiveDate)> = records
            .iter()
            .filter(|r| !r.delete && RecordKind::of(r.record_type) == Some(RecordKind::Mark))
            .filter_map(|r| r.mark.as_ref())
            .filter_map(|mark| parse_mark(mark).ok())
            .map(|wanted| (wanted.student_id, wanted.subject_id, wanted.lesson_date))
            .collect();
        questions.sort_unstable();
        questions.dedup();
        futures_util::stream::iter(questions)
            .for_each_concurrent(
                ACCESS_QUESTIONS_AT_ONCE,
                |(student, subject, date)| async move {
                    let _ = self
                        .vendor_student(ctx, batch, RecordKind::Mark, student, subject, date)
                        .await;
                },
            )
            .await;
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
        let id_chars = record.vendor_record_id.chars().count();
        if !(1..=MAX_VENDOR_RECORD_ID_CHARS).contains(&id_chars) {
            return Err(invalid(
                "vendor_record_id",
                format!("must be 1–{MAX_VENDOR_RECORD_ID_CHARS} characters"),
            ));
        }
        if record.revision < 1 {
            return Err(invalid("revision", "must be at least 1"));
        }
        if record.expected_revision.is_some_and(|e| e < 0) {
            return Err(invalid("expected_revision", "must not be negative"));
        }
        let kind = RecordKind::of(record.record_type)
            .ok_or_else(|| invalid("record_type", "is required"))?;
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

    /// Judges a record against its key's stored state once access is
    /// settled: a result when there is nothing to write (a replay, an older
    /// revision), a refusal (a conflict, or a deletion the safety valve
    /// holds back), or `None` to go on and write.
    pub(super) fn judge(
        batch: Batch,
        record: &pb::VendorRecord,
        stored: Option<&VendorRecord>,
        hash: &[u8],
    ) -> Result<Option<pb::VendorRecordResult>, Failure> {
        let outcome = verdict(
            stored.map(|s| (s.revision, s.content_hash.as_slice())),
            record.revision,
            hash,
            record.expected_revision,
        );
        match outcome {
            Verdict::Unchanged => Ok(Some(result_of(
                pb::VendorRecordOutcome::Unchanged,
                stored,
            ))),
            Verdict::Stale => Ok(Some(result_of(pb::VendorRecordOutcome::Stale, stored))),
            Verdict::Conflict { field, message } => {
                Err(Refusal::new("VERSION_CONFLICT", field, message).into())
            }
            Verdict::Apply => match batch.valve_shut {
                Some(load) if record.delete && stored.is_some_and(|s| !s.deleted) => {
                    Err(Refusal::new(
                        "DELETION_LIMIT",
                        "delete",
                        format!(
                            "this would withdraw {} of the vendor's {} records in the school within {DELETION_WINDOW_HOURS} h; send it again with confirm_deletions if that is meant",
                            load.withdrawn, load.base
                        ),
                    )
                    .into())
                }
                _ => Ok(None),
            },
        }
    }

    async fn apply_vendor_mark(
        &self,
        ctx: &CallContext,
        batch: Batch,
        ledger: &mut Ledger,
        record: &pb::VendorRecord,
        stored: Option<VendorRecord>,
    ) -> Result<pb::VendorRecordResult, Failure> {
        let current = stored
            .as_ref()
            .and_then(|s| s.platform_id)
            .and_then(|id| ledger.mark(id));
        // Access first, so a vendor that lost its grant learns nothing, not
        // even what it stored before.
        let mut wanted = None;
        let place = match (&record.mark, &current) {
            (Some(mark), _) if !record.delete => {
                let parsed = wanted.insert(parse_mark(mark)?);
                Some(
                    self.vendor_student(
                        ctx,
                        batch,
                        RecordKind::Mark,
                        parsed.student_id,
                        parsed.subject_id,
                        parsed.lesson_date,
                    )
                    .await?,
                )
            }
            (None, _) if !record.delete => {
                return Err(invalid("mark", "is required unless deleting"));
            }
            (_, Some(mark)) => Some(
                self.vendor_student(
                    ctx,
                    batch,
                    RecordKind::Mark,
                    mark.student_id,
                    mark.subject_id,
                    mark.lesson_date,
                )
                .await?,
            ),
            (_, None) => {
                self.vendor_school(ctx, batch.school_id, RecordKind::Mark)
                    .await?;
                None
            }
        };
        let hash = content_hash(record);
        if let Some(result) = Self::judge(batch, record, stored.as_ref(), &hash)? {
            return Ok(result);
        }
        if let (Some(stored), Some(mark)) = (&stored, &current)
            && stored.mark_revision != Some(mark.revision)
        {
            // The key was read before the mark: a mark this vendor revised
            // last was written by its own push racing this one, which the
            // vendor resends; anyone else's revision stands.
            if mark.revised_by == batch.vendor_id {
                return Err(refused_race(raced_meanwhile()));
            }
            if !ledger.vendors_override_teachers(&self.db).await? {
                return Err(overridden());
            }
        }
        let next = VendorRecord {
            vendor_id: batch.vendor_id,
            school_id: batch.school_id,
            record_type: RECORD_TYPE_MARK.into(),
            vendor_record_id: record.vendor_record_id.clone(),
            revision: record.revision,
            content_hash: hash,
            platform_id: current.as_ref().map(|m| m.id),
            mark_revision: current.as_ref().map(|m| m.revision),
            deleted: record.delete,
            updated_at: self.clock.now(),
        };
        let previous = stored.as_ref().map(|s| s.revision);
        let reason = Some(record.reason.trim())
            .filter(|r| !r.is_empty())
            .unwrap_or(DEFAULT_REASON);
        let next = match (record.mark.as_ref().zip(wanted), current, place) {
            (Some((mark, parsed)), current, Some(place)) if !record.delete => {
                let current = current.filter(|m| m.deleted_at.is_none());
                let wanted = (mark, parsed);
                self.write_vendor_mark(
                    ctx, batch, ledger, &place, wanted, current, next, reason, previous,
                )
                .await?
            }
            (_, Some(mark), Some(place)) if mark.deleted_at.is_none() => {
                let window = ledger.edit_window_days(&self.db).await?;
                self.ensure_open_within(ctx, &place, mark.subject_id, mark.lesson_date, window)
                    .await
                    .map_err(refused)?;
                let mut after = mark.clone();
                after.deleted_at = Some(self.clock.now());
                revise_vendor_mark(
                    &self.db,
                    batch,
                    ledger,
                    &mark,
                    after,
                    ChangeKind::Deleted,
                    reason,
                    next,
                    previous,
                )
                .await?
            }
            // A deletion of a key without a live mark only moves the key on,
            // so an older revision arriving later stays stale.
            _ => {
                put_key(&self.db, ledger, &next, previous).await?;
                next
            }
        };
        Ok(result_of(pb::VendorRecordOutcome::Accepted, Some(&next)))
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_vendor_mark(
        &self,
        ctx: &CallContext,
        batch: Batch,
        ledger: &mut Ledger,
        place: &StudentPlace,
        (wanted, parsed): (&pb::VendorMark, Wanted),
        current: Option<Mark>,
        next: VendorRecord,
        reason: &str,
        previous: Option<i64>,
    ) -> Result<VendorRecord, Failure> {
        let scale = ledger.scale(&self.db, parsed.subject_id).await?;
        let mut violations = Violations::new();
        let reading = read_value(
            &scale,
            Some(MarkStatus::Graded),
            &wanted.value,
            &mut violations,
        );
        let weight = if wanted.weight == 0 { 1 } else { wanted.weight };
        check_weight(weight, &mut violations);
        check_comment(&wanted.comment, &mut violations);
        if let Some(lesson_id) = parsed.lesson_id {
            self.check_lesson(
                place,
                lesson_id,
                parsed.subject_id,
                parsed.lesson_date,
                &mut violations,
            )
            .await?;
        }
        violations.into_result().map_err(refused)?;
        let reading = reading.expect("checked above");
        let now = self.clock.now();
        let new_mark = || Mark {
            id: Uuid::now_v7(),
            school_id: batch.school_id,
            student_id: parsed.student_id,
            subject_id: parsed.subject_id,
            class_id: place.class_id,
            lesson_date: parsed.lesson_date,
            lesson_id: parsed.lesson_id,
            scale: scale.kind.as_str().into(),
            value: reading.value.clone(),
            status: reading.status.as_str().into(),
            weight,
            work_type_id: None,
            comment: wanted.comment.trim().to_owned(),
            author_id: batch.vendor_id,
            request_id: None,
            revision: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            seen_at: None,
            source_vendor_id: Some(batch.vendor_id),
            revised_by: batch.vendor_id,
        };
        match current {
            Some(before)
                if (
                    before.student_id,
                    before.subject_id,
                    before.lesson_date,
                    before.lesson_id,
                ) != (
                    parsed.student_id,
                    parsed.subject_id,
                    parsed.lesson_date,
                    parsed.lesson_id,
                ) =>
            {
                // The vendor moved its record to another student, subject or
                // lesson: the old mark is withdrawn and a new one posted, in
                // one write, so the newest revision wins however often the
                // record is sent.
                let window = ledger.edit_window_days(&self.db).await?;
                self.ensure_open_within(ctx, place, before.subject_id, before.lesson_date, window)
                    .await
                    .map_err(refused)?;
                self.ensure_open_within(ctx, place, parsed.subject_id, parsed.lesson_date, window)
                    .await
                    .map_err(refused)?;
                let mut withdrawn = before.clone();
                withdrawn.revision = before.revision + 1;
                withdrawn.deleted_at = Some(now);
                withdrawn.updated_at = now;
                withdrawn.revised_by = batch.vendor_id;
                let mark = new_mark();
                let next = VendorRecord {
                    platform_id: (!batch.dry_run).then_some(mark.id),
                    mark_revision: Some(mark.revision),
                    ..next
                };
                let withdrawal = mark_change(&withdrawn, ChangeKind::Deleted);
                let change = mark_change(&mark, ChangeKind::Created);
                ledger
                    .write(
                        &self.db,
                        VendorWrite {
                            key: next.clone(),
                            previous,
                            change: VendorChange::MovedMark {
                                before: Box::new(before),
                                withdrawn: Box::new(withdrawn),
                                reason: reason.to_owned(),
                                withdrawal,
                                mark: Box::new(mark),
                                change,
                            },
                        },
                    )
                    .await?;
                Ok(next)
            }
            Some(before) => {
                let mut after = before.clone();
                after.value = reading.value.clone();
                after.status = reading.status.as_str().into();
                after.scale = scale.kind.as_str().into();
                after.weight = weight;
                after.comment = wanted.comment.trim().to_owned();
                if after == before {
                    put_key(&self.db, ledger, &next, previous).await?;
                    return Ok(next);
                }
                let window = ledger.edit_window_days(&self.db).await?;
                self.ensure_open_within(ctx, place, before.subject_id, before.lesson_date, window)
                    .await
                    .map_err(refused)?;
                revise_vendor_mark(
                    &self.db,
                    batch,
                    ledger,
                    &before,
                    after,
                    ChangeKind::Updated,
                    reason,
                    next,
                    previous,
                )
                .await
            }
            None => {
                let window = ledger.edit_window_days(&self.db).await?;
                self.ensure_open_within(ctx, place, parsed.subject_id, parsed.lesson_date, window)
                    .await
                    .map_err(refused)?;
                let mark = new_mark();
                // A dry run names no mark it did not make.
                let next = VendorRecord {
                    platform_id: (!batch.dry_run).then_some(mark.id),
                    mark_revision: Some(mark.revision),
                    ..next
                };
                let change = mark_change(&mark, ChangeKind::Created);
                ledger
                    .write(
                        &self.db,
                        VendorWrite {
                            key: next.clone(),
                            previous,
                            change: VendorChange::NewMark { mark, change },
                        },
                    )
                    .await?;
                Ok(next)
            }
        }
    }

    pub(super) async fn list_vendor_records(
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

    /// Allows the vendor to write the student's marks (or attendance) in the
    /// subject on the day, in the batch's school. Refusals and unknown
    /// students read alike.
    pub(super) async fn vendor_student(
        &self,
        ctx: &CallContext,
        batch: Batch,
        kind: RecordKind,
        student_id: Uuid,
        subject_id: Uuid,
        date: chrono::NaiveDate,
    ) -> Result<StudentPlace, Failure> {
        let place = match self
            .student(ctx, kind.action(), student_id, Some(subject_id), Some(date))
            .await
        {
            Ok(place) => place,
            Err(Error::NotFound(_) | Error::InvalidArgument(_)) => {
                return Err(Refusal::not_granted(kind).into());
            }
            Err(other) => return Err(other.into()),
        };
        if place.school_id != batch.school_id {
            return Err(Refusal::new(
                "UNRESOLVED_REFERENCE",
                kind.student_field(),
                "the student is not in this school",
            )
            .into());
        }
        Ok(place)
    }

    /// Allows a deletion that names no student: the vendor's token must
    /// carry the kind's write scope and the school must have granted it.
    pub(super) async fn vendor_school(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        kind: RecordKind,
    ) -> Result<(), Failure> {
        if !ctx.principal.has_scope(kind.scope()) {
            return Err(Refusal::not_granted(kind).into());
        }
        match self
            .school(ctx, identity::Action::ReadSchool, school_id)
            .await
        {
            Ok(()) => Ok(()),
            Err(Error::NotFound(_) | Error::InvalidArgument(_)) => {
                Err(Refusal::not_granted(kind).into())
            }
            Err(other) => Err(other.into()),
        }
    }
}

/// Stores a key's next state that changes nothing in the journal.
pub(super) async fn put_key(
    db: &otmetka_platform::db::Db,
    ledger: &mut Ledger,
    next: &VendorRecord,
    previous: Option<i64>,
) -> Result<(), Failure> {
    ledger
        .write(
            db,
            VendorWrite {
                key: next.clone(),
                previous,
                change: VendorChange::KeyOnly,
            },
        )
        .await
}

/// Takes `after` as the next revision of `before` (a vendor's correction
/// or withdrawal), with the key's new state.
#[allow(clippy::too_many_arguments)]
async fn revise_vendor_mark(
    db: &otmetka_platform::db::Db,
    batch: Batch,
    ledger: &mut Ledger,
    before: &Mark,
    mut after: Mark,
    kind: ChangeKind,
    reason: &str,
    next: VendorRecord,
    previous: Option<i64>,
) -> Result<VendorRecord, Failure> {
    after.revision = before.revision + 1;
    after.updated_at = after.deleted_at.unwrap_or(next.updated_at);
    after.revised_by = batch.vendor_id;
    let next = VendorRecord {
        mark_revision: Some(after.revision),
        ..next
    };
    let change = mark_change(&after, kind);
    ledger
        .write(
            db,
            VendorWrite {
                key: next.clone(),
                previous,
                change: VendorChange::RevisedMark {
                    before: Box::new(before.clone()),
                    after: Box::new(after),
                    reason: reason.to_owned(),
                    change,
                },
            },
        )
        .await?;
    Ok(next)
}

/// A teacher's change stands against the vendor's.
pub(super) fn overridden() -> Failure {
    Refusal::new(
        "OVERRIDDEN_BY_TEACHER",
        "",
        "a teacher changed this record in the journal; it is no longer the vendor's",
    )
    .into()
}

fn raced_meanwhile() -> Error {
    Error::FailedPrecondition("the record was changed meanwhile; send it again".into())
}

/// A push of the same key racing this one won; the vendor resends.
pub(super) fn refused_race(error: Error) -> Failure {
    match error {
        Error::FailedPrecondition(message) | Error::Aborted(message) => {
            Failure::Refused(Refusal::new("VERSION_CONFLICT", "revision", message))
        }
        other => Failure::Broken(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(withdrawn: i64, base: i64) -> DeletionLoad {
        DeletionLoad { withdrawn, base }
    }

    #[test]
    fn the_valve_trips_only_above_both_the_allowance_and_the_share() {
        // A tenth of 1,000 records, with 100 always allowed.
        assert!(!exceeds_deletion_limit(load(100, 1000), 0.1, 100));
        assert!(exceeds_deletion_limit(load(101, 1000), 0.1, 100));
        // A small school: the allowance decides.
        assert!(!exceeds_deletion_limit(load(20, 20), 0.1, 100));
        // A large school: the share decides.
        assert!(!exceeds_deletion_limit(load(900, 10_000), 0.1, 100));
        assert!(exceeds_deletion_limit(load(1001, 10_000), 0.1, 100));
    }

    proptest::proptest! {
        /// Withdrawing more never passes where withdrawing less tripped.
        #[test]
        fn withdrawing_more_never_passes_where_less_tripped(
            withdrawn in 0i64..10_000,
            more in 0i64..10_000,
            base in 0i64..100_000,
            share in 0.0f64..1.0,
            allowance in 0i64..1_000,
        ) {
            if exceeds_deletion_limit(load(withdrawn, base), share, allowance) {
                proptest::prop_assert!(exceeds_deletion_limit(
                    load(withdrawn + more, base),
                    share,
                    allowance
                ));
            }
        }
    }
}
