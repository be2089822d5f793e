//! Parent meetings in the browser, listed: a guardian's invitations with
//! their reply forms, and the meetings a member of staff organized (the
//! school's, for its management) with how the families replied. The
//! upcoming come first, soonest first; those of the last month follow.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::future::try_join_all;
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::announce::manages;
use super::meeting_reply::{Back, ReplyBlock, reply_blocks};
use super::meeting_texts::MeetingTexts;
use crate::caller::Caller;
use crate::extract::ApiQuery;
use crate::meeting_invitations::{InvitationsQuery, load_invitations};
use crate::meetings::{MeetingState, MeetingView, MeetingsQuery, ReplyCountsView, load_meetings};
use crate::people::{MeView, PersonName, SchoolNames, load_me, school_names};
use crate::roster::load_classes;
use crate::views::PersonKind;
use crate::web::i18n::Lang;
use crate::web::page::{Shell, Visitor};

/// How far back the list reaches: what was agreed at last month's meeting
/// is still looked up; older ones are history.
const RECENT_PAST: TimeDelta = TimeDelta::days(31);
/// One page holds every meeting of a school's month and then some.
const PAGE_SIZE: &str = "100";

/// What every card and the meeting's page show of it.
pub(super) struct Summary {
    pub url: String,
    pub anchor: String,
    pub title: String,
    /// "Среда, 9 декабря"
    pub day: String,
    /// "19:00–20:00", kept on one line.
    pub hours: String,
    pub location: String,
    pub online_url: String,
    pub cancelled: bool,
    pub cancel_reason: String,
}

impl Summary {
    pub fn of(lang: Lang, meeting: &MeetingView, zone: chrono_tz::Tz) -> Self {
        let start = meeting.start_at.with_timezone(&zone);
        let end = meeting.end_at.with_timezone(&zone);
        Self {
            url: format!("/meetings/{}?school_id={}", meeting.id, meeting.school_id),
            anchor: format!("meeting-{}", meeting.id),
            title: meeting.title.clone(),
            day: capitalized(&lang.day_heading(start.date_naive())),
            hours: format!("{}–{}", start.format("%H:%M"), end.format("%H:%M")),
            location: meeting.location.clone(),
            online_url: meeting.online_url.clone(),
            cancelled: meeting.state == MeetingState::Cancelled,
            cancel_reason: meeting.cancel_reason.clone(),
        }
    }
}

