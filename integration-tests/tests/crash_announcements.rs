//! Crash test of publishing an announcement: messaging runs as a process
//! of its own and is killed (SIGKILL) in the middle of reaching a school of
//! `OTMETKA_CRASH_FAMILIES` families (default 2,000: a student and a
//! guardian each), `OTMETKA_CRASH_REPETITIONS` times (default 2), each time
//! soon after a page of the audience was written. After the last restart
//! the announcement reaches everyone: every student and guardian holds
//! exactly one notification of it, every family is counted once, and the
//! school's reach says so. Every fourth guardian asked for announcements
//! by e-mail: each of them received it, perhaps more than once but always
//! under the one Message-ID of their notification, through a real SMTP
//! server. `OTMETKA_CRASH_SEED` replays a run's kill points (each run
//! prints its seed).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::mail_server::MailServer;
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
        let email = if n % 4 == 0 {
            format!("g-{n}@families.test")
        } else {
            String::new()
        };
        writeln!(
            users,
            "g-{n},active,{stamp},true,org,parent,,,Родитель,Родитель{n},,,{email},,,,,"
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

/// The guardians with an address ask for announcements by e-mail, at
/// once and at any hour, as their settings would record it.
async fn guardians_with_addresses_choose_email(db: &Db, guardians: &[String]) {
    for guardian in guardians {
        let guardian: Uuid = guardian.parse().unwrap();
        with_db!(db, pool => {
            sqlx::query(
                "INSERT INTO notification_rules (person_id, student_id, kind, in_app, email)
                 VALUES ($1, $2, 'announcement', TRUE, 'at_once')")
                .bind(guardian).bind(Uuid::nil()).execute(pool).await.unwrap();
            sqlx::query(
                "INSERT INTO notification_preferences
                     (person_id, quiet_start, quiet_end, digest_at, updated_at)
                 VALUES ($1, NULL, NULL, '19:00', $2)")
                .bind(guardian).bind(chrono::Utc::now()).execute(pool).await.unwrap();
        });
    }
}

/// The school's guardians with a contact e-mail, by address.
async fn guardians_by_address(school: &mut SchoolBuilder) -> HashMap<String, String> {
    let mut found = HashMap::new();
    let mut page_token = String::new();
    loop {
        let page = school
            .identity
            .list_persons(with_token(
                &school.city,
                identity::ListPersonsRequest {
                    school_id: school.school_id.clone(),
                    kind: identity::PersonKind::Guardian.into(),
                    page_size: 1000,
                    page_token,
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner();
        found.extend(
            page.persons
                .into_iter()
                .filter(|person| !person.email.is_empty())
                .map(|person| (person.email, person.id)),
        );
        if page.next_page_token.is_empty() {
            return found;
        }
        page_token = page.next_page_token;
    }
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
    let addressed = guardians_by_address(&mut school).await;
    assert_eq!(
        addressed.len(),
        families.div_ceil(4),
        "every fourth has an address"
    );
    let mail = MailServer::start().await.expect("an SMTP server");

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
            ("SMTP_URL", mail.smtp_url()),
            ("SITE_URL", suite.gateway_url.clone()),
        ],
    )
    .unwrap();
    replica.start().await.unwrap();
    let db = Db::open(&database, otmetka_messaging::MIGRATIONS)
        .await
        .unwrap();
    let guardians: Vec<String> = addressed.values().cloned().collect();
    guardians_with_addresses_choose_email(&db, &guardians).await;
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

    // Every letter went, at least once, each under its notification's name.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let unsent: i64 = with_db!(&db, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM email_deliveries WHERE state <> 'sent'")
            .fetch_one(pool).await.unwrap());
        if unsent == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{unsent} letters never went"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let named: Vec<(Uuid, Uuid)> = with_db!(&db, pool => sqlx::query_as(
        "SELECT person_id, id FROM notifications
         WHERE source_service = 'messaging' AND source_event_id = $1")
        .bind(&source).fetch_all(pool).await.unwrap());
    let notification_of: HashMap<String, Uuid> = named
        .into_iter()
        .map(|(person, notification)| (person.to_string(), notification))
        .collect();
    let mut names_by_address: HashMap<String, BTreeSet<String>> = HashMap::new();
    let letters = mail.received().unwrap();
    for letter in &letters {
        names_by_address
            .entry(letter.to.clone())
            .or_default()
            .insert(letter.message_id.clone());
    }
    assert_eq!(
        names_by_address.len(),
        addressed.len(),
        "every address, no other"
    );
    for (address, guardian) in &addressed {
        let expected = format!("<notification.{}@otmetka.test>", notification_of[guardian]);
        assert_eq!(
            names_by_address.get(address),
            Some(&BTreeSet::from([expected])),
            "{address}: one Message-ID, its notification's"
        );
    }
    eprintln!(
        "{} letters for {} addresses",
        letters.len(),
        addressed.len()
    );
    replica.kill().unwrap();
    mail.stop().await.unwrap();
    db.close().await;
}
