//! Crash test of publishing an announcement: messaging runs as a process
//! of its own and is killed (SIGKILL) in the middle of reaching a school of
//! `OTMETKA_CRASH_FAMILIES` families (default 2,000: a student and a
//! guardian each), `OTMETKA_CRASH_REPETITIONS` times (default 2), each time
//! soon after a page of the audience was written. After the last restart
//! the announcement reaches everyone: every student and guardian holds
//! exactly one notification of it, every family is counted once, and the
//! school's reach says so. `OTMETKA_CRASH_SEED` replays a run's kill
//! points (each run prints its seed).

use std::fmt::Write;
use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, with_token};
use otmetka_local::host::HostedService;
use otmetka_platform::db::Db;
use otmetka_platform::with_db;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as messaging;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tonic::transport::Channel;
use uuid::Uuid;

/// Where the replica keeps its data, apart from the suite's own messaging.
const REPLICA: &str = "messaging_crash";
const CLASS_SIZE: usize = 25;
/// How long publication may take after the last restart.
const PATIENCE: Duration = Duration::from_secs(300);

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Families loaded by one roster call: a large school is loaded in parts,
/// each well within the services' request time.
const FAMILIES_PER_LOAD: usize = 10 * CLASS_SIZE;

/// OneRoster files of the families `range`, each a student with a
/// guardian, in classes of 25 from 5А on.
fn roster(range: std::ops::Range<usize>) -> Vec<identity::RosterFile> {
    const LETTERS: [&str; 12] = ["А", "Б", "В", "Г", "Д", "Е", "Ж", "И", "К", "Л", "М", "Н"];
    let mut users = String::from(
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,\
         givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n",
    );
    let mut classes = String::from(
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,\
         location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n",
    );
    let mut enrollments = String::from(
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,\
         primary,beginDate,endDate\n",
    );
    let stamp = "2026-09-01T00:00:00Z";
    for class in range.start / CLASS_SIZE..range.end.div_ceil(CLASS_SIZE) {
        let grade = 5 + class / LETTERS.len();
        let letter = LETTERS[class % LETTERS.len()];
        writeln!(
            classes,
            "h-{class},active,{stamp},{grade}{letter},{grade:02},,,homeroom,,org,,,,"
        )
        .unwrap();
    }
    for n in range {
        writeln!(
            users,
            "s-{n},active,{stamp},true,org,student,,,Ученик,Ученик{n},,,,,,g-{n},,"
        )
        .unwrap();
        writeln!(
            users,
            "g-{n},active,{stamp},true,org,parent,,,Родитель,Родитель{n},,,,,,,,"
        )
        .unwrap();
        writeln!(
            enrollments,
            "e-{n},active,{stamp},h-{},org,s-{n},student,false,2026-09-01,",
            n / CLASS_SIZE
        )
        .unwrap();
    }
    [
        ("users.csv", users),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
    ]
    .into_iter()
    .map(|(name, content)| identity::RosterFile {
        name: name.into(),
        content: content.into_bytes(),
    })
    .collect()
}

/// How far publication of `announcement` has gone in the replica's data.
async fn reached(db: &Db, announcement: Uuid) -> i64 {
    with_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM announcement_recipients WHERE announcement_id = $1")
        .bind(announcement).fetch_one(pool).await.unwrap())
}

