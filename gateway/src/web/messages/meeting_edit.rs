//! A meeting's time and place as a form gives them, in the school's own
//! time: planning one and moving it share these fields. Its organizer
//! moves it or cancels it from its page.

use std::collections::HashMap;

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::announce::local_time;
use super::meeting::{Trouble, refused};
use super::meeting_texts::MeetingTexts;
use super::school_zone;
use crate::extract::PageForm;
use crate::meeting_changes::{CancelMeetingBody, MeetingChanges, call_off_meeting, change_meeting};
use crate::meetings::{DURATION_RULE, MeetingView, load_meeting, meeting_key};
use crate::web::page::{PageError, Visitor};

/// How a datetime-local field writes a time.
const LOCAL: &str = "%Y-%m-%dT%H:%M";
/// The lengths a form offers, in minutes.
const DURATIONS: [i64; 5] = [30, 45, 60, 90, 120];
const DEFAULT_DURATION: i64 = 60;

pub(super) struct DurationChoice {
    pub minutes: i64,
    pub name: String,
    pub selected: bool,
}

/// The common lengths, and `chosen` among them even if it is another.
fn durations(at: &MeetingTexts, chosen: i64) -> Vec<DurationChoice> {
    let mut minutes = DURATIONS.to_vec();
    if !minutes.contains(&chosen) {
        minutes.push(chosen);
        minutes.sort_unstable();
    }
    let name = |minutes: i64| match (minutes / 60, minutes % 60) {
        (0, rest) => format!("{rest} {}", at.minutes),
        (hours, 0) => format!("{hours} {}", at.hours),
        (hours, rest) => format!("{hours} {} {rest} {}", at.hours, at.minutes),
    };
    minutes
        .into_iter()
        .map(|minutes| DurationChoice {
            minutes,
            name: name(minutes),
            selected: minutes == chosen,
        })
        .collect()
}

/// The time and place fields as a form shows them.
pub(super) struct WhenFields {
    pub start: String,
    pub durations: Vec<DurationChoice>,
    pub location: String,
    pub online_url: String,
    pub deadline: String,
}

impl WhenFields {
    /// As the meeting stands.
    pub fn of(at: &MeetingTexts, meeting: &MeetingView, zone: chrono_tz::Tz) -> Self {
        let local = |time: DateTime<Utc>| time.with_timezone(&zone).format(LOCAL).to_string();
        Self {
            start: local(meeting.start_at),
            durations: durations(at, meeting.duration_minutes),
            location: meeting.location.clone(),
            online_url: meeting.online_url.clone(),
            deadline: meeting.reply_deadline.map(local).unwrap_or_default(),
        }
    }

    /// As the form was sent, to show it again; empty for a new meeting.
    pub fn kept(at: &MeetingTexts, form: &HashMap<String, String>) -> Self {
        let field = |name: &str| form.get(name).cloned().unwrap_or_default();
        let duration = field("duration_minutes")
            .parse()
            .unwrap_or(DEFAULT_DURATION);
        Self {
            start: field("start_at"),
            durations: durations(at, duration),
            location: field("location"),
            online_url: field("online_url"),
            deadline: field("reply_deadline"),
        }
    }
}

/// The time and place a form gave.
pub(super) struct Timing {
    pub start_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub location: String,
    pub online_url: String,
    pub reply_deadline: Option<DateTime<Utc>>,
}

/// Reads the fields in the school's time; what is left empty is absent.
pub(super) fn timing(form: &HashMap<String, String>, zone: chrono_tz::Tz) -> Result<Timing> {
    let field = |name: &str| form.get(name).map_or("", |value| value.trim());
    let time = |name: &str| match field(name) {
        "" => Ok(None),
        text => local_time(name, text, zone).map(Some),
    };
    let duration_minutes = match field("duration_minutes") {
        "" => None,
        text => Some(
            text.parse()
                .map_err(|_| Error::invalid("duration_minutes", DURATION_RULE))?,
        ),
    };
    Ok(Timing {
        start_at: time("start_at")?,
        duration_minutes,
        location: field("location").to_owned(),
        online_url: field("online_url").to_owned(),
        reply_deadline: time("reply_deadline")?,
    })
}

/// What the form changes of `meeting`: a field absent, or shown as it
/// stands and sent back alike, is no change (so a moved deadline alone does
/// not tell the families their meeting moved).
fn changes_of(
    meeting: &MeetingView,
    form: &HashMap<String, String>,
    zone: chrono_tz::Tz,
    at: &MeetingTexts,
) -> Result<MeetingChanges> {
    let before = WhenFields::of(at, meeting, zone);
    let sent = timing(form, zone)?;
    let field = |name: &str| form.get(name).map(|value| value.trim());
    let start_at = match field("start_at") {
        None => None,
        Some("") => return Err(Error::invalid("start_at", "is required")),
        Some(text) if text == before.start => None,
        Some(_) => sent.start_at,
    };
    let changed = |name: &str, now: &str| field(name).is_some_and(|text| text != now);
    Ok(MeetingChanges {
        school_id: meeting.school_id.clone(),
        start_at,
        duration_minutes: sent
            .duration_minutes
            .filter(|minutes| i64::from(*minutes) != meeting.duration_minutes),
        location: changed("location", &meeting.location).then_some(sent.location),
        online_url: changed("online_url", &meeting.online_url).then_some(sent.online_url),
        reply_deadline: changed("reply_deadline", &before.deadline).then_some(sent.reply_deadline),
        ..MeetingChanges::default()
    })
}

