//! Records refused one by one, lessons named by their place in the
//! timetable, and a teacher's correction standing against the vendor.

use super::*;

#[tokio::test]
async fn bad_records_are_refused_one_by_one_and_never_fail_their_batch() {
    let mut f = fixture().await;
    let lesson = f.term.lesson_on_or_before(today()).clone();
    let mut at_lesson = f.upsert("m-0", 1, "s0", "5");
    let mut locked = f.upsert("m-1", 1, "s1", "5");
    let mut wrong_lesson_day = f.upsert("m-5", 1, "s2", "5");
    if let Some(import::record_operation::Payload::Mark(mark)) = &mut at_lesson.payload {
        mark.lesson = Some(import::LessonRef {
            reference: Some(import::lesson_ref::Reference::LessonId(lesson.id.clone())),
        });
        mark.date = lesson.date.clone();
    }
    if let Some(import::record_operation::Payload::Mark(mark)) = &mut locked.payload {
        // Inside the term, outside the 14-day edit window.
        mark.date = (today() - Days::new(20)).to_string();
    }
    if let Some(import::record_operation::Payload::Mark(mark)) = &mut wrong_lesson_day.payload {
        mark.lesson = Some(import::LessonRef {
            reference: Some(import::lesson_ref::Reference::ExternalId(
                "l-unmapped".into(),
            )),
        });
    }
    let receipts = f
        .push(vec![
            at_lesson,
            locked,
            f.upsert("m-2", 1, "s2", "7"),
            f.upsert("m-3", 1, "nobody", "5"),
            wrong_lesson_day,
            f.upsert("", 1, "s2", "5"),
        ])
        .await;
    assert_eq!(
        codes(&receipts),
        [
            (String::new(), String::new()),
            ("PERIOD_CLOSED".into(), String::new()),
            ("OUT_OF_SCALE".into(), "mark.value".into()),
            ("UNRESOLVED_REFERENCE".into(), "mark.student".into()),
            ("UNRESOLVED_REFERENCE".into(), "mark.lesson".into()),
            ("INVALID_FIELD".into(), "vendor_record_id".into()),
        ]
    );
    assert_eq!(statuses(&receipts)[0], Accepted);
    let marks = f.marks_of(0).await;
    assert_eq!(marks[0].lesson_id, lesson.id);

    // A message without operations fails the stream, naming the field.
    let vendor = f.vendor.clone();
    let status = f.push_as(&vendor, vec![vec![]], false).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&status), ["operations"]);
}

#[tokio::test]
async fn a_lesson_may_be_named_by_its_place_in_the_timetable() {
    let mut f = fixture().await;
    let lesson = f.term.lesson_on_or_before(today()).clone();
    let at = |number: i32| {
        Some(import::LessonRef {
            reference: Some(import::lesson_ref::Reference::Slot(import::LessonSlot {
                class_ref: platform(&lesson.class_id),
                date: lesson.date.clone(),
                lesson_number: number,
                ..Default::default()
            })),
        })
    };
    let mut mark = f.upsert("m-0", 1, "s0", "5");
    let mut nowhere = f.upsert("m-1", 1, "s1", "5");
    let mut unnamed = f.upsert("m-2", 1, "s2", "5");
    for (operation, lesson_ref) in [
        (&mut mark, at(lesson.lesson_number)),
        (&mut nowhere, at(lesson.lesson_number + 20)),
        (
            &mut unnamed,
            Some(import::LessonRef {
                reference: Some(import::lesson_ref::Reference::Slot(import::LessonSlot {
                    date: lesson.date.clone(),
                    lesson_number: 1,
                    ..Default::default()
                })),
            }),
        ),
    ] {
        if let Some(import::record_operation::Payload::Mark(m)) = &mut operation.payload {
            m.lesson = lesson_ref;
            m.date = lesson.date.clone();
        }
    }
    let mut absence = f.absence("a-0", 1, 0, &lesson.id);
    if let Some(import::record_operation::Payload::Attendance(a)) = &mut absence.payload {
        a.lesson = at(lesson.lesson_number);
    }
    let receipts = f.push(vec![mark, nowhere, unnamed, absence]).await;
    assert_eq!(
        codes(&receipts),
        [
            (String::new(), String::new()),
            ("UNRESOLVED_REFERENCE".into(), "mark.lesson.slot".into()),
            ("INVALID_FIELD".into(), "mark.lesson.slot.class_ref".into()),
            (String::new(), String::new()),
        ]
    );
    assert_eq!(f.mark(&receipts[0].platform_id).await.lesson_id, lesson.id);
    assert_eq!(f.attendance_of(0).await[0].lesson_id, lesson.id);
}

#[tokio::test]
async fn a_mark_a_teacher_changed_survives_vendor_updates_unless_the_school_lets_vendors_win() {
    let mut f = fixture().await;
    let created = f.push(vec![f.upsert("m-0", 1, "s0", "3")]).await;
    let mark = created[0].platform_id.clone();
    f.teacher_corrects(&mark, "4").await;
    let receipts = f
        .push(vec![f.upsert("m-0", 2, "s0", "2"), f.delete("m-0", 3)])
        .await;
    assert_eq!(statuses(&receipts), [Rejected, Rejected]);
    assert_eq!(codes(&receipts)[0].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(codes(&receipts)[1].0, "OVERRIDDEN_BY_TEACHER");
    let kept = f.mark(&mark).await;
    assert_eq!((kept.value.as_str(), kept.delete_time), ("4", None));

    f.gradebook
        .update_journal_settings(with_token(
            &f.manager,
            gradebook::UpdateJournalSettingsRequest {
                settings: Some(gradebook::JournalSettings {
                    school_id: f.school.clone(),
                    edit_window_days: 14,
                    vendors_override_teachers: true,
                }),
            },
        ))
        .await
        .unwrap();
    let receipts = f.push(vec![f.upsert("m-0", 2, "s0", "2")]).await;
    assert_eq!(statuses(&receipts), [Accepted]);
    assert_eq!(f.marks_of(0).await[0].value, "2");
}
