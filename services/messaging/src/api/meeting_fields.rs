//! Reading a parent meeting's fields from a request, each refusal noted
//! under its field: for a new meeting all of them, for a change those its
//! mask names.

use chrono::{DateTime, Utc};
use otmetka_platform::error::Violations;
use otmetka_platform::ids::{ClassId, StudentId};
use otmetka_platform::text::TextRule;

use super::input::{ids_of, time_of};
use crate::model::{Listed, Meeting};

pub const TITLE: TextRule = TextRule::line(200).required();
pub const DESCRIPTION: TextRule = TextRule::text(5_000);
pub const LOCATION: TextRule = TextRule::line(200);
const ONLINE_URL: TextRule = TextRule::line(500);
/// Classes one meeting invites.
const MAX_CLASSES: usize = 10;
/// Students an individual meeting names.
const MAX_STUDENTS: usize = 100;
const MIN_DURATION_SECONDS: i64 = 5 * 60;
const MAX_DURATION_SECONDS: i64 = 8 * 60 * 60;
const DEFAULT_DURATION_SECONDS: i64 = 60 * 60;

pub fn class_ids(ids: &[String], violations: &mut Violations) -> Listed<ClassId> {
    if ids.is_empty() {
        violations.add("meeting.class_ids", "name at least one class");
    }
    ids_of("meeting.class_ids", ids, MAX_CLASSES, violations)
}

pub fn student_ids(ids: &[String], violations: &mut Violations) -> Listed<StudentId> {
    ids_of("meeting.student_ids", ids, MAX_STUDENTS, violations)
}

/// The start, which must be ahead of `now`.
pub fn start(
    timestamp: Option<&prost_types::Timestamp>,
    now: DateTime<Utc>,
    violations: &mut Violations,
) -> Option<DateTime<Utc>> {
    const FIELD: &str = "meeting.start_time";
    if timestamp.is_none() {
        violations.add(FIELD, "is required");
    }
    let start = time_of(FIELD, timestamp, violations)?;
    if start <= now {
        violations.add(FIELD, "must be in the future");
    }
    Some(start)
}

/// The reply deadline, if one is set: ahead of `now`.
pub fn reply_deadline(
    timestamp: Option<&prost_types::Timestamp>,
    now: DateTime<Utc>,
    violations: &mut Violations,
) -> Option<DateTime<Utc>> {
    const FIELD: &str = "meeting.reply_deadline";
    let deadline = time_of(FIELD, timestamp, violations)?;
    if deadline <= now {
        violations.add(FIELD, "must be in the future");
    }
    Some(deadline)
}

/// How long, in seconds: an hour unless set.
pub fn duration(duration: Option<&prost_types::Duration>, violations: &mut Violations) -> i64 {
    let Some(duration) = duration else {
        return DEFAULT_DURATION_SECONDS;
    };
    if duration.nanos != 0
        || !(MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&duration.seconds)
    {
        violations.add(
            "meeting.duration",
            "must be whole seconds from 5 minutes to 8 hours",
        );
    }
    duration.seconds
}

/// An https link with a host, or nothing.
pub fn online_url(text: &str, violations: &mut Violations) -> String {
    const FIELD: &str = "meeting.online_url";
    match ONLINE_URL.read(text) {
        Ok(url) if url.is_empty() || is_https_link(url) => return url.to_owned(),
        Ok(_) => violations.add(FIELD, "must be an https:// link"),
        Err(problem) => violations.add(FIELD, problem.to_string()),
    }
    String::new()
}

fn is_https_link(url: &str) -> bool {
    let host = url
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or_default();
    !host.is_empty() && !url.contains(char::is_whitespace)
}

/// What must hold between the fields: a place to meet, and replies closing
/// by the start (once the start is known).
pub fn check_meeting(meeting: &Meeting, start_known: bool, violations: &mut Violations) {
    if meeting.location.is_empty() && meeting.online_url.is_empty() {
        violations.add("meeting.location", "is required unless online_url is set");
    }
    if start_known
        && meeting
            .reply_deadline
            .is_some_and(|deadline| deadline > meeting.start_at)
    {
        violations.add("meeting.reply_deadline", "must not be after the start");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_online_link_is_https_with_a_host() {
        let read = |text: &str| {
            let mut violations = Violations::new();
            let url = online_url(text, &mut violations);
            (url, violations.into_result().is_ok())
        };
        assert_eq!(
            read(" https://meet.example.ru/room?id=1 "),
            ("https://meet.example.ru/room?id=1".to_owned(), true)
        );
        assert_eq!(read(""), (String::new(), true));
        for refused in [
            "http://meet.example.ru",
            "https://",
            "https:///path",
            "https://a b",
            "ftp://x",
        ] {
            assert!(!read(refused).1, "{refused}");
        }
        assert!(!read(&format!("https://{}", "a".repeat(500))).1);
    }

    #[test]
    fn a_duration_is_an_hour_unless_set_and_within_bounds() {
        let read = |duration: Option<prost_types::Duration>| {
            let mut violations = Violations::new();
            let seconds = super::duration(duration.as_ref(), &mut violations);
            (seconds, violations.into_result().is_ok())
        };
        let of = |seconds, nanos| Some(prost_types::Duration { seconds, nanos });
        assert_eq!(read(None), (3600, true));
        assert_eq!(read(of(300, 0)), (300, true));
        assert_eq!(read(of(8 * 3600, 0)), (8 * 3600, true));
        assert!(!read(of(299, 0)).1);
        assert!(!read(of(8 * 3600 + 1, 0)).1);
        assert!(!read(of(600, 5)).1);
    }
}
