//! Vendors without a grant or a scope learn nothing and change nothing.

use super::*;

#[tokio::test]
async fn a_vendor_without_a_grant_gets_not_granted_for_every_record_and_learns_nothing() {
    let mut f = fixture().await;
    let city = f.builder.city.clone();
    let stranger = vendor(
        &mut f.builder.identity,
        &city,
        &["roster.read", "marks.write"],
        None,
    )
    .await;
    let mut real_student = f.upsert("m-0", 1, "s0", "5");
    if let Some(import::record_operation::Payload::Mark(mark)) = &mut real_student.payload {
        mark.student = platform(&f.students[0]);
    }
    let mut no_student = real_student.clone();
    if let Some(import::record_operation::Payload::Mark(mark)) = &mut no_student.payload {
        mark.student = platform(&Uuid::now_v7().to_string());
    }
    let mut no_school = f.upsert("m-3", 1, "s0", "5");
    no_school.school_id = Uuid::now_v7().to_string();
    let operations = vec![
        real_student,
        no_student,
        f.upsert("m-2", 1, "s1", "5"),
        no_school,
        f.delete("m-4", 1),
    ];
    let receipts = f
        .push_as(&stranger, vec![operations], false)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(statuses(&receipts), [Rejected; 5]);
    let errors: Vec<_> = receipts.iter().map(|r| r.errors.clone()).collect();
    assert!(
        errors
            .iter()
            .all(|e| e == &errors[0] && e[0].code == "NOT_GRANTED"),
        "{errors:?}"
    );
    assert!(f.marks_of(0).await.is_empty());
}

#[tokio::test]
async fn a_vendor_needs_the_marks_write_scope() {
    let mut f = fixture().await;
    let city = f.builder.city.clone();
    let school = f.school.clone();
    let reader = vendor(
        &mut f.builder.identity,
        &city,
        &["roster.read"],
        Some(&school),
    )
    .await;
    let mut direct = f.upsert("m-0", 1, "s0", "5");
    if let Some(import::record_operation::Payload::Mark(mark)) = &mut direct.payload {
        mark.student = platform(&f.students[0]);
    }
    let receipts = f
        .push_as(&reader, vec![vec![direct.clone()]], false)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(codes(&receipts)[0].0, "NOT_GRANTED");
    // Gradebook asks identity itself, whatever import decided.
    let refused = f
        .gradebook
        .apply_vendor_records(with_token(
            &reader,
            gradebook::ApplyVendorRecordsRequest {
                school_id: school,
                records: vec![gradebook::VendorRecord {
                    vendor_record_id: "m-0".into(),
                    revision: 1,
                    record_type: gradebook::VendorRecordType::Mark.into(),
                    mark: Some(gradebook::VendorMark {
                        student_id: f.students[0].clone(),
                        subject_id: f.english.clone(),
                        lesson_date: today().to_string(),
                        value: "5".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(refused[0].error_code, "NOT_GRANTED");
    assert!(f.marks_of(0).await.is_empty());

    // marks.write does not let a vendor record attendance.
    let marker = vendor(
        &mut f.builder.identity,
        &city,
        &["roster.read", "marks.write"],
        Some(&f.school.clone()),
    )
    .await;
    let lesson = f.term.lesson_on_or_before(today()).id.clone();
    let mut absent = f.absence("a-0", 1, 0, &lesson);
    absent.payload = match absent.payload {
        Some(import::record_operation::Payload::Attendance(mut attendance)) => {
            attendance.student = platform(&f.students[0]);
            Some(import::record_operation::Payload::Attendance(attendance))
        }
        other => other,
    };
    let receipts = f
        .push_as(&marker, vec![vec![absent]], false)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(codes(&receipts)[0].0, "NOT_GRANTED");
    assert!(f.attendance_of(0).await.is_empty());
}