#[tokio::test]
async fn an_announcement_reaches_every_family_once_across_kills() {
    let families = setting("OTMETKA_CRASH_FAMILIES", 2_000) as usize;
    let repetitions = setting("OTMETKA_CRASH_REPETITIONS", 2);
    let seed = setting("OTMETKA_CRASH_SEED", rand::random::<u32>().into());
    eprintln!("OTMETKA_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);

    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = SchoolBuilder::new(&sandbox, "Школа, где падает рассылка")
        .await
        .unwrap();
    for first in (0..families).step_by(FAMILIES_PER_LOAD) {
        let loaded = school
            .identity
            .import_roster(with_token(
                &school.city,
                identity::ImportRosterRequest {
                    school_id: school.school_id.clone(),
                    files: roster(first..families.min(first + FAMILIES_PER_LOAD)),
                    validate_only: false,
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    }
    let deputy = school.staff("Завуч", identity::StaffRole::DeputyHead).await;
    let deputy = school.token_of(&deputy, "crash-deputy").await;

    let storage = sandbox.suite_storage();
    let suite = sandbox.suite();
    let database = storage.database(REPLICA);
    let mut replica = HostedService::new(
        "messaging",
        env!("CARGO_BIN_EXE_service_host"),
        &["messaging"],
        &[
            ("DATABASE_URL", database.url.expose().to_owned()),
            ("SCHEMA", REPLICA.to_owned()),
            ("TODAY", sandbox.today().to_string()),
            ("CLIENT_ID", suite.messaging_credentials.id.to_string()),
            (
                "CLIENT_SECRET",
                suite.messaging_credentials.secret.expose().to_owned(),
            ),
            ("IDENTITY_URL", suite.url_of("identity").unwrap().into()),
            ("GRADEBOOK_URL", suite.url_of("gradebook").unwrap().into()),
            ("SCHEDULE_URL", suite.url_of("schedule").unwrap().into()),
        ],
    )
    .unwrap();
    replica.start().await.unwrap();
    let db = Db::open(&database, otmetka_messaging::MIGRATIONS)
        .await
        .unwrap();
    let mut client = MessagingServiceClient::<Channel>::new(
        otmetka_platform::grpc::client::lazy_channel(&replica.url()).unwrap(),
    );
    let created = client
        .create_announcement(with_token(
            &deputy,
            messaging::CreateAnnouncementRequest {
                announcement: Some(messaging::Announcement {
                    school_id: school.school_id.clone(),
                    kind: messaging::AnnouncementKind::Announcement.into(),
                    audience: Some(messaging::Audience {
                        whole_school: true,
                        ..Default::default()
                    }),
                    title: "Карантин".into(),
                    body: "С понедельника школа закрыта на карантин.".into(),
                    state: messaging::AnnouncementState::Published.into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .announcement
        .unwrap();
    let announcement: Uuid = created.id.parse().unwrap();
    let everyone = 2 * families as i64;

    let mut cut_short = 0;
    for _ in 0..repetitions {
        // Killed soon after a page lands: often within the next one.
        let before = reached(&db, announcement).await;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while reached(&db, announcement).await == before && before < everyone {
            assert!(
                tokio::time::Instant::now() < deadline,
                "publication stalled"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..150))).await;
        replica.kill().unwrap();
        let at_kill = reached(&db, announcement).await;
        eprintln!("killed with {at_kill} of {everyone} reached");
        if at_kill < everyone {
            cut_short += 1;
        }
        replica.start().await.unwrap();
    }
    assert!(cut_short > 0, "every kill came after publication ended");

    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let done: Option<Option<chrono::DateTime<chrono::Utc>>> = with_db!(&db, pool => sqlx::query_scalar(
            "SELECT reached_at FROM announcements WHERE id = $1")
            .bind(announcement).fetch_optional(pool).await.unwrap());
        if done.flatten().is_some() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "publication never ended"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let source = format!("announcement/{announcement}");
    let (people, notifications): (i64, i64) = with_db!(&db, pool => sqlx::query_as(
        "SELECT COUNT(DISTINCT person_id), COUNT(*) FROM notifications
         WHERE source_service = 'messaging' AND source_event_id = $1")
        .bind(&source).fetch_one(pool).await.unwrap());
    assert_eq!((people, notifications), (everyone, everyone), "one each");
    assert_eq!(reached(&db, announcement).await, everyone);
    let reach = client
        .get_announcement(with_token(
            &deputy,
            messaging::GetAnnouncementRequest {
                school_id: school.school_id.clone(),
                id: created.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .announcement
        .unwrap()
        .reach
        .unwrap();
    assert_eq!(reach.families, families as i32);
    replica.kill().unwrap();
    db.close().await;
}
