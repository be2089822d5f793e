//! Attendance pushed like marks, and a teacher's record standing.

use otmetka_proto::schedule::v1 as schedule;

use super::*;

#[tokio::test]
async fn attendance_is_pushed_like_marks_and_a_teachers_record_stands() {
    let mut f = fixture().await;
    let lesson = f.term.lesson_on_or_before(today()).clone();
    step_an_absence_is_recorded_corrected_and_deleted(&mut f, &lesson).await;
    step_a_teachers_record_stands(&mut f, &lesson).await;
    step_unknown_students_and_lessons_are_refused(&mut f, &lesson).await;
}

/// Student 0's absence at `lesson` as "a-0": recorded, replayed, corrected
/// to late, and deleted.
async fn step_an_absence_is_recorded_corrected_and_deleted(
    f: &mut Fixture,
    lesson: &schedule::Lesson,
) {
    let created = f.push(vec![f.absence("a-0", 1, 0, &lesson.id)]).await;
    assert_eq!(statuses(&created), [Accepted]);
    let record_id = created[0].platform_id.clone();
    assert!(Uuid::parse_str(&record_id).is_ok());
    let recorded = f.attendance_of(0).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].id, record_id);
    assert_eq!(recorded[0].kind(), gradebook::AttendanceKind::Absent);
    assert_eq!(
        (
            recorded[0].subject_id.as_str(),
            recorded[0].lesson_date.as_str()
        ),
        (lesson.subject_id.as_str(), lesson.date.as_str()),
        "the lesson gives the subject and the day"
    );

    // A replay changes nothing; a newer revision corrects the record.
    let again = f.push(vec![f.absence("a-0", 1, 0, &lesson.id)]).await;
    assert_eq!(statuses(&again), [Unchanged]);
    let mut late = f.absence("a-0", 2, 0, &lesson.id);
    if let Some(import::record_operation::Payload::Attendance(attendance)) = &mut late.payload {
        attendance.status = import::AttendanceStatus::Late.into();
        attendance.late_by = Some(prost_types::Duration {
            seconds: 600,
            nanos: 0,
        });
    }
    let corrected = f.push(vec![late]).await;
    assert_eq!(statuses(&corrected), [Accepted]);
    assert_eq!(corrected[0].platform_id, record_id, "one key, one record");
    let recorded = f.attendance_of(0).await;
    assert_eq!(
        (recorded[0].kind(), recorded[0].late_minutes),
        (gradebook::AttendanceKind::Late, 10)
    );

    // Deleting marks the student present again.
    let deleted = f.push(vec![f.delete_attendance("a-0", 3)]).await;
    assert_eq!(statuses(&deleted), [Accepted]);
    assert!(deleted[0].deleted);
    assert_eq!(
        f.attendance_of(0).await[0].kind(),
        gradebook::AttendanceKind::Present
    );
    let stored = f
        .receipts(import::RecordType::Attendance, &["a-0".into()])
        .await;
    assert_eq!(stored.receipts.len(), 1);
    assert_eq!(
        (stored.receipts[0].revision, stored.receipts[0].deleted),
        (3, true)
    );
}

/// What a teacher recorded stands: before the vendor's first push of the
/// student at the lesson (student 1), and after it (student 2).
async fn step_a_teachers_record_stands(f: &mut Fixture, lesson: &schedule::Lesson) {
    f.gradebook
        .set_attendance(with_token(
            &f.teacher_token,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: f.students[1].clone(),
                    lesson_id: lesson.id.clone(),
                    subject_id: lesson.subject_id.clone(),
                    lesson_date: lesson.date.clone(),
                    kind: gradebook::AttendanceKind::Ill.into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
    let refused = f.push(vec![f.absence("a-1", 1, 1, &lesson.id)]).await;
    assert_eq!(codes(&refused)[0].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(
        f.attendance_of(1).await[0].kind(),
        gradebook::AttendanceKind::Ill
    );
    let pushed = f.push(vec![f.absence("a-2", 1, 2, &lesson.id)]).await;
    assert_eq!(statuses(&pushed), [Accepted]);
    f.gradebook
        .set_attendance(with_token(
            &f.teacher_token,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: f.students[2].clone(),
                    lesson_id: lesson.id.clone(),
                    subject_id: lesson.subject_id.clone(),
                    lesson_date: lesson.date.clone(),
                    kind: gradebook::AttendanceKind::Present.into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
    let refused = f
        .push(vec![
            f.absence("a-2", 2, 2, &lesson.id),
            f.delete_attendance("a-2", 3),
        ])
        .await;
    assert_eq!(codes(&refused)[0].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(codes(&refused)[1].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(
        f.attendance_of(2).await[0].kind(),
        gradebook::AttendanceKind::Present
    );
}

/// Unknown students and lessons are refused one by one.
async fn step_unknown_students_and_lessons_are_refused(f: &mut Fixture, lesson: &schedule::Lesson) {
    let mut no_lesson = f.absence("a-3", 1, 0, &Uuid::now_v7().to_string());
    no_lesson.vendor_record_id = "a-3".into();
    let receipts = f
        .push(vec![f.absence("a-4", 1, 7, &lesson.id), no_lesson])
        .await;
    assert_eq!(
        codes(&receipts),
        [
            ("UNRESOLVED_REFERENCE".into(), "attendance.student".into()),
            ("UNRESOLVED_REFERENCE".into(), "attendance.lesson".into()),
        ]
    );
}
