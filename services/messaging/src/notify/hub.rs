//! One reader of new notifications per replica, for every live stream it
//! serves: it reads what any replica stored (woken at once by this
//! replica's own work and, on PostgreSQL, by any replica's through
//! LISTEN/NOTIFY; otherwise every second) and hands each notification
//! to the streams of its person alone, so a school-wide burst wakes each
//! stream for its own. A stream that falls behind reads what it missed
//! from the database instead.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otmetka_platform::db::Db;
use otmetka_platform::ids::PersonId;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, mpsc, watch};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::model::Notification;
use crate::store;

/// Notifications are stored by more than one replica, each in a short
/// transaction: one may commit a little after another with a later id.
/// Readers look back this far behind the newest they have seen, and pass
/// nothing on twice.
pub const LOOKBACK: Duration = Duration::from_secs(5);
/// How often the hub looks for notifications another replica stored.
const POLL: Duration = Duration::from_secs(1);
/// Notifications read at once.
const PAGE: i64 = 1000;
/// Notifications a slow stream may have waiting before it reads the rest
/// from the database.
const STREAM_CAPACITY: usize = 256;

/// The smallest UUIDv7 of an instant: ids at or after it are not older.
pub fn first_id_at(time: SystemTime) -> Uuid {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(millis).unwrap_or(u64::MAX), &[0; 10])
        .into_uuid()
}

fn time_of(id: Uuid) -> SystemTime {
    id.get_timestamp()
        .map(|stamp| {
            let (seconds, nanos) = stamp.to_unix();
            UNIX_EPOCH + Duration::new(seconds, nanos)
        })
        .unwrap_or(UNIX_EPOCH)
}

/// What a reader has passed on lately, and how far back it still looks.
#[derive(Debug, Clone)]
pub struct Window {
    seen: BTreeSet<Uuid>,
    floor: Uuid,
}

impl Window {
    /// Looking from `time` on.
    pub fn from_time(time: SystemTime) -> Self {
        Self {
            seen: BTreeSet::new(),
            floor: first_id_at(time),
        }
    }

    /// Looking from a little before `id`, which was seen.
    pub fn after(id: Uuid) -> Self {
        Self {
            seen: BTreeSet::from([id]),
            floor: first_id_at(time_of(id) - LOOKBACK),
        }
    }

    /// Ids above this may still be new.
    pub fn floor(&self) -> Uuid {
        self.floor
    }

    /// Whether `id` is new to the reader; from now on it is not.
    pub fn admit(&mut self, id: Uuid) -> bool {
        id >= self.floor && self.seen.insert(id)
    }

    /// Moves the floor up behind the newest id seen, forgetting what lies
    /// below it.
    pub fn advance(&mut self) {
        if let Some(&newest) = self.seen.last() {
            self.floor = self.floor.max(first_id_at(time_of(newest) - LOOKBACK));
            self.seen = self.seen.split_off(&self.floor);
        }
    }
}

/// A stream's place in the hub.
#[derive(Debug)]
struct Route {
    id: u64,
    sender: mpsc::Sender<Arc<Notification>>,
    missed: Arc<AtomicBool>,
}

/// The streams of each person, by person.
type Routes = Mutex<HashMap<PersonId, Vec<Route>>>;

/// Hands new notifications to the streams of their persons.
#[derive(Debug, Clone, Default)]
pub struct Hub {
    routes: Arc<Routes>,
    next_id: Arc<AtomicU64>,
}

/// One stream's share of the hub: its person's new notifications, while
/// it lasts.
#[derive(Debug)]
pub struct Subscription {
    pub receiver: mpsc::Receiver<Arc<Notification>>,
    missed: Arc<AtomicBool>,
    person_id: PersonId,
    id: u64,
    routes: Arc<Routes>,
}

impl Subscription {
    /// Whether the hub has dropped a notification for this stream since
    /// it last asked (its queue was full).
    pub fn missed_some(&self) -> bool {
        self.missed.swap(false, Ordering::AcqRel)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(streams) = routes.get_mut(&self.person_id) {
            streams.retain(|route| route.id != self.id);
            if streams.is_empty() {
                routes.remove(&self.person_id);
            }
        }
    }
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn subscribe(&self, person_id: PersonId) -> Subscription {
        let (sender, receiver) = mpsc::channel(STREAM_CAPACITY);
        let missed = Arc::new(AtomicBool::new(false));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(person_id)
            .or_default()
            .push(Route {
                id,
                sender,
                missed: missed.clone(),
            });
        Subscription {
            receiver,
            missed,
            person_id,
            id,
            routes: self.routes.clone(),
        }
    }

    /// Hands `notification` to its person's streams; a stream whose queue
    /// is full learns that it missed one.
    fn deliver(&self, notification: Notification) {
        let routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(streams) = routes.get(&notification.person_id) else {
            return;
        };
        let notification = Arc::new(notification);
        for route in streams {
            if route.sender.try_send(notification.clone()).is_err() {
                route.missed.store(true, Ordering::Release);
            }
        }
    }

