//! One thread: its messages oldest to newest (the latest page, with a
//! link to earlier ones), a reply form, and archiving. Opening the thread
//! marks what it shows as read.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::school_zone;
use super::texts::MessageTexts;
use crate::caller::Caller;
use crate::extract::{ApiQuery, PageForm};
use crate::people::{load_me, person};
use crate::threads::{
    ArchiveBody, MessagesQuery, NewMessageBody, ReadBody, load_messages, load_thread, mark_read,
    post_message, set_archived,
};
use crate::web::page::{PageError, Shell, Visitor, render, shown};

struct MessageRow {
    id: String,
    author: String,
    mine: bool,
    at: String,
    text: String,
}

#[derive(Template)]
#[template(path = "messages/thread.html")]
struct ThreadPage {
    shell: Shell,
    mt: &'static MessageTexts,
    subject: String,
    /// The student the thread is about, by name; empty between colleagues.
    about: String,
    with: Vec<String>,
    archived: bool,
    messages: Vec<MessageRow>,
    earlier_url: String,
    reply_action: String,
    archive_action: String,
    school_id: String,
    draft: String,
    error: String,
}

#[derive(Deserialize)]
pub struct ThreadQuery {
    school_id: Option<String>,
    page_token: Option<String>,
}

/// `GET /messages/{thread_id}?school_id=`.
pub async fn show(
    visitor: Visitor,
    Path(thread_id): Path<String>,
    ApiQuery(query): ApiQuery<ThreadQuery>,
) -> Response {
    visitor
        .page(thread_page(&visitor, &thread_id, &query, Draft::default()))
        .await
}

/// A reply the server refused, kept for the person to fix.
#[derive(Default)]
struct Draft {
    text: String,
    error: String,
}

async fn thread_page(
    visitor: &Visitor,
    thread_id: &str,
    query: &ThreadQuery,
    draft: Draft,
) -> Result<ThreadPage> {
    let caller = &visitor.caller;
    let school = query.school_id.as_deref();
    let messages_query = MessagesQuery {
        school_id: query.school_id.clone(),
        page_size: None,
        page_token: query.page_token.clone(),
    };
    let (me, thread, page) = tokio::try_join!(
        load_me(caller),
        load_thread(caller, thread_id, school),
        load_messages(caller, thread_id, &messages_query),
    )?;
    let newest_shown = page.messages.first().map(|message| message.id.clone());
    if let Some(newest) = newest_shown
        && thread.unread_count > 0
    {
        let read = ReadBody {
            school_id: thread.school_id.clone(),
            message_id: newest,
        };
        mark_read(caller, thread_id, read).await?;
    }
    let zone = school_zone(caller, &thread.school_id).await?;
    let about = about(caller, &thread.student_id).await?;
    let names: HashMap<&str, &str> = thread
        .participants
        .iter()
        .map(|participant| {
            (
                participant.person_id.as_str(),
                participant.display_name.as_str(),
            )
        })
        .collect();
    let mt = MessageTexts::of(visitor.lang);
    let me_id = me.name.person_id.as_str();
    let messages = page
        .messages
        .iter()
        .rev()
        .map(|message| MessageRow {
            id: message.id.clone(),
            mine: message.author_id == me_id,
            author: if message.author_id == me_id {
                mt.you.to_owned()
            } else {
                names
                    .get(message.author_id.as_str())
                    .copied()
                    .unwrap_or_default()
                    .to_owned()
            },
            at: message
                .created_at
                .map(|at| visitor.lang.date_time(at, zone))
                .unwrap_or_default(),
            text: message.text.clone(),
        })
        .collect();
    let base = format!("/messages/{}", thread.id);
    let earlier_url = if page.next_page_token.is_empty() {
        String::new()
    } else {
        let query = serde_urlencoded::to_string([
            ("school_id", thread.school_id.as_str()),
            ("page_token", page.next_page_token.as_str()),
        ])
        .unwrap_or_default();
        format!("{base}?{query}")
    };
    Ok(ThreadPage {
        shell: visitor.shell(me.name.short()),
        mt,
        with: thread
            .participants
            .iter()
            .filter(|participant| participant.person_id != me_id)
            .map(|participant| participant.display_name.clone())
            .collect(),
        subject: thread.subject,
        about,
        archived: thread.archived,
        messages,
        earlier_url,
        reply_action: format!("{base}/reply"),
        archive_action: format!("{base}/archive"),
        school_id: thread.school_id,
        draft: draft.text,
        error: draft.error,
    })
}

/// The name of the student a thread is about, as far as the reader may
/// still see them (a guardian of a student who moved on may not).
async fn about(caller: &Caller, student_id: &str) -> Result<String> {
    if student_id.is_empty() {
        return Ok(String::new());
    }
    match person(caller, student_id).await {
        Ok(student) => Ok(format!("{} {}", student.family_name, student.given_name)),
        Err(Error::NotFound(_)) => Ok(String::new()),
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct ReplyForm {
    school_id: String,
    text: String,
}

/// `POST /messages/{thread_id}/reply`: back to the thread, at its newest
/// message; a refused reply comes back with what was written.
pub async fn reply(
    visitor: Visitor,
    Path(thread_id): Path<String>,
    PageForm(form): PageForm<ReplyForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = NewMessageBody {
        school_id: form.school_id.clone(),
        text: form.text.clone(),
        request_id: String::new(),
    };
    let error = match post_message(&visitor.caller, &thread_id, body).await {
        Ok(message) => {
            let back = format!(
                "/messages/{thread_id}?school_id={}#m-{}",
                form.school_id, message.id
            );
            return Redirect::to(&back).into_response();
        }
        Err(error) => error,
    };
    let Some((status, message)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let query = ThreadQuery {
        school_id: Some(form.school_id),
        page_token: None,
    };
    let draft = Draft {
        text: form.text,
        error: message,
    };
    match thread_page(&visitor, &thread_id, &query, draft).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    school_id: String,
    archived: bool,
}

/// `POST /messages/{thread_id}/archive`: archived, back to the inbox;
/// brought back, back to the thread.
pub async fn archive(
    visitor: Visitor,
    Path(thread_id): Path<String>,
    PageForm(form): PageForm<ArchiveForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = ArchiveBody {
        school_id: form.school_id.clone(),
        archived: form.archived,
    };
    match set_archived(&visitor.caller, &thread_id, body).await {
        Ok(_) if form.archived => Redirect::to("/messages").into_response(),
        Ok(_) => Redirect::to(&format!(
            "/messages/{thread_id}?school_id={}",
            form.school_id
        ))
        .into_response(),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
