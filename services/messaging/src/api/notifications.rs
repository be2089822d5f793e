//! A person's notifications: the list, read marks and the live stream.

use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::{Page, bounded_page_size};
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{MessagingApi, convert};
use crate::model::{NotificationId, NotificationKind};
use crate::store;
use crate::store::notifications::NotificationFilter;

const DEFAULT_NOTIFICATIONS: u32 = 20;
const MAX_NOTIFICATIONS: u32 = 100;
/// The most notifications one read mark names.
const MAX_MARKED: usize = 500;
/// Notifications are stored by more than one replica, each in a short
/// transaction: one may commit a little after another with a later id.
/// A stream looks back this far behind the newest it sent, and sends
/// nothing twice.
const STREAM_LOOKBACK: Duration = Duration::from_secs(5);
/// How often a stream looks for notifications another replica stored.
const STREAM_POLL: Duration = Duration::from_secs(1);

/// Notifications are the recipient's own: nobody reads another's.
fn recipient(ctx: &CallContext, person_id: &str) -> Result<PersonId> {
    let caller = PersonId(ctx.person_id()?);
    if !person_id.is_empty() && PersonId::parse("person_id", person_id)? != caller {
        return Err(Error::PermissionDenied(
            "notifications are read by the person they are for".into(),
        ));
    }
    Ok(caller)
}

fn contract_kind(kind: pb::NotificationKind) -> Option<NotificationKind> {
    match kind {
        pb::NotificationKind::NewMark => Some(NotificationKind::NewMark),
        pb::NotificationKind::MarkChanged => Some(NotificationKind::MarkChanged),
        pb::NotificationKind::Attendance => Some(NotificationKind::Attendance),
        pb::NotificationKind::FinalMark => Some(NotificationKind::FinalMark),
        _ => None,
    }
}

pub async fn list_notifications(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ListNotificationsRequest,
) -> Result<pb::ListNotificationsResponse> {
    let person_id = recipient(&ctx, &request.person_id)?;
    let school_id = SchoolId::parse_optional("school_id", &request.school_id)?;
    let mut kinds = Vec::new();
    for (index, &kind) in request.kinds.iter().enumerate() {
        match pb::NotificationKind::try_from(kind) {
            Ok(pb::NotificationKind::Unspecified) | Err(_) => {
                return Err(Error::invalid(
                    format!("kinds[{index}]"),
                    "must be a notification kind",
                ));
            }
            // Kinds nothing sends yet match no notification.
            Ok(kind) => kinds.extend(contract_kind(kind)),
        }
    }
    if !request.kinds.is_empty() && kinds.is_empty() {
        return Ok(pb::ListNotificationsResponse::default());
    }
    let size = bounded_page_size(request.page_size, DEFAULT_NOTIFICATIONS, MAX_NOTIFICATIONS)?;
    let page = Page {
        size,
        ..Page::parse(0, &request.page_token)?
    };
    let filter = NotificationFilter {
        school_id,
        kinds,
        unread_only: request.unread_only,
    };
    let mut rows = store::notifications::list(
        &api.db,
        person_id,
        &filter,
        page.after_id()?,
        page.fetch_limit(),
    )
    .await?;
    let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
    Ok(pb::ListNotificationsResponse {
        notifications: rows.into_iter().map(convert::notification).collect(),
        next_page_token,
    })
}

pub async fn mark_notifications_read(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::MarkNotificationsReadRequest,
) -> Result<pb::MarkNotificationsReadResponse> {
    let person_id = recipient(&ctx, &request.person_id)?;
    if request.notification_ids.len() > MAX_MARKED {
        return Err(Error::invalid(
            "notification_ids",
            format!("names at most {MAX_MARKED} notifications"),
        ));
    }
    let ids = request
        .notification_ids
        .iter()
        .enumerate()
        .map(|(index, id)| NotificationId::parse(&format!("notification_ids[{index}]"), id))
        .collect::<Result<Vec<_>>>()?;
    let marked = match (request.all, ids.is_empty()) {
        (true, true) => {
            store::notifications::mark_read(&api.db, person_id, None, chrono::Utc::now()).await?
        }
        (false, false) => {
            store::notifications::mark_read(&api.db, person_id, Some(&ids), chrono::Utc::now())
                .await?
        }
        (true, false) => {
            return Err(Error::invalid(
                "all",
                "marks everything read; name no notification_ids with it",
            ));
        }
        (false, true) => {
            return Err(Error::invalid(
                "notification_ids",
                "name the notifications read, or set all",
            ));
        }
    };
    Ok(pb::MarkNotificationsReadResponse {
        marked_count: i32::try_from(marked).unwrap_or(i32::MAX),
    })
}

pub type NotificationStream = tonic::codegen::BoxStream<pb::WatchNotificationsResponse>;

/// The smallest UUIDv7 of an instant: ids at or after it are not older.
fn first_id_at(time: SystemTime) -> Uuid {
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

/// Where a live stream stands.
struct Watching {
    db: otmetka_platform::db::Db,
    person_id: PersonId,
    /// What it has sent (or the client had) lately, by id.
    sent: BTreeSet<Uuid>,
    /// Nothing older than this is looked for.
    floor: Uuid,
    ready: VecDeque<pb::WatchNotificationsResponse>,
    stored: watch::Receiver<u64>,
    shutdown: CancellationToken,
}

impl Watching {
    /// The next notification to send; `None` once the server shuts down.
    async fn next(&mut self) -> Option<Result<pb::WatchNotificationsResponse>> {
        loop {
            if let Some(ready) = self.ready.pop_front() {
                return Some(Ok(ready));
            }
            // Marked before the read, so a store during it wakes the next wait.
            self.stored.borrow_and_update();
            let found = match store::notifications::after(&self.db, self.person_id, self.floor, 100)
                .await
            {
                Ok(found) => found,
                Err(error) => return Some(Err(error)),
            };
            for notification in found {
                let id = notification.id.uuid();
                if self.sent.insert(id) {
                    self.ready.push_back(pb::WatchNotificationsResponse {
                        cursor: id.to_string(),
                        notification: Some(convert::notification(notification)),
                    });
                }
            }
            if let Some(&newest) = self.sent.last() {
                let floor = first_id_at(time_of(newest) - STREAM_LOOKBACK);
                self.floor = self.floor.max(floor);
                self.sent = self.sent.split_off(&self.floor);
            }
            if !self.ready.is_empty() {
                continue;
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return None,
                _ = self.stored.changed() => {}
                () = tokio::time::sleep(STREAM_POLL) => {}
            }
        }
    }
}

pub async fn watch_notifications(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::WatchNotificationsRequest,
) -> Result<NotificationStream> {
    let person_id = recipient(&ctx, &request.person_id)?;
    let (floor, sent) = if request.cursor.is_empty() {
        (first_id_at(SystemTime::now()), BTreeSet::new())
    } else {
        let cursor = NotificationId::parse("cursor", &request.cursor)?.uuid();
        (
            first_id_at(time_of(cursor) - STREAM_LOOKBACK),
            BTreeSet::from([cursor]),
        )
    };
    let watching = Watching {
        db: api.db.clone(),
        person_id,
        sent,
        floor,
        ready: VecDeque::new(),
        stored: api.stored.clone(),
        shutdown: api.shutdown.clone(),
    };
    let stream = futures_util::stream::unfold(watching, |mut watching| async move {
        let next = watching.next().await?;
        Some((next.map_err(tonic::Status::from), watching))
    });
    Ok(Box::pin(stream))
}
