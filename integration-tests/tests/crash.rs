//! Crash test of the push of marks: import, and separately gradebook, run
//! as processes of their own and are killed (SIGKILL) in the middle of a
//! large stream, after a random number of receipts; the vendor reconnects
//! and sends everything again from its last receipt. Afterwards every
//! acknowledged record is stored exactly once (one mark per key, at the
//! revision sent, with its one history row and its one change), and
//! nothing is half-written: every mark of the vendor has its key and every
//! key its mark.
//!
//! `OTMETKA_CRASH_REPETITIONS` (default 2) kills each service that many
//! times, one fresh stream each; `OTMETKA_CRASH_RECORDS` (default 2,000)
//! is the stream's length, in messages of 200. `OTMETKA_CRASH_SEED` replays
//! a run's kill points (each run prints its seed).

use std::collections::HashMap;
use std::time::Duration;

use chrono::Days;
use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, map_students, vendor_client, with_token};
use otmetka_local::host::HostedService;
use otmetka_platform::db::Db;
use otmetka_platform::with_db;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use uuid::Uuid;

const MESSAGE: usize = 200;
const STUDENTS: usize = 10;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A vendor granted the school with marks.write: its id and credentials.
struct Vendor {
    id: Uuid,
    secret: String,
    identity: otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient<Channel>,
}

impl Vendor {
    /// A fresh token (the sandbox's tokens live a minute).
    async fn token(&mut self) -> String {
        self.identity
            .get_client_token(identity::GetClientTokenRequest {
                client_id: self.id.to_string(),
                client_secret: self.secret.clone(),
                scopes: vec![],
            })
            .await
            .expect("a client token")
            .into_inner()
            .access_token
    }
}

struct Fixture {
    sandbox: Sandbox,
    school: String,
    subject: String,
    vendor: Vendor,
    gradebook: HostedService,
    import: HostedService,
    db: Db,
}

async fn fixture() -> Fixture {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut b = SchoolBuilder::new(&sandbox, "Школа, где падают серверы")
        .await
        .unwrap();
    let teacher = b.staff("Учитель", identity::StaffRole::Teacher).await;
    let class = b.class(6, "Б", &teacher).await;
    let mut students = Vec::new();
    for n in 0..STUDENTS {
        students.push(b.student_in(&class, &format!("Ученик{n}")).await);
    }
    let subject = b.subject("История").await;
    b.teach(&teacher, &class, &subject).await;
    let admin = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let manager = b.token_of(&admin, "crash-admin").await;
    b.term(&manager, &class, &subject, &teacher).await.unwrap();
    let school = b.school_id.clone();
    let city = b.city.clone();
    let client = vendor_client(
        &mut b.identity,
        &city,
        "Падающий журнал",
        &["roster.read", "marks.write"],
        Some(&school),
    )
    .await;
    let mut vendor = Vendor {
        id: client.id.parse().unwrap(),
        secret: client.secret,
        identity: b.identity.clone(),
    };

    let storage = sandbox.suite_storage();
    let suite = sandbox.suite();
    let database_url = |service: &str| storage.database(service).url.expose().to_owned();
    let host = env!("CARGO_BIN_EXE_service_host");
    let mut gradebook = HostedService::new(
        "gradebook",
        host,
        &["gradebook"],
        &[
            ("DATABASE_URL", database_url("gradebook")),
            ("TODAY", sandbox.today().to_string()),
            ("CLIENT_ID", suite.gradebook_credentials.id.to_string()),
            (
                "CLIENT_SECRET",
                suite.gradebook_credentials.secret.expose().to_owned(),
            ),
            ("IDENTITY_URL", suite.url_of("identity").unwrap().into()),
            ("SCHEDULE_URL", suite.url_of("schedule").unwrap().into()),
        ],
    )
    .unwrap();
    gradebook.start().await.unwrap();
    let mut import = HostedService::new(
        "import",
        host,
        &["import"],
        &[
            ("DATABASE_URL", database_url("import")),
            ("TODAY", sandbox.today().to_string()),
            ("IDENTITY_URL", suite.url_of("identity").unwrap().into()),
            ("SCHEDULE_URL", suite.url_of("schedule").unwrap().into()),
            ("GRADEBOOK_URL", gradebook.url()),
        ],
    )
    .unwrap();
    import.start().await.unwrap();

    let token = vendor.token().await;
    let mut client = import_client(&import);
    map_students(&mut client, &token, &school, &students).await;
    let db = Db::open(
        &storage.database("gradebook"),
        otmetka_gradebook::MIGRATIONS,
    )
    .await
    .unwrap();
    Fixture {
        sandbox,
        school,
        subject,
        vendor,
        gradebook,
        import,
        db,
    }
}

