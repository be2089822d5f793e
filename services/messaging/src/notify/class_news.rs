//! Tells news about a class (new homework, a change of a lesson) to its
//! students and their guardians, as identity lists the class (or the
//! group) when it is told: one notification per person, stored with the
//! news forgotten in one transaction. A change of a lesson today or
//! tomorrow is told at once; one further ahead waits for the evening
//! before, and one of a day gone by is no news.

use std::collections::HashSet;

use chrono::{Days, NaiveTime, Utc};
use otmetka_platform::Result;

use super::{Notifier, texts, told};
use crate::model::{Audience, AudienceRole, ClassNews, Listed, Notification, NotificationId};
use crate::store;

/// News told at once; each reaches a class, so batches are small.
const BATCH: i64 = 20;
/// A lesson's change is told from this hour of the day before it.
const EVENING_BEFORE: NaiveTime = NaiveTime::from_hms_opt(17, 0, 0).expect("a time");

/// The class's (or group's) students and guardians.
fn families_of(news: &ClassNews) -> Audience {
    let mut audience = Audience {
        roles: Listed(vec![AudienceRole::Guardians, AudienceRole::Students]),
        ..Audience::default()
    };
    match news.group_id {
        Some(group_id) => audience.group_ids = Listed(vec![group_id]),
        None => audience.class_ids = Listed(vec![news.class_id]),
    }
    audience
}

/// Tells the oldest batch of class news that is due; true if more may be
/// waiting.
pub(super) async fn tell_some(notifier: &Notifier) -> Result<bool> {
    let now = notifier.clock.now();
    let batch = store::class_news::oldest_due(&notifier.db, now, BATCH).await?;
    if batch.is_empty() {
        return Ok(false);
    }
    let facts = notifier
        .directory
        .facts(
            std::iter::empty(),
            batch.iter().filter_map(|news| news.subject_id),
            batch.iter().map(|news| news.school_id),
        )
        .await?;
    for news in &batch {
        if news.kind.is_lesson_change()
            && let Some(day) = news.day
        {
            let zone = facts.timezone(news.school_id);
            let today = now.with_timezone(&zone).date_naive();
            if day < today {
                store::class_news::tell(&notifier.db, news, &[]).await?;
                continue;
            }
            let evening_before = day
                .checked_sub_days(Days::new(1))
                .filter(|eve| *eve > today)
                .and_then(|eve| {
                    eve.and_time(EVENING_BEFORE)
                        .and_local_timezone(zone)
                        .earliest()
                })
                .map(|due| due.with_timezone(&Utc));
            if let Some(due) = evening_before
                && due > now
            {
                store::class_news::hold(&notifier.db, news, due).await?;
                continue;
            }
        }
        let subject = news
            .subject_id
            .and_then(|id| facts.subjects.get(&id))
            .map_or("", String::as_str);
        let (kind, title, body) = texts::class_news(news, subject);
        let audience = families_of(news);
        // Notifications are instants on the system clock, as their ids are.
        let created_at = Utc::now();
        let mut seen = HashSet::new();
        let mut notifications = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let (recipients, next) = notifier
                .directory
                .audience_page(news.school_id, &audience, cursor.as_deref())
                .await?;
            for recipient in recipients {
                if !seen.insert(recipient.person_id) {
                    continue;
                }
                notifications.push(Notification {
                    id: NotificationId::generate(),
                    school_id: news.school_id,
                    person_id: recipient.person_id,
                    student_id: recipient.family.map(|(student_id, _)| student_id),
                    kind,
                    title: title.clone(),
                    body: body.clone(),
                    source_service: news.source_service.clone(),
                    source_event_id: news.source_event_id.clone(),
                    resource_type: news.resource_type.clone(),
                    resource_id: news.resource_id.clone(),
                    read_at: None,
                    created_at,
                });
            }
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let stored = store::class_news::tell(&notifier.db, news, &notifications).await?;
        told(&notifier.stored, stored);
    }
    Ok(batch.len() as i64 == BATCH)
}
