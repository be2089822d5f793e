//! Revisions of one record: replays that change nothing, the newest
//! revision winning, tombstones, optimistic concurrency, dry runs, and a
//! record moved to another student.

use super::*;

#[tokio::test]
async fn replaying_a_stream_in_whole_or_in_part_changes_nothing() {
    let mut f = fixture().await;
    let first = vec![f.upsert("m-0", 1, "s0", "5"), f.upsert("m-1", 1, "s1", "4")];
    let second = vec![f.upsert("m-2", 1, "s2", "3"), f.upsert("m-0", 2, "s0", "4")];
    let vendor = f.vendor.clone();
    let answers = f
        .push_as(&vendor, vec![first.clone(), second.clone()], false)
        .await
        .unwrap();
    assert_eq!(statuses(&answers[0]), [Accepted, Accepted]);
    assert_eq!(statuses(&answers[1]), [Accepted, Accepted]);
    let mark_0 = answers[0][0].platform_id.clone();
    assert!(Uuid::parse_str(&mark_0).is_ok());
    assert_eq!(answers[1][1].platform_id, mark_0, "one key, one mark");
    assert_eq!(answers[1][1].stored_revision, 2);

    // The whole stream again, then its second half: every receipt says
    // nothing changed and names the same marks.
    let again = f
        .push_as(&vendor, vec![first.clone(), second.clone()], false)
        .await
        .unwrap();
    assert_eq!(statuses(&again[0]), [Stale, Unchanged]);
    assert_eq!(statuses(&again[1]), [Unchanged, Unchanged]);
    assert_eq!(again[1][1].platform_id, mark_0);
    let part = f.push(second).await;
    assert_eq!(statuses(&part), [Unchanged, Unchanged]);

    let marks = f.marks_of(0).await;
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].value, "4");
    assert_eq!(marks[0].revision, 2);
    assert!(
        !marks[0].source_vendor_id.is_empty(),
        "the diary shows its source"
    );
    assert_eq!(f.revisions_of(&mark_0).await.len(), 2);
    assert_eq!(f.marks_of(1).await.len(), 1);
    assert_eq!(f.marks_of(2).await.len(), 1);

    // The same events as a teacher's marks, once each whatever was replayed.
    // On PostgreSQL the feed hands changes out below the oldest running
    // transaction on the server, so they may show a moment after the push.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let changes = loop {
        let changes = f
            .gradebook
            .list_changes(with_token(
                &f.builder.city,
                gradebook::ListChangesRequest {
                    school_id: f.school.clone(),
                    page_size: 100,
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .changes;
        let marks = changes.iter().filter(|c| c.resource_type == "mark").count();
        if marks >= 4 || std::time::Instant::now() > deadline {
            break changes;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let kinds: Vec<_> = changes
        .iter()
        .filter(|c| c.resource_id == mark_0)
        .map(|c| gradebook::ChangeKind::try_from(c.kind).unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            gradebook::ChangeKind::Created,
            gradebook::ChangeKind::Updated
        ]
    );
    assert_eq!(
        changes.iter().filter(|c| c.resource_type == "mark").count(),
        4
    );
}

#[tokio::test]
async fn the_newest_revision_wins_in_whatever_order_revisions_arrive() {
    let mut f = fixture().await;
    let receipts = f
        .push(vec![
            f.upsert("m-0", 5, "s0", "5"),
            f.upsert("m-0", 3, "s0", "2"),
        ])
        .await;
    assert_eq!(statuses(&receipts), [Accepted, Stale]);
    assert_eq!(receipts[1].stored_revision, 5);
    let receipts = f.push(vec![f.upsert("m-0", 4, "s0", "3")]).await;
    assert_eq!(statuses(&receipts), [Stale]);
    let receipts = f.push(vec![f.upsert("m-0", 9, "s0", "4")]).await;
    assert_eq!(statuses(&receipts), [Accepted]);
    let marks = f.marks_of(0).await;
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].value, "4");
}

