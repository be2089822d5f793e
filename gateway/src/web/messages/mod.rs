//! Personal messages in the browser: the inbox and its archive, a thread
//! with its reply form, a new message to the people one may write to, the
//! school's announcements, parent meetings, the notifications and their
//! settings.

mod announce;
mod announcement_texts;
mod announcements;
mod compose;
mod inbox;
mod meeting;
mod meeting_edit;
mod meeting_families;
mod meeting_reply;
mod meeting_texts;
mod meetings;
mod notification_settings;
mod notifications;
mod plan_meeting;
mod settings_texts;
mod texts;
mod thread;

use axum::Router;
use axum::routing::{get, post};
use otmetka_platform::{Error, Result};

use crate::AppState;
use crate::caller::Caller;
use crate::people::school_names;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(inbox::show))
        .route("/messages/new", get(compose::form).post(compose::send))
        .route("/messages/{thread_id}", get(thread::show))
        .route("/messages/{thread_id}/reply", post(thread::reply))
        .route("/messages/{thread_id}/archive", post(thread::archive))
        .route("/announcements", get(announcements::list))
        .route(
            "/announcements/new",
            get(announce::form).post(announce::send),
        )
        .route("/announcements/{id}", get(announcements::show))
        .route("/announcements/{id}/publish", post(announcements::publish))
        .route(
            "/announcements/{id}/withdraw",
            post(announcements::withdraw),
        )
        .route("/meetings", get(meetings::list))
        .route(
            "/meetings/new",
            get(plan_meeting::form).post(plan_meeting::send),
        )
        .route("/meetings/{id}", get(meeting::show))
        .route("/meetings/{id}/reply", post(meeting_reply::reply))
        .route("/meetings/{id}/change", post(meeting_edit::change))
        .route("/meetings/{id}/cancel", post(meeting_edit::cancel))
        .route("/notifications", get(notifications::show))
        .route("/notifications/read", post(notifications::read_all))
        .route(
            "/settings/notifications",
            get(notification_settings::show).post(notification_settings::save),
        )
}

/// Where a school is, to write times as its people read them. A school the
/// reader no longer belongs to (a student who moved on still reads old
/// threads) is written in Moscow time.
async fn school_zone(caller: &Caller, school_id: &str) -> Result<chrono_tz::Tz> {
    match school_names(caller, school_id).await {
        Ok(names) => Ok(names.timezone),
        Err(Error::NotFound(_)) => Ok(chrono_tz::Europe::Moscow),
        Err(error) => Err(error),
    }
}
