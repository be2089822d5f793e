//! Vendors pushing marks and attendance through import: receipts per
//! record, replays that change nothing, the newest revision winning,
//! tombstones, optimistic concurrency, dry runs, teachers' corrections
//! standing, the deletion safety valve, per-vendor limits, and vendors
//! without a grant or a scope learning nothing.

use chrono::Days;
use otmetka_integration_tests::school::{
    EnglishClass, SchoolBuilder, Term, map_students, vendor_client, violated_fields, with_token,
};
use otmetka_integration_tests::{Options, Sandbox};
use otmetka_local::PushLimits;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

use import::ReceiptStatus::{Accepted, Rejected, Stale, Unchanged};

mod access;
mod attendance;
mod changes;
mod limits;
mod races;
mod records;
mod revisions;

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
    let EnglishClass {
        builder: mut b,
        students,
        english,
        manager,
        teacher_token,
        term,
        ..
    } = EnglishClass::new(&sandbox, "Школа с внешним журналом", "push")
        .await
        .unwrap();
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
    map_students(&mut import, &vendor, &school, &students).await;
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

    /// What import stored for the vendor's records `keys` of `record_type`.
    async fn receipts(
        &mut self,
        record_type: import::RecordType,
        keys: &[String],
    ) -> import::GetReceiptsResponse {
        let vendor = self.vendor.clone();
        self.import
            .get_receipts(with_token(
                &vendor,
                import::GetReceiptsRequest {
                    school_id: self.school.clone(),
                    keys: keys
                        .iter()
                        .map(|key| import::RecordKey {
                            record_type: record_type.into(),
                            vendor_record_id: key.clone(),
                        })
                        .collect(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
    }

    /// The teacher changes `mark` to `value`, as on a second look.
    async fn teacher_corrects(&mut self, mark: &str, value: &str) {
        self.gradebook
            .update_mark(with_token(
                &self.teacher_token,
                gradebook::UpdateMarkRequest {
                    id: mark.into(),
                    value: value.into(),
                    status: gradebook::MarkStatus::Graded.into(),
                    reason: "Пересмотрела работу".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap();
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

/// What is stored for keys: each key's revision and deletion, with the
/// value, withdrawal and revision of the mark it stands for.
type Stored = Vec<(String, i64, bool, Option<(String, bool, i32)>)>;

impl Fixture {
    async fn stored(&mut self, keys: &[String]) -> Stored {
        let receipts = self.receipts(import::RecordType::Mark, keys).await.receipts;
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
