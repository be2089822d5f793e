//! What a batch of vendor records sees of the journal. The keys of the
//! batch and the marks and attendance records they stand for are read once,
//! up front, and kept up to date as each record is decided, so that a later
//! record of the batch sees what an earlier one did. The school's settings
//! and scales are read once per batch. The writes are then stored in one
//! transaction (one commit for the batch rather than one per record); if
//! another writer raced the batch, that transaction is rolled back and the
//! batch decided again with each record stored on its own, so a race costs
//! only the records it touched.

use std::collections::HashMap;

use otmetka_platform::db::Db;
use otmetka_platform::ids::{LessonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use uuid::Uuid;

use super::record::RecordKind;
use super::refusal::{Failure, refused_race};
use crate::model::{Attendance, AttendanceId, Mark, MarkId, VendorRecord};
use crate::scale::Scale;
use crate::store::{self, VendorChange, VendorWrite};

/// How the batch's writes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Not at all: a dry run.
    DryRun,
    /// All at the end, in one transaction.
    Together,
    /// Each as it is decided, in its own transaction.
    OneByOne,
}

pub(super) struct Ledger {
    mode: Mode,
    school_id: Uuid,
    keys: HashMap<(RecordKind, String), VendorRecord>,
    marks: HashMap<MarkId, Mark>,
    attendance: HashMap<AttendanceId, Attendance>,
    scales: HashMap<SubjectId, Scale>,
    vendors_override_teachers: Option<bool>,
    edit_window_days: Option<i32>,
    writes: Vec<VendorWrite>,
}

