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
use uuid::Uuid;

use crate::model::{PeriodKind, Periodicity, ReportingPeriod};

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
    pub entry_id: Uuid,
    pub class_id: Uuid,
    pub group_id: Option<Uuid>,
    pub teacher_id: Uuid,
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn range(start: &str, end: &str) -> DateRange {
        DateRange::new(date(start), date(end)).unwrap()
    }

    #[test]
    fn week_one_holds_the_first_day_even_midweek() {
        // 1 September 2026 is a Tuesday.
        let start = date("2026-09-01");
        assert_eq!(week_number(start, date("2026-08-31")), 1, "its Monday");
        assert_eq!(week_number(start, date("2026-09-06")), 1, "its Sunday");
        assert_eq!(week_number(start, date("2026-09-07")), 2);
        assert_eq!(week_number(start, date("2026-12-31")), 18);
        assert_eq!(
            week_number(start, date("2027-01-04")),
            19,
            "across the new year"
        );
    }

    #[test]
    fn vacations_do_not_shift_the_parity() {
        // Autumn vacation 26 Oct – 1 Nov 2026 is week 9; the week after is 10.
        let start = date("2026-09-01");
        assert_eq!(week_number(start, date("2026-10-23")), 8);
        assert_eq!(week_number(start, date("2026-10-28")), 9);
        assert_eq!(week_number(start, date("2026-11-02")), 10);
        assert!(Periodicity::EvenWeeks.applies(10));
        assert!(!Periodicity::OddWeeks.applies(10));
    }

    #[test]
    fn parity_alternates_and_every_week_always_applies() {
        for week in -3..40 {
            assert!(Periodicity::EveryWeek.applies(week));
            assert_ne!(
                Periodicity::OddWeeks.applies(week),
                Periodicity::EvenWeeks.applies(week)
            );
        }
        assert!(Periodicity::OddWeeks.applies(1));
        assert!(!Periodicity::OddWeeks.shares_weeks(Periodicity::EvenWeeks));
        assert!(Periodicity::OddWeeks.shares_weeks(Periodicity::EveryWeek));
    }

    #[test]
    fn ranges_overlap_intersect_and_count() {
        let a = range("2026-09-01", "2026-09-30");
        let b = range("2026-09-30", "2026-10-15");
        assert!(a.overlaps(&b));
        assert_eq!(a.intersect(&b), Some(range("2026-09-30", "2026-09-30")));
        assert!(!a.overlaps(&range("2026-10-01", "2026-10-02")));
        assert_eq!(a.len_days(), 30);
        assert_eq!(a.days().count(), 30);
        assert!(DateRange::new(date("2026-09-02"), date("2026-09-01")).is_err());
        assert_eq!(
            week_of(date("2026-09-03")),
            range("2026-08-31", "2026-09-06")
        );
    }

    fn slot() -> Slot {
        Slot {
            entry_id: Uuid::from_u128(1),
            class_id: Uuid::from_u128(10),
            group_id: None,
            teacher_id: Uuid::from_u128(20),
            room: "214".into(),
            weekday: 1,
            lesson_number: 2,
            periodicity: Periodicity::EveryWeek,
            dates: range("2026-09-01", "2027-05-31"),
        }
    }

    fn other() -> Slot {
        Slot {
            entry_id: Uuid::from_u128(2),
            class_id: Uuid::from_u128(11),
            teacher_id: Uuid::from_u128(21),
            room: "215".into(),
            ..slot()
        }
    }

    #[test]
    fn the_clash_rule() {
        let a = slot();
        assert_eq!(clash(&a, &other()), None, "another class, teacher and room");
        assert_eq!(clash(&a, &a), None, "an entry does not clash with itself");
        let same_class = Slot {
            class_id: a.class_id,
            ..other()
        };
        assert_eq!(clash(&a, &same_class), Some(Clash::Class));
        let group = |id: u128| Slot {
            class_id: a.class_id,
            group_id: Some(Uuid::from_u128(id)),
            ..other()
        };
        assert_eq!(
            clash(&a, &group(30)),
            Some(Clash::Class),
            "the whole class is busy"
        );
        let other_group = Slot {
            entry_id: Uuid::from_u128(3),
            teacher_id: Uuid::from_u128(22),
            room: "216".into(),
            ..group(31)
        };
        assert_eq!(clash(&group(30), &other_group), None, "two groups at once");
        assert_eq!(
            clash(
                &group(30),
                &Slot {
                    entry_id: Uuid::from_u128(3),
                    ..group(30)
                }
            ),
            Some(Clash::Group)
        );
        let same_teacher = Slot {
            teacher_id: a.teacher_id,
            ..other()
        };
        assert_eq!(clash(&a, &same_teacher), Some(Clash::Teacher));
        let same_room = Slot {
            room: a.room.clone(),
            ..other()
        };
        assert_eq!(clash(&a, &same_room), Some(Clash::Room));
        let no_rooms = (
            Slot {
                room: String::new(),
                ..slot()
            },
            Slot {
                room: String::new(),
                ..other()
            },
        );
        assert_eq!(
            clash(&no_rooms.0, &no_rooms.1),
            None,
            "no room is not a shared room"
        );
    }

    #[test]
    fn no_clash_in_other_weeks_slots_or_dates() {
        let a = slot();
        let busy = Slot {
            teacher_id: a.teacher_id,
            ..other()
        };
        assert_eq!(
            clash(
                &a,
                &Slot {
                    weekday: 2,
                    ..busy.clone()
                }
            ),
            None
        );
        assert_eq!(
            clash(
                &a,
                &Slot {
                    lesson_number: 3,
                    ..busy.clone()
                }
            ),
            None
        );
        let odd = Slot {
            periodicity: Periodicity::OddWeeks,
            ..a.clone()
        };
        let even = Slot {
            periodicity: Periodicity::EvenWeeks,
            ..busy.clone()
        };
        assert_eq!(clash(&odd, &even), None, "odd and even weeks alternate");
        assert_eq!(clash(&a, &even), Some(Clash::Teacher));
        let later = Slot {
            dates: range("2027-06-01", "2027-06-30"),
            ..busy
        };
        assert_eq!(clash(&a, &later), None);
    }

    fn period(kind: PeriodKind, levels: &str, start: &str, end: &str) -> ReportingPeriod {
        let now = Utc::now();
        ReportingPeriod {
            id: Uuid::now_v7(),
            school_id: Uuid::from_u128(1),
            academic_year_id: Uuid::from_u128(2),
            kind: kind.as_str().into(),
            number: 1,
            name: format!("{} {start}", kind.as_str()),
            grade_levels: levels.into(),
            start_date: date(start),
            end_date: date(end),
            closed: false,
            closed_at: None,
            closed_by: None,
            reopened_at: None,
            reopened_by: None,
            reopen_reason: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn periods_of_a_kind_do_not_overlap_per_grade_level() {
        let q1 = period(PeriodKind::Quarter, ",5,6,", "2026-09-01", "2026-10-25");
        let q2 = period(PeriodKind::Quarter, ",5,6,", "2026-11-03", "2026-12-28");
        assert_eq!(period_conflict(&q2, std::slice::from_ref(&q1)), None);
        let overlapping = period(PeriodKind::Quarter, ",6,7,", "2026-10-20", "2026-12-28");
        let why = period_conflict(&overlapping, std::slice::from_ref(&q1)).unwrap();
        assert!(why.contains("grade levels 6"), "{why}");
        let other_grades = period(PeriodKind::Quarter, ",7,", "2026-10-20", "2026-12-28");
        assert_eq!(
            period_conflict(&other_grades, std::slice::from_ref(&q1)),
            None
        );
        let year = period(PeriodKind::Year, ",5,6,", "2026-09-01", "2027-05-31");
        assert_eq!(
            period_conflict(&year, &[q1.clone(), q2]),
            None,
            "a year spans its terms"
        );
        let trimester = period(PeriodKind::Trimester, ",5,", "2027-01-10", "2027-02-28");
        let why = period_conflict(&trimester, &[q1]).unwrap();
        assert!(
            why.contains("quarter"),
            "one kind of term per grade level: {why}"
        );
    }

    #[test]
    fn local_times_become_utc_instants() {
        let moscow: Tz = "Europe/Moscow".parse().unwrap();
        let at = local_instant(
            moscow,
            date("2026-09-01"),
            NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        );
        assert_eq!(at.to_rfc3339(), "2026-09-01T05:30:00+00:00");
        // Berlin skips 02:00–03:00 on 29 March 2026.
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let gap = local_instant(
            berlin,
            date("2026-03-29"),
            NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        );
        assert_eq!(gap.to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }

    proptest! {
        #[test]
        fn consecutive_weeks_alternate_parity(offset in 0u64..3000, start_offset in 0u64..3000) {
            let year_start = date("2020-01-01") + Days::new(start_offset);
            let day = year_start + Days::new(offset);
            let next = day + Days::new(7);
            prop_assert_eq!(week_number(year_start, next), week_number(year_start, day) + 1);
            prop_assert_eq!(week_number(year_start, week_start(day)), week_number(year_start, day));
        }
    }
}
