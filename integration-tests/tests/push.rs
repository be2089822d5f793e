//! Vendors pushing marks and attendance through import: receipts per
//! record, replays that change nothing, the newest revision winning,
//! tombstones, optimistic concurrency, dry runs, teachers' corrections
//! standing, the deletion safety valve, per-vendor limits, and vendors
//! without a grant or a scope learning nothing.

use chrono::Days;
use otmetka_integration_tests::school::{
    SchoolBuilder, Term, vendor_client, violated_fields, with_token,
};
use otmetka_integration_tests::{Options, Sandbox};
use otmetka_local::PushLimits;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
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
    /// A vendor granted the school, with every vendor scope, whose students
    /// are mapped as "s0", "s1", …
    vendor: String,
}

async fn fixture() -> Fixture {
    fixture_with(PushLimits::default()).await
}

async fn fixture_with(push_limits: PushLimits) -> Fixture {
    let sandbox = Sandbox::start_with(Options {
        push_limits: Some(push_limits),
        ..Options::default()
    })
    .await
    .expect("sandbox");
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
        &[
            "roster.read",
            "marks.write",
            "attendance.write",
            "changes.read",
        ],
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
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    scopes: &[&str],
    school: Option<&str>,
) -> String {
    vendor_client(identity, city, "Внешний журнал", scopes, school)
        .await
        .token
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
    otmetka_integration_tests::SANDBOX_TODAY
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

    /// An upsert of attendance record `key`: student `student` (by index)
    /// absent from `lesson` (its platform id).
    fn absence(
        &self,
        key: &str,
        revision: i64,
        student: usize,
        lesson: &str,
    ) -> import::RecordOperation {
        import::RecordOperation {
            school_id: self.school.clone(),
            record_type: import::RecordType::Attendance.into(),
            vendor_record_id: key.into(),
            revision,
            action: import::RecordAction::Upsert.into(),
            payload: Some(import::record_operation::Payload::Attendance(
                import::AttendanceRecord {
                    student: external(&format!("s{student}")),
                    lesson: Some(import::LessonRef {
                        reference: Some(import::lesson_ref::Reference::LessonId(lesson.into())),
                    }),
                    status: import::AttendanceStatus::Absent.into(),
                    ..Default::default()
                },
            )),
            ..Default::default()
        }
    }

    /// A student's attendance records, as the teacher reads them.
    async fn attendance_of(&mut self, student: usize) -> Vec<gradebook::AttendanceRecord> {
        self.gradebook
            .list_student_attendance(with_token(
                &self.teacher_token,
                gradebook::ListStudentAttendanceRequest {
                    student_id: self.students[student].clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .records
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

    /// Pushes one message per batch on one stream until the stream fails:
    /// the receipts answered before, and the failure.
    async fn push_until_refused(
        &mut self,
        token: &str,
        batches: Vec<Vec<import::RecordOperation>>,
    ) -> (Vec<Vec<import::Receipt>>, tonic::Status) {
        let messages: Vec<_> = batches
            .into_iter()
            .map(|operations| import::PushRecordsRequest {
                operations,
                ..Default::default()
            })
            .collect();
        let mut stream = match self
            .import
            .push_records(with_token(token, tokio_stream::iter(messages)))
            .await
        {
            Ok(stream) => stream.into_inner(),
            Err(status) => return (Vec::new(), status),
        };
        let mut answers = Vec::new();
        loop {
            match stream.message().await {
                Ok(Some(reply)) => answers.push(reply.receipts),
                Ok(None) => panic!("the stream ended without a refusal after {answers:?}"),
                Err(status) => return (answers, status),
            }
        }
    }

    /// Pushes one message confirming its deletions.
    async fn push_confirmed(
        &mut self,
        operations: Vec<import::RecordOperation>,
    ) -> Vec<import::Receipt> {
        let message = import::PushRecordsRequest {
            operations,
            dry_run: false,
            confirm_deletions: true,
        };
        let mut stream = self
            .import
            .push_records(with_token(&self.vendor, tokio_stream::iter([message])))
            .await
            .unwrap()
            .into_inner();
        stream.message().await.unwrap().expect("an answer").receipts
    }

    fn delete_attendance(&self, key: &str, revision: i64) -> import::RecordOperation {
        import::RecordOperation {
            record_type: import::RecordType::Attendance.into(),
            ..self.delete(key, revision)
        }
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

#[tokio::test]
async fn attendance_is_pushed_like_marks_and_a_teachers_record_stands() {
    let mut f = fixture().await;
    let lesson = f.term.lesson_on_or_before(today()).clone();
    let created = f.push(vec![f.absence("a-0", 1, 0, &lesson.id)]).await;
    assert_eq!(statuses(&created), [Accepted]);
    let record_id = created[0].platform_id.clone();
    assert!(Uuid::parse_str(&record_id).is_ok());
    let recorded = f.attendance_of(0).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].id, record_id);
    assert_eq!(recorded[0].kind(), gradebook::AttendanceKind::Absent);
    assert_eq!(
        (
            recorded[0].subject_id.as_str(),
            recorded[0].lesson_date.as_str()
        ),
        (lesson.subject_id.as_str(), lesson.date.as_str()),
        "the lesson gives the subject and the day"
    );

    // A replay changes nothing; a newer revision corrects the record.
    let again = f.push(vec![f.absence("a-0", 1, 0, &lesson.id)]).await;
    assert_eq!(statuses(&again), [Unchanged]);
    let mut late = f.absence("a-0", 2, 0, &lesson.id);
    if let Some(import::record_operation::Payload::Attendance(attendance)) = &mut late.payload {
        attendance.status = import::AttendanceStatus::Late.into();
        attendance.late_by = Some(prost_types::Duration {
            seconds: 600,
            nanos: 0,
        });
    }
    let corrected = f.push(vec![late]).await;
    assert_eq!(statuses(&corrected), [Accepted]);
    assert_eq!(corrected[0].platform_id, record_id, "one key, one record");
    let recorded = f.attendance_of(0).await;
    assert_eq!(
        (recorded[0].kind(), recorded[0].late_minutes),
        (gradebook::AttendanceKind::Late, 10)
    );

    // Deleting marks the student present again.
    let deleted = f.push(vec![f.delete_attendance("a-0", 3)]).await;
    assert_eq!(statuses(&deleted), [Accepted]);
    assert!(deleted[0].deleted);
    assert_eq!(
        f.attendance_of(0).await[0].kind(),
        gradebook::AttendanceKind::Present
    );
    let vendor = f.vendor.clone();
    let stored = f
        .import
        .get_receipts(with_token(
            &vendor,
            import::GetReceiptsRequest {
                school_id: f.school.clone(),
                keys: vec![import::RecordKey {
                    record_type: import::RecordType::Attendance.into(),
                    vendor_record_id: "a-0".into(),
                }],
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.receipts.len(), 1);
    assert_eq!(
        (stored.receipts[0].revision, stored.receipts[0].deleted),
        (3, true)
    );

    // What a teacher recorded stands: before the vendor's first push of
    // the student at the lesson, and after it.
    f.gradebook
        .set_attendance(with_token(
            &f.teacher_token,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: f.students[1].clone(),
                    lesson_id: lesson.id.clone(),
                    subject_id: lesson.subject_id.clone(),
                    lesson_date: lesson.date.clone(),
                    kind: gradebook::AttendanceKind::Ill.into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
    let refused = f.push(vec![f.absence("a-1", 1, 1, &lesson.id)]).await;
    assert_eq!(codes(&refused)[0].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(
        f.attendance_of(1).await[0].kind(),
        gradebook::AttendanceKind::Ill
    );
    let pushed = f.push(vec![f.absence("a-2", 1, 2, &lesson.id)]).await;
    assert_eq!(statuses(&pushed), [Accepted]);
    f.gradebook
        .set_attendance(with_token(
            &f.teacher_token,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: f.students[2].clone(),
                    lesson_id: lesson.id.clone(),
                    subject_id: lesson.subject_id.clone(),
                    lesson_date: lesson.date.clone(),
                    kind: gradebook::AttendanceKind::Present.into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
    let refused = f
        .push(vec![
            f.absence("a-2", 2, 2, &lesson.id),
            f.delete_attendance("a-2", 3),
        ])
        .await;
    assert_eq!(codes(&refused)[0].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(codes(&refused)[1].0, "OVERRIDDEN_BY_TEACHER");
    assert_eq!(
        f.attendance_of(2).await[0].kind(),
        gradebook::AttendanceKind::Present
    );

    // Unknown students and lessons are refused one by one.
    let mut no_lesson = f.absence("a-3", 1, 0, &Uuid::now_v7().to_string());
    no_lesson.vendor_record_id = "a-3".into();
    let receipts = f
        .push(vec![f.absence("a-4", 1, 7, &lesson.id), no_lesson])
        .await;
    assert_eq!(
        codes(&receipts),
        [
            ("UNRESOLVED_REFERENCE".into(), "attendance.student".into()),
            ("UNRESOLVED_REFERENCE".into(), "attendance.lesson".into()),
        ]
    );
}

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
    let stored = f
        .import
        .get_receipts(with_token(
            &vendor,
            import::GetReceiptsRequest {
                school_id: f.school.clone(),
                keys: vec![import::RecordKey {
                    record_type: import::RecordType::Mark.into(),
                    vendor_record_id: "m-4".into(),
                }],
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        stored.not_found.len(),
        1,
        "nothing of a refused message is applied"
    );
}

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
    use import::ChangeOrigin::{OtherVendor, Platform, ThisVendor};
    use import::ChangeType::{Created, Deleted, Updated};
    let mut f = fixture().await;
    let lesson = f.term.lesson_on_or_before(today()).clone();
    let pushed = f.push(vec![f.upsert("m-0", 1, "s0", "3")]).await;
    let mark = pushed[0].platform_id.clone();
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

    let vendor_token = f.vendor.clone();
    let seen = changes_of(&mut f, &vendor_token, Default::default(), 6).await;
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
            (teachers.id.clone(), Created, Platform, String::new()),
            (teachers.id.clone(), Deleted, Platform, String::new()),
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

    // Filters: without its own changes; attendance only.
    let theirs = changes_of(
        &mut f,
        &vendor_token,
        import::ListChangesRequest {
            exclude_own: true,
            ..Default::default()
        },
        4,
    )
    .await;
    assert!(theirs.iter().all(|c| c.origin() != ThisVendor));
    let attendance_only = changes_of(
        &mut f,
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

    // A token of other filters is refused; a vendor without changes.read
    // or without the grant reads nothing.
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
            &other,
            import::ListChangesRequest {
                school_id: f.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
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

/// What is stored for keys: each key's revision and deletion, with the
/// value, withdrawal and revision of the mark it stands for.
type Stored = Vec<(String, i64, bool, Option<(String, bool, i32)>)>;

impl Fixture {
    async fn stored(&mut self, keys: &[String]) -> Stored {
        let vendor = self.vendor.clone();
        let receipts = self
            .import
            .get_receipts(with_token(
                &vendor,
                import::GetReceiptsRequest {
                    school_id: self.school.clone(),
                    keys: keys
                        .iter()
                        .map(|key| import::RecordKey {
                            record_type: import::RecordType::Mark.into(),
                            vendor_record_id: key.clone(),
                        })
                        .collect(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .receipts;
        let mut stored = Vec::new();
        for receipt in receipts {
            let mark = if receipt.platform_id.is_empty() {
                None
            } else {
                let mark = self.mark(&receipt.platform_id).await;
                Some((mark.value, mark.delete_time.is_some(), mark.revision))
            };
            stored.push((
                receipt.vendor_record_id,
                receipt.revision,
                receipt.deleted,
                mark,
            ));
        }
        stored.sort();
        stored
    }
}

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

#[tokio::test]
async fn a_lesson_may_be_named_by_its_place_in_the_timetable() {
    let mut f = fixture().await;
    let lesson = f.term.lesson_on_or_before(today()).clone();
    let at = |number: i32| {
        Some(import::LessonRef {
            reference: Some(import::lesson_ref::Reference::Slot(import::LessonSlot {
                class_ref: platform(&lesson.class_id),
                date: lesson.date.clone(),
                lesson_number: number,
                ..Default::default()
            })),
        })
    };
    let mut mark = f.upsert("m-0", 1, "s0", "5");
    let mut nowhere = f.upsert("m-1", 1, "s1", "5");
    let mut unnamed = f.upsert("m-2", 1, "s2", "5");
    for (operation, lesson_ref) in [
        (&mut mark, at(lesson.lesson_number)),
        (&mut nowhere, at(lesson.lesson_number + 20)),
        (
            &mut unnamed,
            Some(import::LessonRef {
                reference: Some(import::lesson_ref::Reference::Slot(import::LessonSlot {
                    date: lesson.date.clone(),
                    lesson_number: 1,
                    ..Default::default()
                })),
            }),
        ),
    ] {
        if let Some(import::record_operation::Payload::Mark(m)) = &mut operation.payload {
            m.lesson = lesson_ref;
            m.date = lesson.date.clone();
        }
    }
    let mut absence = f.absence("a-0", 1, 0, &lesson.id);
    if let Some(import::record_operation::Payload::Attendance(a)) = &mut absence.payload {
        a.lesson = at(lesson.lesson_number);
    }
    let receipts = f.push(vec![mark, nowhere, unnamed, absence]).await;
    assert_eq!(
        codes(&receipts),
        [
            (String::new(), String::new()),
            ("UNRESOLVED_REFERENCE".into(), "mark.lesson.slot".into()),
            ("INVALID_FIELD".into(), "mark.lesson.slot.class_ref".into()),
            (String::new(), String::new()),
        ]
    );
    assert_eq!(f.mark(&receipts[0].platform_id).await.lesson_id, lesson.id);
    assert_eq!(f.attendance_of(0).await[0].lesson_id, lesson.id);
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
