//! The notifier: turns journal news into one notification per person who
//! hears it (the student's guardians today, and the student), named as
//! identity names them, and news about a class into one per student and
//! guardian of the class (`class_news`). News and the notifications that tell it change in
//! one transaction, and a person holds one notification per source event,
//! so each change reaches each recipient once however often a batch is
//! retried, by this replica or another. An absence waits for 10:00 of its
//! day in the school's timezone: explained by then, it is never told.

pub mod announcer;
mod class_news;
pub mod directory;
pub mod hub;
pub mod inviter;
mod mail;
pub mod mailer;
pub mod texts;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use self::directory::Directory;
use self::worker::Worker;
use crate::model::{NewsKind, Notification, NotificationId};
use crate::store;

/// Bumped whenever notifications are stored, so that this replica's live
/// streams hear of them at once.
pub type StoredSignal = Arc<watch::Sender<u64>>;

/// Counts `stored` new notifications and wakes this replica's live
/// streams for them.
pub fn told(signal: &StoredSignal, stored: u64) {
    if stored > 0 {
        metrics::counter!("otmetka_notifications_created_total").increment(stored);
        signal.send_modify(|round| *round += 1);
    }
}

/// News told at once: one call to identity, one transaction.
const BATCH: usize = 200;
/// How often it looks for news kept by another replica, or come due.
const IDLE_POLL: Duration = Duration::from_millis(500);

pub struct Notifier {
    pub db: Db,
    pub directory: Directory,
    /// Woken when the feed keeps news.
    pub kept: Arc<Notify>,
    pub stored: StoredSignal,
    /// When news comes due (an absence at its school's 10:00).
    pub clock: Clock,
}

impl Notifier {
    /// Tells news until `shutdown` is cancelled; while identity or the
    /// database fails it backs off and tries again, and news waits.
    pub async fn run(self, shutdown: CancellationToken) {
        let worker = Worker {
            doing: "telling news",
            failures: "otmetka_notify_failures_total",
        };
        worker
            .run(&self.kept, shutdown, || async {
                // More may be waiting after a full batch: at once, then.
                let more = self.tell_some().await?;
                Ok(if more { Duration::ZERO } else { IDLE_POLL })
            })
            .await;
    }

    /// Tells the oldest batch of journal news and of class news that is
    /// due; true if more may be waiting.
    async fn tell_some(&self) -> Result<bool> {
        let journal = self.tell_journal_news().await?;
        let classes = class_news::tell_some(self).await?;
        Ok(journal || classes)
    }

    async fn tell_journal_news(&self) -> Result<bool> {
        let now = self.clock.now();
        let batch = store::news::oldest_due(&self.db, now, BATCH as i64).await?;
        if batch.is_empty() {
            return Ok(false);
        }
        let facts = self
            .directory
            .facts(
                batch.iter().map(|news| news.student_id),
                batch.iter().filter_map(|news| news.subject_id),
                batch
                    .iter()
                    .filter(|news| news.kind == NewsKind::Absent)
                    .map(|news| news.school_id),
            )
            .await?;
        // Notifications are instants on the system clock, as their ids are.
        let stored_at = Utc::now();
        let (mut told, mut held, mut notifications) = (Vec::new(), Vec::new(), Vec::new());
        let full = batch.len() == BATCH;
        for news in batch {
            if let Some(due) = facts.due(&news)
                && due > now
            {
                held.push((news, due));
                continue;
            }
            // A student identity no longer knows has no one to tell.
            if let Some(family) = facts.families.get(&news.student_id) {
                let subject = news
                    .subject_id
                    .and_then(|id| facts.subjects.get(&id))
                    .map_or("", String::as_str);
                let (kind, title, body) = texts::told(&news, &family.student_name, subject);
                let recipients = family.recipients(news.student_id);
                notifications.extend(recipients.map(|person_id| Notification {
                    id: NotificationId::generate(),
                    school_id: news.school_id,
                    person_id,
                    student_id: Some(news.student_id),
                    kind,
                    title: title.clone(),
                    body: body.clone(),
                    source_service: news.source_service.clone(),
                    source_event_id: news.source_event_id.clone(),
                    resource_type: news.resource_type.clone(),
                    resource_id: news.resource_id.clone(),
                    read_at: None,
                    created_at: stored_at,
                }));
            }
            told.push(news);
        }
        let stored = store::notifications::tell(&self.db, &notifications, &told, &held).await?;
        metrics::counter!("otmetka_notifications_created_total").increment(stored);
        if stored > 0 {
            self.stored.send_modify(|round| *round += 1);
        }
        Ok(full)
    }
}
