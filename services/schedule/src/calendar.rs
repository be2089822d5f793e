//! School calendar arithmetic: date ranges, week numbers and their parity,
//! the timetable's clash rule, and school-local times as UTC instants.
//!
//! Weeks run Monday to Sunday. Week 1 of an academic year is the week that
//! holds its first day, and weeks count on through holidays and vacations:
//! the timetable's odd and even weeks follow the calendar, not the number of
//! weeks taught, so a vacation week shifts nothing.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use otmetka_platform::clock::Clock;
use otmetka_platform::ids::{ClassId, GroupId, PersonId};

use crate::model::{PeriodKind, Periodicity, ReportingPeriod, TimetableEntryId};

/// Days from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, String> {
        if end < start {
            return Err(format!("ends ({end}) before it starts ({start})"));
        }
        Ok(Self { start, end })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    pub fn covers(&self, other: &DateRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    pub fn intersect(&self, other: &DateRange) -> Option<DateRange> {
        let range = DateRange {
            start: self.start.max(other.start),
            end: self.end.min(other.end),
        };
        (range.start <= range.end).then_some(range)
    }

    pub fn len_days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let end = self.end;
        self.start.iter_days().take_while(move |day| *day <= end)
    }
}

/// The Monday of `date`'s week.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// The week (Monday to Sunday) holding `date`.
pub fn week_of(date: NaiveDate) -> DateRange {
    let start = week_start(date);
    DateRange {
        start,
        end: start + Days::new(6),
    }
}

/// `date`'s week number in the academic year starting on `year_start`: 1 for
/// the week holding `year_start`, counting every calendar week after it.
pub fn week_number(year_start: NaiveDate, date: NaiveDate) -> i64 {
    (week_start(date) - week_start(year_start)).num_weeks() + 1
}

impl Periodicity {
    /// Whether an entry with this periodicity meets in week `week_number`.
    pub fn applies(self, week_number: i64) -> bool {
        match self {
            Periodicity::EveryWeek => true,
            Periodicity::OddWeeks => week_number.rem_euclid(2) == 1,
            Periodicity::EvenWeeks => week_number.rem_euclid(2) == 0,
        }
    }

    /// Whether two entries with these periodicities can meet in the same week.
    pub fn shares_weeks(self, other: Periodicity) -> bool {
        !matches!(
            (self, other),
            (Periodicity::OddWeeks, Periodicity::EvenWeeks)
                | (Periodicity::EvenWeeks, Periodicity::OddWeeks)
        )
    }
}

/// What a timetable entry occupies, for the clash rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub entry_id: TimetableEntryId,
    pub class_id: ClassId,
    pub group_id: Option<GroupId>,
    pub teacher_id: PersonId,
    pub room: String,
    pub weekday: i32,
    pub lesson_number: i32,
    pub periodicity: Periodicity,
    pub dates: DateRange,
}

/// Why two entries cannot both stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// The same class, or a group of it while the whole class has a lesson.
    Class,
    /// The same group twice.
    Group,
    Teacher,
    Room,
}

impl Clash {
    pub fn describe(self) -> &'static str {
        match self {
            Clash::Class => "the class already has a lesson then",
            Clash::Group => "the group already has a lesson then",
            Clash::Teacher => "the teacher already teaches then",
            Clash::Room => "the room is already taken then",
        }
    }
}

/// Two entries clash when they meet at the same weekday and lesson number
/// in a shared week and on overlapping dates, and share an audience (the
/// whole class with anything of that class, or the same group), a teacher,
/// or a non-empty room. Two groups of one class may meet at once: that is
/// what groups are for.
pub fn clash(a: &Slot, b: &Slot) -> Option<Clash> {
    if a.entry_id == b.entry_id
        || a.weekday != b.weekday
        || a.lesson_number != b.lesson_number
        || !a.periodicity.shares_weeks(b.periodicity)
        || !a.dates.overlaps(&b.dates)
    {
        return None;
    }
    if a.class_id == b.class_id {
        match (a.group_id, b.group_id) {
            (None, _) | (_, None) => return Some(Clash::Class),
            (Some(x), Some(y)) if x == y => return Some(Clash::Group),
            _ => {}
        }
    }
    if a.teacher_id == b.teacher_id {
        return Some(Clash::Teacher);
    }
    if !a.room.is_empty() && a.room == b.room {
        return Some(Clash::Room);
    }
    None
}

/// Why `period` cannot stand beside the other periods of its year: periods
/// of one kind must not overlap for a grade level, and a grade level uses
/// one kind of term (quarters, trimesters or half-years) per year, besides
/// the year itself.
pub fn period_conflict(period: &ReportingPeriod, others: &[ReportingPeriod]) -> Option<String> {
    let dates = DateRange {
        start: period.start_date,
        end: period.end_date,
    };
    let levels = period.levels();
    let kind = period.kind();
    for other in others.iter().filter(|other| other.id != period.id) {
        let shared: Vec<String> = levels
            .levels()
            .iter()
            .filter(|level| other.levels().contains(**level))
            .map(i32::to_string)
            .collect();
        if shared.is_empty() {
            continue;
        }
        let other_kind = other.kind();
        let other_dates = DateRange {
            start: other.start_date,
            end: other.end_date,
        };
        if kind == other_kind && dates.overlaps(&other_dates) {
            return Some(format!(
                "overlaps {:?} for grade levels {}",
                other.name,
                shared.join(", ")
            ));
        }
        let term = |kind: Option<PeriodKind>| kind.is_some_and(|kind| kind != PeriodKind::Year);
        if term(kind) && term(other_kind) && kind != other_kind {
            return Some(format!(
                "grade levels {} already use {} periods this year ({:?})",
                shared.join(", "),
                other.kind,
                other.name
            ));
        }
    }
    None
}

/// The UTC instant of a school-local date and time. A time that the clocks
/// skip (a spring-forward gap) is taken an hour later; one they repeat, at
/// its first occurrence.
pub fn local_instant(timezone: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match timezone.from_local_datetime(&local) {
        LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => instant.to_utc(),
        LocalResult::None => timezone
            .from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
            .earliest()
            .map(|instant| instant.to_utc())
            .unwrap_or_else(|| local.and_utc()),
    }
}

/// Today's date at the school, as `clock` reads it.
pub fn school_today(clock: &Clock, timezone: Tz) -> NaiveDate {
    clock.today_in(&timezone)
}

#[cfg(test)]
mod tests;
