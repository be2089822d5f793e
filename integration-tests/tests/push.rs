//! Vendors pushing marks through import: receipts per record, replays that
//! change nothing, the newest revision winning, tombstones, optimistic
//! concurrency, dry runs, teachers' corrections standing, and vendors
//! without a grant or a scope learning nothing.

use chrono::{Days, Utc};
use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, Term, violated_fields, with_token};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

use import::ReceiptStatus::{Accepted, Rejected, Stale, Unchanged};

struct Fixture {
    _sandbox: Sandbox,
    builder: SchoolBuilder,
    import: ImportServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
    school: String,
    students: Vec<String>,
    english: String,
    teacher_token: String,
    manager: String,
    term: Term,
    /// A vendor granted the school, with roster.read and marks.write, whose
    /// students are mapped as "s0", "s1", …
    vendor: String,
}

async fn fixture() -> Fixture {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut b = SchoolBuilder::new(&sandbox, "Школа с внешним журналом")
        .await
        .unwrap();
    let teacher = b.staff("Учитель", identity::StaffRole::Teacher).await;
    let class = b.class(5, "А", &teacher).await;
    let mut students = Vec::new();
    for family in ["Алексеев", "Борисов", "Васильев"] {
        students.push(b.student_in(&class, family).await);
    }
    let english = b.subject("Английский язык").await;
    b.teach(&teacher, &class, &english).await;
    let admin = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let manager = b.token_of(&admin, "push-admin").await;
    let teacher_token = b.token_of(&teacher, "push-teacher").await;
    let term = b.term(&manager, &class, &english, &teacher).await.unwrap();
    let school = b.school_id.clone();
    let city = b.city.clone();
    let vendor = vendor(
        &mut b.identity,
        &city,
        &["roster.read", "marks.write"],
        Some(&school),
    )
    .await;
    let mut import = ImportServiceClient::new(sandbox.channel("import").await.unwrap());
    let mappings = students
        .iter()
        .enumerate()
        .map(|(n, student)| import::IdMapping {
            entity_type: import::EntityType::Student.into(),
            external_id: format!("s{n}"),
            platform_id: student.clone(),
            ..Default::default()
        })
        .collect();
    import
        .put_id_mappings(with_token(
            &vendor,
            import::PutIdMappingsRequest {
                school_id: school.clone(),
                mappings,
            },
        ))
        .await
        .unwrap();
    Fixture {
        gradebook: GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap()),
        _sandbox: sandbox,
        builder: b,
        import,
        school,
        students,
        english,
        teacher_token,
        manager,
        term,
        vendor,
    }
}

