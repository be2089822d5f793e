//! Vendors' attendance records: a student's absence, illness, excused
//! absence or late arrival at a lesson, keyed like vendors' marks. The
//! journal holds one attendance record per student and lesson, so a vendor
//! key owns that record while the vendor was the last to write it; once a
//! teacher records the student's attendance there, the teacher's word
//! stands (unless the school lets vendors override teachers).

use chrono::NaiveDate;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::StudentPlace;
use otmetka_platform::ids::{ClassId, LessonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::outbox::{Change, ChangeKind};
use otmetka_platform::refusal::RecordRefusal;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use prost::Message;

use super::ledger::Ledger;
use super::marks::put_key;
use super::record::{Batch, RecordKind, content_hash, judge, result_of};
use super::refusal::{Failure, Refusal, invalid, overridden, refused};
use crate::api::attendance::{ATTENDANCE, MAX_LATE_MINUTES};
use crate::api::{GradebookApi, REASON};
use crate::convert;
use crate::model::{Attendance, AttendanceId, AttendanceKind, VendorRecord};
use crate::store::{VendorChange, VendorWrite};

/// A pushed attendance record's fields, parsed and placed: the lesson gives
/// the subject and the date.
struct Wanted {
    student_id: StudentId,
    lesson_id: LessonId,
    subject_id: SubjectId,
    lesson_date: NaiveDate,
    kind: AttendanceKind,
    late_minutes: i32,
    reason: String,
    place: StudentPlace,
}

fn unresolved(field: &'static str, message: &str) -> Failure {
    Refusal::new(RecordRefusal::UnresolvedReference, field, message).into()
}

/// Checks the record's own fields: ids, and a status with its minutes.
pub(super) fn parse_fields(
    attendance: &pb::VendorAttendance,
) -> Result<(StudentId, LessonId, AttendanceKind, i32, String), Failure> {
    let student_id = attendance
        .student_id
        .parse::<StudentId>()
        .map_err(|_| unresolved("attendance.student_id", "must be a platform id"))?;
    let lesson_id = attendance
        .lesson_id
        .parse::<LessonId>()
        .map_err(|_| unresolved("attendance.lesson_id", "must be a platform id"))?;
    let kind = match convert::attendance_kind_from(attendance.kind) {
        None => return Err(invalid("attendance.kind", "is required")),
        Some(AttendanceKind::Present) => {
            return Err(invalid(
                "attendance.kind",
                "presence is not recorded; delete the record to mark the student present",
            ));
        }
        Some(kind) => kind,
    };
    match kind {
        AttendanceKind::Late if !(1..=MAX_LATE_MINUTES).contains(&attendance.late_minutes) => {
            return Err(invalid(
                "attendance.late_minutes",
                format!("must be 1–{MAX_LATE_MINUTES} for a late arrival"),
            ));
        }
        AttendanceKind::Late => {}
        _ if attendance.late_minutes != 0 => {
            return Err(invalid(
                "attendance.late_minutes",
                "is only for a late arrival",
            ));
        }
        _ => {}
    }
    let reason = REASON
        .read(&attendance.reason)
        .map_err(|problem| invalid("attendance.reason", problem.to_string()))?;
    Ok((
        student_id,
        lesson_id,
        kind,
        attendance.late_minutes,
        reason.to_owned(),
    ))
}

impl GradebookApi {
    pub(super) async fn apply_vendor_attendance(
        &self,
        ctx: &CallContext,
        batch: Batch,
        ledger: &mut Ledger,
        record: &pb::VendorRecord,
        stored: Option<VendorRecord>,
    ) -> Result<pb::VendorRecordResult, Failure> {
        let held = stored
            .as_ref()
            .and_then(|s| s.platform_id)
            .and_then(|id| ledger.attendance(id));
        // Access first, so a vendor that lost its grant learns nothing, not
        // even what it stored before.
        let wanted = match (&record.attendance, &held) {
            (Some(attendance), _) if !record.delete => {
                Some(self.place_attendance(ctx, batch, attendance).await?)
            }
            (None, _) if !record.delete => {
                return Err(invalid("attendance", "is required unless deleting"));
            }
            (_, Some(row)) => {
                self.vendor_student(
                    ctx,
                    batch,
                    RecordKind::Attendance,
                    row.student_id,
                    row.subject_id,
                    row.lesson_date,
                )
                .await?;
                None
            }
            (_, None) => {
                self.vendor_school(ctx, batch.school_id, RecordKind::Attendance)
                    .await?;
                None
            }
        };
        let hash = content_hash(record);
        if let Some(result) = judge(batch, record, stored.as_ref(), &hash)? {
            return Ok(result);
        }
        if let (Some(held), Some(wanted)) = (&held, &wanted)
            && (held.student_id, held.lesson_id) != (wanted.student_id, wanted.lesson_id)
        {
            return Err(invalid(
                "attendance",
                "a pushed attendance record keeps its student and lesson; delete it and push a new record",
            ));
        }
        // The journal's record where this one lands: the key's own, or for a
        // new key whatever is recorded for the student at the lesson.
        let row = match (&held, &wanted) {
            (Some(held), _) => Some(held.clone()),
            (None, Some(wanted)) => {
                ledger
                    .attendance_at(&self.db, wanted.student_id, wanted.lesson_id)
                    .await?
            }
            (None, None) => None,
        };
        let written_by_others = row.as_ref().is_some_and(|r| r.author_id != batch.vendor_id);
        if written_by_others && !ledger.vendors_override_teachers(&self.db).await? {
            return Err(overridden());
        }
        let next = VendorRecord {
            vendor_id: batch.vendor_id,
            school_id: batch.school_id,
            record_type: RecordKind::Attendance.as_str().into(),
            vendor_record_id: record.vendor_record_id.clone(),
            revision: record.revision,
            content_hash: hash,
            platform_id: row.as_ref().map(|r| r.id.uuid()),
            mark_revision: None,
            deleted: record.delete,
            updated_at: self.clock.now(),
        };
        let previous = stored.as_ref().map(|s| s.revision);
        let now = self.clock.now();
        let after = match (wanted, row.clone()) {
            (Some(wanted), row) => {
                let window = ledger.edit_window_days(&self.db).await?;
                self.ensure_open_within(
                    ctx,
                    &wanted.place,
                    wanted.subject_id,
                    wanted.lesson_date,
                    window,
                )
                .await
                .map_err(refused)?;
                Attendance {
                    id: row.as_ref().map_or_else(AttendanceId::generate, |r| r.id),
                    school_id: SchoolId(batch.school_id),
                    student_id: wanted.student_id,
                    class_id: wanted.place.class_id.map(ClassId),
                    lesson_id: wanted.lesson_id,
                    subject_id: wanted.subject_id,
                    lesson_date: wanted.lesson_date,
                    kind: wanted.kind,
                    late_minutes: wanted.late_minutes,
                    reason: wanted.reason,
                    author_id: batch.vendor_id,
                    updated_at: now,
                }
            }
            (None, Some(row)) if row.kind != AttendanceKind::Present => {
                let place = self
                    .vendor_student(
                        ctx,
                        batch,
                        RecordKind::Attendance,
                        row.student_id,
                        row.subject_id,
                        row.lesson_date,
                    )
                    .await?;
                let window = ledger.edit_window_days(&self.db).await?;
                self.ensure_open_within(ctx, &place, row.subject_id, row.lesson_date, window)
                    .await
                    .map_err(refused)?;
                Attendance {
                    kind: AttendanceKind::Present,
                    late_minutes: 0,
                    reason: String::new(),
                    author_id: batch.vendor_id,
                    updated_at: now,
                    ..row
                }
            }
            // Deleting what is already presence, or a key never seen, only
            // moves the key on, so an older revision arriving later is stale.
            (None, _) => {
                put_key(&self.db, ledger, &next, previous).await?;
                return Ok(result_of(pb::VendorRecordOutcome::Accepted, Some(&next)));
            }
        };
        let unchanged = row.as_ref().is_some_and(|r| {
            (&r.kind, r.late_minutes, &r.reason, r.author_id)
                == (
                    &after.kind,
                    after.late_minutes,
                    &after.reason,
                    after.author_id,
                )
        });
        // A dry run names no record it did not make.
        let next = VendorRecord {
            platform_id: (row.is_some() || !batch.dry_run).then_some(after.id.uuid()),
            ..next
        };
        if unchanged {
            put_key(&self.db, ledger, &next, previous).await?;
        } else {
            let kind = if row.is_some() {
                ChangeKind::Updated
            } else {
                ChangeKind::Created
            };
            let payload = convert::attendance(after.clone()).encode_to_vec();
            let (school_id, id) = (after.school_id.uuid(), after.id.uuid());
            let change = Change::new(school_id, ATTENDANCE, id, kind, Some(payload));
            ledger
                .write(
                    &self.db,
                    VendorWrite {
                        key: next.clone(),
                        previous,
                        change: VendorChange::Attendance {
                            record: after,
                            change,
                        },
                    },
                )
                .await?;
        }
        Ok(result_of(pb::VendorRecordOutcome::Accepted, Some(&next)))
    }

    /// Reads the lesson (with the vendor's own token), allows the vendor to
    /// record the student's attendance in its subject on its day, and checks
    /// that the student attends it.
    async fn place_attendance(
        &self,
        ctx: &CallContext,
        batch: Batch,
        attendance: &pb::VendorAttendance,
    ) -> Result<Wanted, Failure> {
        let (student_id, lesson_id, kind, late_minutes, reason) = parse_fields(attendance)?;
        let no_lesson = || unresolved("attendance.lesson_id", "is not a lesson of this school");
        let lesson = match self
            .calendar
            .lesson(SchoolId(batch.school_id), lesson_id)
            .await
        {
            Ok(lesson) => lesson,
            Err(Error::NotFound(_)) => return Err(no_lesson()),
            Err(other) => return Err(other.into()),
        };
        let subject_id = lesson
            .subject_id
            .parse::<SubjectId>()
            .map_err(|_| no_lesson())?;
        let lesson_date = lesson.date.parse::<NaiveDate>().map_err(|_| no_lesson())?;
        let place = self
            .vendor_student(
                ctx,
                batch,
                RecordKind::Attendance,
                student_id,
                subject_id,
                lesson_date,
            )
            .await?;
        match self.lesson_of(&place, lesson_id).await {
            Ok(_) => {}
            Err(Error::NotFound(_) | Error::InvalidArgument(_)) => {
                return Err(unresolved(
                    "attendance.lesson_id",
                    "the student does not attend this lesson",
                ));
            }
            Err(other) => return Err(other.into()),
        }
        Ok(Wanted {
            student_id,
            lesson_id,
            subject_id,
            lesson_date,
            kind,
            late_minutes,
            reason,
            place,
        })
    }
}