#[tokio::test]
async fn a_tombstone_withdraws_the_mark_and_outranks_older_upserts() {
    let mut f = fixture().await;
    let created = f.push(vec![f.upsert("m-0", 1, "s0", "5")]).await;
    let deleted = f.push(vec![f.delete("m-0", 2)]).await;
    assert_eq!(statuses(&deleted), [Accepted]);
    assert!(deleted[0].deleted);
    assert_eq!(deleted[0].platform_id, created[0].platform_id);
    assert!(f.marks_of(0).await.is_empty());
    let withdrawn = f.mark(&created[0].platform_id).await;
    assert!(withdrawn.delete_time.is_some(), "withdrawn, never erased");
    assert_eq!(f.revisions_of(&withdrawn.id).await.len(), 2);
    // The older upsert arriving late, and the deletion replayed.
    let late = f
        .push(vec![f.upsert("m-0", 1, "s0", "5"), f.delete("m-0", 2)])
        .await;
    assert_eq!(statuses(&late), [Stale, Unchanged]);

    // A deletion arriving before the record it deletes.
    let receipts = f
        .push(vec![f.delete("m-1", 7), f.upsert("m-1", 6, "s1", "5")])
        .await;
    assert_eq!(statuses(&receipts), [Accepted, Stale]);
    assert!(receipts[0].platform_id.is_empty());
    assert!(f.marks_of(1).await.is_empty());

    // The receipts as stored: the deletions in force, rejected or unknown
    // keys not found.
    let key = |id: &str| import::RecordKey {
        record_type: import::RecordType::Mark.into(),
        vendor_record_id: id.into(),
    };
    let lookup = f
        .receipts(
            import::RecordType::Mark,
            &["m-0".into(), "m-1".into(), "m-9".into()],
        )
        .await;
    let mut stored: Vec<_> = lookup
        .receipts
        .iter()
        .map(|r| (r.vendor_record_id.as_str(), r.stored_revision, r.deleted))
        .collect();
    stored.sort();
    assert_eq!(stored, [("m-0", 2, true), ("m-1", 7, true)]);
    assert_eq!(lookup.not_found, [key("m-9")]);

    // A newer upsert after a deletion posts the mark again.
    let again = f.push(vec![f.upsert("m-0", 3, "s0", "4")]).await;
    assert_eq!(statuses(&again), [Accepted]);
    assert_ne!(again[0].platform_id, created[0].platform_id);
    let live = f.marks_of(0).await;
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].value, "4");
}

#[tokio::test]
async fn an_expected_revision_other_than_the_stored_one_conflicts() {
    let mut f = fixture().await;
    let mut create = f.upsert("m-0", 1, "s0", "5");
    create.expected_revision = Some(0);
    assert_eq!(statuses(&f.push(vec![create.clone()]).await), [Accepted]);
    // The same operation replayed is a replay, not a conflict.
    assert_eq!(statuses(&f.push(vec![create]).await), [Unchanged]);

    let mut blind = f.upsert("m-0", 2, "s0", "4");
    blind.expected_revision = Some(0);
    let mut stale_view = f.upsert("m-0", 2, "s0", "4");
    stale_view.expected_revision = Some(7);
    let other_content = f.upsert("m-0", 1, "s0", "3");
    let receipts = f.push(vec![blind, stale_view, other_content]).await;
    assert_eq!(statuses(&receipts), [Rejected, Rejected, Rejected]);
    assert_eq!(
        codes(&receipts),
        [
            ("VERSION_CONFLICT".into(), "expected_revision".into()),
            ("VERSION_CONFLICT".into(), "expected_revision".into()),
            ("VERSION_CONFLICT".into(), "revision".into()),
        ]
    );
    let mut right = f.upsert("m-0", 2, "s0", "4");
    right.expected_revision = Some(1);
    assert_eq!(statuses(&f.push(vec![right]).await), [Accepted]);
    assert_eq!(f.marks_of(0).await[0].value, "4");
}

#[tokio::test]
async fn a_dry_run_answers_as_a_push_would_and_writes_nothing() {
    let mut f = fixture().await;
    let vendor = f.vendor.clone();
    let operations = vec![
        f.upsert("m-0", 1, "s0", "5"),
        f.upsert("m-1", 1, "s1", "11"),
        f.delete("m-2", 1),
    ];
    let dry = f
        .push_as(&vendor, vec![operations.clone()], true)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(statuses(&dry), [Accepted, Rejected, Accepted]);
    assert_eq!(codes(&dry)[1], ("OUT_OF_SCALE".into(), "mark.value".into()));
    assert!(dry[0].platform_id.is_empty());
    assert!(f.marks_of(0).await.is_empty());
    // Nothing was kept: the real push applies, not "unchanged".
    let real = f.push(operations).await;
    assert_eq!(statuses(&real), [Accepted, Rejected, Accepted]);
    assert_eq!(f.marks_of(0).await.len(), 1);
}

#[tokio::test]
async fn a_record_moved_to_another_student_withdraws_its_mark_and_posts_a_new_one() {
    let mut f = fixture().await;
    let first = f.push(vec![f.upsert("m-0", 1, "s0", "5")]).await;
    let moved = f.push(vec![f.upsert("m-0", 2, "s1", "4")]).await;
    assert_eq!(statuses(&moved), [Accepted]);
    assert_ne!(moved[0].platform_id, first[0].platform_id);
    assert!(f.marks_of(0).await.is_empty(), "the old mark is withdrawn");
    let old = f.mark(&first[0].platform_id).await;
    assert!(old.delete_time.is_some());
    let now = f.marks_of(1).await;
    assert_eq!((now.len(), now[0].value.as_str()), (1, "4"));
    // Sent again, nothing changes.
    let again = f
        .push(vec![
            f.upsert("m-0", 1, "s0", "5"),
            f.upsert("m-0", 2, "s1", "4"),
        ])
        .await;
    assert_eq!(statuses(&again), [Stale, Unchanged]);
    assert_eq!(f.marks_of(1).await.len(), 1);
}
