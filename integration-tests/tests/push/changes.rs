//! The vendor change feed for two-way sync: who changed what.

use super::*;

/// Reads the vendor change feed of the school from the start until `count`
/// changes arrived (on PostgreSQL a change shows once older transactions
/// anywhere on the server have ended).
async fn changes_of(
    f: &mut Fixture,
    token: &str,
    request: import::ListChangesRequest,
    count: usize,
) -> Vec<import::Change> {
    let mut changes = Vec::new();
    let mut page_token = String::new();
    for _ in 0..600 {
        let page = f
            .import
            .list_changes(with_token(
                token,
                import::ListChangesRequest {
                    school_id: f.school.clone(),
                    page_token: page_token.clone(),
                    ..request.clone()
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(!page.next_page_token.is_empty(), "a cursor to go on from");
        page_token = page.next_page_token;
        changes.extend(page.changes);
        if changes.len() >= count {
            break;
        }
        if page.caught_up {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    changes
}

#[tokio::test]
async fn a_vendor_reads_what_changed_with_who_changed_it_for_two_way_sync() {
    let mut f = fixture().await;
    let changed = step_the_vendor_a_teacher_and_another_vendor_change_marks(&mut f).await;
    step_the_feed_names_every_change_with_its_origin(&mut f, &changed).await;
    step_the_feed_leaves_out_own_changes_or_other_kinds(&mut f).await;
    step_other_filters_scopes_and_schools_are_refused(&mut f, &changed).await;
}

/// What was changed before the vendor reads its feed.
struct Changed {
    /// The vendor's mark "m-0", which the teacher then corrected.
    mark: String,
    /// The teacher's own mark, posted and withdrawn.
    teachers: String,
    /// The token of another vendor granted the school, with marks.write
    /// alone, which pushed a mark.
    other: String,
}

/// The vendor pushes a mark which the teacher corrects; the teacher posts
/// a mark and withdraws it; the vendor records an absence; another vendor
/// pushes a mark.
async fn step_the_vendor_a_teacher_and_another_vendor_change_marks(f: &mut Fixture) -> Changed {
    let lesson = f.term.lesson_on_or_before(today()).clone();
    let pushed = f.push(vec![f.upsert("m-0", 1, "s0", "3")]).await;
    let mark = pushed[0].platform_id.clone();
    f.teacher_corrects(&mark, "4").await;
    let teachers = f
        .gradebook
        .create_mark(with_token(
            &f.teacher_token,
            gradebook::CreateMarkRequest {
                student_id: f.students[1].clone(),
                subject_id: f.english.clone(),
                lesson_date: today().to_string(),
                value: "5".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    f.gradebook
        .delete_mark(with_token(
            &f.teacher_token,
            gradebook::DeleteMarkRequest {
                id: teachers.id.clone(),
                reason: "Ошибка".into(),
            },
        ))
        .await
        .unwrap();
    f.push(vec![f.absence("a-0", 1, 0, &lesson.id)]).await;
    // Another vendor's push.
    let city = f.builder.city.clone();
    let school = f.school.clone();
    let other = vendor(
        &mut f.builder.identity,
        &city,
        &["marks.write"],
        Some(&school),
    )
    .await;
    let mut by_other = f.upsert("x-0", 1, "s2", "5");
    if let Some(import::record_operation::Payload::Mark(m)) = &mut by_other.payload {
        m.student = platform(&f.students[2]);
    }
    let receipts = f
        .push_as(&other, vec![vec![by_other]], false)
        .await
        .unwrap();
    assert_eq!(statuses(&receipts[0]), [Accepted]);
    Changed {
        mark,
        teachers: teachers.id,
        other,
    }
}

/// The feed from the start: each change in order, with who made it, and a
/// snapshot of what it made.
async fn step_the_feed_names_every_change_with_its_origin(f: &mut Fixture, changed: &Changed) {
    use import::ChangeOrigin::{OtherVendor, Platform, ThisVendor};
    use import::ChangeType::{Created, Deleted, Updated};
    let Changed { mark, teachers, .. } = changed;
    let vendor_token = f.vendor.clone();
    let seen = changes_of(f, &vendor_token, Default::default(), 6).await;
    let summary: Vec<_> = seen
        .iter()
        .map(|c| {
            (
                c.platform_id.clone(),
                c.change_type(),
                c.origin(),
                c.vendor_record_id.clone(),
            )
        })
        .collect();
    let attendance = summary[4].0.clone();
    let others = summary[5].0.clone();
    assert_eq!(
        summary,
        [
            (mark.clone(), Created, ThisVendor, "m-0".to_string()),
            (mark.clone(), Updated, Platform, "m-0".to_string()),
            (teachers.clone(), Created, Platform, String::new()),
            (teachers.clone(), Deleted, Platform, String::new()),
            (attendance, Created, ThisVendor, "a-0".to_string()),
            (others, Created, OtherVendor, String::new()),
        ]
    );
    match &seen[1].snapshot {
        Some(import::change::Snapshot::Mark(snapshot)) => assert_eq!(snapshot.value, "4"),
        other => panic!("a mark snapshot, not {other:?}"),
    }
    let ids: std::collections::HashSet<_> = seen.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids.len(), seen.len(), "every change has its own id");
}

/// Filters: without the vendor's own changes; attendance only.
async fn step_the_feed_leaves_out_own_changes_or_other_kinds(f: &mut Fixture) {
    let vendor_token = f.vendor.clone();
    let theirs = changes_of(
        f,
        &vendor_token,
        import::ListChangesRequest {
            exclude_own: true,
            ..Default::default()
        },
        4,
    )
    .await;
    assert!(
        theirs
            .iter()
            .all(|c| c.origin() != import::ChangeOrigin::ThisVendor)
    );
    let attendance_only = changes_of(
        f,
        &vendor_token,
        import::ListChangesRequest {
            entity_types: vec![import::EntityType::Attendance.into()],
            ..Default::default()
        },
        1,
    )
    .await;
    assert_eq!(attendance_only.len(), 1);
    assert_eq!(
        attendance_only[0].entity_type(),
        import::EntityType::Attendance
    );
}

/// A token of other filters is refused; a vendor without changes.read or
/// without the grant reads nothing.
async fn step_other_filters_scopes_and_schools_are_refused(f: &mut Fixture, changed: &Changed) {
    let vendor_token = f.vendor.clone();
    let first = f
        .import
        .list_changes(with_token(
            &vendor_token,
            import::ListChangesRequest {
                school_id: f.school.clone(),
                page_size: 1,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let status = f
        .import
        .list_changes(with_token(
            &vendor_token,
            import::ListChangesRequest {
                school_id: f.school.clone(),
                exclude_own: true,
                page_token: first.next_page_token,
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&status), ["page_token"]);
    let status = f
        .import
        .list_changes(with_token(
            &changed.other,
            import::ListChangesRequest {
                school_id: f.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    let city = f.builder.city.clone();
    let stranger = vendor(&mut f.builder.identity, &city, &["changes.read"], None).await;
    let status = f
        .import
        .list_changes(with_token(
            &stranger,
            import::ListChangesRequest {
                school_id: f.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
}
