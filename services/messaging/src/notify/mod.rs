//! The notifier: turns journal news into one notification per person who
//! hears it (the student's guardians today, and the student), named as
//! identity names them. News and the notifications that tell it change in
//! one transaction, and a person holds one notification per source event,
//! so each change reaches each recipient once however often a batch is
//! retried, by this replica or another. An absence waits for 10:00 of its
//! day in the school's timezone: explained by then, it is never told.

pub mod hub;
pub mod texts;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::{DateTime, NaiveTime, Utc};
use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::Deadline;
use otmetka_platform::grpc::context::outgoing;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId, SubjectId};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

use crate::model::{News, NewsKind, Notification, NotificationId};
use crate::store;

/// News told at once: one call to identity, one transaction.
const BATCH: usize = 200;
/// How often it looks for news kept by another replica, or come due.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// An absence not explained by this hour of its day (school time) is told.
const ABSENCES_TOLD_AT: NaiveTime = NaiveTime::from_hms_opt(10, 0, 0).expect("a time");
/// Where a school identity no longer knows is taken to be.
const DEFAULT_TIMEZONE: chrono_tz::Tz = chrono_tz::Europe::Moscow;

/// A student as the notifier tells of them.
struct Family {
    student_name: String,
    /// The student first, then the guardians.
    recipients: Vec<PersonId>,
}

/// What identity says about a batch of news.
#[derive(Default)]
struct Facts {
    families: HashMap<StudentId, Family>,
    subjects: HashMap<SubjectId, String>,
    timezones: HashMap<SchoolId, chrono_tz::Tz>,
}

impl Facts {
    /// When `news` may be told: an absence at 10:00 of its day in its
    /// school's time, the rest at once.
    fn due(&self, news: &News) -> Option<DateTime<Utc>> {
        let day = news.day.filter(|_| news.kind == NewsKind::Absent)?;
        let zone = self
            .timezones
            .get(&news.school_id)
            .copied()
            .unwrap_or(DEFAULT_TIMEZONE);
        day.and_time(ABSENCES_TOLD_AT)
            .and_local_timezone(zone)
            .earliest()
            .map(|due| due.with_timezone(&Utc))
    }
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
    /// When news comes due (an absence at its school's 10:00).
    pub clock: Clock,
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

    /// Tells the oldest batch of news that is due; true if more may be
    /// waiting.
    async fn tell_some(&self) -> Result<bool> {
        let now = self.clock.now();
        let batch = store::news::oldest_due(&self.db, now, BATCH as i64).await?;
        if batch.is_empty() {
            return Ok(false);
        }
        let facts = self.facts(&batch).await?;
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

    /// The families of the students the news is about, the names of its
    /// subjects and the timezones of its absences' schools: one question
    /// to identity.
    async fn facts(&self, batch: &[News]) -> Result<Facts> {
        let mut student_ids: Vec<String> = batch.iter().map(|n| n.student_id.to_string()).collect();
        student_ids.sort_unstable();
        student_ids.dedup();
        let mut subject_ids: Vec<String> = batch
            .iter()
            .filter_map(|n| n.subject_id.map(|id| id.to_string()))
            .collect();
        subject_ids.sort_unstable();
        subject_ids.dedup();
        let mut school_ids: Vec<String> = batch
            .iter()
            .filter(|n| n.kind == NewsKind::Absent)
            .map(|n| n.school_id.to_string())
            .collect();
        school_ids.sort_unstable();
        school_ids.dedup();
        let token = self.token.get(&self.identity, self.timeout).await?;
        let deadline = Deadline(std::time::Instant::now() + self.timeout);
        let request = outgoing(
            identity::ListFamiliesRequest {
                student_ids,
                subject_ids,
                school_ids,
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
        let timezones = answer
            .school_timezones
            .into_iter()
            .filter_map(|school| {
                Some((
                    school.school_id.parse().ok()?,
                    school.timezone.parse().ok()?,
                ))
            })
            .collect();
        Ok(Facts {
            families,
            subjects,
            timezones,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::notify::texts::tests::news;

    #[test]
    fn an_absence_is_due_at_ten_in_its_schools_time_and_the_rest_at_once() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2);
        let absence = news(NewsKind::Absent, "", day);
        let mut facts = Facts::default();
        let moscow_ten = "2026-12-02T07:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(facts.due(&absence), Some(moscow_ten), "Moscow when unknown");
        facts
            .timezones
            .insert(absence.school_id, chrono_tz::Asia::Vladivostok);
        let vladivostok_ten = "2026-12-02T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(facts.due(&absence), Some(vladivostok_ten));
        assert_eq!(facts.due(&news(NewsKind::Late, "5", day)), None);
        assert_eq!(facts.due(&news(NewsKind::NewMark, "5", day)), None);
    }
}
