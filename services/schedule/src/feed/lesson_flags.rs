//! Sets a lesson's `has_marks` and `has_attendance` from gradebook's change
//! feed, so that regenerating a timetable never drops a lesson that holds
//! journal data.

use otmetka_platform::clock::Clock;
use otmetka_platform::db::Tx;
use otmetka_platform::feed::{ApplyChange, ChangeEnvelope, ChangeType, EntityType, Refusal};
use otmetka_platform::ids::{LessonId, SchoolId};
use otmetka_proto::gradebook::v1 as gradebook;
use prost::Message;
use uuid::Uuid;

use crate::api::encode_lesson;
use crate::model::ChangeType as LessonChange;
use crate::store::{self, journal_entries};

/// The consumer's name: its cursor's key and its metrics' label.
pub const CONSUMER: &str = "schedule.lesson-flags";

/// Applies marks and attendance records; final marks pass by.
#[derive(Debug)]
pub struct LessonFlags {
    pub clock: Clock,
}

/// The lesson a mark or attendance record hangs on after the change:
/// none once it is withdrawn or deleted, or when it names none.
fn lesson_after(change: &ChangeEnvelope) -> Result<Option<LessonId>, Refusal> {
    if change.change_type() == ChangeType::Deleted {
        return Ok(None);
    }
    let unreadable = || Refusal::Park(format!("{} is unreadable", change.entity_id));
    let lesson_id = match change.entity_type() {
        EntityType::Mark => {
            let mark =
                gradebook::Mark::decode(change.payload.as_slice()).map_err(|_| unreadable())?;
            if mark.delete_time.is_some() {
                return Ok(None);
            }
            mark.lesson_id
        }
        _ => {
            gradebook::AttendanceRecord::decode(change.payload.as_slice())
                .map_err(|_| unreadable())?
                .lesson_id
        }
    };
    if lesson_id.is_empty() {
        return Ok(None);
    }
    lesson_id.parse().map(Some).map_err(|_| unreadable())
}

impl ApplyChange for LessonFlags {
    async fn apply(&self, tx: &mut Tx, change: &ChangeEnvelope) -> Result<(), Refusal> {
        let entity = change.entity_type();
        if !matches!(entity, EntityType::Mark | EntityType::Attendance) {
            return Ok(());
        }
        let ids = Uuid::parse_str(&change.entity_id)
            .ok()
            .zip(change.school_id.parse::<SchoolId>().ok());
        let Some((entity_id, school_id)) = ids else {
            return Err(Refusal::Park(format!(
                "{} names no entity or school",
                change.cursor
            )));
        };
        let lesson_id = lesson_after(change)?;
        // Regeneration checks the flags under the same lock.
        store::lock_school(tx, school_id).await?;
        let before = journal_entries::put(tx, entity, entity_id, school_id, lesson_id).await?;
        // The change is gradebook's, not a person's: the nil id stands for it.
        let encode = encode_lesson(Uuid::nil());
        let encode = |lesson: &crate::model::Lesson| encode(lesson, LessonChange::Updated);
        let now = self.clock.now();
        if let Some(before) = before.filter(|before| Some(*before) != lesson_id) {
            store::refresh_record_flags(tx, school_id, before, now, encode).await?;
        }
        if let Some(lesson_id) = lesson_id
            && store::refresh_record_flags(tx, school_id, lesson_id, now, encode)
                .await?
                .is_none()
        {
            return Err(Refusal::Park(format!(
                "lesson {lesson_id} is not a lesson of school {school_id}"
            )));
        }
        Ok(())
    }
}
