//! Keeps gradebook's copy of schedule's lessons and reporting periods,
//! from schedule's change feed.

use chrono::NaiveDate;
use otmetka_platform::db::Tx;
use otmetka_platform::feed::{ApplyChange, ChangeEnvelope, ChangeType, EntityType, Refusal};
use otmetka_proto::schedule::v1 as schedule;
use prost::Message;
use uuid::Uuid;

use crate::store::calendar::{self as copy, CopiedLesson};

/// The consumer's name: its cursor's key and its metrics' label.
pub const CONSUMER: &str = "gradebook.calendar";

/// Applies lesson and period changes; every other kind passes by.
#[derive(Debug, Default)]
pub struct CalendarCopy;

fn park(what: &str, change: &ChangeEnvelope) -> Refusal {
    Refusal::Park(format!("{what} {} is unreadable", change.entity_id))
}

fn id(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok()
}

fn optional_id(text: &str) -> Option<Option<Uuid>> {
    if text.is_empty() {
        Some(None)
    } else {
        id(text).map(Some)
    }
}

fn copied(lesson: schedule::Lesson) -> Option<CopiedLesson> {
    Some(CopiedLesson {
        id: id(&lesson.id)?,
        school_id: id(&lesson.school_id)?,
        class_id: id(&lesson.class_id)?,
        group_id: optional_id(&lesson.group_id)?,
        subject_id: id(&lesson.subject_id)?,
        date: lesson.date.parse::<NaiveDate>().ok()?,
        lesson_number: lesson.lesson_number,
        lesson,
    })
}

impl ApplyChange for CalendarCopy {
    async fn apply(&self, tx: &mut Tx, change: &ChangeEnvelope) -> Result<(), Refusal> {
        let entity = change.entity_type();
        if !matches!(entity, EntityType::Lesson | EntityType::ReportingPeriod) {
            return Ok(());
        }
        let entity_id = id(&change.entity_id).ok_or_else(|| park("change", change))?;
        if change.change_type() == ChangeType::Deleted {
            match entity {
                EntityType::Lesson => copy::delete_lesson(tx, entity_id).await?,
                _ => copy::delete_period(tx, entity_id).await?,
            }
            return Ok(());
        }
        let resource = schedule::Change::decode(change.payload.as_slice())
            .ok()
            .and_then(|change| change.resource);
        match resource {
            Some(schedule::change::Resource::Lesson(lesson)) => {
                let lesson = copied(lesson).ok_or_else(|| park("lesson", change))?;
                copy::put_lesson(tx, &lesson).await?;
            }
            Some(schedule::change::Resource::ReportingPeriod(period)) => {
                let school_id = id(&period.school_id).ok_or_else(|| park("period", change))?;
                copy::put_period(tx, &period, entity_id, school_id).await?;
            }
            _ => return Err(park("change", change)),
        }
        Ok(())
    }
}
