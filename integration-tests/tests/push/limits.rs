//! The deletion safety valve and the per-vendor limits.

use super::*;

#[tokio::test]
async fn the_deletion_safety_valve_holds_back_mass_deletions_until_confirmed() {
    let mut f = fixture_with(PushLimits {
        max_deletion_share: 0.5,
        deletion_allowance: 2,
        ..PushLimits::default()
    })
    .await;
    let marks: Vec<_> = (0..6)
        .map(|n| f.upsert(&format!("m-{n}"), 1, &format!("s{}", n % 3), "5"))
        .collect();
    assert_eq!(statuses(&f.push(marks).await), [Accepted; 6]);
    // Within the allowance.
    let receipts = f.push(vec![f.delete("m-0", 2), f.delete("m-1", 2)]).await;
    assert_eq!(statuses(&receipts), [Accepted, Accepted]);

    // Two more would make four of six within the hour: held back, while
    // the message's other operations are applied, and a deletion of a key
    // never seen withdraws nothing.
    let message = vec![
        f.delete("m-2", 2),
        f.upsert("m-6", 1, "s0", "4"),
        f.delete("m-3", 2),
        f.delete("m-never", 1),
    ];
    let receipts = f.push(message.clone()).await;
    assert_eq!(
        statuses(&receipts),
        [Rejected, Accepted, Rejected, Accepted]
    );
    assert_eq!(
        codes(&receipts)[0],
        ("DELETION_LIMIT".to_string(), "action".to_string())
    );
    let standing = |marks: &[gradebook::Mark]| marks.len();
    let before: usize = standing(&f.marks_of(0).await)
        + standing(&f.marks_of(1).await)
        + standing(&f.marks_of(2).await);
    assert_eq!(before, 5, "m-2…m-5 and m-6");

    // Confirmed, they go through; a replay without confirmation changes
    // nothing and is not held back.
    let confirmed = f.push_confirmed(message.clone()).await;
    assert_eq!(
        statuses(&confirmed),
        [Accepted, Unchanged, Accepted, Unchanged]
    );
    let replayed = f.push(message).await;
    assert_eq!(statuses(&replayed), [Unchanged; 4]);
    let after: usize = standing(&f.marks_of(0).await)
        + standing(&f.marks_of(1).await)
        + standing(&f.marks_of(2).await);
    assert_eq!(after, 3);
}

#[tokio::test]
async fn a_vendor_over_its_limits_is_told_to_slow_down_and_when() {
    use tonic_types::StatusExt;
    let mut f = fixture_with(PushLimits {
        records_per_day: 6,
        streams_per_vendor: 1,
        messages_per_stream: 2,
        ..PushLimits::default()
    })
    .await;
    let vendor = f.vendor.clone();

    // One stream at a time.
    let (sender, requests) = tokio::sync::mpsc::channel(4);
    let mut open = f
        .import
        .push_records(with_token(
            &vendor,
            tokio_stream::wrappers::ReceiverStream::new(requests),
        ))
        .await
        .unwrap()
        .into_inner();
    sender
        .send(import::PushRecordsRequest {
            operations: vec![f.upsert("m-0", 1, "s0", "5")],
            ..Default::default()
        })
        .await
        .unwrap();
    let first = open.message().await.unwrap().unwrap();
    assert_eq!(statuses(&first.receipts), [Accepted]);
    let refused = f
        .push_as(&vendor, vec![vec![f.upsert("m-1", 1, "s1", "5")]], false)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::ResourceExhausted);
    assert!(refused.get_details_retry_info().is_some(), "{refused:?}");
    drop(sender);
    assert!(open.message().await.unwrap().is_none());

    // A stream carries two messages; the third ends it. The place of the
    // closed stream is freed once the server has seen it end.
    let batches = vec![
        vec![f.upsert("m-1", 1, "s1", "5")],
        vec![f.upsert("m-2", 1, "s2", "5")],
        vec![f.upsert("m-3", 1, "s0", "4")],
    ];
    let (answers, ended) = loop {
        let (answers, ended) = f.push_until_refused(&vendor, batches.clone()).await;
        if answers.is_empty() && ended.message().contains("streams") {
            tokio::task::yield_now().await;
            continue;
        }
        break (answers, ended);
    };
    assert_eq!(answers.len(), 2);
    assert_eq!(ended.code(), Code::ResourceExhausted, "{ended:?}");
    assert!(ended.message().contains("messages"), "{ended:?}");

    // Three records so far; four more pass the daily quota of six.
    let (answers, spent) = f
        .push_until_refused(
            &vendor,
            vec![
                vec![f.upsert("m-3", 1, "s0", "4")],
                vec![
                    f.upsert("m-4", 1, "s1", "4"),
                    f.upsert("m-5", 1, "s2", "4"),
                    f.upsert("m-6", 1, "s0", "4"),
                ],
            ],
        )
        .await;
    assert_eq!(answers.len(), 1);
    assert_eq!(spent.code(), Code::ResourceExhausted, "{spent:?}");
    let retry = spent.get_details_retry_info().expect("retry info");
    let delay = retry.retry_delay.expect("a delay");
    assert!(
        delay <= std::time::Duration::from_secs(24 * 3600),
        "{delay:?}"
    );
    let stored = f.receipts(import::RecordType::Mark, &["m-4".into()]).await;
    assert_eq!(
        stored.not_found.len(),
        1,
        "nothing of a refused message is applied"
    );
}
