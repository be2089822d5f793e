//! Vendors' marks: a key's mark posted, corrected, moved or withdrawn.

use otmetka_platform::db::Db;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::StudentPlace;
use otmetka_platform::ids::{ClassId, SchoolId};
use otmetka_platform::outbox::ChangeKind;
use otmetka_proto::gradebook::v1 as pb;

use super::ledger::Ledger;
use super::record::{
    Batch, RECORD_TYPE_MARK, RecordKind, Wanted, content_hash, judge, parse_mark, result_of,
};
use super::refusal::{Failure, invalid, overridden, raced_meanwhile, refused, refused_race};
use crate::api::GradebookApi;
use crate::api::mark_checks::{check_comment, check_weight, read_value};
use crate::api::marks::mark_change;
use crate::model::{Mark, MarkId, MarkStatus, VendorRecord};
use crate::store::{VendorChange, VendorWrite};

/// Kept in a mark's history when the vendor gives no reason of its own.
const DEFAULT_REASON: &str = "Изменено во внешнем журнале";

impl GradebookApi {
    pub(super) async fn apply_vendor_mark(
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
        if let Some(result) = judge(batch, record, stored.as_ref(), &hash)? {
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
            platform_id: current.as_ref().map(|m| m.id.uuid()),
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
            id: MarkId::generate(),
            school_id: SchoolId(batch.school_id),
            student_id: parsed.student_id,
            subject_id: parsed.subject_id,
            class_id: place.class_id.map(ClassId),
            lesson_date: parsed.lesson_date,
            lesson_id: parsed.lesson_id,
            scale: scale.kind,
            value: reading.value.clone(),
            status: reading.status,
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
                    platform_id: (!batch.dry_run).then_some(mark.id.uuid()),
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
                after.status = reading.status;
                after.scale = scale.kind;
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
                    platform_id: (!batch.dry_run).then_some(mark.id.uuid()),
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
}

/// Stores a key's next state that changes nothing in the journal.
pub(super) async fn put_key(
    db: &Db,
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
    db: &Db,
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
