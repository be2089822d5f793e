//! A person's notifications: the list, read marks and the live stream.

use std::collections::{HashMap, VecDeque};
use std::time::SystemTime;

use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::{Page, bounded_page_size};
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;
use tokio_util::sync::CancellationToken;

use super::{MessagingApi, convert};
use crate::model::{Notification, NotificationId, NotificationKind};
use crate::notify::hub::{Subscription, Window};
use crate::store;
use crate::store::deliveries::Delivery;
use crate::store::notifications::{InApp, NotificationFilter};

const DEFAULT_NOTIFICATIONS: u32 = 20;
const MAX_NOTIFICATIONS: u32 = 100;
/// The most notifications one read mark names.
const MAX_MARKED: usize = 500;

/// Notifications are the recipient's own: nobody reads another's.
pub(super) fn recipient(ctx: &CallContext, person_id: &str) -> Result<PersonId> {
    let caller = PersonId(ctx.person_id()?);
    if !person_id.is_empty() && PersonId::parse("person_id", person_id)? != caller {
        return Err(Error::PermissionDenied(
            "notifications are read by the person they are for".into(),
        ));
    }
    Ok(caller)
}

pub(super) fn contract_kind(kind: pb::NotificationKind) -> Option<NotificationKind> {
    match kind {
        pb::NotificationKind::NewMark => Some(NotificationKind::NewMark),
        pb::NotificationKind::MarkChanged => Some(NotificationKind::MarkChanged),
        pb::NotificationKind::Attendance => Some(NotificationKind::Attendance),
        pb::NotificationKind::FinalMark => Some(NotificationKind::FinalMark),
        pb::NotificationKind::NewMessage => Some(NotificationKind::NewMessage),
        pb::NotificationKind::Announcement => Some(NotificationKind::Announcement),
        pb::NotificationKind::Meeting => Some(NotificationKind::Meeting),
        pb::NotificationKind::NewHomework => Some(NotificationKind::NewHomework),
        pb::NotificationKind::LessonChange => Some(NotificationKind::LessonChange),
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
    let ids: Vec<NotificationId> = rows.iter().map(|row| row.id).collect();
    let in_app: HashMap<NotificationId, InApp> = store::notifications::in_app_of(&api.db, &ids)
        .await?
        .into_iter()
        .map(|shown| (shown.id, shown))
        .collect();
    let emails: HashMap<NotificationId, Delivery> = store::deliveries::of(&api.db, &ids)
        .await?
        .into_iter()
        .map(|delivery| (delivery.notification.id, delivery))
        .collect();
    Ok(pb::ListNotificationsResponse {
        notifications: rows
            .into_iter()
            .map(|row| {
                let (shown, email) = (in_app.get(&row.id), emails.get(&row.id));
                convert::listed_notification(row, shown, email)
            })
            .collect(),
        next_page_token,
    })
}

pub async fn mark_notifications_read(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::MarkNotificationsReadRequest,
) -> Result<pb::MarkNotificationsReadResponse> {
    let person_id = recipient(&ctx, &request.person_id)?;
    let ids = notification_ids(&request.notification_ids)?;
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

pub async fn acknowledge_notifications(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::AcknowledgeNotificationsRequest,
) -> Result<pb::AcknowledgeNotificationsResponse> {
    let person_id = recipient(&ctx, &request.person_id)?;
    match request.channel() {
        pb::DeliveryChannel::InApp => {}
        pb::DeliveryChannel::Push => {
            return Err(Error::invalid(
                "channel",
                "push is not offered; acknowledge in-app notifications",
            ));
        }
        _ => return Err(Error::invalid("channel", "must be DELIVERY_CHANNEL_IN_APP")),
    }
    let ids = notification_ids(&request.notification_ids)?;
    if ids.is_empty() {
        return Err(Error::invalid(
            "notification_ids",
            "name the notifications that arrived",
        ));
    }
    store::notifications::acknowledge(&api.db, person_id, &ids, chrono::Utc::now()).await?;
    Ok(pb::AcknowledgeNotificationsResponse {})
}

/// Notification ids a request names: at most [`MAX_MARKED`], each valid.
fn notification_ids(ids: &[String]) -> Result<Vec<NotificationId>> {
    if ids.len() > MAX_MARKED {
        return Err(Error::invalid(
            "notification_ids",
            format!("names at most {MAX_MARKED} notifications"),
        ));
    }
    ids.iter()
        .enumerate()
        .map(|(index, id)| NotificationId::parse(&format!("notification_ids[{index}]"), id))
        .collect()
}

pub type NotificationStream = tonic::codegen::BoxStream<pb::WatchNotificationsResponse>;

/// Where a live stream stands.
struct Watching {
    db: Db,
    person_id: PersonId,
    window: Window,
    /// Read from the database before listening on, and again after the
    /// stream fell behind the hub.
    read_stored: bool,
    ready: VecDeque<pb::WatchNotificationsResponse>,
    live: Subscription,
    shutdown: CancellationToken,
}

impl Watching {
    fn offer(&mut self, notification: Notification) {
        let id = notification.id.uuid();
        if notification.person_id == self.person_id && self.window.admit(id) {
            self.ready.push_back(pb::WatchNotificationsResponse {
                cursor: id.to_string(),
                notification: Some(convert::notification(notification)),
            });
        }
    }

    /// The next notification to send; `None` once the server shuts down.
    async fn next(&mut self) -> Option<Result<pb::WatchNotificationsResponse>> {
        loop {
            if let Some(ready) = self.ready.pop_front() {
                return Some(Ok(ready));
            }
            if self.read_stored || self.live.missed_some() {
                self.read_stored = false;
                let floor = self.window.floor();
                match store::notifications::after(&self.db, self.person_id, floor, 500).await {
                    Ok(found) => found.into_iter().for_each(|n| self.offer(n)),
                    Err(error) => return Some(Err(error)),
                }
                self.window.advance();
                continue;
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return None,
                heard = self.live.receiver.recv() => match heard {
                    Some(notification) => {
                        self.offer(Notification::clone(&notification));
                        self.window.advance();
                    }
                    None => return None,
                },
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
    let window = if request.cursor.is_empty() {
        Window::from_time(SystemTime::now())
    } else {
        Window::after(NotificationId::parse("cursor", &request.cursor)?.uuid())
    };
    let watching = Watching {
        // Listening starts before the first read, so nothing falls between.
        live: api.hub.subscribe(person_id),
        db: api.db.clone(),
        person_id,
        window,
        read_stored: true,
        ready: VecDeque::new(),
        shutdown: api.shutdown.clone(),
    };
    let stream = futures_util::stream::unfold(watching, |mut watching| async move {
        let next = watching.next().await?;
        Some((next.map_err(tonic::Status::from), watching))
    });
    Ok(Box::pin(stream))
}
