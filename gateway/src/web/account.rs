//! The person's own account: their password and their sessions.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::i18n::texts;
use super::page::{FieldErrors, PageError, Shell, Visitor, render};
use crate::account::{
    ChangePasswordBody, end_other_sessions_of, end_own_session, load_sessions, set_own_password,
};
use crate::extract::{ApiQuery, PageForm};

texts! {
    /// The words of one's own account.
    AccountTexts {
        title: "Учётная запись"
            / "My account",
        must_change: "Пароль выдан школой. Придумайте свой, чтобы продолжить."
            / "Your password was issued by the school. Choose your own to go on.",
        change_password: "Смена пароля"
            / "Change the password",
        current_password: "Текущий пароль"
            / "Current password",
        new_password: "Новый пароль (не короче 10 символов)"
            / "New password (at least 10 characters)",
        save_password: "Сменить пароль"
            / "Change the password",
        password_changed: "Пароль изменён. Все другие сеансы завершены."
            / "The password is changed. Every other session has ended.",
        sessions: "Где выполнен вход"
            / "Where you are signed in",
        this_session: "этот сеанс"
            / "this session",
        signed_in_at: "вход"
            / "signed in",
        last_seen: "последняя активность"
            / "last active",
        confirm_password: "Пароль для подтверждения"
            / "Password to confirm",
        end_session: "Завершить этот сеанс"
            / "End that session",
        end_others: "Завершить все другие сеансы"
            / "End every other session",
        session_ended: "Сеанс завершён."
            / "The session has ended.",
        others_ended: "Все другие сеансы завершены."
            / "Every other session has ended.",
        wrong_password: "Неверный пароль."
            / "Wrong password.",
        unknown_device: "неизвестное устройство"
            / "unknown device",
    }
}

#[derive(Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

struct SessionRow {
    id: String,
    device: String,
    address: String,
    signed_in: String,
    last_seen: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    at: &'static AccountTexts,
    must_change: bool,
    notice: &'static str,
    errors: FieldErrors,
    sessions: Vec<SessionRow>,
}

/// `GET /account`.
pub async fn show(visitor: Visitor, ApiQuery(query): ApiQuery<AccountQuery>) -> Response {
    let at = AccountTexts::of(visitor.lang);
    let notice = match query.done.as_deref() {
        Some("password") => at.password_changed,
        Some("ended") => at.session_ended,
        Some("others") => at.others_ended,
        _ => "",
    };
    account_page(&visitor, notice, FieldErrors::default(), StatusCode::OK).await
}

async fn account_page(
    visitor: &Visitor,
    notice: &'static str,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let state = &visitor.caller.state;
    let session = &visitor.caller.session;
    let sessions = match load_sessions(state, session).await {
        Ok(sessions) => sessions.sessions,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let lang = visitor.lang;
    let at = AccountTexts::of(lang);
    // Sessions are the person's own, in no school's time; the city's.
    let when = |instant| lang.date_time(instant, chrono_tz::Europe::Moscow);
    let page = AccountPage {
        shell: visitor.shell(String::new()),
        at,
        must_change: session.password_change_required,
        notice,
        errors,
        sessions: sessions
            .into_iter()
            .map(|item| SessionRow {
                device: device(&item.user_agent, at),
                address: item.client_address,
                signed_in: when(item.created_at),
                last_seen: when(item.last_seen_at),
                current: item.current,
                id: item.id,
            })
            .collect(),
    };
    render(status, &page)
}

/// "Chrome · Android" from a user agent; people recognise their devices by
/// browser and system, not by the whole string.
fn device(user_agent: &str, at: &AccountTexts) -> String {
    let browser = ["Edg/", "YaBrowser/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|mark| user_agent.contains(*mark))
        .map(|mark| match *mark {
            "Edg/" => "Edge",
            "YaBrowser/" => "Яндекс Браузер",
            other => other.trim_end_matches('/'),
        });
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .iter()
        .find(|mark| user_agent.contains(*mark))
        .copied();
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => at.unknown_device.to_owned(),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /account/password`.
pub async fn change_password(visitor: Visitor, PageForm(form): PageForm<PasswordForm>) -> Response {
    let at = AccountTexts::of(visitor.lang);
    let result = match form {
        Ok(form) => {
            let body = ChangePasswordBody {
                current_password: form.current_password,
                new_password: form.new_password,
            };
            set_own_password(&visitor.caller.state, &visitor.caller.session, body).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to("/account?done=password").into_response(),
        Err(error) => refused(&visitor, error, "current_password", at.wrong_password).await,
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    password: String,
}

/// `POST /account/sessions/{session_id}/end`.
pub async fn end_session(
    visitor: Visitor,
    Path(session_id): Path<String>,
    PageForm(form): PageForm<ConfirmForm>,
) -> Response {
    let state = &visitor.caller.state;
    let session = &visitor.caller.session;
    let result = match form {
        Ok(form) => end_own_session(state, session, &session_id, form.password).await,
        Err(error) => Err(error),
    };
    let at = AccountTexts::of(visitor.lang);
    match result {
        Ok(()) => Redirect::to("/account?done=ended").into_response(),
        Err(error) => refused(&visitor, error, "password", at.wrong_password).await,
    }
}

/// `POST /account/sessions/end-others`.
pub async fn end_others(visitor: Visitor, PageForm(form): PageForm<ConfirmForm>) -> Response {
    let state = &visitor.caller.state;
    let session = &visitor.caller.session;
    let result = match form {
        Ok(form) => end_other_sessions_of(state, session, form.password).await,
        Err(error) => Err(error),
    };
    let at = AccountTexts::of(visitor.lang);
    match result {
        Ok(()) => Redirect::to("/account?done=others").into_response(),
        Err(error) => refused(&visitor, error, "password", at.wrong_password).await,
    }
}

/// The account page again with what went wrong; a wrong password reads
/// the same as any other refusal of it.
async fn refused(
    visitor: &Visitor,
    error: otmetka_platform::Error,
    field: &str,
    message: &str,
) -> Response {
    use otmetka_platform::Error;
    let status = match &error {
        Error::InvalidArgument(_) => StatusCode::BAD_REQUEST,
        Error::Unauthenticated(_) | Error::PermissionDenied(_) | Error::FailedPrecondition(_) => {
            StatusCode::FORBIDDEN
        }
        Error::ResourceExhausted(_) | Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        _ => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let errors = FieldErrors::of(&error, visitor.lang, field, message);
    account_page(visitor, "", errors, status).await
}
