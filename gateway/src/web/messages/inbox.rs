//! The inbox: the signed-in person's threads, most recent first, with what
//! is unread; the archive beside it.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use otmetka_platform::Result;
use otmetka_platform::text::first_line;
use serde::Deserialize;

use super::school_zone;
use super::texts::MessageTexts;
use crate::extract::ApiQuery;
use crate::people::load_me;
use crate::threads::{ThreadView, ThreadsQuery, load_threads};
use crate::web::page::{Shell, Visitor};

/// How much of the newest message a thread's row shows.
const SNIPPET_CHARS: usize = 120;

struct ThreadRow {
    url: String,
    subject: String,
    with: String,
    last_text: String,
    last_at: String,
    unread: i32,
}

#[derive(Template)]
#[template(path = "messages/inbox.html")]
struct InboxPage {
    shell: Shell,
    mt: &'static MessageTexts,
    archived: bool,
    threads: Vec<ThreadRow>,
    more_url: String,
}

#[derive(Deserialize)]
pub struct InboxQuery {
    archived: Option<bool>,
    page_token: Option<String>,
}

/// `GET /messages[?archived=true]`.
pub async fn show(visitor: Visitor, ApiQuery(query): ApiQuery<InboxQuery>) -> Response {
    visitor.page(inbox_page(&visitor, query)).await
}

async fn inbox_page(visitor: &Visitor, query: InboxQuery) -> Result<InboxPage> {
    let caller = &visitor.caller;
    let archived = query.archived.unwrap_or(false);
    let threads_query = ThreadsQuery {
        school_id: None,
        student_id: None,
        unread_only: None,
        include_archived: Some(archived),
        page_size: None,
        page_token: query.page_token,
    };
    let (me, listed) = tokio::try_join!(load_me(caller), load_threads(caller, &threads_query))?;
    let mut zones = HashMap::new();
    let mut threads = Vec::with_capacity(listed.threads.len());
    // The archive lists archived threads only; the inbox the rest.
    for thread in listed
        .threads
        .into_iter()
        .filter(|thread| thread.archived == archived)
    {
        if !zones.contains_key(&thread.school_id) {
            zones.insert(
                thread.school_id.clone(),
                school_zone(caller, &thread.school_id).await?,
            );
        }
        threads.push(row(
            visitor,
            &me.name.person_id,
            zones[&thread.school_id],
            thread,
        ));
    }
    let more_url = if listed.next_page_token.is_empty() {
        String::new()
    } else {
        let query = serde_urlencoded::to_string([
            ("archived", archived.to_string()),
            ("page_token", listed.next_page_token),
        ])
        .unwrap_or_default();
        format!("/messages?{query}")
    };
    Ok(InboxPage {
        shell: visitor.shell(me.name.short()),
        mt: MessageTexts::of(visitor.lang),
        archived,
        threads,
        more_url,
    })
}

fn row(visitor: &Visitor, me: &str, zone: chrono_tz::Tz, thread: ThreadView) -> ThreadRow {
    let with = thread
        .participants
        .iter()
        .filter(|participant| participant.person_id != me)
        .map(|participant| participant.display_name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (last_text, last_at) = thread
        .last_message
        .as_ref()
        .map(|message| {
            (
                first_line(&message.text, SNIPPET_CHARS),
                message
                    .created_at
                    .map(|at| visitor.lang.date_time(at, zone))
                    .unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    ThreadRow {
        url: format!("/messages/{}?school_id={}", thread.id, thread.school_id),
        subject: thread.subject,
        with,
        last_text,
        last_at,
        unread: thread.unread_count,
    }
}
