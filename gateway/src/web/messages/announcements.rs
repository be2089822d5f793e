//! News and announcements in the browser: what reached the person, pinned
//! first; what they wrote, with how many families read it; one
//! announcement, marked read when its reader opens it; publishing a draft
//! and withdrawing.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use otmetka_platform::text::first_line;
use serde::Deserialize;

use super::announcement_texts::AnnouncementTexts;
use super::school_zone;
use crate::announcements::{
    AnnouncementChanges, AnnouncementKind, AnnouncementView, AnnouncementsQuery, AudienceRole,
    AudienceView, ReadAnnouncementsBody, change_announcement, load_announcement,
    load_announcements, mark_announcements_read, withdraw_announcement,
};
use crate::caller::Caller;
use crate::extract::{ApiQuery, PageForm};
use crate::people::load_me;
use crate::roster::load_classes;
use crate::web::i18n::Lang;
use crate::web::page::{PageError, Shell, Visitor};

/// How much of the text a row of the list shows.
const SNIPPET_CHARS: usize = 160;

struct Row {
    url: String,
    title: String,
    kind: &'static str,
    pinned: bool,
    unread: bool,
    at: String,
    snippet: String,
    /// For what the person wrote: its state and how far it reached.
    state: String,
    reach: String,
}

#[derive(Template)]
#[template(path = "messages/announcements.html")]
struct ListPage {
    shell: Shell,
    at: &'static AnnouncementTexts,
    written: bool,
    /// Staff may write; families only read.
    may_write: bool,
    rows: Vec<Row>,
    more_url: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    written: Option<bool>,
    page_token: Option<String>,
}

/// `GET /announcements[?written=true]`.
pub async fn list(visitor: Visitor, ApiQuery(query): ApiQuery<ListQuery>) -> Response {
    visitor.page(list_page(&visitor, query)).await
}

/// Where each school is, to write times as its people read them.
struct Zones<'a> {
    caller: &'a Caller,
    known: HashMap<String, chrono_tz::Tz>,
}

impl Zones<'_> {
    async fn of(&mut self, school_id: &str) -> Result<chrono_tz::Tz> {
        if let Some(zone) = self.known.get(school_id) {
            return Ok(*zone);
        }
        let zone = school_zone(self.caller, school_id).await?;
        self.known.insert(school_id.to_owned(), zone);
        Ok(zone)
    }
}

async fn list_page(visitor: &Visitor, query: ListQuery) -> Result<ListPage> {
    let caller = &visitor.caller;
    let me = load_me(caller).await?;
    let may_write = !me.roles.is_empty();
    let written = may_write && query.written.unwrap_or(false);
    // Management lists its whole school's; others what they wrote.
    let school_id = written
        .then(|| me.roles.first().map(|role| role.school_id.clone()))
        .flatten();
    let listed = load_announcements(
        caller,
        &AnnouncementsQuery {
            school_id,
            class_id: None,
            kind: None,
            unread_only: None,
            include_unpublished: Some(written),
            page_size: None,
            page_token: query.page_token,
        },
    )
    .await?;
    let at = AnnouncementTexts::of(visitor.lang);
    let mut zones = Zones {
        caller,
        known: HashMap::new(),
    };
    let mut rows = Vec::with_capacity(listed.announcements.len());
    for announcement in listed.announcements {
        let zone = zones.of(&announcement.school_id).await?;
        rows.push(Row {
            url: format!(
                "/announcements/{}?school_id={}",
                announcement.id, announcement.school_id
            ),
            kind: kind_word(at, announcement.kind),
            pinned: announcement.pinned,
            unread: !written && !announcement.read,
            at: shown_at(visitor.lang, &announcement, zone),
            snippet: first_line(&announcement.body, SNIPPET_CHARS),
            state: if written {
                state_line(visitor.lang, at, &announcement, zone)
            } else {
                String::new()
            },
            reach: reach_line(at, &announcement),
            title: announcement.title,
        });
    }
    let more_url = if listed.next_page_token.is_empty() {
        String::new()
    } else {
        let query = serde_urlencoded::to_string([
            ("written", written.to_string()),
            ("page_token", listed.next_page_token),
        ])
        .unwrap_or_default();
        format!("/announcements?{query}")
    };
    Ok(ListPage {
        shell: visitor.shell(me.name.short()),
        at,
        written,
        may_write,
        rows,
        more_url,
    })
}

fn kind_word(at: &AnnouncementTexts, kind: AnnouncementKind) -> &'static str {
    match kind {
        AnnouncementKind::News => at.news,
        AnnouncementKind::Announcement => at.announcement,
    }
}

fn shown_at(lang: Lang, announcement: &AnnouncementView, zone: chrono_tz::Tz) -> String {
    announcement
        .publish_at
        .or(announcement.created_at)
        .map(|at| lang.date_time(at, zone))
        .unwrap_or_default()
}

/// "Черновик", "Будет опубликовано 8 декабря, 09:00", "Опубликовано", "Снято с публикации".
fn state_line(
    lang: Lang,
    at: &AnnouncementTexts,
    announcement: &AnnouncementView,
    zone: chrono_tz::Tz,
) -> String {
    match announcement.state {
        "draft" => at.draft.to_owned(),
        "withdrawn" => at.withdrawn.to_owned(),
        _ if announcement.reach.is_none() => {
            format!("{} {}", at.scheduled, shown_at(lang, announcement, zone))
        }
        _ => at.published.to_owned(),
    }
}

