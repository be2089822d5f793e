//! Lessons changed by hand, and the records that keep a lesson.

use super::*;

/// Changes by hand: a room, a substitute, and topics set by those who teach
/// the lesson and refused to others.
pub(super) async fn step_lessons_are_changed_by_hand(s: &mut School, ids: &Mondays) {
    s.schedule
        .change_lesson_room(with_token(
            &s.deputy,
            pb::ChangeLessonRoomRequest {
                school_id: s.school.clone(),
                lesson_id: ids.sep7.clone(),
                room: "101".into(),
            },
        ))
        .await
        .unwrap();
    s.schedule
        .substitute_lesson_teacher(with_token(
            &s.deputy,
            pb::SubstituteLessonTeacherRequest {
                school_id: s.school.clone(),
                lesson_id: ids.sep14.clone(),
                substitute_teacher_id: s.substitute_id.clone(),
                reason: "Болезнь".into(),
            },
        ))
        .await
        .unwrap();
    let topic = |lesson: &str, topic: &str| pb::SetLessonTopicRequest {
        school_id: s.school.clone(),
        lesson_id: lesson.into(),
        topic: topic.into(),
    };
    s.schedule
        .set_lesson_topic(with_token(&s.substitute, topic(&ids.sep14, "Дроби")))
        .await
        .expect("the substitute sets the topic of their lesson");
    let not_theirs = s
        .schedule
        .set_lesson_topic(with_token(&s.substitute, topic(&ids.sep7, "Дроби")))
        .await
        .unwrap_err();
    assert_eq!(not_theirs.code(), Code::PermissionDenied);
    let other_subject = s
        .schedule
        .set_lesson_topic(with_token(
            &s.english_teacher,
            topic(&ids.sep7, "Present Simple"),
        ))
        .await
        .unwrap_err();
    assert_eq!(other_subject.code(), Code::PermissionDenied);
    s.schedule
        .set_lesson_topic(with_token(
            &s.math_teacher,
            topic(&ids.sep7, "Натуральные числа"),
        ))
        .await
        .unwrap();
}

/// The teacher marks the pupil on 21 September and records an absence on
/// 12 October in gradebook; gradebook's change feed flags both lessons, and
/// regeneration (which reads the feed to its end first) keeps them.
pub(super) async fn step_gradebook_records_a_mark_and_an_absence(
    s: &mut School,
    sandbox: &Sandbox,
    ids: &Mondays,
) {
    let mut gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    gradebook
        .update_journal_settings(with_token(
            &s.deputy,
            gradebook::UpdateJournalSettingsRequest {
                settings: Some(gradebook::JournalSettings {
                    school_id: s.school.clone(),
                    edit_window_days: 365,
                    vendors_override_teachers: false,
                }),
            },
        ))
        .await
        .unwrap();
    // Gradebook learns of the reopening from schedule's feed, moments after.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let marked = gradebook
            .create_mark(with_token(
                &s.math_teacher,
                gradebook::CreateMarkRequest {
                    student_id: s.student_id.clone(),
                    subject_id: s.mathematics.clone(),
                    lesson_date: "2026-09-21".into(),
                    lesson_id: ids.sep21.clone(),
                    value: "5".into(),
                    request_id: "september-test".into(),
                    ..Default::default()
                },
            ))
            .await;
        match marked {
            Ok(_) => break,
            Err(status)
                if status.code() == Code::FailedPrecondition
                    && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(status) => panic!("{status:?}"),
        }
    }
    gradebook
        .set_attendance(with_token(
            &s.math_teacher,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: s.student_id.clone(),
                    lesson_id: ids.oct12.clone(),
                    subject_id: s.mathematics.clone(),
                    lesson_date: "2026-10-12".into(),
                    kind: gradebook::AttendanceKind::Absent.into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
}

/// Homework set on 28 September, due on 5 October, keeps both lessons.
pub(super) async fn step_homework_is_set_for_a_later_lesson(s: &mut School, ids: &Mondays) {
    s.schedule
        .create_homework(with_token(
            &s.math_teacher,
            pb::CreateHomeworkRequest {
                homework: Some(pb::Homework {
                    school_id: s.school.clone(),
                    lesson_id: ids.sep28.clone(),
                    due_lesson_id: ids.oct5.clone(),
                    text: "№ 12, 14".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap();
}

/// A lesson with records is cancelled, not deleted; both are idempotent.
pub(super) async fn step_a_lesson_with_records_is_cancelled_not_deleted(
    s: &mut School,
    ids: &Mondays,
) {
    let refused = s
        .schedule
        .delete_lesson(with_token(
            &s.admin,
            pb::DeleteLessonRequest {
                school_id: s.school.clone(),
                id: ids.sep21.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    for reason in ["Экскурсия", "Другая причина"] {
        let cancelled = s
            .schedule
            .cancel_lesson(with_token(
                &s.deputy,
                pb::CancelLessonRequest {
                    school_id: s.school.clone(),
                    lesson_id: ids.sep21.clone(),
                    reason: reason.into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .lesson
            .unwrap();
        assert_eq!(cancelled.status, pb::LessonStatus::Cancelled as i32);
        assert_eq!(cancelled.cancel_reason, "Экскурсия");
    }
}
