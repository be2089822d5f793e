//! Lessons generated from the timetable, and generated again.

use super::*;

/// Generation: parity counts on through the autumn vacation (week 9), and
/// the same inputs again change nothing. The lessons generated.
pub(super) async fn step_generation_keeps_week_parity_through_the_vacation(
    s: &mut School,
    year: &str,
) -> Vec<pb::Lesson> {
    let first = s.generate(year, "2026-11-15").await;
    assert_eq!(
        (
            first.created_count,
            first.updated_count,
            first.removed_count
        ),
        (19, 0, 0)
    );
    let lessons = s
        .lessons(&s.admin.clone(), "2026-09-01", "2026-11-15")
        .await;
    assert_eq!(lessons.len(), 19);
    let of = |subject: &str, number: i32| -> Vec<&str> {
        dates_of(
            lessons
                .iter()
                .filter(|l| l.subject_id == subject && l.lesson_number == number),
        )
    };
    assert_eq!(
        of(&s.mathematics, 1),
        [
            "2026-09-07",
            "2026-09-14",
            "2026-09-21",
            "2026-09-28",
            "2026-10-05",
            "2026-10-12",
            "2026-10-19",
            "2026-11-02",
            "2026-11-09"
        ]
    );
    assert_eq!(
        of(&s.mathematics, 2),
        [
            "2026-09-02",
            "2026-09-16",
            "2026-09-30",
            "2026-10-14",
            "2026-11-11"
        ],
        "odd weeks 1, 3, 5, 7, (9 is the vacation), 11"
    );
    assert_eq!(
        of(&s.english, 2),
        [
            "2026-09-09",
            "2026-09-23",
            "2026-10-07",
            "2026-10-21",
            "2026-11-04"
        ],
        "even weeks 2 … 10"
    );
    let sep7 = on(&lessons, "2026-09-07", 1);
    assert_eq!(
        (sep7.start_time.as_str(), sep7.end_time.as_str()),
        ("08:30", "09:15")
    );
    assert_eq!(
        sep7.starts_at.as_ref().unwrap().seconds,
        1_788_759_000,
        "05:30 UTC"
    );
    let second = s.generate(year, "2026-11-15").await;
    assert_eq!(
        (
            second.created_count,
            second.updated_count,
            second.removed_count,
            second.orphaned_count,
            second.unchanged_count
        ),
        (0, 0, 0, 0, 19),
        "the same inputs change nothing"
    );
    lessons
}

/// The Monday lessons end on 14 September and move to room 215: lessons with
/// marks, attendance or homework stay, orphaned; changes by hand stay.
pub(super) async fn step_regeneration_keeps_lessons_with_records(
    s: &mut School,
    year: &str,
    monday: pb::TimetableEntry,
    ids: &Mondays,
) {
    s.schedule
        .update_timetable_entry(with_token(
            &s.admin,
            pb::UpdateTimetableEntryRequest {
                timetable_entry: Some(pb::TimetableEntry {
                    end_date: "2026-09-14".into(),
                    room: "215".into(),
                    ..monday.clone()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["end_date".into(), "room".into()],
                }),
            },
        ))
        .await
        .unwrap();
    let third = s.generate(year, "2026-11-15").await;
    assert_eq!(
        (
            third.created_count,
            third.updated_count,
            third.removed_count,
            third.orphaned_count
        ),
        (0, 2, 3, 4)
    );
    let mut orphaned = third.orphaned_lesson_ids.clone();
    orphaned.sort();
    let mut expected = vec![
        ids.sep21.clone(),
        ids.sep28.clone(),
        ids.oct5.clone(),
        ids.oct12.clone(),
    ];
    expected.sort();
    assert_eq!(orphaned, expected, "marks and homework keep their lessons");
    let lessons = s
        .lessons(&s.admin.clone(), "2026-09-01", "2026-11-15")
        .await;
    let kept = on(&lessons, "2026-09-21", 1);
    assert!(kept.orphaned && kept.has_marks, "marks keep the lesson");
    let kept = on(&lessons, "2026-10-12", 1);
    assert!(
        kept.orphaned && kept.has_attendance,
        "attendance keeps the lesson"
    );
    for date in ["2026-09-28", "2026-10-05"] {
        let kept = on(&lessons, date, 1);
        assert!(kept.orphaned && kept.has_homework, "homework keeps {date}");
    }
    let moved = on(&lessons, "2026-09-07", 1);
    assert_eq!(
        (moved.planned_room.as_str(), moved.room.as_str()),
        ("215", "101")
    );
    assert_eq!(moved.topic, "Натуральные числа");
    let substituted = on(&lessons, "2026-09-14", 1);
    assert_eq!(substituted.substitute_teacher_id, s.substitute_id);
    assert_eq!(substituted.topic, "Дроби");
    let fourth = s.generate(year, "2026-11-15").await;
    assert_eq!(
        (
            fourth.created_count,
            fourth.updated_count,
            fourth.removed_count,
            fourth.orphaned_count
        ),
        (0, 0, 0, 0)
    );
}
