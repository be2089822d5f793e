//! One reader of new notifications per replica, for every live stream it
//! serves: it reads what any replica stored (woken at once by this
//! replica's notifier, otherwise every second) and broadcasts it; each
//! stream keeps its own person's. A stream that falls behind the
//! broadcast reads its own from the database instead.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otmetka_platform::db::Db;
use tokio::sync::{broadcast, watch};
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
/// Notifications a slow stream may lag behind before it reads its own.
const BROADCAST_CAPACITY: usize = 8192;

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

/// Hands out what the hub broadcasts.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<Notification>>,
}

impl Hub {
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(BROADCAST_CAPACITY).0,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.sender.subscribe()
    }

    /// Reads and broadcasts new notifications until `shutdown`.
    pub async fn run(self, db: Db, mut stored: watch::Receiver<u64>, shutdown: CancellationToken) {
        let mut window = Window::from_time(SystemTime::now());
        while !shutdown.is_cancelled() {
            stored.borrow_and_update();
            if let Err(error) = self.read_new(&db, &mut window).await {
                tracing::warn!(error = %error, "reading new notifications failed");
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = stored.changed() => {}
                () = tokio::time::sleep(POLL) => {}
            }
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
                    // Nobody listening is no failure.
                    let _ = self.sender.send(Arc::new(notification));
                }
            }
            if !full {
                window.advance();
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn a_window_after_a_cursor_skips_the_cursor_itself() {
        let cursor = id_at(5_000_000, 9);
        let mut window = Window::after(cursor);
        assert!(!window.admit(cursor));
        assert!(window.admit(id_at(4_999_000, 1)), "a late commit before it");
        assert!(window.admit(id_at(5_000_001, 1)));
    }
}
