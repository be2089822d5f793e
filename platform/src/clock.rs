//! Today, as an input.
//!
//! Every rule that depends on the date — the edit window, the current week
//! and period, whether homework is overdue — reads it from the [`Clock`] its
//! service was started with: the system clock in production, a pinned date
//! in tests and demos, so a suite passes on any day of the year.
//!
//! Security deadlines (token and session expiry, attempt windows, rate
//! limits) stay on the system clock: browsers, identity providers and token
//! verifiers read that one too.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

/// The time a service's rules see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    /// How far this clock is ahead of the system clock.
    shift: TimeDelta,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `start` now and runs on at the real pace, so the
    /// order of events is kept while the date is pinned.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            shift: start - Utc::now(),
        }
    }

    /// A clock that reads noon UTC of `day` now: the same date in every
    /// timezone from UTC−11 to UTC+11 for the next eleven hours.
    pub fn on_day(day: NaiveDate) -> Self {
        Self::starting_at(day.and_hms_opt(12, 0, 0).expect("noon exists").and_utc())
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }

    /// What this clock read when the system clock read `instant`: for
    /// things stamped on the system clock (stored rows, UUIDv7 ids) that
    /// rules of the day weigh.
    pub fn reading_at(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        instant + self.shift
    }

    /// Today in `timezone` (a school's).
    pub fn today_in<Tz: TimeZone>(&self, timezone: &Tz) -> NaiveDate {
        self.now().with_timezone(timezone).date_naive()
    }

    /// Today in UTC, for rules that allow a day of slack either way.
    pub fn today_utc(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_reads_its_day_and_keeps_running() {
        let day = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        let clock = Clock::on_day(day);
        assert_eq!(clock.today_utc(), day);
        let moscow = chrono::FixedOffset::east_opt(3 * 3600).unwrap();
        assert_eq!(clock.today_in(&moscow), day);
        let first = clock.now();
        assert!(clock.now() >= first);
        let stamped = Utc::now();
        let read = clock.reading_at(stamped);
        assert_eq!(read.date_naive(), day);
        assert!(read <= clock.now());
    }

    #[test]
    fn the_system_clock_is_not_shifted() {
        let before = Utc::now();
        let read = Clock::system().now();
        assert!(read >= before && read <= Utc::now());
    }
}
