//! What each person wants of their notifications: per kind, and per child
//! where they chose so, whether it counts in the app and how it is e-mailed;
//! quiet hours and the digest time, read in the school's timezone.
//!
//! E-mail is off until a person turns it on: the address is theirs to
//! give, and a city's worth of unasked mail would teach families to ignore
//! it.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use otmetka_platform::ids::{PersonId, StudentId};

use crate::model::NotificationKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailMode {
    Off,
    AtOnce,
    Digest,
}

stored_word!(EmailMode {
    Off => "off",
    AtOnce => "at_once",
    Digest => "digest",
});

/// One choice: for a kind, about one child or (`student_id` none) anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub student_id: Option<StudentId>,
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: EmailMode,
}

impl Rule {
    /// What a person gets who chose nothing for `kind`.
    pub fn default_for(kind: NotificationKind) -> Self {
        Self {
            student_id: None,
            kind,
            in_app: true,
            email: EmailMode::Off,
        }
    }
}

/// How one notification reaches its person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routing {
    pub in_app: bool,
    pub email: EmailMode,
}

/// Picks the rule for a notification of `kind` about `student_id` from
/// one person's `rules`: the child's own, else the one for anyone, else
/// the default.
pub fn route(rules: &[Rule], kind: NotificationKind, student_id: Option<StudentId>) -> Routing {
    let own = student_id.and_then(|child| {
        rules
            .iter()
            .find(|rule| rule.kind == kind && rule.student_id == Some(child))
    });
    let rule = own
        .or_else(|| {
            rules
                .iter()
                .find(|rule| rule.kind == kind && rule.student_id.is_none())
        })
        .copied()
        .unwrap_or_else(|| Rule::default_for(kind));
    Routing {
        in_app: rule.in_app,
        email: rule.email,
    }
}

/// A person's times: quiet hours and when the digest goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    /// Start and end of quiet hours; the end may be earlier than the start.
    pub quiet: Option<(NaiveTime, NaiveTime)>,
    pub digest_at: NaiveTime,
}

impl Default for Hours {
    /// Nights are quiet from 21:00 to 08:00; the digest goes at 19:00,
    /// after the school day and its homework.
    fn default() -> Self {
        Self {
            quiet: Some((hm(21, 0), hm(8, 0))),
            digest_at: hm(19, 0),
        }
    }
}

fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).expect("a time of day")
}

/// A person's settings as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub person_id: PersonId,
    pub rules: Vec<Rule>,
    pub hours: Hours,
    /// Unset while the person follows the defaults.
    pub updated_at: Option<DateTime<Utc>>,
}

