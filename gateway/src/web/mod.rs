//! The web app: server-rendered pages over the same handler layer as the
//! JSON API. A page loads what the matching JSON route loads (the same
//! function, so the same checks and refusals) and renders it with an
//! auto-escaping template checked at compile time. Pages work without
//! JavaScript; the little script there is only helps the keyboard.

mod account;
mod admin;
mod api_docs;
mod assets;
mod city;
mod family;
mod home;
mod i18n;
mod leadership;
mod messages;
mod page;
mod sign_in;
mod sign_up;
mod teaching;

use axum::Router;
use axum::routing::{get, post};

pub use i18n::Lang;
use page::PageError;
pub use page::status_page;

use crate::AppState;

/// Every page and the files they use. Pages sit outside `/api/`, so the
/// API's problem+json answers never mix with them; the one exception is
/// the API's own documentation, `/api/docs`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/sign-up", get(sign_up::form).post(sign_up::sign_up))
        .route(
            "/sign-up/provider",
            get(sign_up::form).post(sign_up::provider),
        )
        .route(
            "/children/link",
            get(sign_up::another_child_form).post(sign_up::another_child),
        )
        .route("/language", post(page::choose_language))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/sessions/{session_id}/end",
            post(account::end_session),
        )
        .route("/account/sessions/end-others", post(account::end_others))
        .route("/assets/{name}", get(assets::serve))
        .route("/api/docs", get(api_docs::show))
        .merge(family::routes())
        .merge(admin::routes())
        .merge(city::routes())
        .merge(teaching::routes())
        .merge(leadership::routes())
        .merge(messages::routes())
}

/// A "YYYY-MM-DD" day as the services write it.
fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A mark's colour class (`m5`, `m2`…), which only repeats what its text
/// says; other scales and statuses stay neutral. (`grid.js` repeats the
/// rule for marks it has just saved.)
pub(crate) fn mark_tone(value: &str) -> &'static str {
    match value.chars().next() {
        Some('5') => "m5",
        Some('4') => "m4",
        Some('3') => "m3",
        Some('2') | Some('1') => "m2",
        _ => "mx",
    }
}