/// "Прочитали: семьи — 12 из 25", with staff when any were reached.
fn reach_line(at: &AnnouncementTexts, announcement: &AnnouncementView) -> String {
    let Some(reach) = announcement.reach else {
        return String::new();
    };
    if reach.families == 0 && reach.staff == 0 {
        return at.not_reached_yet.to_owned();
    }
    let mut parts = Vec::new();
    if reach.families > 0 {
        parts.push(format!(
            "{} — {} {} {}",
            at.families, reach.families_read, at.of, reach.families
        ));
    }
    if reach.staff > 0 {
        parts.push(format!(
            "{} — {} {} {}",
            at.staff_read, reach.staff_read, at.of, reach.staff
        ));
    }
    format!("{}: {}", at.read_by, parts.join("; "))
}

/// "5А, 6Б — родителям, ученикам".
async fn audience_line(
    caller: &Caller,
    at: &AnnouncementTexts,
    school_id: &str,
    audience: &AudienceView,
) -> Result<String> {
    let mut whom = Vec::new();
    if audience.whole_school {
        whom.push(at.whole_school.to_owned());
    }
    for level in &audience.grade_levels {
        whom.push(format!("{level}{}", at.grade_suffix));
    }
    if !audience.class_ids.is_empty() {
        let names: HashMap<String, String> = load_classes(caller, school_id)
            .await?
            .into_iter()
            .map(|class| (class.id, class.name))
            .collect();
        whom.extend(
            audience
                .class_ids
                .iter()
                .filter_map(|id| names.get(id).cloned()),
        );
    }
    let roles: Vec<&str> = audience
        .roles
        .iter()
        .map(|role| match role {
            AudienceRole::Guardians => at.guardians,
            AudienceRole::Students => at.students,
            AudienceRole::Staff => at.staff,
        })
        .collect();
    Ok(format!("{} — {}", whom.join(", "), roles.join(", ")))
}

#[derive(Template)]
#[template(path = "messages/announcement.html")]
struct ItemPage {
    shell: Shell,
    at: &'static AnnouncementTexts,
    title: String,
    kind: &'static str,
    pinned: bool,
    at_time: String,
    expires: String,
    paragraphs: Vec<String>,
    /// For its author and the school's management.
    editor: Option<Editing>,
}

struct Editing {
    audience: String,
    state: String,
    reach: String,
    draft: bool,
    withdrawn: bool,
    publish_action: String,
    withdraw_action: String,
    school_id: String,
}

#[derive(Deserialize)]
pub struct ItemQuery {
    school_id: Option<String>,
}

/// `GET /announcements/{id}?school_id=`: the announcement; its reader's
/// opening it marks it read.
pub async fn show(
    visitor: Visitor,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ItemQuery>,
) -> Response {
    visitor.page(item_page(&visitor, &id, query)).await
}

async fn item_page(visitor: &Visitor, id: &str, query: ItemQuery) -> Result<ItemPage> {
    let caller = &visitor.caller;
    let (me, announcement) = tokio::try_join!(
        load_me(caller),
        load_announcement(caller, id, query.school_id.as_deref())
    )?;
    let at = AnnouncementTexts::of(visitor.lang);
    let zone = school_zone(caller, &announcement.school_id).await?;
    // Readers see only what is shown now; anything else is its editor's.
    let editing = announcement.author_id == me.name.person_id
        || announcement.reach.is_some()
        || announcement.state != "published"
        || announcement
            .publish_at
            .is_some_and(|at| at > chrono::Utc::now());
    let editor = match editing {
        true => Some(Editing {
            audience: audience_line(caller, at, &announcement.school_id, &announcement.audience)
                .await?,
            state: state_line(visitor.lang, at, &announcement, zone),
            reach: reach_line(at, &announcement),
            draft: announcement.state == "draft",
            withdrawn: announcement.state == "withdrawn",
            publish_action: format!("/announcements/{}/publish", announcement.id),
            withdraw_action: format!("/announcements/{}/withdraw", announcement.id),
            school_id: announcement.school_id.clone(),
        }),
        false => None,
    };
    if editor.is_none() && !announcement.read {
        let read = ReadAnnouncementsBody {
            school_id: announcement.school_id.clone(),
            announcement_ids: vec![announcement.id.clone()],
        };
        mark_announcements_read(caller, read).await?;
    }
    Ok(ItemPage {
        shell: visitor.shell(me.name.short()),
        at,
        kind: kind_word(at, announcement.kind),
        pinned: announcement.pinned,
        at_time: shown_at(visitor.lang, &announcement, zone),
        expires: announcement
            .expire_at
            .map(|expire| visitor.lang.date_time(expire, zone))
            .unwrap_or_default(),
        paragraphs: announcement
            .body
            .split("\n\n")
            .map(|paragraph| paragraph.trim().to_owned())
            .filter(|paragraph| !paragraph.is_empty())
            .collect(),
        title: announcement.title,
        editor,
    })
}

/// `POST /announcements/{id}/publish`: a draft goes out now.
pub async fn publish(
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(form): PageForm<ItemQuery>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let school_id = form.school_id.unwrap_or_default();
    let changes = AnnouncementChanges {
        school_id: school_id.clone(),
        publish: Some(true),
        ..Default::default()
    };
    match change_announcement(&visitor.caller, &id, changes).await {
        Ok(_) => {
            Redirect::to(&format!("/announcements/{id}?school_id={school_id}")).into_response()
        }
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// `POST /announcements/{id}/withdraw`: it stops being shown, and its
/// notifications go.
pub async fn withdraw(
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(form): PageForm<ItemQuery>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    match withdraw_announcement(&visitor.caller, &id, form.school_id.as_deref()).await {
        Ok(()) => Redirect::to("/announcements?written=true").into_response(),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