fn import_client(import: &HostedService) -> ImportServiceClient<Channel> {
    ImportServiceClient::new(otmetka_platform::grpc::client::lazy_channel(&import.url()).unwrap())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Victim {
    Import,
    Gradebook,
}

impl Fixture {
    /// The stream of one repetition: `count` new marks, keyed `{prefix}-{n}`,
    /// the student's external id and the subject's platform id.
    fn operations(&self, prefix: &str, count: usize) -> Vec<import::RecordOperation> {
        let today = otmetka_integration_tests::SANDBOX_TODAY;
        (0..count)
            .map(|n| import::RecordOperation {
                school_id: self.school.clone(),
                record_type: import::RecordType::Mark.into(),
                vendor_record_id: format!("{prefix}-{n}"),
                revision: 1 + (n % 3) as i64,
                action: import::RecordAction::Upsert.into(),
                payload: Some(import::record_operation::Payload::Mark(
                    import::MarkRecord {
                        student: Some(import::EntityRef {
                            reference: Some(import::entity_ref::Reference::ExternalId(format!(
                                "s{}",
                                n % STUDENTS
                            ))),
                        }),
                        subject: Some(import::EntityRef {
                            reference: Some(import::entity_ref::Reference::Id(
                                self.subject.clone(),
                            )),
                        }),
                        date: (today - Days::new((n % 7) as u64)).to_string(),
                        value: ["5", "4", "3", "5", "2"][n % 5].into(),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            })
            .collect()
    }

    fn victim(&mut self, victim: Victim) -> &mut HostedService {
        match victim {
            Victim::Import => &mut self.import,
            Victim::Gradebook => &mut self.gradebook,
        }
    }

    /// Pushes `operations` in messages of [`MESSAGE`], killing `victim`
    /// (and starting it again) once `kill_after` receipts have come, and
    /// resending from the last receipt until every message is answered.
    /// The receipts of every record, as acknowledged.
    async fn push_through_a_crash(
        &mut self,
        operations: &[import::RecordOperation],
        victim: Victim,
        kill_after: usize,
        kill_delay: Duration,
    ) -> (Vec<import::Receipt>, usize) {
        let messages: Vec<import::PushRecordsRequest> = operations
            .chunks(MESSAGE)
            .map(|chunk| import::PushRecordsRequest {
                operations: chunk.to_vec(),
                ..Default::default()
            })
            .collect();
        let mut acknowledged: Vec<import::Receipt> = Vec::new();
        let mut answered = 0;
        let mut killed = false;
        let mut attempts = 0;
        while answered < messages.len() {
            attempts += 1;
            assert!(attempts <= 30, "no progress after {attempts} attempts");
            let token = self.vendor.token().await;
            let (sender, receiver) = tokio::sync::mpsc::channel(4);
            let rest = messages[answered..].to_vec();
            let feeder = tokio::spawn(async move {
                for message in rest {
                    if sender.send(message).await.is_err() {
                        break;
                    }
                }
            });
            let mut client = import_client(&self.import);
            let mut stream = match client
                .push_records(with_token(&token, ReceiverStream::new(receiver)))
                .await
            {
                Ok(response) => response.into_inner(),
                Err(_) => {
                    feeder.abort();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            loop {
                match stream.message().await {
                    Ok(Some(reply)) => {
                        let sent = &messages[answered].operations;
                        assert_eq!(reply.receipts.len(), sent.len(), "a receipt per record");
                        for (receipt, operation) in reply.receipts.iter().zip(sent) {
                            assert_eq!(receipt.vendor_record_id, operation.vendor_record_id);
                        }
                        acknowledged.extend(reply.receipts);
                        answered += 1;
                        if !killed && answered == kill_after {
                            killed = true;
                            // Into the next message's work, somewhere.
                            tokio::time::sleep(kill_delay).await;
                            let hosted = self.victim(victim);
                            hosted.kill().unwrap();
                            hosted.start().await.unwrap();
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        break;
                    }
                }
            }
            feeder.abort();
        }
        assert!(killed, "the kill point lies within the stream");
        (acknowledged, attempts)
    }

    /// Checks what is stored for `prefix`'s keys against the receipts.
    async fn check_stored(
        &mut self,
        prefix: &str,
        operations: &[import::RecordOperation],
        receipts: &[import::Receipt],
    ) {
        // Every record was acknowledged as applied (or, resent after it was
        // applied, as unchanged), and names its mark.
        let mut mark_of: HashMap<&str, &str> = HashMap::new();
        for (receipt, operation) in receipts.iter().zip(operations) {
            let status = import::ReceiptStatus::try_from(receipt.status).unwrap();
            assert!(
                matches!(
                    status,
                    import::ReceiptStatus::Accepted | import::ReceiptStatus::Unchanged
                ),
                "{receipt:?}"
            );
            assert_eq!(receipt.stored_revision, operation.revision, "{receipt:?}");
            assert!(Uuid::parse_str(&receipt.platform_id).is_ok(), "{receipt:?}");
            mark_of.insert(&receipt.vendor_record_id, &receipt.platform_id);
        }
        assert_eq!(mark_of.len(), operations.len());

        // The keys as stored, through the receipts lookup.
        let token = self.vendor.token().await;
        let mut client = import_client(&self.import);
        for chunk in operations.chunks(1000) {
            let keys = chunk
                .iter()
                .map(|operation| import::RecordKey {
                    record_type: import::RecordType::Mark.into(),
                    vendor_record_id: operation.vendor_record_id.clone(),
                })
                .collect();
            let lookup = client
                .get_receipts(with_token(
                    &token,
                    import::GetReceiptsRequest {
                        school_id: self.school.clone(),
                        keys,
                    },
                ))
                .await
                .unwrap()
                .into_inner();
            assert!(lookup.not_found.is_empty(), "{:?}", lookup.not_found);
            assert_eq!(lookup.receipts.len(), chunk.len());
            let revision_of: HashMap<&str, i64> = chunk
                .iter()
                .map(|operation| (operation.vendor_record_id.as_str(), operation.revision))
                .collect();
            for stored in &lookup.receipts {
                assert_eq!(
                    Some(&stored.stored_revision),
                    revision_of.get(stored.vendor_record_id.as_str())
                );
                assert!(!stored.deleted);
                assert_eq!(
                    stored.platform_id,
                    mark_of[stored.vendor_record_id.as_str()],
                    "the mark the receipt named"
                );
            }
        }

        // And in gradebook's tables: one mark per key, each with one
        // history row and one change, none without its key.
        let vendor = self.vendor.id;
        let pattern = format!("{prefix}-%");
        let (keys, marks, distinct_marks, revisions, changes): (i64, i64, i64, i64, i64) = with_db!(&self.db, pool => sqlx::query_as(
                "SELECT
                   (SELECT COUNT(*) FROM vendor_records
                     WHERE vendor_id = $1 AND vendor_record_id LIKE $2
                       AND platform_id IS NOT NULL AND mark_revision = 1 AND NOT deleted),
                   (SELECT COUNT(*) FROM marks m JOIN vendor_records v ON v.platform_id = m.id
                     WHERE v.vendor_id = $1 AND v.vendor_record_id LIKE $2
                       AND m.source_vendor_id = $1 AND m.revision = 1 AND m.deleted_at IS NULL),
                   (SELECT COUNT(DISTINCT platform_id) FROM vendor_records
                     WHERE vendor_id = $1 AND vendor_record_id LIKE $2),
                   (SELECT COUNT(*) FROM mark_revisions r JOIN vendor_records v ON v.platform_id = r.mark_id
                     WHERE v.vendor_id = $1 AND v.vendor_record_id LIKE $2),
                   (SELECT COUNT(*) FROM changes c JOIN vendor_records v ON v.platform_id = c.resource_id
                     WHERE v.vendor_id = $1 AND v.vendor_record_id LIKE $2 AND c.resource_type = 'mark')")
                .bind(vendor).bind(&pattern).fetch_one(pool).await.unwrap());
        let expected = operations.len() as i64;
        assert_eq!(
            (keys, marks, distinct_marks, revisions, changes),
            (expected, expected, expected, expected, expected),
            "keys, their marks, distinct marks, history rows, changes"
        );
        let (orphan_marks, orphan_keys, orphan_changes): (i64, i64, i64) = with_db!(&self.db, pool => sqlx::query_as(
                "SELECT
                   (SELECT COUNT(*) FROM marks m WHERE m.source_vendor_id = $1
                     AND NOT EXISTS (SELECT 1 FROM vendor_records v WHERE v.platform_id = m.id)),
                   (SELECT COUNT(*) FROM vendor_records v WHERE v.vendor_id = $1
                     AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.id = v.platform_id)),
                   (SELECT COUNT(*) FROM changes c WHERE c.resource_type = 'mark'
                     AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.id = c.resource_id))")
                .bind(vendor).fetch_one(pool).await.unwrap());
        assert_eq!(
            (orphan_marks, orphan_keys, orphan_changes),
            (0, 0, 0),
            "marks without keys, keys without marks, changes without marks"
        );
    }
}

async fn crash_test(victim: Victim) {
    let repetitions = setting("OTMETKA_CRASH_REPETITIONS", 2) as usize;
    let records = setting("OTMETKA_CRASH_RECORDS", 2000) as usize;
    let seed = setting("OTMETKA_CRASH_SEED", rand::rng().random());
    let messages = records.div_ceil(MESSAGE);
    assert!(
        messages >= 3,
        "OTMETKA_CRASH_RECORDS: at least three messages"
    );
    eprintln!("{victim:?}: seed {seed}, {repetitions} kills, {records} records each");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut f = fixture().await;
    for repetition in 0..repetitions {
        let prefix = format!("{victim:?}-{repetition}");
        let operations = f.operations(&prefix, records);
        // After at least one receipt, before the last message.
        let kill_after = rng.random_range(1..messages - 1);
        let kill_delay = Duration::from_millis(rng.random_range(0..400));
        let (receipts, attempts) = f
            .push_through_a_crash(&operations, victim, kill_after, kill_delay)
            .await;
        let unchanged = receipts
            .iter()
            .filter(|r| r.status == i32::from(import::ReceiptStatus::Unchanged))
            .count();
        eprintln!(
            "{victim:?} #{repetition}: killed {} ms after {kill_after} of {messages} receipts; \
             {attempts} streams; {unchanged} records found already applied when resent",
            kill_delay.as_millis()
        );
        f.check_stored(&prefix, &operations, &receipts).await;
    }
    f.import.kill().unwrap();
    f.gradebook.kill().unwrap();
    f.db.close().await;
    f.sandbox.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_import_mid_stream_loses_and_doubles_nothing() {
    crash_test(Victim::Import).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_gradebook_mid_stream_loses_and_doubles_nothing() {
    crash_test(Victim::Gradebook).await;
}