/// `POST /meetings/{id}/change`: a new time or place, told to every
/// invited family; nothing changed, nothing is sent.
pub async fn change(
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let refuse = |error| PageError::new(error, visitor.lang, &visitor.here).into_response();
    let form = match form {
        Ok(form) => form,
        Err(error) => return refuse(error),
    };
    let (id, school_id) = match meeting_key(&id, form.get("school_id").map(String::as_str)) {
        Ok(key) => key,
        Err(error) => return refuse(error),
    };
    let caller = &visitor.caller;
    let at = MeetingTexts::of(visitor.lang);
    let changed = async {
        let meeting = load_meeting(caller, &id, Some(&school_id)).await?;
        let zone = school_zone(caller, &school_id).await?;
        let changes = changes_of(&meeting, &form, zone, at)?;
        let unchanged = changes.start_at.is_none()
            && changes.duration_minutes.is_none()
            && changes.location.is_none()
            && changes.online_url.is_none()
            && changes.reply_deadline.is_none();
        if !unchanged {
            change_meeting(caller, &id, changes).await?;
        }
        Ok(())
    };
    match changed.await {
        Ok(()) => Redirect::to(&format!("/meetings/{id}?school_id={school_id}")).into_response(),
        Err(error) => {
            let when = WhenFields::kept(at, &form);
            let trouble = |message| Trouble::Change { message, when };
            refused(&visitor, &id, &school_id, error, at.change_refused, trouble).await
        }
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    school_id: Option<String>,
    reason: Option<String>,
}

/// `POST /meetings/{id}/cancel`: cancelled, and every invited family told.
pub async fn cancel(
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(form): PageForm<CancelForm>,
) -> Response {
    let refuse = |error| PageError::new(error, visitor.lang, &visitor.here).into_response();
    let form = match form {
        Ok(form) => form,
        Err(error) => return refuse(error),
    };
    let (id, school_id) = match meeting_key(&id, form.school_id.as_deref()) {
        Ok(key) => key,
        Err(error) => return refuse(error),
    };
    let reason = form.reason.unwrap_or_default();
    let body = CancelMeetingBody {
        school_id: school_id.clone(),
        reason: reason.clone(),
    };
    match call_off_meeting(&visitor.caller, &id, body).await {
        Ok(_) => Redirect::to(&format!("/meetings/{id}?school_id={school_id}")).into_response(),
        Err(error) => {
            let conflict = MeetingTexts::of(visitor.lang).change_refused;
            let trouble = |message| Trouble::Cancel { message, reason };
            refused(&visitor, &id, &school_id, error, conflict, trouble).await
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::meetings::MeetingState;
    use crate::web::i18n::Lang;

    fn meeting() -> MeetingView {
        let start_at = "2026-12-09T15:00:00Z".parse().unwrap();
        MeetingView {
            id: "0193a3c4-0000-7000-8000-00000000a001".into(),
            school_id: "0193a3c4-0000-7000-8000-00000000a002".into(),
            class_ids: Vec::new(),
            student_ids: Vec::new(),
            title: "Итоги четверти".into(),
            agenda: String::new(),
            start_at,
            end_at: start_at + TimeDelta::minutes(60),
            duration_minutes: 60,
            location: "Кабинет 12".into(),
            online_url: String::new(),
            reply_deadline: Some("2026-12-08T17:00:00Z".parse().unwrap()),
            state: MeetingState::Scheduled,
            cancel_reason: String::new(),
            organizer_id: String::new(),
            reply_counts: None,
            created_at: None,
            updated_at: None,
        }
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn only_what_differs_is_changed() {
        let at = MeetingTexts::of(Lang::Ru);
        let moscow = chrono_tz::Europe::Moscow;
        let shown = WhenFields::of(at, &meeting(), moscow);
        assert_eq!(
            (shown.start.as_str(), shown.deadline.as_str()),
            ("2026-12-09T18:00", "2026-12-08T20:00")
        );
        let sent = form(&[
            ("start_at", "2026-12-09T18:00"),
            ("duration_minutes", "60"),
            ("location", " Актовый зал "),
            ("online_url", ""),
            ("reply_deadline", ""),
        ]);
        let changes = changes_of(&meeting(), &sent, moscow, at).unwrap();
        assert!(changes.start_at.is_none() && changes.duration_minutes.is_none());
        assert_eq!(changes.location.as_deref(), Some("Актовый зал"));
        assert!(changes.online_url.is_none());
        assert_eq!(changes.reply_deadline, Some(None), "cleared");

        let moved = form(&[("start_at", "2026-12-10T18:30"), ("duration_minutes", "90")]);
        let changes = changes_of(&meeting(), &moved, moscow, at).unwrap();
        assert_eq!(
            changes.start_at,
            Some("2026-12-10T15:30:00Z".parse().unwrap())
        );
        assert_eq!(changes.duration_minutes, Some(90));
        assert!(changes.location.is_none(), "what is not sent stays");
        assert!(changes.reply_deadline.is_none());
    }

    #[test]
    fn a_form_offers_the_meetings_own_length() {
        let at = MeetingTexts::of(Lang::Ru);
        let names: Vec<String> = durations(at, 50).into_iter().map(|d| d.name).collect();
        assert_eq!(
            names,
            ["30 мин", "45 мин", "50 мин", "1 ч", "1 ч 30 мин", "2 ч"]
        );
    }
}
