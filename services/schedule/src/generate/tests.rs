use super::*;
use crate::model::{BellSlot, HolidayId, Periodicity, parse_time};
use proptest::prelude::*;
use uuid::Uuid;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const SCHOOL: SchoolId = SchoolId(Uuid::from_u128(1));
const YEAR: AcademicYearId = AcademicYearId(Uuid::from_u128(2));
const CLASS: ClassId = ClassId(Uuid::from_u128(3));

fn entry(id: u128, weekday: i32, lesson_number: i32, periodicity: Periodicity) -> TimetableEntry {
    let now = Utc::now();
    TimetableEntry {
        id: TimetableEntryId(Uuid::from_u128(id)),
        school_id: SCHOOL,
        academic_year_id: YEAR,
        class_id: CLASS,
        group_id: None,
        grade_level: 5,
        weekday,
        lesson_number,
        subject_id: SubjectId(Uuid::from_u128(100 + id)),
        teacher_id: PersonId(Uuid::from_u128(200 + id)),
        room: format!("{id}"),
        periodicity: periodicity.as_str().into(),
        start_date: None,
        end_date: None,
        bell_schedule_id: None,
        created_at: now,
        updated_at: now,
    }
}

fn holiday(start: &str, end: &str, grade_levels: &str) -> Holiday {
    let now = Utc::now();
    Holiday {
        id: HolidayId::generate(),
        school_id: SCHOOL,
        academic_year_id: YEAR,
        kind: "vacation".into(),
        name: "Каникулы".into(),
        start_date: date(start),
        end_date: date(end),
        grade_levels: grade_levels.into(),
        created_at: now,
        updated_at: now,
    }
}

fn bells() -> Bells {
    let default = BellScheduleId(Uuid::from_u128(50));
    let slots = BellSlots::new(
        (1..=6)
            .map(|n| BellSlot {
                lesson_number: n,
                start: parse_time(&format!("{:02}:00", 7 + n)).unwrap(),
                end: parse_time(&format!("{:02}:45", 7 + n)).unwrap(),
            })
            .collect(),
    )
    .unwrap();
    Bells {
        default: Some(default),
        by_id: HashMap::from([(default, slots)]),
    }
}

fn inputs<'a>(
    entries: &'a [TimetableEntry],
    bells: &'a Bells,
    holidays: &'a [Holiday],
    range: DateRange,
) -> Inputs<'a> {
    Inputs {
        year: DateRange::new(date("2026-09-01"), date("2027-05-31")).unwrap(),
        range,
        entries,
        bells,
        holidays,
        timezone: "Europe/Moscow".parse().unwrap(),
    }
}

fn context() -> NewLessons {
    NewLessons {
        school_id: SCHOOL,
        academic_year_id: YEAR,
        now: Utc::now(),
    }
}

#[test]
fn odd_and_even_weeks_alternate_across_a_vacation() {
    // Mondays from 31 Aug (week 1) to 16 Nov 2026 (week 12); the autumn
    // vacation 26 Oct – 1 Nov (week 9) has no lessons but still counts.
    let entries = [
        entry(1, 1, 1, Periodicity::OddWeeks),
        entry(2, 1, 1, Periodicity::EvenWeeks),
    ];
    let bells = bells();
    let holidays = [holiday("2026-10-26", "2026-11-01", "")];
    let range = DateRange::new(date("2026-08-31"), date("2026-11-16")).unwrap();
    let planned = desired_lessons(&inputs(&entries, &bells, &holidays, range)).unwrap();
    let mondays = |entry: u128| -> Vec<String> {
        planned
            .iter()
            .filter(|p| p.entry_id == TimetableEntryId(Uuid::from_u128(entry)))
            .map(|p| p.date.to_string())
            .collect()
    };
    // 31 Aug is before the year's first day (1 Sep): no lesson.
    assert_eq!(
        mondays(1),
        ["2026-09-14", "2026-09-28", "2026-10-12", "2026-11-09"],
        "odd weeks 3, 5, 7, (9 is the vacation), 11"
    );
    assert_eq!(
        mondays(2),
        [
            "2026-09-07",
            "2026-09-21",
            "2026-10-05",
            "2026-10-19",
            "2026-11-02",
            "2026-11-16"
        ],
        "even weeks 2 … 12"
    );
    let first = planned.iter().min_by_key(|p| p.date).unwrap();
    assert_eq!(
        (first.start_time.as_str(), first.end_time.as_str()),
        ("08:00", "08:45")
    );
    assert_eq!(first.starts_at.to_rfc3339(), "2026-09-07T05:00:00+00:00");
}

#[test]
fn grade_level_holidays_spare_other_grades_and_entry_dates_bound() {
    let mut first_grade = entry(1, 2, 1, Periodicity::EveryWeek);
    first_grade.grade_level = 1;
    let mut bounded = entry(2, 2, 2, Periodicity::EveryWeek);
    bounded.start_date = Some(date("2026-09-08"));
    bounded.end_date = Some(date("2026-09-22"));
    let entries = [first_grade, bounded];
    let bells = bells();
    let holidays = [holiday("2026-09-15", "2026-09-15", ",1,")];
    let range = DateRange::new(date("2026-09-01"), date("2026-09-30")).unwrap();
    let planned = desired_lessons(&inputs(&entries, &bells, &holidays, range)).unwrap();
    let dates = |entry: u128| -> Vec<String> {
        planned
            .iter()
            .filter(|p| p.entry_id == TimetableEntryId(Uuid::from_u128(entry)))
            .map(|p| p.date.to_string())
            .collect()
    };
    assert_eq!(
        dates(1),
        ["2026-09-01", "2026-09-08", "2026-09-22", "2026-09-29"]
    );
    assert_eq!(dates(2), ["2026-09-08", "2026-09-15", "2026-09-22"]);
}

