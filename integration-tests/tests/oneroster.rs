//! OneRoster 1.2 CSV sets loaded by the otmetka-oneroster tool over the
//! vendor gRPC API of a real suite: roster rows map ids, results become
//! marks, a reload changes nothing, deltas and bulk files withdraw marks
//! (a mass withdrawal only when confirmed), malformed rows are reported by
//! file, line and field while the good rows load, and an interrupted load
//! goes on where it stopped without loading anything twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Days;
use otmetka_integration_tests::school::{
    EnglishClass, Term, academic_year_start, vendor_client, with_token,
};
use otmetka_integration_tests::{Options as SandboxOptions, Sandbox};
use otmetka_local::PushLimits;
use otmetka_oneroster::{Auth, Options, Summary, load};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use tonic::transport::Channel;

struct Fixture {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    gradebook: GradebookServiceClient<Channel>,
    import: ImportServiceClient<Channel>,
    school: String,
    class: String,
    english: String,
    teacher: String,
    students: Vec<String>,
    teacher_token: String,
    term: Term,
    /// The city operator's token and identity, to make another vendor.
    city: String,
    identity: otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient<Channel>,
    client_id: String,
    client_secret: String,
    /// The vendor's token: roster.read and marks.write, granted the school.
    vendor: String,
}

async fn fixture() -> Fixture {
    fixture_with(SandboxOptions::default()).await
}

async fn fixture_with(options: SandboxOptions) -> Fixture {
    let sandbox = Sandbox::start_with(options).await.expect("sandbox");
    let EnglishClass {
        builder: mut b,
        teacher,
        class,
        students,
        english,
        teacher_token,
        term,
        ..
    } = EnglishClass::new(&sandbox, "Школа с файлами OneRoster", "or")
        .await
        .unwrap();
    let school = b.school_id.clone();
    let client = vendor_client(
        &mut b.identity,
        &b.city.clone(),
        "Внешний журнал",
        &["roster.read", "marks.write"],
        Some(&school),
    )
    .await;
    let (client_id, vendor) = (client.id.clone(), client.token.clone());
    Fixture {
        gradebook: GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap()),
        import: ImportServiceClient::new(sandbox.channel("import").await.unwrap()),
        sandbox,
        dir: tempfile::tempdir().unwrap(),
        school,
        class,
        english,
        teacher,
        students,
        teacher_token,
        term,
        city: b.city.clone(),
        identity: b.identity.clone(),
        client_id,
        client_secret: client.secret,
        vendor,
    }
}

const MANIFEST_BULK: &str = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n\
    file.orgs,bulk\nfile.academicSessions,bulk\nfile.courses,bulk\nfile.classes,bulk\n\
    file.users,bulk\nfile.enrollments,bulk\nfile.demographics,absent\nfile.categories,bulk\n\
    file.scoreScales,bulk\nfile.lineItems,bulk\nfile.results,bulk\n";

fn today() -> String {
    otmetka_integration_tests::SANDBOX_TODAY.to_string()
}

/// A results row: `sourced_id` for student `n`'s `score` on `line_item`,
/// last modified at `modified`.
fn result(sourced_id: &str, line_item: &str, n: usize, score: &str, modified: &str) -> String {
    format!(
        "{sourced_id},active,{modified},{line_item},s{n},fully graded,{score},{},\n",
        today()
    )
}

const RESULTS_HEADER: &str = "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment\n";

