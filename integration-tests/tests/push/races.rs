//! Applying a batch twice, and streams racing on the same keys.

use super::*;

/// One operation of a random batch: key, revision, and a value to write
/// (an out-of-scale "7" among them) or a deletion.
fn random_operation() -> impl proptest::strategy::Strategy<Value = (usize, i64, Option<u8>, usize)>
{
    (
        0..4usize,
        1..5i64,
        proptest::option::weighted(0.8, 1..=7u8),
        0..3usize,
    )
}

#[test]
fn applying_a_batch_twice_equals_applying_it_once() {
    use proptest::test_runner::{Config, TestRunner};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // The runner takes a shared closure: the sandbox and the case number
    // are borrowed mutably one case at a time.
    let f = std::cell::RefCell::new(runtime.block_on(fixture()));
    let mut runner = TestRunner::new(Config {
        cases: 16,
        ..Config::default()
    });
    let case = std::cell::Cell::new(0);
    runner
        .run(
            &proptest::collection::vec(random_operation(), 1..12),
            |operations| {
                case.set(case.get() + 1);
                let keys: Vec<String> = (0..4).map(|k| format!("p{}-{k}", case.get())).collect();
                let mut f = f.borrow_mut();
                let batch: Vec<_> = operations
                    .iter()
                    .map(|&(key, revision, value, student)| match value {
                        Some(value) => f.upsert(
                            &keys[key],
                            revision,
                            &format!("s{student}"),
                            &value.to_string(),
                        ),
                        None => f.delete(&keys[key], revision),
                    })
                    .collect();
                runtime.block_on(async {
                    let first = f.push(batch.clone()).await;
                    let once = f.stored(&keys).await;
                    let again = f.push(batch.clone()).await;
                    assert!(
                        !statuses(&again).contains(&Accepted),
                        "a second application changed something:\n{batch:#?}\nfirst: {first:#?}\nagain: {again:#?}"
                    );
                    assert_eq!(f.stored(&keys).await, once);
                });
                Ok(())
            },
        )
        .unwrap();
}

#[tokio::test]
async fn streams_racing_on_the_same_keys_end_in_the_newest_revisions() {
    let mut f = fixture().await;
    const KEYS: usize = 40;
    let operation = |f: &Fixture, key: usize, revision: i64| {
        f.upsert(
            &format!("r-{key}"),
            revision,
            &format!("s{}", key % 3),
            &(revision + 1).to_string(),
        )
    };
    // One stream sends the revisions oldest first, the other newest first
    // and the keys backwards; both at once.
    let forward: Vec<_> = (1..=3)
        .flat_map(|revision| (0..KEYS).map(move |key| (key, revision)))
        .collect();
    let backward: Vec<_> = forward.iter().rev().copied().collect();
    let messages = |order: &[(usize, i64)]| -> Vec<Vec<import::RecordOperation>> {
        order
            .chunks(20)
            .map(|chunk| chunk.iter().map(|&(k, r)| operation(&f, k, r)).collect())
            .collect()
    };
    let (first, second) = (messages(&forward), messages(&backward));
    let vendor = f.vendor.clone();
    let (mut a, mut b) = (f.import.clone(), f.import.clone());
    let push = |client: &mut ImportServiceClient<Channel>, batches: Vec<Vec<_>>| {
        let messages: Vec<_> = batches
            .into_iter()
            .map(|operations| import::PushRecordsRequest {
                operations,
                ..Default::default()
            })
            .collect();
        let mut client = client.clone();
        let vendor = vendor.clone();
        async move {
            let mut stream = client
                .push_records(with_token(&vendor, tokio_stream::iter(messages)))
                .await
                .unwrap()
                .into_inner();
            let mut receipts = Vec::new();
            while let Some(reply) = stream.message().await.unwrap() {
                receipts.extend(reply.receipts);
            }
            receipts
        }
    };
    let (from_a, from_b) = tokio::join!(push(&mut a, first), push(&mut b, second));
    // A record that lost a race is refused with VERSION_CONFLICT and sent
    // again, as a vendor would.
    let mut lost: Vec<_> = from_a
        .iter()
        .chain(&from_b)
        .filter(|r| r.status() == Rejected)
        .map(|r| {
            assert_eq!(r.errors[0].code, "VERSION_CONFLICT", "{r:?}");
            let key: usize = r.vendor_record_id[2..].parse().unwrap();
            (key, r.revision)
        })
        .collect();
    while !lost.is_empty() {
        let again = f
            .push(lost.iter().map(|&(k, r)| operation(&f, k, r)).collect())
            .await;
        lost = again
            .iter()
            .zip(&lost)
            .filter(|(receipt, _)| receipt.status() == Rejected)
            .map(|(_, &op)| op)
            .collect();
    }
    let keys: Vec<String> = (0..KEYS).map(|k| format!("r-{k}")).collect();
    let stored = f.stored(&keys).await;
    assert_eq!(stored.len(), KEYS);
    for (key, revision, deleted, mark) in &stored {
        assert_eq!((*revision, *deleted), (3, false), "{key}");
        assert_eq!(mark.as_ref().unwrap().0, "4", "{key}");
    }
    let marks = f.marks_of(0).await.len() + f.marks_of(1).await.len() + f.marks_of(2).await.len();
    assert_eq!(marks, KEYS, "one mark per key");
}