#[test]
fn a_lesson_number_without_a_bell_is_named() {
    let entries = [entry(1, 1, 7, Periodicity::EveryWeek)];
    let bells = bells();
    let range = DateRange::new(date("2026-09-01"), date("2026-09-30")).unwrap();
    let error = desired_lessons(&inputs(&entries, &bells, &[], range)).unwrap_err();
    assert!(error.contains("lesson 7"), "{error}");
    let none = Bells::default();
    let error = desired_lessons(&inputs(&entries, &none, &[], range)).unwrap_err();
    assert!(error.contains("default bell schedule"), "{error}");
}

#[test]
fn regeneration_keeps_ids_manual_changes_and_records() {
    let bells = bells();
    let range = DateRange::new(date("2026-09-01"), date("2026-09-30")).unwrap();
    let entries = [entry(1, 1, 1, Periodicity::EveryWeek)];
    let first = plan(
        vec![],
        desired_lessons(&inputs(&entries, &bells, &[], range)).unwrap(),
        &context(),
    );
    assert_eq!(first.create.len(), 4);
    let mut stored = first.create;
    stored[0].room_override = Some("101".into());
    stored[0].topic = "Дроби".into();
    stored[1].has_marks = true;

    // The entry moves to lesson 2 and ends on the 14th.
    let mut moved = entry(1, 1, 2, Periodicity::EveryWeek);
    moved.end_date = Some(date("2026-09-14"));
    let second = plan(
        stored.clone(),
        desired_lessons(&inputs(&[moved], &bells, &[], range)).unwrap(),
        &context(),
    );
    assert_eq!(second.update.len(), 2);
    assert_eq!(second.update[0].id, stored[0].id, "same lesson, same id");
    assert_eq!(second.update[0].lesson_number, 2);
    assert_eq!(second.update[0].room(), "101", "the room change stays");
    assert_eq!(second.update[0].topic, "Дроби");
    assert!(second.update[1].has_marks);
    assert!(second.create.is_empty());
    assert_eq!(second.remove.len(), 2, "the 21st and 28th had no records");
    assert!(second.orphan.is_empty());

    // Without the entry, the lesson with marks stays, flagged.
    let third = plan(stored.clone(), vec![], &context());
    assert_eq!(third.remove.len(), 3);
    assert_eq!(third.orphan.len(), 1);
    assert_eq!(third.orphan[0].id, stored[1].id);
    assert!(third.orphan[0].orphaned);
}

/// Applies a plan to lessons kept in memory, as the store does in SQL.
fn apply(mut stored: Vec<Lesson>, plan: Plan) -> Vec<Lesson> {
    let removed: Vec<LessonId> = plan.remove.iter().map(|lesson| lesson.id).collect();
    stored.retain(|lesson| !removed.contains(&lesson.id));
    for changed in plan.update.into_iter().chain(plan.orphan) {
        let slot = stored
            .iter_mut()
            .find(|lesson| lesson.id == changed.id)
            .unwrap();
        *slot = changed;
    }
    stored.extend(plan.create);
    stored
}

fn periodicity() -> impl Strategy<Value = Periodicity> {
    prop_oneof![
        Just(Periodicity::EveryWeek),
        Just(Periodicity::OddWeeks),
        Just(Periodicity::EvenWeeks)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Generating twice changes nothing the second time, whatever the
    /// timetable was before, whatever records the lessons gathered.
    #[test]
    fn generation_twice_is_generation_once(
        before in prop::collection::vec((1i32..=6, 1i32..=4, periodicity()), 0..6),
        after in prop::collection::vec((1i32..=6, 1i32..=4, periodicity()), 0..6),
        marked in prop::collection::vec(any::<bool>(), 0..60),
        holiday_start in 0u64..60,
        holiday_len in 0u64..10,
    ) {
        let bells = bells();
        let range = DateRange::new(date("2026-09-01"), date("2026-10-31")).unwrap();
        let start = date("2026-09-01") + chrono::Days::new(holiday_start);
        let holidays = [holiday(
            &start.to_string(),
            &(start + chrono::Days::new(holiday_len)).to_string(),
            "",
        )];
        let to_entries = |spec: &[(i32, i32, Periodicity)]| -> Vec<TimetableEntry> {
            spec.iter().enumerate().map(|(i, (weekday, number, periodicity))| {
                entry(i as u128 + 1, *weekday, *number, *periodicity)
            }).collect()
        };
        let first = plan(
            vec![],
            desired_lessons(&inputs(&to_entries(&before), &bells, &[], range)).unwrap(),
            &context(),
        );
        let mut stored = apply(vec![], first);
        for (lesson, marked) in stored.iter_mut().zip(&marked) {
            lesson.has_marks = *marked;
        }
        let entries = to_entries(&after);
        let desired = || desired_lessons(&inputs(&entries, &bells, &holidays, range)).unwrap();
        let second = plan(stored.clone(), desired(), &context());
        let marked_before: Vec<LessonId> =
            stored.iter().filter(|l| l.has_records()).map(|l| l.id).collect();
        let stored = apply(stored, second);
        for id in &marked_before {
            prop_assert!(stored.iter().any(|lesson| lesson.id == *id), "records never vanish");
        }
        let third = plan(stored.clone(), desired(), &context());
        prop_assert!(!third.changes_anything(), "{third:?}");
        prop_assert_eq!(third.unchanged, stored.len());
    }
}