impl Ledger {
    /// Reads the stored state of the batch's keys, then of what they stand
    /// for (in that order: a mark newer than its key is a concurrent write,
    /// never a key newer than its mark).
    pub(super) async fn read(
        db: &Db,
        vendor_id: Uuid,
        school_id: Uuid,
        records: &[pb::VendorRecord],
        mode: Mode,
    ) -> Result<Self> {
        let mut keys = HashMap::new();
        for kind in [RecordKind::Mark, RecordKind::Attendance] {
            let mut ids: Vec<String> = records
                .iter()
                .filter(|r| RecordKind::of(r.record_type) == Some(kind))
                .map(|r| r.vendor_record_id.clone())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                continue;
            }
            for key in store::vendor_records(db, vendor_id, school_id, kind.as_str(), &ids).await? {
                keys.insert((kind, key.vendor_record_id.clone()), key);
            }
        }
        let held = |kind: RecordKind| -> Vec<Uuid> {
            keys.iter()
                .filter(|((k, _), _)| *k == kind)
                .filter_map(|(_, key)| key.platform_id)
                .collect()
        };
        let mark_ids: Vec<MarkId> = held(RecordKind::Mark).into_iter().map(MarkId).collect();
        let attendance_ids: Vec<AttendanceId> = held(RecordKind::Attendance)
            .into_iter()
            .map(AttendanceId)
            .collect();
        let marks = store::get_marks(db, &mark_ids)
            .await?
            .into_iter()
            .map(|mark| (mark.id, mark))
            .collect();
        let attendance = store::get_attendances(db, &attendance_ids)
            .await?
            .into_iter()
            .map(|record| (record.id, record))
            .collect();
        Ok(Self {
            mode,
            school_id,
            keys,
            marks,
            attendance,
            scales: HashMap::new(),
            vendors_override_teachers: None,
            edit_window_days: None,
            writes: Vec::new(),
        })
    }

    pub(super) fn key(&self, kind: RecordKind, vendor_record_id: &str) -> Option<VendorRecord> {
        self.keys.get(&(kind, vendor_record_id.to_owned())).cloned()
    }

    /// The mark a key stands for (its platform id).
    pub(super) fn mark(&self, platform_id: Uuid) -> Option<Mark> {
        self.marks.get(&MarkId(platform_id)).cloned()
    }

    /// The attendance record a key stands for (its platform id).
    pub(super) fn attendance(&self, platform_id: Uuid) -> Option<Attendance> {
        self.attendance.get(&AttendanceId(platform_id)).cloned()
    }

    /// The attendance recorded for a student at a lesson: as this batch
    /// left it, or as stored.
    pub(super) async fn attendance_at(
        &self,
        db: &Db,
        student_id: StudentId,
        lesson_id: LessonId,
    ) -> Result<Option<Attendance>> {
        let in_batch = self
            .attendance
            .values()
            .find(|r| r.student_id == student_id && r.lesson_id == lesson_id);
        match in_batch {
            Some(record) => Ok(Some(record.clone())),
            None => store::attendance_at(db, student_id, lesson_id).await,
        }
    }

    pub(super) async fn scale(&mut self, db: &Db, subject_id: SubjectId) -> Result<Scale> {
        if let Some(scale) = self.scales.get(&subject_id) {
            return Ok(scale.clone());
        }
        let scale = store::scale_for(db, SchoolId(self.school_id), subject_id).await?;
        self.scales.insert(subject_id, scale.clone());
        Ok(scale)
    }

    pub(super) async fn vendors_override_teachers(&mut self, db: &Db) -> Result<bool> {
        if let Some(chosen) = self.vendors_override_teachers {
            return Ok(chosen);
        }
        let chosen = store::vendors_override_teachers(db, self.school_id).await?;
        self.vendors_override_teachers = Some(chosen);
        Ok(chosen)
    }

    pub(super) async fn edit_window_days(&mut self, db: &Db) -> Result<i32> {
        if let Some(days) = self.edit_window_days {
            return Ok(days);
        }
        let days = store::edit_window_days(db, self.school_id).await?;
        self.edit_window_days = Some(days);
        Ok(days)
    }

    /// Takes a record's write: what later records of the batch see, and
    /// what is stored (now, at the end, or never).
    pub(super) async fn write(&mut self, db: &Db, write: VendorWrite) -> Result<(), Failure> {
        if self.mode == Mode::OneByOne {
            store::apply_vendor_writes(db, std::slice::from_ref(&write))
                .await
                .map_err(refused_race)?;
        }
        match &write.change {
            VendorChange::KeyOnly => {}
            VendorChange::NewMark { mark, .. } => {
                self.marks.insert(mark.id, mark.clone());
            }
            VendorChange::RevisedMark { after, .. } => {
                self.marks.insert(after.id, after.as_ref().clone());
            }
            VendorChange::Attendance { record, .. } => {
                self.attendance.insert(record.id, record.clone());
            }
            VendorChange::MovedMark {
                withdrawn, mark, ..
            } => {
                self.marks.insert(withdrawn.id, withdrawn.as_ref().clone());
                self.marks.insert(mark.id, mark.as_ref().clone());
            }
        }
        let kind = if write.key.record_type == RecordKind::Attendance.as_str() {
            RecordKind::Attendance
        } else {
            RecordKind::Mark
        };
        self.keys.insert(
            (kind, write.key.vendor_record_id.clone()),
            write.key.clone(),
        );
        if self.mode == Mode::Together {
            self.writes.push(write);
        }
        Ok(())
    }

    /// Stores the writes taken together. `Ok(false)`: another writer raced
    /// the batch and nothing was stored.
    pub(super) async fn commit(mut self, db: &Db) -> Result<bool> {
        // Batches write their keys in one order (a key's own writes keep
        // theirs), so two batches of one vendor never wait on each other in
        // a circle; unless two keys of the batch write one student's
        // attendance at one lesson, where the order decides what stays.
        let mut places: Vec<(StudentId, LessonId)> = self
            .writes
            .iter()
            .filter_map(|write| match &write.change {
                VendorChange::Attendance { record, .. } => {
                    Some((record.student_id, record.lesson_id))
                }
                _ => None,
            })
            .collect();
        let attendance_writes = places.len();
        places.sort_unstable();
        places.dedup();
        if places.len() == attendance_writes {
            self.writes.sort_by(|a, b| {
                (&a.key.record_type, &a.key.vendor_record_id)
                    .cmp(&(&b.key.record_type, &b.key.vendor_record_id))
            });
        }
        match store::apply_vendor_writes(db, &self.writes).await {
            Ok(()) => Ok(true),
            Err(Error::FailedPrecondition(_) | Error::Aborted(_)) => Ok(false),
            Err(other) => Err(other),
        }
    }
}
