use super::*;
use otmetka_platform::ids::{PeriodId, SchoolId};
use proptest::prelude::*;
use uuid::Uuid;

use crate::model::AcademicYearId;

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
        entry_id: TimetableEntryId(Uuid::from_u128(1)),
        class_id: ClassId(Uuid::from_u128(10)),
        group_id: None,
        teacher_id: PersonId(Uuid::from_u128(20)),
        room: "214".into(),
        weekday: 1,
        lesson_number: 2,
        periodicity: Periodicity::EveryWeek,
        dates: range("2026-09-01", "2027-05-31"),
    }
}

fn other() -> Slot {
    Slot {
        entry_id: TimetableEntryId(Uuid::from_u128(2)),
        class_id: ClassId(Uuid::from_u128(11)),
        teacher_id: PersonId(Uuid::from_u128(21)),
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
        group_id: Some(GroupId(Uuid::from_u128(id))),
        ..other()
    };
    assert_eq!(
        clash(&a, &group(30)),
        Some(Clash::Class),
        "the whole class is busy"
    );
    let other_group = Slot {
        entry_id: TimetableEntryId(Uuid::from_u128(3)),
        teacher_id: PersonId(Uuid::from_u128(22)),
        room: "216".into(),
        ..group(31)
    };
    assert_eq!(clash(&group(30), &other_group), None, "two groups at once");
    assert_eq!(
        clash(
            &group(30),
            &Slot {
                entry_id: TimetableEntryId(Uuid::from_u128(3)),
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
        id: PeriodId::generate(),
        school_id: SchoolId(Uuid::from_u128(1)),
        academic_year_id: AcademicYearId(Uuid::from_u128(2)),
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
