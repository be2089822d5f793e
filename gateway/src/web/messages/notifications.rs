//! The notifications page: what the journal said about a person's
//! children (or about themselves), newest first, each linked to what it is
//! about, with a way to mark everything read.

use std::collections::HashMap;

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::school_zone;
use super::texts::MessageTexts;
use crate::extract::ApiQuery;
use crate::notifications::{
    NotificationView, NotificationsQuery, ReadNotificationsBody, load_notifications, mark_read,
};
use crate::people::load_me;
use crate::web::page::{PageError, Shell, Visitor};

struct NotificationRow {
    title: String,
    body: String,
    at: String,
    url: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "messages/notifications.html")]
struct NotificationsPage {
    shell: Shell,
    mt: &'static MessageTexts,
    notifications: Vec<NotificationRow>,
    any_unread: bool,
    more_url: String,
}

#[derive(Deserialize)]
pub struct NotificationsPageQuery {
    page_token: Option<String>,
}

/// `GET /notifications`.
pub async fn show(visitor: Visitor, ApiQuery(query): ApiQuery<NotificationsPageQuery>) -> Response {
    visitor.page(notifications_page(&visitor, query)).await
}

/// Where a notification leads: the mark, the attendance or the finals of
/// the child it is about, the child's diary for homework and changed
/// lessons, the thread, the announcement or the parent meeting; what this
/// version does not know, to the list.
fn link(notification: &NotificationView) -> String {
    match notification.resource_type.as_str() {
        "mark" => format!("/marks/{}", notification.resource_id),
        "attendance" => format!("/diary/{}/attendance", notification.student_id),
        "final_mark" => format!("/diary/{}/finals", notification.student_id),
        "homework" | "lesson" if !notification.student_id.is_empty() => {
            format!("/diary/{}", notification.student_id)
        }
        "thread" => format!(
            "/messages/{}?school_id={}",
            notification.resource_id, notification.school_id
        ),
        "announcement" => format!(
            "/announcements/{}?school_id={}",
            notification.resource_id, notification.school_id
        ),
        "parent_meeting" => format!(
            "/meetings/{}?school_id={}",
            notification.resource_id, notification.school_id
        ),
        _ => "/notifications".into(),
    }
}

async fn notifications_page(
    visitor: &Visitor,
    query: NotificationsPageQuery,
) -> Result<NotificationsPage> {
    let caller = &visitor.caller;
    let list_query = NotificationsQuery {
        unread_only: None,
        page_size: None,
        page_token: query.page_token,
    };
    let (me, listed) = tokio::try_join!(load_me(caller), load_notifications(caller, &list_query))?;
    let mut zones = HashMap::new();
    let mut notifications = Vec::with_capacity(listed.notifications.len());
    for notification in listed.notifications {
        if !zones.contains_key(&notification.school_id) {
            let zone = school_zone(caller, &notification.school_id).await?;
            zones.insert(notification.school_id.clone(), zone);
        }
        let zone = zones[&notification.school_id];
        notifications.push(NotificationRow {
            url: link(&notification),
            at: notification
                .created_at
                .map(|at| visitor.lang.date_time(at, zone))
                .unwrap_or_default(),
            unread: notification.read_at.is_none(),
            title: notification.title,
            body: notification.body,
        });
    }
    let more_url = if listed.next_page_token.is_empty() {
        String::new()
    } else {
        let query = serde_urlencoded::to_string([("page_token", listed.next_page_token)])
            .unwrap_or_default();
        format!("/notifications?{query}")
    };
    Ok(NotificationsPage {
        shell: visitor.shell(me.name.short()),
        mt: MessageTexts::of(visitor.lang),
        any_unread: notifications.iter().any(|row| row.unread),
        notifications,
        more_url,
    })
}

/// `POST /notifications/read`: everything read, back to the list.
pub async fn read_all(visitor: Visitor) -> Response {
    let body = ReadNotificationsBody {
        notification_ids: Vec::new(),
        all: true,
    };
    match mark_read(&visitor.caller, body).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
