//! Reads schedule's change feed for what a class's families hear about:
//! new homework, and a lesson cancelled, taught by a substitute or moved to
//! another room. Each becomes pending class news in the transaction that
//! moves the cursor; the notifier tells the class's students and guardians.
//! A lesson's news always says its latest state: each change of the lesson
//! replaces what was still to be told about it (a cancellation taken back
//! before it was told is never told).

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Tx;
use otmetka_platform::feed::{ApplyChange, ChangeEnvelope, ChangeType, EntityType, Refusal};
use otmetka_platform::ids::{ClassId, GroupId, SchoolId, SubjectId};
use otmetka_platform::text::first_line;
use otmetka_proto::schedule::v1 as schedule;
use prost::Message;
use tokio::sync::Notify;

use crate::model::{ClassNews, ClassNewsKind};
use crate::store;

/// The consumer's name: its cursor's key and its metrics' label.
pub const CONSUMER: &str = "messaging.schedule-news";
/// The service whose changes these are: with the event key, news's key.
const SOURCE: &str = "schedule";
/// How much of a homework's text its notification quotes.
const HOMEWORK_CHARS: usize = 200;

/// What families hear about in schedule's changes.
pub struct ScheduleNews {
    pub horizon: Duration,
    /// Schedule dates its changes by the service clock (a pinned day in
    /// tests and demos), and freshness is read on the same.
    pub clock: Clock,
    /// Woken when news is kept, so the notifier need not wait for its poll.
    pub kept: Arc<Notify>,
}

/// What a change says about a class, before it is stored.
struct Said {
    event: String,
    class_id: String,
    group_id: String,
    subject_id: String,
    kind: ClassNewsKind,
    detail: String,
    day: String,
    lesson_number: Option<i32>,
    resource_type: &'static str,
    resource_id: String,
}

/// The news of a lesson in its present state: cancelled, or taught by a
/// substitute, or in a room other than planned; none when it is as
/// planned.
fn lesson_news(lesson: schedule::Lesson) -> Option<Said> {
    let (kind, detail, what) = if lesson.status() == schedule::LessonStatus::Cancelled {
        (
            ClassNewsKind::LessonCancelled,
            String::new(),
            "cancelled".to_owned(),
        )
    } else if !lesson.substitute_teacher_id.is_empty() {
        let what = format!("substitute/{}", lesson.substitute_teacher_id);
        (ClassNewsKind::Substitution, String::new(), what)
    } else if !lesson.room.is_empty() && lesson.room != lesson.planned_room {
        let what = format!("room/{}", lesson.room);
        (ClassNewsKind::RoomChanged, lesson.room.clone(), what)
    } else {
        return None;
    };
    Some(Said {
        event: format!("lesson/{}/{what}", lesson.id),
        class_id: lesson.class_id,
        group_id: lesson.group_id,
        subject_id: lesson.subject_id,
        kind,
        detail,
        day: lesson.date,
        lesson_number: Some(lesson.lesson_number),
        resource_type: "lesson",
        resource_id: lesson.id,
    })
}

fn homework_news(homework: schedule::Homework) -> Said {
    Said {
        event: format!("homework/{}", homework.id),
        class_id: homework.class_id,
        group_id: homework.group_id,
        subject_id: homework.subject_id,
        kind: ClassNewsKind::NewHomework,
        detail: first_line(&homework.text, HOMEWORK_CHARS),
        day: homework.due_date,
        lesson_number: None,
        resource_type: "homework",
        resource_id: homework.id,
    }
}

/// Empty is how the contract says "none".
fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

impl ApplyChange for ScheduleNews {
    async fn apply(&self, tx: &mut Tx, change: &ChangeEnvelope) -> Result<(), Refusal> {
        let entity = change.entity_type();
        if !matches!(entity, EntityType::Lesson | EntityType::Homework) {
            return Ok(());
        }
        // A lesson changed again replaces what was still to be told of it,
        // however old the change: the family hears its latest state.
        if entity == EntityType::Lesson {
            store::class_news::withdraw_about(tx, SOURCE, &change.entity_id).await?;
        }
        let now = self.clock.now();
        if change.change_type() == ChangeType::Deleted || !super::fresh(change, self.horizon, now) {
            return Ok(());
        }
        let unreadable = || Refusal::Park(format!("{} is unreadable", change.entity_id));
        let resource = schedule::Change::decode(change.payload.as_slice())
            .map_err(|_| unreadable())?
            .resource;
        let said = match resource {
            Some(schedule::change::Resource::Lesson(lesson)) => match lesson_news(lesson) {
                Some(said) => said,
                None => return Ok(()),
            },
            // Homework is news when it is set; later edits are not.
            Some(schedule::change::Resource::Homework(homework))
                if change.change_type() == ChangeType::Created =>
            {
                homework_news(homework)
            }
            Some(schedule::change::Resource::Homework(_)) => return Ok(()),
            _ => return Err(unreadable()),
        };
        let park = |what: &str| Refusal::Park(format!("{} names no {what}", change.cursor));
        let news = ClassNews {
            source_service: SOURCE.into(),
            source_event_id: said.event,
            school_id: change
                .school_id
                .parse::<SchoolId>()
                .map_err(|_| park("school"))?,
            class_id: said
                .class_id
                .parse::<ClassId>()
                .map_err(|_| park("class"))?,
            group_id: non_empty(&said.group_id)
                .map(str::parse::<GroupId>)
                .transpose()
                .map_err(|_| park("group"))?,
            subject_id: non_empty(&said.subject_id)
                .map(str::parse::<SubjectId>)
                .transpose()
                .map_err(|_| park("subject"))?,
            kind: said.kind,
            detail: said.detail,
            day: non_empty(&said.day)
                .map(str::parse::<NaiveDate>)
                .transpose()
                .map_err(|_| park("day"))?,
            lesson_number: said.lesson_number,
            resource_type: said.resource_type.into(),
            resource_id: said.resource_id,
            created_at: Utc::now(),
        };
        store::class_news::keep(tx, &news).await?;
        self.kept.notify_one();
        Ok(())
    }
}
