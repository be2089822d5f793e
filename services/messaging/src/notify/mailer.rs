//! The mailer: sends the e-mails queued with notifications through SMTP.
//! An e-mail waits out its person's quiet hours (their school's time);
//! a digest's notifications wait for the digest time and go as one letter.
//! Each letter's Message-ID is stored before it is first sent and each
//! outcome after, so a send cut short by a crash is repeated as the same
//! message: every e-mail goes at least once, and a repeat is recognisable.
//! A server that refuses for now is tried again with growing pauses; one
//! that refuses for good, or eight failures, fail the delivery, which the
//! notification's list shows.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::ids::PersonId;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::directory::{Contact, Directory};
use super::mail::{self, Letterhead};
use super::worker::Worker;
use crate::model::NotificationId;
use crate::preferences::EmailMode;
use crate::store;
use crate::store::deliveries::{Delivery, Outcome};

/// Deliveries taken up at once.
const BATCH: i64 = 100;
/// How often it looks for e-mail queued on another replica.
const IDLE_POLL: Duration = Duration::from_secs(2);
/// Attempts before a delivery fails for good.
const MAX_ATTEMPTS: i32 = 8;

/// Where and how notifications are e-mailed.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP server: `smtp://host:port` (plain, for a relay on the
    /// same network), `smtp://host:587?tls=required` or `smtps://host`,
    /// with `user:password@` when it asks.
    pub smtp_url: String,
    /// The sender, e.g. `Отметка <noreply@dnevnik.example>`; its domain
    /// names the messages.
    pub from: String,
    /// The web app's address, for the letters' links.
    pub site_url: String,
    /// The pause after a first failed attempt; each next one is three
    /// times longer.
    pub first_retry: Duration,
}

pub struct Mailer {
    pub db: Db,
    pub directory: Directory,
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
    pub letterhead: Letterhead,
    pub first_retry: Duration,
    /// What quiet hours and digest times are read against.
    pub clock: Clock,
}