impl Fixture {
    /// The whole set: the school, its term, the English course and class
    /// 5А, its three students ("s0"…) and teacher with their platform ids,
    /// a test line item due today, and one result per student.
    async fn set(&mut self) -> BTreeMap<String, String> {
        let enrollments = self
            .import
            .list_roster_enrollments(with_token(
                &self.vendor,
                import::ListRosterEnrollmentsRequest {
                    school_id: self.school.clone(),
                    page_size: 100,
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .enrollments;
        let enrollment_of = |person: &str| {
            enrollments
                .iter()
                .find(|e| e.person_id == person)
                .map(|e| e.id.clone())
                .expect("an enrollment")
        };
        let year_start = academic_year_start();
        let year_end = year_start + Days::new(270);
        let period = &self.term.period;
        let mut files = BTreeMap::new();
        files.insert("manifest.csv".into(), MANIFEST_BULK.into());
        files.insert(
            "orgs.csv".into(),
            format!(
                "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId,metadata.otmetka.id\n\
                 org-1,active,,Школа,school,,,{}\n",
                self.school
            ),
        );
        files.insert(
            "academicSessions.csv".into(),
            format!(
                "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear,metadata.otmetka.id\n\
                 y-1,active,,Учебный год,schoolYear,{year_start},{year_end},,{},\n\
                 t-2,active,,II четверть,gradingPeriod,{},{},y-1,{},{}\n",
                year_end.format("%Y"),
                period.start_date,
                period.end_date,
                year_end.format("%Y"),
                period.id
            ),
        );
        files.insert(
            "courses.csv".into(),
            format!(
                "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,metadata.otmetka.id\n\
                 c-eng,active,,y-1,Английский язык,ENG,05,org-1,,{}\n",
                self.english
            ),
        );
        files.insert(
            "classes.csv".into(),
            format!(
                "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,metadata.otmetka.id\n\
                 cl-5a,active,,5А,05,c-eng,5A,homeroom,,org-1,t-2,{}\n",
                self.class
            ),
        );
        let mut users = String::from(
            "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,metadata.otmetka.id\n",
        );
        let mut roster = String::from(
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate,metadata.otmetka.id\n",
        );
        for (n, student) in self.students.iter().enumerate() {
            users.push_str(&format!("s{n},active,,true,,Ученик,{n},{student}\n"));
            roster.push_str(&format!(
                "e-s{n},active,,cl-5a,org-1,s{n},student,,,,{}\n",
                enrollment_of(student)
            ));
        }
        users.push_str(&format!("t-1,active,,true,,Учитель,,{}\n", self.teacher));
        roster.push_str(&format!(
            "e-t1,active,,cl-5a,org-1,t-1,teacher,true,,,{}\n",
            enrollment_of(&self.teacher)
        ));
        files.insert("users.csv".into(), users);
        files.insert("enrollments.csv".into(), roster);
        files.insert(
            "categories.csv".into(),
            "sourcedId,status,dateLastModified,title,weight\ncat-1,active,,Контрольная,\n".into(),
        );
        files.insert(
            "scoreScales.csv".into(),
            "sourcedId,status,dateLastModified,title,type,classSourcedId,courseSourcedId,scoreScaleValue\n\
             ss-5,active,,Пятибалльная,,cl-5a,,\"{1:Плохо},{2:Неуд},{3:Удовл},{4:Хорошо},{5:Отлично}\"\n"
                .into(),
        );
        files.insert(
            "lineItems.csv".into(),
            format!(
                "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax\n\
                 li-1,active,,Контрольная работа,,{0},{0},cl-5a,cat-1,t-2,1,5\n",
                today()
            ),
        );
        files.insert(
            "results.csv".into(),
            format!(
                "{RESULTS_HEADER}{}{}{}",
                result("r-0", "li-1", 0, "5", "2026-11-20T10:00:00Z"),
                result("r-1", "li-1", 1, "4.0", "2026-11-20T10:00:00Z"),
                result("r-2", "li-1", 2, "3", "2026-11-20T10:00:00Z"),
            ),
        );
        files
    }

    /// Writes `files` as the set `name` (a directory).
    fn write(&self, name: &str, files: &BTreeMap<String, String>) -> PathBuf {
        let path = self.dir.path().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        for (file, content) in files {
            std::fs::write(path.join(file), content).unwrap();
        }
        path
    }

    fn options(&self, input: &Path) -> Options {
        let suite = self.sandbox.suite();
        Options::new(
            input,
            suite.url_of("import").unwrap(),
            Auth::Token(self.vendor.clone()),
        )
    }

    async fn load(&self, options: &Options) -> Summary {
        load(options).await.expect("the load runs")
    }

    /// Student `n`'s standing marks in English, as the teacher reads them.
    async fn marks_of(&mut self, n: usize) -> Vec<gradebook::Mark> {
        self.gradebook
            .list_student_marks(with_token(
                &self.teacher_token,
                gradebook::ListStudentMarksRequest {
                    student_id: self.students[n].clone(),
                    subject_id: self.english.clone(),
                    page_size: 500,
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .marks
    }

    async fn values(&mut self) -> Vec<Vec<String>> {
        let mut all = Vec::new();
        for n in 0..self.students.len() {
            all.push(
                self.marks_of(n)
                    .await
                    .into_iter()
                    .map(|m| m.value)
                    .collect(),
            );
        }
        all
    }

    /// A page of what the vendor has stored.
    async fn stored(&mut self, page_size: i32) -> import::ListRecordsResponse {
        self.import
            .list_records(with_token(
                &self.vendor,
                import::ListRecordsRequest {
                    school_id: self.school.clone(),
                    page_size,
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
    }
}

/// The rejects report as (file, line, field, code) rows.
fn rejects(path: &Path) -> Vec<(String, u64, String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["file", "line", "field", "code", "message", "sourcedId"],
        "the report's header"
    );
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            (
                row[0].to_owned(),
                row[1].parse().unwrap(),
                row[2].to_owned(),
                row[3].to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_set_loads_a_reload_changes_nothing_and_deltas_and_bulk_files_withdraw() {
    let mut f = fixture().await;
    let files = f.set().await;
    let input = f.write("set", &files);

    // A dry run checks everything and writes nothing, mappings included.
    let dry = f
        .load(&Options {
            dry_run: true,
            ..f.options(&input)
        })
        .await;
    assert_eq!((dry.accepted, dry.rejected), (3, 0), "{dry:?}");
    assert_eq!(f.values().await, [Vec::<String>::new(), vec![], vec![]]);
    let mappings = f
        .import
        .list_id_mappings(with_token(
            &f.vendor,
            import::ListIdMappingsRequest {
                school_id: f.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .mappings;
    assert!(mappings.is_empty(), "{mappings:?}");

    // The load proper, signing in with the client credentials.
    let options = Options {
        auth: Auth::Client {
            identity_url: f.sandbox.suite().url_of("identity").unwrap().to_owned(),
            client_id: f.client_id.clone(),
            client_secret: f.client_secret.clone(),
        },
        ..f.options(&input)
    };
    let first = f.load(&options).await;
    assert_eq!(first.rejected, 0, "{:?}", rejects(&first.rejects_path));
    assert_eq!(first.accepted, 3);
    // The school, the term (not the school year: it has no counterpart),
    // the course, the class, four people and their four enrollments.
    assert_eq!(first.mappings_created, 12, "{first:?}");
    assert!(first.notes.iter().any(|n| n.contains("categories")));
    assert_eq!(f.values().await, [["5"], ["4"], ["3"]]);
    assert!(
        !options.state_path().exists(),
        "a complete load forgets its checkpoint"
    );
    assert_eq!(rejects(&first.rejects_path), []);

    // The same set again changes nothing.
    let again = f.load(&options).await;
    assert_eq!((again.accepted, again.unchanged), (0, 3), "{again:?}");
    assert_eq!(again.mappings_unchanged, 12);
    assert_eq!(f.values().await, [["5"], ["4"], ["3"]]);

    // A delta: one result corrected, one withdrawn; the others untouched.
    let mut delta = BTreeMap::new();
    delta.insert(
        "manifest.csv".to_owned(),
        MANIFEST_BULK
            .replace(",bulk", ",absent")
            .replace("file.lineItems,absent", "file.lineItems,delta")
            .replace("file.classes,absent", "file.classes,delta")
            .replace("file.results,absent", "file.results,delta"),
    );
    delta.insert("lineItems.csv".to_owned(), files["lineItems.csv"].clone());
    delta.insert("classes.csv".to_owned(), files["classes.csv"].clone());
    delta.insert(
        "results.csv".to_owned(),
        format!(
            "{RESULTS_HEADER}{}{}",
            result("r-0", "li-1", 0, "4", "2026-11-21T09:00:00Z"),
            result("r-1", "li-1", 1, "4", "2026-11-21T09:00:00Z")
                .replace(",active,", ",tobedeleted,"),
        ),
    );
    let delta_input = f.write("delta", &delta);
    // Withdrawing one of three marks is more than the tool's default share
    // (and may be more than the platform's), so it is confirmed.
    let refused = load(&f.options(&delta_input)).await.unwrap_err();
    assert!(refused.to_string().contains("1 of the 3"), "{refused:#}");
    let applied = f
        .load(&Options {
            confirm_deletions: true,
            ..f.options(&delta_input)
        })
        .await;
    assert_eq!((applied.accepted, applied.deleted), (1, 1), "{applied:?}");
    assert_eq!(applied.rejected, 0, "{:?}", rejects(&applied.rejects_path));
    assert_eq!(f.values().await, [vec!["4"], vec![], vec!["3"]]);

    // A bulk set that no longer lists r-2 withdraws its mark; it is half
    // of what the vendor holds, so only when confirmed.
    let mut bulk = files.clone();
    bulk.insert(
        "results.csv".into(),
        format!(
            "{RESULTS_HEADER}{}",
            result("r-0", "li-1", 0, "4", "2026-11-21T09:00:00Z")
        ),
    );
    let bulk_input = f.write("bulk", &bulk);
    let refused = load(&f.options(&bulk_input)).await.unwrap_err();
    assert!(
        refused.to_string().contains("--confirm-deletions"),
        "{refused:#}"
    );
    assert_eq!(f.values().await, [vec!["4"], vec![], vec!["3"]]);
    let confirmed = f
        .load(&Options {
            confirm_deletions: true,
            ..f.options(&bulk_input)
        })
        .await;
    assert_eq!(
        (confirmed.deleted, confirmed.unchanged),
        (1, 1),
        "{confirmed:?}"
    );
    assert_eq!(f.values().await, [vec!["4"], vec![], vec![]]);

    // What the vendor has stored, with the dates of the marks.
    let stored = f.stored(0).await.records;
    let keys: Vec<(&str, bool)> = stored
        .iter()
        .map(|r| (r.key.as_ref().unwrap().vendor_record_id.as_str(), r.deleted))
        .collect();
    assert_eq!(keys, [("r-0", false), ("r-1", true), ("r-2", true)]);
    assert!(stored.iter().all(|r| r.date == today()), "{stored:?}");

    // Another vendor granted the same school lists none of them.
    let city = f.city.clone();
    let school = f.school.clone();
    f.vendor = vendor_client(
        &mut f.identity,
        &city,
        "Другой журнал",
        &["roster.read", "marks.write"],
        Some(&school),
    )
    .await
    .token;
    assert!(f.stored(0).await.records.is_empty());
}

#[tokio::test]
async fn malformed_rows_are_reported_by_file_line_and_field_and_the_good_rows_load() {
    let mut f = fixture().await;
    let mut files = f.set().await;
    // categories.csv without its sourcedId column: refused whole, naming it.
    files.insert(
        "categories.csv".into(),
        "id,title\ncat-1,Контрольная\n".into(),
    );
    // A scale the platform does not have.
    files.insert(
        "scoreScales.csv".into(),
        "sourcedId,scoreScaleValue\nss-5,\"1,2,3,4,5\"\nss-a,\"A,B,C\"\n".into(),
    );
    let input = f.write("set", &files);
    // results.csv with a byte-order mark, a comment in Windows-1251 (line
    // 3), a bad date (line 4), an unknown student (line 5), a score off
    // the scale (line 6), and good rows around them.
    let mut results = b"\xEF\xBB\xBF".to_vec();
    results.extend_from_slice(RESULTS_HEADER.as_bytes());
    results.extend_from_slice(result("r-0", "li-1", 0, "5", "2026-11-20T10:00:00Z").as_bytes());
    results.extend_from_slice(
        result("r-1", "li-1", 1, "4", "2026-11-20T10:00:00Z")
            .trim_end()
            .as_bytes(),
    );
    results.extend_from_slice(b"\xCC\xEE\xEB\xEE\xE4\xE5\xF6\n");
    results.extend_from_slice(result("r-2", "li-1", 2, "3", "20.11.2026").as_bytes());
    results.extend_from_slice(result("r-3", "li-1", 7, "3", "2026-11-20T10:00:00Z").as_bytes());
    results.extend_from_slice(result("r-4", "li-1", 1, "7", "2026-11-20T10:00:00Z").as_bytes());
    results.extend_from_slice(result("r-5", "li-1", 2, "2", "2026-11-20T10:00:00Z").as_bytes());
    std::fs::write(input.join("results.csv"), results).unwrap();

    let summary = f.load(&f.options(&input)).await;
    assert_eq!(summary.accepted, 2, "{summary:?}");
    let found = rejects(&summary.rejects_path);
    let expected = [
        ("categories.csv", 1, "sourcedId", "missing_column"),
        (
            "scoreScales.csv",
            3,
            "scoreScaleValue",
            "unknown_scale_value",
        ),
        ("results.csv", 3, "comment", "bad_encoding"),
        ("results.csv", 4, "dateLastModified", "bad_date"),
        ("results.csv", 5, "studentSourcedId", "unmapped_sourced_id"),
        ("results.csv", 6, "score", "OUT_OF_SCALE"),
    ];
    let mut found_sorted = found.clone();
    found_sorted.sort();
    let mut expected: Vec<_> = expected
        .iter()
        .map(|(file, line, field, code)| {
            (file.to_string(), *line, field.to_string(), code.to_string())
        })
        .collect();
    expected.sort();
    assert_eq!(found_sorted, expected);
    assert_eq!(summary.rejected, 6);
    assert_eq!(f.values().await, [vec!["5"], vec![], vec!["2"]]);
    assert!(!summary.complete());
}

/// The set with 200 line items due today, a result of each for each
/// student: 600 results, two messages.
async fn large_set(f: &mut Fixture) -> PathBuf {
    let mut files = f.set().await;
    let mut items = String::from(
        "sourcedId,status,dateLastModified,title,assignDate,dueDate,classSourcedId,categorySourcedId\n",
    );
    let mut results = String::from(RESULTS_HEADER);
    for item in 0..200 {
        items.push_str(&format!(
            "li-{item},active,,Работа,{0},{0},cl-5a,cat-1\n",
            today()
        ));
        for n in 0..3 {
            results.push_str(&result(
                &format!("r-{item}-{n}"),
                &format!("li-{item}"),
                n,
                &(1 + (item + n) % 5).to_string(),
                "2026-11-20T10:00:00Z",
            ));
        }
    }
    files.insert("lineItems.csv".into(), items);
    files.insert("results.csv".into(), results);
    f.write("set", &files)
}

#[tokio::test]
async fn a_load_the_platform_paces_opens_its_stream_again_and_goes_on() {
    // Each stream may carry one message: the second fails the stream with
    // RESOURCE_EXHAUSTED, and the load opens another.
    let mut f = fixture_with(SandboxOptions {
        push_limits: Some(PushLimits {
            messages_per_stream: 1,
            ..PushLimits::default()
        }),
        ..SandboxOptions::default()
    })
    .await;
    let input = large_set(&mut f).await;
    let summary = f.load(&f.options(&input)).await;
    assert_eq!(
        (summary.accepted, summary.rejected),
        (600, 0),
        "{summary:?}"
    );
    for n in 0..3 {
        assert_eq!(f.marks_of(n).await.len(), 200);
    }
}

#[tokio::test]
async fn an_interrupted_load_goes_on_where_it_stopped_and_loads_nothing_twice() {
    let mut f = fixture().await;
    let input = large_set(&mut f).await;
    let options = Options {
        stop_after_messages: Some(1),
        ..f.options(&input)
    };
    let stopped = f.load(&options).await;
    assert!(stopped.interrupted);
    assert_eq!(stopped.accepted, 500, "{stopped:?}");
    assert!(options.state_path().exists(), "the checkpoint stays");

    let resumed = f
        .load(&Options {
            stop_after_messages: None,
            ..options.clone()
        })
        .await;
    assert!(!resumed.interrupted);
    assert_eq!(resumed.rejected, 0, "{:?}", rejects(&resumed.rejects_path));
    // Only the rows of the second message are sent.
    assert_eq!(
        (resumed.accepted, resumed.unchanged),
        (100, 0),
        "{resumed:?}"
    );
    assert!(resumed.resumed_rows >= 500);
    for n in 0..3 {
        assert_eq!(f.marks_of(n).await.len(), 200);
    }
    let page = f.stored(1000).await;
    assert_eq!(page.records.len(), 500, "a page is at most 500 keys");
    assert!(!page.next_page_token.is_empty());
    assert!(!options.state_path().exists());
}