/// "HH:MM" → a time of day.
pub fn parse_time_of_day(text: &str) -> Option<NaiveTime> {
    if text.len() != 5 {
        return None;
    }
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

pub fn format_time_of_day(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

impl Hours {
    /// When an e-mail due at `now` may go: `now`, or the end of the quiet
    /// hours it falls in.
    pub fn sendable_from(&self, now: DateTime<Utc>, timezone: Tz) -> DateTime<Utc> {
        let Some((start, end)) = self.quiet else {
            return now;
        };
        if start == end {
            return now;
        }
        let local = now.with_timezone(&timezone);
        let (day, time) = (local.date_naive(), local.time());
        let quiet_until = if start < end {
            // Quiet inside one day, e.g. 13:00–15:00.
            (start <= time && time < end).then_some(day)
        } else if time >= start {
            // Quiet overnight, evening part: until the end tomorrow.
            day.checked_add_days(Days::new(1))
        } else if time < end {
            // Quiet overnight, morning part: until the end today.
            Some(day)
        } else {
            None
        };
        quiet_until.map_or(now, |day| local_instant(day, end, timezone).max(now))
    }

    /// The first digest time strictly after `after`.
    pub fn next_digest(&self, after: DateTime<Utc>, timezone: Tz) -> DateTime<Utc> {
        let today = after.with_timezone(&timezone).date_naive();
        let todays = local_instant(today, self.digest_at, timezone);
        if todays > after {
            return todays;
        }
        let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
        local_instant(tomorrow, self.digest_at, timezone)
    }
}

/// `time` of `day` in `timezone` as an instant: the earlier one when the
/// clocks go back, and the first minute after the gap when they go forward.
pub fn local_instant(day: NaiveDate, time: NaiveTime, timezone: Tz) -> DateTime<Utc> {
    let mut moment = day.and_time(time);
    loop {
        if let Some(instant) = timezone.from_local_datetime(&moment).earliest() {
            return instant.with_timezone(&Utc);
        }
        moment += chrono::TimeDelta::minutes(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moscow() -> Tz {
        "Europe/Moscow".parse().unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        // Moscow is UTC+3 all year.
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        local_instant(local.date(), local.time(), moscow())
    }

    #[test]
    fn a_childs_own_rule_wins_over_the_rule_for_anyone_and_the_default() {
        let child = StudentId(uuid::Uuid::now_v7());
        let other = StudentId(uuid::Uuid::now_v7());
        let rules = [
            Rule {
                student_id: None,
                kind: NotificationKind::NewMark,
                in_app: true,
                email: EmailMode::Digest,
            },
            Rule {
                student_id: Some(child),
                kind: NotificationKind::NewMark,
                in_app: false,
                email: EmailMode::AtOnce,
            },
        ];
        let own = route(&rules, NotificationKind::NewMark, Some(child));
        assert_eq!((own.in_app, own.email), (false, EmailMode::AtOnce));
        let anyone = route(&rules, NotificationKind::NewMark, Some(other));
        assert_eq!((anyone.in_app, anyone.email), (true, EmailMode::Digest));
        let default = route(&rules, NotificationKind::Meeting, Some(child));
        assert_eq!((default.in_app, default.email), (true, EmailMode::Off));
    }

    #[test]
    fn overnight_quiet_hours_hold_mail_until_the_morning() {
        let hours = Hours::default();
        assert_eq!(
            hours.sendable_from(at("2027-02-10 22:30"), moscow()),
            at("2027-02-11 08:00")
        );
        assert_eq!(
            hours.sendable_from(at("2027-02-11 06:15"), moscow()),
            at("2027-02-11 08:00")
        );
        let daytime = at("2027-02-11 08:00");
        assert_eq!(hours.sendable_from(daytime, moscow()), daytime);
        let evening = at("2027-02-11 20:59");
        assert_eq!(hours.sendable_from(evening, moscow()), evening);
    }

    #[test]
    fn daytime_quiet_hours_and_none() {
        let lessons = Hours {
            quiet: Some((hm(8, 30), hm(14, 0))),
            ..Hours::default()
        };
        assert_eq!(
            lessons.sendable_from(at("2027-02-11 09:00"), moscow()),
            at("2027-02-11 14:00")
        );
        let evening = at("2027-02-11 23:00");
        assert_eq!(lessons.sendable_from(evening, moscow()), evening);
        let never = Hours {
            quiet: None,
            ..Hours::default()
        };
        let night = at("2027-02-11 03:00");
        assert_eq!(never.sendable_from(night, moscow()), night);
    }

    #[test]
    fn the_digest_goes_at_the_next_digest_time() {
        let hours = Hours::default();
        assert_eq!(
            hours.next_digest(at("2027-02-11 10:00"), moscow()),
            at("2027-02-11 19:00")
        );
        assert_eq!(
            hours.next_digest(at("2027-02-11 19:00"), moscow()),
            at("2027-02-12 19:00")
        );
    }

    #[test]
    fn a_time_the_clocks_skip_is_read_as_the_first_minute_after() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        let skipped = local_instant(day, hm(2, 30), berlin);
        assert_eq!(skipped, local_instant(day, hm(3, 0), berlin));
    }

    #[test]
    fn times_of_day_are_exactly_hh_mm() {
        assert_eq!(parse_time_of_day("07:05"), Some(hm(7, 5)));
        for wrong in ["7:05", "24:00", "07:60", "07:05:00", "", "ab:cd"] {
            assert_eq!(parse_time_of_day(wrong), None, "{wrong}");
        }
        assert_eq!(format_time_of_day(hm(7, 5)), "07:05");
    }
}