    /// Reads new notifications and hands them out until `shutdown`.
    pub async fn run(self, db: Db, mut stored: watch::Receiver<u64>, shutdown: CancellationToken) {
        let heard = Arc::new(Notify::new());
        let listening = match &db {
            Db::Postgres(pool) => Some(tokio::spawn(listen(
                pool.clone(),
                heard.clone(),
                shutdown.clone(),
            ))),
            Db::Sqlite(_) => None,
        };
        let mut window = Window::from_time(SystemTime::now());
        while !shutdown.is_cancelled() {
            stored.borrow_and_update();
            if let Err(error) = self.read_new(&db, &mut window).await {
                tracing::warn!(error = %error, "reading new notifications failed");
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = stored.changed() => {}
                () = heard.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        if let Some(listening) = listening {
            let _ = listening.await;
        }
    }

    /// Broadcasts what is new since the window's floor, page by page: a
    /// burst larger than a page is read through to its end, the look-back
    /// only once.
    async fn read_new(&self, db: &Db, window: &mut Window) -> otmetka_platform::Result<()> {
        let mut after = window.floor();
        loop {
            let found = store::notifications::all_after(db, after, PAGE).await?;
            let full = found.len() as i64 == PAGE;
            if let Some(last) = found.last() {
                after = last.id.uuid();
            }
            for notification in found {
                if window.admit(notification.id.uuid()) {
                    self.deliver(notification);
                }
            }
            if !full {
                window.advance();
                return Ok(());
            }
        }
    }
}

/// Wakes `heard` whenever any replica stores notifications, until
/// `shutdown`; a lost connection is made again after a pause, and the
/// hub's poll covers the gap.
async fn listen(pool: PgPool, heard: Arc<Notify>, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener
                .listen(store::notifications::STORED_CHANNEL)
                .await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let failure = match listener.await {
            Ok(mut listener) => loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    heard_of = listener.try_recv() => match heard_of {
                        Ok(Some(_)) => heard.notify_one(),
                        // The connection was lost; the next call reconnects,
                        // and whatever was missed meanwhile is read now.
                        Ok(None) => heard.notify_one(),
                        Err(error) => break error,
                    },
                }
            },
            Err(error) => error,
        };
        tracing::warn!(error = %failure, "listening for other replicas failed; polling meanwhile");
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn id_at(millis: u64, last: u8) -> Uuid {
        let mut random = [0; 10];
        random[9] = last;
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }

    #[test]
    fn a_window_passes_each_id_once_and_looks_back_behind_the_newest() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut window = Window::from_time(start);
        let at = |seconds: u64, last| id_at(1_000_000_000 + seconds * 1000, last);
        assert!(!window.admit(id_at(999_999_000, 1)), "older than the start");
        assert!(window.admit(at(10, 1)));
        assert!(!window.admit(at(10, 1)), "the same id again");
        window.advance();
        assert!(
            window.admit(at(7, 2)),
            "committed late, within the look-back"
        );
        window.advance();
        assert!(!window.admit(at(7, 2)));
        assert!(!window.admit(at(4, 3)), "below the look-back");
    }

    pub(crate) fn notification_for(person_id: PersonId) -> Notification {
        Notification {
            id: crate::model::NotificationId::generate(),
            school_id: otmetka_platform::ids::SchoolId(Uuid::now_v7()),
            person_id,
            student_id: None,
            kind: crate::model::NotificationKind::NewMark,
            title: "Новая оценка 5".into(),
            body: String::new(),
            source_service: "gradebook".into(),
            source_event_id: Uuid::now_v7().to_string(),
            resource_type: "mark".into(),
            resource_id: String::new(),
            read_at: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn each_stream_hears_its_own_person_and_learns_what_it_missed() {
        let hub = Hub::new();
        let (mother, father) = (PersonId(Uuid::now_v7()), PersonId(Uuid::now_v7()));
        let mut hers = hub.subscribe(mother);
        let mut his = hub.subscribe(father);
        hub.deliver(notification_for(mother));
        assert_eq!(hers.receiver.try_recv().unwrap().person_id, mother);
        assert!(
            his.receiver.try_recv().is_err(),
            "the father hears nothing of hers"
        );
        for _ in 0..=STREAM_CAPACITY {
            hub.deliver(notification_for(father));
        }
        assert!(his.missed_some(), "one more than the queue holds is missed");
        assert!(!his.missed_some(), "and said once");
        assert!(!hers.missed_some());
        drop(his);
        assert!(
            !hub.routes.lock().unwrap().contains_key(&father),
            "a stream that ends leaves the hub"
        );
    }

    #[test]
    fn a_window_after_a_cursor_skips_the_cursor_itself() {
        let cursor = id_at(5_000_000, 9);
        let mut window = Window::after(cursor);
        assert!(!window.admit(cursor));
        assert!(window.admit(id_at(4_999_000, 1)), "a late commit before it");
        assert!(window.admit(id_at(5_000_001, 1)));
    }
}