/// A vendor client with `scopes`, granted `school` if given: its token.
async fn vendor(
    identity: &mut otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient<
        Channel,
    >,
    city: &str,
    scopes: &[&str],
    school: Option<&str>,
) -> String {
    let created = identity
        .create_client(with_token(
            city,
            identity::CreateClientRequest {
                name: "Внешний журнал".into(),
                kind: identity::ClientKind::Vendor.into(),
                allowed_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let client_id = created.client.unwrap().id;
    if let Some(school) = school {
        identity
            .grant_vendor_access(with_token(
                city,
                identity::GrantVendorAccessRequest {
                    school_id: school.into(),
                    client_id: client_id.clone(),
                },
            ))
            .await
            .unwrap();
    }
    identity
        .get_client_token(identity::GetClientTokenRequest {
            client_id,
            client_secret: created.client_secret,
            scopes: vec![],
        })
        .await
        .unwrap()
        .into_inner()
        .access_token
}

fn external(id: &str) -> Option<import::EntityRef> {
    Some(import::EntityRef {
        reference: Some(import::entity_ref::Reference::ExternalId(id.into())),
    })
}

fn platform(id: &str) -> Option<import::EntityRef> {
    Some(import::EntityRef {
        reference: Some(import::entity_ref::Reference::Id(id.into())),
    })
}

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

impl Fixture {
    /// An upsert of vendor record `key` at `revision`: the mark `value` of
    /// student `student` ("s0", …) in English today.
    fn upsert(
        &self,
        key: &str,
        revision: i64,
        student: &str,
        value: &str,
    ) -> import::RecordOperation {
        import::RecordOperation {
            school_id: self.school.clone(),
            record_type: import::RecordType::Mark.into(),
            vendor_record_id: key.into(),
            revision,
            action: import::RecordAction::Upsert.into(),
            payload: Some(import::record_operation::Payload::Mark(
                import::MarkRecord {
                    student: external(student),
                    subject: platform(&self.english),
                    date: today().to_string(),
                    value: value.into(),
                    ..Default::default()
                },
            )),
            ..Default::default()
        }
    }

    fn delete(&self, key: &str, revision: i64) -> import::RecordOperation {
        import::RecordOperation {
            school_id: self.school.clone(),
            record_type: import::RecordType::Mark.into(),
            vendor_record_id: key.into(),
            revision,
            action: import::RecordAction::Delete.into(),
            ..Default::default()
        }
    }

    /// Pushes one message per batch on one stream, as `token`: the receipts
    /// of each, in order.
    async fn push_as(
        &mut self,
        token: &str,
        batches: Vec<Vec<import::RecordOperation>>,
        dry_run: bool,
    ) -> Result<Vec<Vec<import::Receipt>>, tonic::Status> {
        let messages: Vec<_> = batches
            .into_iter()
            .map(|operations| import::PushRecordsRequest {
                operations,
                dry_run,
                confirm_deletions: false,
            })
            .collect();
        let count = messages.len();
        let mut stream = self
            .import
            .push_records(with_token(token, tokio_stream::iter(messages)))
            .await?
            .into_inner();
        let mut answers = Vec::new();
        while let Some(reply) = stream.message().await? {
            answers.push(reply.receipts);
        }
        assert_eq!(answers.len(), count, "one answer per message");
        Ok(answers)
    }

    async fn push(&mut self, operations: Vec<import::RecordOperation>) -> Vec<import::Receipt> {
        let vendor = self.vendor.clone();
        self.push_as(&vendor, vec![operations], false)
            .await
            .unwrap()
            .remove(0)
    }

    /// A student's standing marks in English, as the teacher reads them.
    async fn marks_of(&mut self, student: usize) -> Vec<gradebook::Mark> {
        self.gradebook
            .list_student_marks(with_token(
                &self.teacher_token,
                gradebook::ListStudentMarksRequest {
                    student_id: self.students[student].clone(),
                    subject_id: self.english.clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .marks
    }

    async fn mark(&mut self, id: &str) -> gradebook::Mark {
        self.gradebook
            .get_mark(with_token(
                &self.teacher_token,
                gradebook::GetMarkRequest { id: id.into() },
            ))
            .await
            .unwrap()
            .into_inner()
            .mark
            .unwrap()
    }

    async fn revisions_of(&mut self, mark: &str) -> Vec<gradebook::MarkRevision> {
        self.gradebook
            .list_mark_revisions(with_token(
                &self.teacher_token,
                gradebook::ListMarkRevisionsRequest {
                    mark_id: mark.into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .revisions
    }
}

fn statuses(receipts: &[import::Receipt]) -> Vec<import::ReceiptStatus> {
    receipts
        .iter()
        .map(|r| import::ReceiptStatus::try_from(r.status).unwrap())
        .collect()
}

fn codes(receipts: &[import::Receipt]) -> Vec<(String, String)> {
    receipts
        .iter()
        .map(|r| {
            r.errors
                .first()
                .map(|e| (e.code.clone(), e.field.clone()))
                .unwrap_or_default()
        })
        .collect()
}

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
    let vendor = f.vendor.clone();
    let lookup = f
        .import
        .get_receipts(with_token(
            &vendor,
            import::GetReceiptsRequest {
                school_id: f.school.clone(),
                keys: vec![key("m-0"), key("m-1"), key("m-9")],
            },
        ))
        .await
        .unwrap()
        .into_inner();
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
async fn a_mark_a_teacher_changed_survives_vendor_updates_unless_the_school_lets_vendors_win() {
    let mut f = fixture().await;
    let created = f.push(vec![f.upsert("m-0", 1, "s0", "3")]).await;
    let mark = created[0].platform_id.clone();
    f.gradebook
        .update_mark(with_token(
            &f.teacher_token,
            gradebook::UpdateMarkRequest {
                id: mark.clone(),
                value: "4".into(),
                status: gradebook::MarkStatus::Graded.into(),
                reason: "Пересмотрела работу".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
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
                    mark: Some(gradebook::VendorMark {
                        student_id: f.students[0].clone(),
                        subject_id: f.english.clone(),
                        lesson_date: today().to_string(),
                        value: "5".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                dry_run: false,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(refused[0].error_code, "NOT_GRANTED");
    assert!(f.marks_of(0).await.is_empty());

    // Attendance is not taken yet, whatever the scopes.
    let mut attendance = f.delete("a-0", 1);
    attendance.record_type = import::RecordType::Attendance.into();
    let vendor = f.vendor.clone();
    let receipts = f
        .push_as(&vendor, vec![vec![attendance]], false)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        codes(&receipts),
        [("UNSUPPORTED_RECORD_TYPE".into(), "record_type".into())]
    );
}

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
