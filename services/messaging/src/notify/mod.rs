//! The notifier: turns journal news into one notification per person who
//! hears it (the student's guardians today, and the student), named as
//! identity names them. News and the notifications that tell it change in
//! one transaction, and a person holds one notification per source event,
//! so each change reaches each recipient once however often a batch is
//! retried, by this replica or another.

pub mod hub;
pub mod texts;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::Utc;
use otmetka_platform::Result;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::Deadline;
use otmetka_platform::grpc::context::outgoing;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_platform::ids::{PersonId, StudentId, SubjectId};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

use crate::model::{News, Notification, NotificationId};
use crate::store;

/// News told at once: one call to identity, one transaction.
const BATCH: usize = 200;
/// How often it looks for news kept by another replica.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// A student as the notifier tells of them.
struct Family {
    student_name: String,
    /// The student first, then the guardians.
    recipients: Vec<PersonId>,
}

pub struct Notifier {
    pub db: Db,
    pub identity: IdentityServiceClient<Channel>,
    pub token: Arc<ServiceToken>,
    pub timeout: Duration,
    /// Woken when the feed keeps news.
    pub kept: Arc<Notify>,
    /// Bumped whenever notifications are stored, for the live streams.
    pub stored: watch::Sender<u64>,
}

impl Notifier {
    /// Tells news until `shutdown` is cancelled; while identity or the
    /// database fails it backs off and tries again, and news waits.
    pub async fn run(self, shutdown: CancellationToken) {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(30))
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        while !shutdown.is_cancelled() {
            let pause = match self.tell_some().await {
                Ok(true) => {
                    delays = backoff.build();
                    continue;
                }
                Ok(false) => {
                    delays = backoff.build();
                    IDLE_POLL
                }
                Err(error) => {
                    tracing::warn!(error = %error, "telling news failed; backing off");
                    metrics::counter!("otmetka_notify_failures_total").increment(1);
                    delays.next().unwrap_or(Duration::from_secs(30))
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.kept.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Tells the oldest batch of news; true if more may be waiting.
    async fn tell_some(&self) -> Result<bool> {
        let batch = store::news::oldest(&self.db, BATCH as i64).await?;
        if batch.is_empty() {
            return Ok(false);
        }
        let (families, subjects) = self.families(&batch).await?;
        // Notifications are instants on the system clock, as their ids are.
        let now = Utc::now();
        let mut notifications = Vec::new();
        for news in &batch {
            // A student identity no longer knows has no one to tell.
            let Some(family) = families.get(&news.student_id) else {
                continue;
            };
            let subject = news
                .subject_id
                .and_then(|id| subjects.get(&id))
                .map_or("", String::as_str);
            let (kind, title, body) = texts::told(news, &family.student_name, subject);
            notifications.extend(family.recipients.iter().map(|&person_id| Notification {
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
                created_at: now,
            }));
        }
        let stored = store::notifications::tell(&self.db, &notifications, &batch).await?;
        metrics::counter!("otmetka_notifications_created_total").increment(stored);
        if stored > 0 {
            self.stored.send_modify(|round| *round += 1);
        }
        Ok(batch.len() == BATCH)
    }

    /// The families of the students the news is about, and the names of
    /// its subjects: one question to identity.
    async fn families(
        &self,
        batch: &[News],
    ) -> Result<(HashMap<StudentId, Family>, HashMap<SubjectId, String>)> {
        let mut student_ids: Vec<String> = batch.iter().map(|n| n.student_id.to_string()).collect();
        student_ids.sort_unstable();
        student_ids.dedup();
        let mut subject_ids: Vec<String> = batch
            .iter()
            .filter_map(|n| n.subject_id.map(|id| id.to_string()))
            .collect();
        subject_ids.sort_unstable();
        subject_ids.dedup();
        let token = self.token.get(&self.identity, self.timeout).await?;
        let deadline = Deadline(std::time::Instant::now() + self.timeout);
        let request = outgoing(
            identity::ListFamiliesRequest {
                student_ids,
                subject_ids,
            },
            &token,
            Some(deadline),
        )?;
        let answer = self
            .identity
            .clone()
            .list_families(request)
            .await?
            .into_inner();
        let families = answer
            .families
            .into_iter()
            .filter_map(|family| {
                let student_id: StudentId = family.student_id.parse().ok()?;
                let guardians = family
                    .guardians
                    .iter()
                    .filter_map(|guardian| guardian.person_id.parse::<PersonId>().ok());
                let recipients = std::iter::once(PersonId(student_id.uuid()))
                    .chain(guardians)
                    .collect();
                Some((
                    student_id,
                    Family {
                        student_name: family.student_display_name,
                        recipients,
                    },
                ))
            })
            .collect();
        let subjects = answer
            .subjects
            .into_iter()
            .filter_map(|subject| Some((subject.id.parse().ok()?, subject.name)))
            .collect();
        Ok((families, subjects))
    }
}
