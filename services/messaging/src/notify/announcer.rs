//! Publication: an announcement whose time has come reaches its audience
//! as identity knows it then, a page of students at a time. Each page
//! writes who it reached, their notifications and how far publication has
//! gone in one transaction, and a person is reached once per announcement,
//! so a restart (or a second replica) resumes where the last page ended and
//! no family hears twice.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::StoredSignal;
use super::directory::Directory;
use super::texts;
use super::worker::Worker;
use crate::model::{
    Announcement, AnnouncementKind, Notification, NotificationId, NotificationKind,
};
use crate::store;
use crate::store::announcements::{ReachedPage, Recipient, source_event};

/// Announcements taken up at once.
const BATCH: i64 = 10;
/// How often it looks for announcements published on another replica; a
/// scheduled one wakes it at its time.
const IDLE_POLL: Duration = Duration::from_secs(5);

pub struct Announcer {
    pub db: Db,
    pub directory: Directory,
    /// Woken when this replica publishes or schedules an announcement.
    pub published: Arc<Notify>,
    pub stored: StoredSignal,
    /// When a scheduled announcement's time has come.
    pub clock: Clock,
}

impl Announcer {
    /// Publishes until `shutdown` is cancelled; while identity or the
    /// database fails it backs off and tries again.
    pub async fn run(self, shutdown: CancellationToken) {
        let worker = Worker {
            doing: "publishing announcements",
            failures: "otmetka_announcement_failures_total",
        };
        worker
            .run(&self.published, shutdown, || self.publish_due())
            .await;
    }

    /// Publishes every announcement that is due; how long until the next.
    async fn publish_due(&self) -> Result<Duration> {
        loop {
            let due = store::announcements::unreached(&self.db, self.clock.now(), BATCH).await?;
            let full = due.len() as i64 == BATCH;
            for announcement in due {
                self.publish(&announcement).await?;
            }
            if !full {
                break;
            }
        }
        let until_next = store::announcements::next_due(&self.db)
            .await?
            .and_then(|due| (due - self.clock.now()).to_std().ok())
            .unwrap_or(IDLE_POLL);
        Ok(until_next.min(IDLE_POLL))
    }

    async fn publish(&self, announcement: &Announcement) -> Result<()> {
        let mut cursor = announcement.reach_cursor.clone();
        loop {
            let (recipients, next) = self
                .directory
                .audience_page(
                    announcement.school_id,
                    &announcement.audience,
                    cursor.as_deref(),
                )
                .await?;
            let notifications = notifications(announcement, &recipients);
            let page = ReachedPage {
                recipients: &recipients,
                notifications: &notifications,
                cursor: next.as_deref(),
                now: self.clock.now(),
            };
            if !store::announcements::reach_page(&self.db, announcement, page).await? {
                tracing::info!(announcement = %announcement.id, "withdrawn while publishing");
                return Ok(());
            }
            if !notifications.is_empty() {
                metrics::counter!("otmetka_notifications_created_total")
                    .increment(notifications.len() as u64);
                self.stored.send_modify(|round| *round += 1);
            }
            match next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }
}

/// One notification per person a page reaches, for an announcement (news
/// notifies no one).
fn notifications(announcement: &Announcement, recipients: &[Recipient]) -> Vec<Notification> {
    if announcement.kind != AnnouncementKind::Announcement {
        return Vec::new();
    }
    let (title, body) = texts::announcement(&announcement.title, &announcement.body);
    // Notifications are instants on the system clock, as their ids are.
    let created_at = Utc::now();
    let mut seen = std::collections::HashSet::new();
    recipients
        .iter()
        .filter(|recipient| seen.insert(recipient.person_id))
        .map(|recipient| Notification {
            id: NotificationId::generate(),
            school_id: announcement.school_id,
            person_id: recipient.person_id,
            student_id: None,
            kind: NotificationKind::Announcement,
            title: title.clone(),
            body: body.clone(),
            source_service: "messaging".into(),
            source_event_id: source_event(announcement.id),
            resource_type: "announcement".into(),
            resource_id: announcement.id.to_string(),
            read_at: None,
            created_at,
        })
        .collect()
}