/// "Среда", not "среда", at the start of a line.
fn capitalized(text: &str) -> String {
    let mut letters = text.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// "Придут: 12" and the like, label first, so no Russian plural is needed.
pub(super) fn counts(
    at: &MeetingTexts,
    counts: Option<ReplyCountsView>,
) -> Vec<(&'static str, i32)> {
    match counts {
        Some(counts) if counts.invited > 0 => vec![
            (at.invited, counts.invited),
            (at.accepted, counts.accepted),
            (at.declined, counts.declined),
            (at.unsure, counts.tentative),
            (at.no_reply, counts.no_reply),
        ],
        _ => Vec::new(),
    }
}

/// A guardian's card.
struct Invited {
    summary: Summary,
    organizer: String,
    deadline: String,
    replies: Vec<ReplyBlock>,
}

/// A member of staff's card.
struct Organized {
    summary: Summary,
    classes: String,
    counts: Vec<(&'static str, i32)>,
}

/// The upcoming or the past.
struct Shelf<T> {
    heading: &'static str,
    cards: Vec<T>,
}

struct SchoolTab {
    url: String,
    name: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "messages/meetings.html")]
struct ListPage {
    shell: Shell,
    at: &'static MeetingTexts,
    guardian: bool,
    staff: bool,
    heading: &'static str,
    schools: Vec<SchoolTab>,
    /// A guardian's, those with a card on them.
    invited: Vec<Shelf<Invited>>,
    /// A member of staff's, those with a card on them.
    organized: Vec<Shelf<Organized>>,
    more_url: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    school_id: Option<String>,
    page_token: Option<String>,
}

/// `GET /meetings[?school_id=]`.
pub async fn list(visitor: Visitor, ApiQuery(query): ApiQuery<ListQuery>) -> Response {
    visitor.page(list_page(&visitor, query)).await
}

/// The upcoming (not yet over) soonest first, then the past latest first;
/// a shelf without cards is left out.
fn shelves<T>(
    at: &MeetingTexts,
    cards: Vec<(DateTime<Utc>, T)>,
    now: DateTime<Utc>,
) -> Vec<Shelf<T>> {
    let (upcoming, mut past): (Vec<_>, Vec<_>) = cards.into_iter().partition(|(end, _)| *end > now);
    past.reverse();
    let shelf = |heading, cards: Vec<(DateTime<Utc>, T)>| Shelf {
        heading,
        cards: cards.into_iter().map(|(_, card)| card).collect(),
    };
    [shelf(at.upcoming, upcoming), shelf(at.past, past)]
        .into_iter()
        .filter(|shelf| !shelf.cards.is_empty())
        .collect()
}

async fn list_page(visitor: &Visitor, query: ListQuery) -> Result<ListPage> {
    let caller = &visitor.caller;
    let me = load_me(caller).await?;
    let at = MeetingTexts::of(visitor.lang);
    let mut page = ListPage {
        shell: visitor.shell(me.name.short()),
        at,
        guardian: me.kind == Some(PersonKind::Guardian),
        staff: !me.roles.is_empty(),
        heading: at.meetings,
        schools: Vec::new(),
        invited: Vec::new(),
        organized: Vec::new(),
        more_url: String::new(),
    };
    let now = caller.state.settings.clock.now();
    let mut listing = MeetingsQuery {
        start_after: Some((now - RECENT_PAST).to_rfc3339()),
        page_size: Some(PAGE_SIZE.to_owned()),
        page_token: query.page_token,
        ..MeetingsQuery::default()
    };
    let next_page_token = if page.guardian {
        listing.invited_only = Some(true);
        let listed = load_meetings(caller, &listing).await?;
        let cards = invited_cards(visitor, &me, listed.meetings, now).await?;
        page.invited = shelves(at, cards, now);
        listed.next_page_token
    } else if page.staff {
        let school_id = query
            .school_id
            .or_else(|| me.roles.first().map(|role| role.school_id.clone()))
            .unwrap_or_default();
        page.schools = school_tabs(&me, &school_id);
        page.heading = if manages(&me, &school_id) {
            at.school_meetings
        } else {
            at.my_meetings
        };
        listing.school_id = Some(school_id.clone());
        let listed = load_meetings(caller, &listing).await?;
        let cards = organized_cards(visitor, &school_id, listed.meetings).await?;
        page.organized = shelves(at, cards, now);
        listed.next_page_token
    } else {
        String::new()
    };
    if !next_page_token.is_empty() {
        let mut more = vec![("page_token", next_page_token)];
        if let Some(school_id) = listing.school_id {
            more.push(("school_id", school_id));
        }
        let query = serde_urlencoded::to_string(more).unwrap_or_default();
        page.more_url = format!("/meetings?{query}");
    }
    Ok(page)
}

/// The schools a member of staff works in, when there is more than one.
fn school_tabs(me: &MeView, current: &str) -> Vec<SchoolTab> {
    let mut seen = Vec::new();
    let mut tabs = Vec::new();
    for role in &me.roles {
        if !seen.contains(&role.school_id) {
            seen.push(role.school_id.clone());
            tabs.push(SchoolTab {
                url: format!("/meetings?school_id={}", role.school_id),
                name: role.school_name.clone(),
                current: role.school_id == current,
            });
        }
    }
    if tabs.len() < 2 {
        tabs.clear();
    }
    tabs
}

/// The names and timezones of the schools of `meetings`, each read once;
/// a school the reader no longer belongs to has none.
async fn schools_of(
    caller: &Caller,
    meetings: &[MeetingView],
) -> Result<HashMap<String, Option<SchoolNames>>> {
    let mut ids: Vec<&str> = meetings.iter().map(|m| m.school_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = try_join_all(ids.iter().map(|id| async move {
        match school_names(caller, id).await {
            Ok(names) => Ok(Some(names)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }))
    .await?;
    Ok(ids.into_iter().map(str::to_owned).zip(names).collect())
}

async fn invited_cards(
    visitor: &Visitor,
    me: &MeView,
    meetings: Vec<MeetingView>,
    now: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, Invited)>> {
    let caller = &visitor.caller;
    let schools = schools_of(caller, &meetings).await?;
    let invitations = try_join_all(meetings.iter().map(|meeting| {
        let query = InvitationsQuery {
            school_id: Some(meeting.school_id.clone()),
            ..InvitationsQuery::default()
        };
        async move { load_invitations(caller, &meeting.id, &query).await }
    }))
    .await?;
    let at = MeetingTexts::of(visitor.lang);
    let mut cards = Vec::with_capacity(meetings.len());
    for (meeting, invitations) in meetings.into_iter().zip(invitations) {
        let school = schools.get(&meeting.school_id).and_then(Option::as_ref);
        let zone = school.map_or(chrono_tz::Europe::Moscow, |names| names.timezone);
        cards.push((
            meeting.end_at,
            Invited {
                summary: Summary::of(visitor.lang, &meeting, zone),
                organizer: school
                    .map(|names| names.staff(&meeting.organizer_id).to_owned())
                    .unwrap_or_default(),
                deadline: deadline_line(visitor.lang, &meeting, zone),
                replies: reply_blocks(
                    &meeting,
                    invitations.invitations,
                    &me.children,
                    now,
                    Back::List,
                    None,
                    at,
                ),
            },
        ));
    }
    Ok(cards)
}

/// "8 декабря 2026, 18:00", when the organizer set a reply deadline.
pub(super) fn deadline_line(lang: Lang, meeting: &MeetingView, zone: chrono_tz::Tz) -> String {
    meeting
        .reply_deadline
        .map(|deadline| lang.date_time(deadline, zone))
        .unwrap_or_default()
}

async fn organized_cards(
    visitor: &Visitor,
    school_id: &str,
    meetings: Vec<MeetingView>,
) -> Result<Vec<(DateTime<Utc>, Organized)>> {
    let caller = &visitor.caller;
    let (names, classes) = tokio::try_join!(
        school_names(caller, school_id),
        load_classes(caller, school_id)
    )?;
    let class_names: HashMap<String, String> = classes
        .into_iter()
        .map(|class| (class.id, class.name))
        .collect();
    let at = MeetingTexts::of(visitor.lang);
    Ok(meetings
        .into_iter()
        .map(|meeting| {
            let card = Organized {
                summary: Summary::of(visitor.lang, &meeting, names.timezone),
                classes: class_line(&class_names, &meeting.class_ids),
                counts: counts(at, meeting.reply_counts),
            };
            (meeting.end_at, card)
        })
        .collect())
}

/// "5А, 5Б": the meeting's classes as the school names them.
pub(super) fn class_line(names: &HashMap<String, String>, class_ids: &[String]) -> String {
    class_ids
        .iter()
        .filter_map(|id| names.get(id).map(String::as_str))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A child's name as a guardian's page shows it.
pub(super) fn child_name(children: &[PersonName], student_id: &str) -> String {
    children
        .iter()
        .find(|child| child.person_id == student_id)
        .map(PersonName::short)
        .unwrap_or_default()
}
