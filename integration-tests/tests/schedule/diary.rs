//! The student's week in the diary, and the change feed of it all.

use super::*;

/// The diary: the student and the guardian see the class's lessons and the
/// group's; a student outside the group does not see the group's; a
/// vacation week is empty.
pub(super) async fn step_the_diary_shows_the_class_and_group_lessons(s: &mut School) {
    let week = |student: &str, date: &str| pb::GetStudentWeekRequest {
        school_id: s.school.clone(),
        student_id: student.into(),
        date: date.into(),
    };
    for token in [&s.student, &s.guardian] {
        let diary = s
            .schedule
            .get_student_week(with_token(token, week(&s.student_id, "2026-09-10")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            (diary.week_start_date.as_str(), diary.week_end_date.as_str()),
            ("2026-09-07", "2026-09-13")
        );
        let subjects: Vec<(&str, &str)> = diary
            .days
            .iter()
            .flat_map(|day| {
                day.lessons
                    .iter()
                    .map(move |lesson| (day.date.as_str(), lesson.subject_id.as_str()))
            })
            .collect();
        assert_eq!(
            subjects,
            [
                ("2026-09-07", s.mathematics.as_str()),
                ("2026-09-09", s.english.as_str())
            ]
        );
        assert_eq!(diary.days[0].lessons[0].room, "101");
        assert!(!diary.marks_unavailable, "gradebook answered");
    }
    let outside = s
        .schedule
        .get_student_week(with_token(
            &s.deputy,
            week(&s.outside_group_id, "2026-09-10"),
        ))
        .await
        .unwrap()
        .into_inner();
    let lessons_seen: usize = outside.days.iter().map(|day| day.lessons.len()).sum();
    assert_eq!(lessons_seen, 1, "not in the English group");
    let vacation = s
        .schedule
        .get_student_week(with_token(&s.student, week(&s.student_id, "2026-10-28")))
        .await
        .unwrap()
        .into_inner();
    assert!(
        vacation
            .days
            .iter()
            .all(|day| day.holiday_name == "Осенние каникулы" && day.lessons.is_empty())
    );
}

/// The change feed has it all, deletions included, and a cursor. On
/// PostgreSQL a commit shows once every older transaction has ended, so the
/// reader polls until the last change (the cancellation) is there.
pub(super) async fn step_the_change_feed_has_it_all(s: &mut School, ids: &Mondays) {
    let mut changes = Vec::new();
    let mut cursor = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let cancelled = |changes: &[pb::Change]| {
        changes.iter().any(|c| {
            matches!(&c.resource, Some(pb::change::Resource::Lesson(l))
                if l.id == ids.sep21 && l.status == pb::LessonStatus::Cancelled as i32)
        })
    };
    loop {
        let page = s
            .schedule
            .list_changes(with_token(
                &s.deputy,
                pb::ListChangesRequest {
                    school_id: s.school.clone(),
                    page_size: 50,
                    page_token: cursor.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(!page.next_page_token.is_empty());
        cursor = page.next_page_token;
        changes.extend(page.changes);
        if page.caught_up && cancelled(&changes) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the feed caught up");
        if page.caught_up {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    let lesson_changes = |change_type: pb::ChangeType| {
        changes
            .iter()
            .filter(|c| {
                c.change_type == change_type as i32
                    && matches!(c.resource, Some(pb::change::Resource::Lesson(_)))
            })
            .count()
    };
    assert_eq!(lesson_changes(pb::ChangeType::Created), 19);
    assert_eq!(lesson_changes(pb::ChangeType::Deleted), 3);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c.resource, Some(pb::change::Resource::Homework(_)))),
        "homework is in the feed"
    );
    assert!(changes.iter().any(|c| c.resource_id == ids.sep21
        && matches!(&c.resource, Some(pb::change::Resource::Lesson(l)) if l.orphaned)));
    let again = s
        .schedule
        .list_changes(with_token(
            &s.deputy,
            pb::ListChangesRequest {
                school_id: s.school.clone(),
                page_size: 50,
                page_token: cursor.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(again.changes.is_empty() && again.caught_up);
    assert_eq!(again.next_page_token, cursor);
}
