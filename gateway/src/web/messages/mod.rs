//! Personal messages in the browser: the inbox and its archive, a thread
//! with its reply form, a new message to the people one may write to, and
//! the notifications.

mod compose;
mod inbox;
mod notifications;
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
        .route("/notifications", get(notifications::show))
        .route("/notifications/read", post(notifications::read_all))
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

/// The first line of a message, cut to fit a list.
fn snippet(text: &str) -> String {
    const MAX_CHARS: usize = 120;
    let line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > MAX_CHARS {
        let cut: String = line.chars().take(MAX_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn a_snippet_is_the_first_line_cut_to_fit() {
        assert_eq!(snippet("\n  Здравствуйте!\nВторая строка"), "Здравствуйте!");
        let long = "а".repeat(300);
        let cut = snippet(&long);
        assert_eq!(cut.chars().count(), 120);
        assert!(cut.ends_with('…'));
    }
}