impl Mailer {
    pub fn new(
        settings: &MailSettings,
        db: Db,
        directory: Directory,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self {
            db,
            directory,
            transport,
            letterhead: Letterhead {
                from: settings.from.parse()?,
                site_url: settings.site_url.trim_end_matches('/').to_owned(),
            },
            first_retry: settings.first_retry,
            clock,
        })
    }

    /// Sends until `shutdown` is cancelled, woken as this replica stores
    /// notifications (`stored`); while identity or the database fails it
    /// backs off and tries again, and the e-mail waits.
    pub async fn run(self, mut stored: watch::Receiver<u64>, shutdown: CancellationToken) {
        let worker = Worker {
            doing: "sending e-mail",
            failures: "otmetka_mail_failures_total",
        };
        let queued = Notify::new();
        let waking = async {
            while stored.changed().await.is_ok() {
                queued.notify_one();
            }
            std::future::pending::<()>().await;
        };
        tokio::select! {
            () = worker.run(&queued, shutdown, || self.round()) => {}
            () = waking => {}
        }
    }

    /// Sends what is due; how long until more may be.
    async fn round(&self) -> Result<Duration> {
        let now = self.clock.now();
        let due = store::deliveries::due(&self.db, now, BATCH).await?;
        if due.is_empty() {
            let until_next = store::deliveries::next_due(&self.db)
                .await?
                .and_then(|due| (due - now).to_std().ok())
                .unwrap_or(IDLE_POLL);
            return Ok(until_next.min(IDLE_POLL));
        }
        let full = due.len() as i64 == BATCH;
        let mut people: Vec<PersonId> = due.iter().map(|d| d.notification.person_id).collect();
        people.sort_unstable_by_key(|id| id.0);
        people.dedup();
        let contacts = self.directory.contacts(&people).await?;
        let hours = store::settings::hours_of(&self.db, &people).await?;
        let facts = self
            .directory
            .facts(
                std::iter::empty(),
                std::iter::empty(),
                store::deliveries::schools(&due).into_iter(),
            )
            .await?;
        // A person's digests, by the Message-ID an earlier attempt gave
        // them (none for a new one).
        let mut digests: HashMap<PersonId, (Mailbox, BTreeSet<Option<String>>)> = HashMap::new();
        for delivery in due {
            let notification = &delivery.notification;
            let Some(to) = mailbox(contacts.get(&notification.person_id)) else {
                let reason = "no contact e-mail".to_owned();
                let ids = [notification.id];
                store::deliveries::record(&self.db, &ids, &Outcome::Skipped(reason), now).await?;
                continue;
            };
            let person_hours = hours
                .get(&notification.person_id)
                .copied()
                .unwrap_or_default();
            let zone = facts.timezone(notification.school_id);
            let wanted = match (delivery.planned, delivery.mode) {
                (false, EmailMode::Digest) => person_hours
                    .next_digest(self.clock.reading_at(notification.created_at), zone)
                    .max(now),
                _ => now,
            };
            let sendable = person_hours.sendable_from(wanted, zone);
            if !delivery.planned || sendable > now {
                store::deliveries::plan(&self.db, notification.id, sendable).await?;
                if sendable > now {
                    continue;
                }
            }
            match delivery.mode {
                EmailMode::Digest => {
                    let (_, names) = digests
                        .entry(notification.person_id)
                        .or_insert_with(|| (to, BTreeSet::new()));
                    names.insert(delivery.message_id.clone());
                }
                EmailMode::AtOnce | EmailMode::Off => self.send_one(&delivery, to, now).await?,
            }
        }
        for (person_id, (to, names)) in digests {
            for name in names {
                self.send_digest(person_id, to.clone(), name, now).await?;
            }
        }
        Ok(if full { Duration::ZERO } else { IDLE_POLL })
    }

    async fn send_one(&self, delivery: &Delivery, to: Mailbox, now: DateTime<Utc>) -> Result<()> {
        let notification = &delivery.notification;
        let message_id = self.letterhead.message_id_of(notification);
        let ids = [notification.id];
        store::deliveries::name(&self.db, &ids, &message_id).await?;
        let letter = mail::single(&self.letterhead, to, notification, &message_id);
        let outcome = self.send(letter, delivery.attempts, now).await;
        store::deliveries::record(&self.db, &ids, &outcome, now).await
    }

    /// Sends the digest named `name`, or, with none, names the person's
    /// digest notifications no attempt has named yet and sends those. A
    /// second replica naming the same ones at once finds none left to name.
    async fn send_digest(
        &self,
        person_id: PersonId,
        to: Mailbox,
        name: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let message_id = match name {
            Some(name) => name,
            None => {
                let unnamed = store::deliveries::digest_of(&self.db, person_id, None, now).await?;
                let ids: Vec<NotificationId> = unnamed.iter().map(|d| d.notification.id).collect();
                if ids.is_empty() {
                    return Ok(());
                }
                let name = self.letterhead.new_digest_id();
                store::deliveries::name(&self.db, &ids, &name).await?;
                name
            }
        };
        let gathered =
            store::deliveries::digest_of(&self.db, person_id, Some(&message_id), now).await?;
        let Some(first) = gathered.first() else {
            return Ok(());
        };
        let zone = self
            .directory
            .timezone(first.notification.school_id)
            .await?;
        let day = first.due_at.with_timezone(&zone).date_naive();
        let told: Vec<_> = gathered.iter().map(|d| &d.notification).collect();
        let letter = mail::digest(&self.letterhead, to, day, &told, &message_id);
        let attempts = gathered.iter().map(|d| d.attempts).max().unwrap_or(0);
        let outcome = self.send(letter, attempts, now).await;
        let ids: Vec<NotificationId> = told.iter().map(|n| n.id).collect();
        store::deliveries::record(&self.db, &ids, &outcome, now).await
    }

    /// Hands a letter to the SMTP server; what came of it, for a delivery
    /// that had `attempts` before.
    async fn send(
        &self,
        letter: anyhow::Result<lettre::Message>,
        attempts: i32,
        now: DateTime<Utc>,
    ) -> Outcome {
        let letter = match letter {
            Ok(letter) => letter,
            Err(error) => return Outcome::Failed(format!("the letter could not be made: {error}")),
        };
        match self.transport.send(letter).await {
            Ok(_) => {
                metrics::counter!("otmetka_mail_sent_total").increment(1);
                Outcome::Sent
            }
            Err(error) => {
                metrics::counter!("otmetka_mail_refused_total").increment(1);
                tracing::warn!(error = %error, attempts = attempts + 1, "an e-mail was not sent");
                if error.is_permanent() || attempts + 1 >= MAX_ATTEMPTS {
                    Outcome::Failed(error.to_string())
                } else {
                    Outcome::Retry(now + self.pause_after(attempts + 1), error.to_string())
                }
            }
        }
    }

    /// The pause after the `attempts`-th failure: the first retry pause,
    /// tripled each time, at most a day.
    fn pause_after(&self, attempts: i32) -> TimeDelta {
        let first = TimeDelta::from_std(self.first_retry).unwrap_or(TimeDelta::minutes(1));
        let factor = 3_i32.saturating_pow(u32::try_from(attempts - 1).unwrap_or(0));
        (first * factor).min(TimeDelta::days(1))
    }
}

/// A person's address as a mailbox with their name, when they have one
/// that parses.
fn mailbox(contact: Option<&Contact>) -> Option<Mailbox> {
    let contact = contact?;
    let address = contact.email.as_deref()?.parse().ok()?;
    Some(Mailbox::new(Some(contact.display_name.clone()), address))
}
