//! Strangers neither manage the timetable nor read others' lessons.

use super::*;

#[tokio::test]
async fn strangers_neither_manage_the_timetable_nor_read_others_lessons() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut s = school(&sandbox).await;
    let year = s.year().await;
    s.bells().await;
    s.create_entry(
        &s.admin.clone(),
        s.entry(
            &year,
            pb::Weekday::Monday,
            1,
            pb::WeekPeriodicity::EveryWeek,
        ),
    )
    .await
    .unwrap();
    s.generate(&year, "2026-09-30").await;
    let lessons = s
        .lessons(&s.student.clone(), "2026-09-01", "2026-09-30")
        .await;
    assert_eq!(lessons.len(), 4, "the student reads their class's lessons");
    step_strangers_neither_add_entries_nor_generate(&mut s, &year).await;
    step_strangers_read_no_lessons_nor_diaries(&mut s, &lessons[0].id).await;
    step_strangers_read_no_change_feed(&mut s).await;
    assert_ne!(s.other_school, s.school);
    sandbox.stop().await.unwrap();
}

/// Managing the timetable: those who see the school are told no; others
/// see nothing.
async fn step_strangers_neither_add_entries_nor_generate(s: &mut School, year: &str) {
    let entry = s.entry(
        year,
        pb::Weekday::Tuesday,
        2,
        pb::WeekPeriodicity::EveryWeek,
    );
    for (who, token, code) in [
        (
            "teacher of the school",
            s.math_teacher.clone(),
            Code::PermissionDenied,
        ),
        ("student", s.student.clone(), Code::PermissionDenied),
        (
            "guardian of another class",
            s.other_class_guardian.clone(),
            Code::PermissionDenied,
        ),
        (
            "teacher of another school",
            s.other_school_teacher.clone(),
            Code::NotFound,
        ),
        ("vendor of another school", s.vendor.clone(), Code::NotFound),
    ] {
        let refused = s.create_entry(&token, entry.clone()).await.unwrap_err();
        assert_eq!(refused.code(), code, "{who} creating an entry: {refused:?}");
        let refused = s
            .schedule
            .generate_lessons(with_token(
                &token,
                pb::GenerateLessonsRequest {
                    school_id: s.school.clone(),
                    academic_year_id: year.to_owned(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), code, "{who} generating: {refused:?}");
    }
}

/// Reading a class's lessons, one of them, or a student's diary: as if
/// they did not exist.
async fn step_strangers_read_no_lessons_nor_diaries(s: &mut School, lesson: &str) {
    for (who, token) in [
        ("guardian of another class", s.other_class_guardian.clone()),
        ("teacher of another school", s.other_school_teacher.clone()),
        ("vendor of another school", s.vendor.clone()),
    ] {
        let refused = s
            .schedule
            .list_lessons(with_token(
                &token,
                pb::ListLessonsRequest {
                    school_id: s.school.clone(),
                    from_date: "2026-09-01".into(),
                    to_date: "2026-09-30".into(),
                    class_id: s.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::NotFound, "{who} listing: {refused:?}");
        let refused = s
            .schedule
            .get_lesson(with_token(
                &token,
                pb::GetLessonRequest {
                    school_id: s.school.clone(),
                    id: lesson.to_owned(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            Code::NotFound,
            "{who} reading a lesson: {refused:?}"
        );
        let refused = s
            .schedule
            .get_student_week(with_token(
                &token,
                pb::GetStudentWeekRequest {
                    school_id: s.school.clone(),
                    student_id: s.student_id.clone(),
                    date: "2026-09-07".into(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            Code::NotFound,
            "{who} reading a diary: {refused:?}"
        );
    }
}

/// Nor do strangers read the school's change feed, or all schools'.
async fn step_strangers_read_no_change_feed(s: &mut School) {
    let refused = s
        .schedule
        .list_changes(with_token(
            &s.other_school_teacher,
            pb::ListChangesRequest {
                school_id: s.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    let refused = s
        .schedule
        .list_changes(with_token(&s.vendor, pb::ListChangesRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
}
