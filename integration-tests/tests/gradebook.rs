//! The journal through gradebook's gRPC API: scales, history, «seen»,
//! attendance, averages and what-ifs, finals under changing policies,
//! locks and reopening, the grid, and the change feed.

use chrono::Days;
use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, Term, violated_fields, with_token};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use tonic::Code;
use tonic::transport::Channel;

/// A class 7А with two students, the guardian of the first, a teacher of
/// mathematics, Russian and PE, the deputy head and the administrator, and
/// a term of daily mathematics lessons around today.
struct Journal {
    gradebook: GradebookServiceClient<Channel>,
    builder: SchoolBuilder,
    term: Term,
    class: String,
    mathematics: String,
    russian: String,
    pe: String,
    student: String,
    classmate: String,
    teacher: String,
    other_teacher: String,
    guardian: String,
    other_guardian: String,
    deputy: String,
    admin: String,
}

async fn journal(sandbox: &Sandbox) -> Journal {
    let mut b = SchoolBuilder::new(sandbox, "Школа журнала").await.unwrap();
    let teacher_id = b.staff("Учительница", identity::StaffRole::Teacher).await;
    let other_teacher_id = b.staff("Другой", identity::StaffRole::Teacher).await;
    let deputy_id = b.staff("Завуч", identity::StaffRole::DeputyHead).await;
    let admin_id = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let class = b.class(7, "А", "").await;
    let mathematics = b.subject("Математика").await;
    let russian = b.subject("Русский язык").await;
    let pe = b.subject("Физкультура").await;
    for subject in [&mathematics, &russian, &pe] {
        b.teach(&teacher_id, &class, subject).await;
    }
    let student_id = b.student_in(&class, "Ученица").await;
    let classmate = b.student_in(&class, "Одноклассник").await;
    let guardian_id = b.guardian_of(&student_id, "Мама").await;
    let other_guardian_id = b.guardian_of(&classmate, "Папа соседа").await;
    let admin = b.token_of(&admin_id, "j-admin").await;
    let term = b
        .term(&admin, &class, &mathematics, &teacher_id)
        .await
        .unwrap();
    Journal {
        gradebook: GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap()),
        teacher: b.token_of(&teacher_id, "j-teacher").await,
        other_teacher: b.token_of(&other_teacher_id, "j-other-teacher").await,
        guardian: b.token_of(&guardian_id, "j-guardian").await,
        other_guardian: b.token_of(&other_guardian_id, "j-other-guardian").await,
        deputy: b.token_of(&deputy_id, "j-deputy").await,
        student: student_id,
        admin,
        builder: b,
        term,
        class,
        mathematics,
        russian,
        pe,
        classmate,
    }
}

fn days_ago(days: u64) -> String {
    (otmetka_integration_tests::SANDBOX_TODAY - Days::new(days)).to_string()
}

impl Journal {
    async fn post(
        &mut self,
        token: &str,
        mark: pb::CreateMarkRequest,
    ) -> Result<pb::Mark, tonic::Status> {
        let token = token.to_owned();
        self.gradebook
            .create_mark(with_token(&token, mark))
            .await
            .map(|response| response.into_inner().mark.unwrap())
    }

    fn mark(&self, subject: &str, value: &str, date: &str) -> pb::CreateMarkRequest {
        pb::CreateMarkRequest {
            student_id: self.student.clone(),
            subject_id: subject.into(),
            lesson_date: date.into(),
            value: value.into(),
            ..Default::default()
        }
    }

    async fn scale(&mut self, subject: &str, kind: pb::ScaleKind, modifiers: bool) {
        let admin = self.admin.clone();
        self.gradebook
            .create_grading_scale(with_token(
                &admin,
                pb::CreateGradingScaleRequest {
                    grading_scale: Some(pb::GradingScale {
                        school_id: self.builder.school_id.clone(),
                        subject_id: subject.into(),
                        kind: kind.into(),
                        name: format!("{kind:?}"),
                        allow_modifiers: modifiers,
                        ..Default::default()
                    }),
                },
            ))
            .await
            .unwrap();
    }

    async fn averages(&mut self, token: &str) -> Vec<pb::SubjectAverage> {
        let token = token.to_owned();
        self.gradebook
            .get_student_averages(with_token(
                &token,
                pb::GetStudentAveragesRequest {
                    student_id: self.student.clone(),
                    reporting_period_id: self.term.period.id.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .averages
    }
}

#[tokio::test]
async fn marks_follow_the_subjects_scale_and_keep_their_history() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut j = journal(&sandbox).await;
    let (teacher, guardian) = (j.teacher.clone(), j.guardian.clone());

    // Only the school's administration sets up scales.
    let refused = j
        .gradebook
        .create_grading_scale(with_token(
            &teacher,
            pb::CreateGradingScaleRequest {
                grading_scale: Some(pb::GradingScale {
                    school_id: j.builder.school_id.clone(),
                    kind: pb::ScaleKind::TenPoint.into(),
                    name: "10".into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap_err();
    assert!(matches!(
        refused.code(),
        Code::NotFound | Code::PermissionDenied
    ));
    j.scale(&j.pe.clone(), pb::ScaleKind::PassFail, false).await;
    j.scale(&j.russian.clone(), pb::ScaleKind::FivePoint, false)
        .await;

    // Values off the subject's scale are refused, naming the field.
    let today = days_ago(0);
    for (subject, value) in [
        (j.mathematics.clone(), "6"),
        (j.russian.clone(), "4+"),
        (j.pe.clone(), "5"),
    ] {
        let status = j
            .post(&teacher, j.mark(&subject, value, &today))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{value}");
        assert_eq!(violated_fields(&status), ["value"], "{value}");
    }
    let passed = j
        .post(&teacher, j.mark(&j.pe.clone(), "Зачёт", &today))
        .await
        .unwrap();
    assert_eq!(
        (passed.value.as_str(), passed.scale),
        ("зачёт", pb::ScaleKind::PassFail.into())
    );

    // A mark on a lesson must carry that lesson's date.
    let lesson = j
        .term
        .lesson_on_or_before(otmetka_integration_tests::SANDBOX_TODAY)
        .clone();
    let mut wrong_day = j.mark(&j.mathematics.clone(), "4", &days_ago(40));
    wrong_day.lesson_id = lesson.id.clone();
    let status = j.post(&teacher, wrong_day).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["lesson_date"]);
    let mut on_lesson = j.mark(&j.mathematics.clone(), "4", &lesson.date);
    on_lesson.lesson_id = lesson.id.clone();
    on_lesson.comment = "Устный ответ".into();
    let mark = j.post(&teacher, on_lesson).await.unwrap();
    assert_eq!((mark.value.as_str(), mark.revision), ("4", 1));

    // A correction needs a reason; then it is a new revision.
    let correction = |reason: &str| pb::UpdateMarkRequest {
        id: mark.id.clone(),
        value: "5".into(),
        comment: "Устный ответ, дополнил".into(),
        reason: reason.into(),
        ..Default::default()
    };
    let status = j
        .gradebook
        .update_mark(with_token(&teacher, correction("")))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&status), ["reason"]);
    let corrected = j
        .gradebook
        .update_mark(with_token(&teacher, correction("Ошибка при вводе")))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    assert_eq!((corrected.value.as_str(), corrected.revision), ("5", 2));
    // Only the subject's teacher corrects it; others do not even see it.
    let status = j
        .gradebook
        .update_mark(with_token(
            &j.other_teacher.clone(),
            correction("чужая правка"),
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // Withdrawing is a recorded change, never a deletion.
    let withdrawn = j
        .gradebook
        .delete_mark(with_token(
            &teacher,
            pb::DeleteMarkRequest {
                id: mark.id.clone(),
                reason: "Поставлена не тому ученику".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    assert!(withdrawn.delete_time.is_some());
    assert_eq!(withdrawn.revision, 3);

    // The family sees the whole history; another family sees nothing.
    let history = j
        .gradebook
        .list_mark_revisions(with_token(
            &guardian,
            pb::ListMarkRevisionsRequest {
                mark_id: mark.id.clone(),
                page_size: 2,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(history.revisions.len(), 2);
    assert!(history.revisions[0].before.is_none());
    assert_eq!(history.revisions[1].before.as_ref().unwrap().value, "4");
    assert_eq!(history.revisions[1].after.as_ref().unwrap().value, "5");
    assert_eq!(history.revisions[1].reason, "Ошибка при вводе");
    let rest = j
        .gradebook
        .list_mark_revisions(with_token(
            &guardian,
            pb::ListMarkRevisionsRequest {
                mark_id: mark.id.clone(),
                page_size: 2,
                page_token: history.next_page_token,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.revisions.len(), 1);
    assert!(
        rest.revisions[0]
            .after
            .as_ref()
            .unwrap()
            .delete_time
            .is_some()
    );
    let status = j
        .gradebook
        .list_mark_revisions(with_token(
            &j.other_guardian.clone(),
            pb::ListMarkRevisionsRequest {
                mark_id: mark.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // «Seen» is the family's to say, and the teacher sees it.
    let status = j
        .gradebook
        .mark_seen(with_token(
            &teacher,
            pb::MarkSeenRequest {
                mark_id: passed.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let seen = j
        .gradebook
        .mark_seen(with_token(
            &guardian,
            pb::MarkSeenRequest {
                mark_id: passed.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .seen_time;
    assert!(seen.is_some());
    let as_teacher_sees = j
        .gradebook
        .get_mark(with_token(
            &teacher,
            pb::GetMarkRequest {
                id: passed.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    assert_eq!(as_teacher_sees.seen_time, seen);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn averages_what_ifs_and_finals_follow_the_policy_in_force() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut j = journal(&sandbox).await;
    let teacher = j.teacher.clone();
    let mathematics = j.mathematics.clone();

    // 5 (a test, weight 2), 4 and 3: (10 + 4 + 3) / 4 = 4,25 → «4».
    let mut test = j.mark(&mathematics, "5", &days_ago(3));
    test.weight = 2;
    j.post(&teacher, test).await.unwrap();
    j.post(&teacher, j.mark(&mathematics, "4", &days_ago(2)))
        .await
        .unwrap();
    j.post(&teacher, j.mark(&mathematics, "3", &days_ago(1)))
        .await
        .unwrap();
    let averages = j.averages(&j.guardian.clone()).await;
    let maths = averages
        .iter()
        .find(|a| a.subject_id == mathematics)
        .unwrap();
    assert_eq!(maths.average, 4.25);
    assert_eq!(maths.suggested_mark, "4");
    assert_eq!(maths.mark_ids.len(), 3);
    assert!(maths.explanation.contains("4,25"), "{}", maths.explanation);
    assert_eq!(maths.policy_version, 0);

    // The what-if's cheapest way to a «5», given, makes «5» the suggestion.
    let what_if = j
        .gradebook
        .compute_what_if(with_token(
            &j.guardian.clone(),
            pb::ComputeWhatIfRequest {
                student_id: j.student.clone(),
                subject_id: mathematics.clone(),
                reporting_period_id: j.term.period.id.clone(),
                target_mark: "5".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(what_if.reachable, "{what_if:?}");
    let cheapest = what_if.marks_needed[0].clone();
    for _ in 0..cheapest.count {
        let mut more = j.mark(&mathematics, &cheapest.value, &days_ago(0));
        more.weight = cheapest.weight;
        j.post(&teacher, more).await.unwrap();
    }
    let averages = j.averages(&teacher).await;
    let maths = averages
        .iter()
        .find(|a| a.subject_id == mathematics)
        .unwrap();
    assert_eq!(maths.suggested_mark, "5", "{}", maths.explanation);

    // A final mark keeps the policy it was set under.
    let final_mark = j
        .gradebook
        .set_final_mark(with_token(
            &teacher,
            pb::SetFinalMarkRequest {
                student_id: j.student.clone(),
                subject_id: mathematics.clone(),
                reporting_period_id: j.term.period.id.clone(),
                value: "5".into(),
                reason: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .final_mark
        .unwrap();
    assert_eq!(final_mark.policy_version, 0);
    let stricter = pb::CalculationPolicy {
        school_id: j.builder.school_id.clone(),
        thresholds: [("5", 4.8), ("4", 3.8), ("3", 2.8), ("2", 0.0)]
            .map(|(mark, min_average)| pb::Threshold {
                mark: mark.into(),
                min_average,
            })
            .to_vec(),
        rounding: "half_up_2".into(),
        ..Default::default()
    };
    let status = j
        .gradebook
        .create_calculation_policy(with_token(
            &teacher,
            pb::CreateCalculationPolicyRequest {
                policy: Some(stricter.clone()),
            },
        ))
        .await
        .unwrap_err();
    assert!(matches!(
        status.code(),
        Code::NotFound | Code::PermissionDenied
    ));
    let mut upside_down = stricter.clone();
    upside_down.thresholds.reverse();
    let status = j
        .gradebook
        .create_calculation_policy(with_token(
            &j.admin.clone(),
            pb::CreateCalculationPolicyRequest {
                policy: Some(upside_down),
            },
        ))
        .await
        .unwrap_err();
    assert!(violated_fields(&status).contains(&"policy.thresholds".to_owned()));
    let published = j
        .gradebook
        .create_calculation_policy(with_token(
            &j.admin.clone(),
            pb::CreateCalculationPolicyRequest {
                policy: Some(stricter),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .policy
        .unwrap();
    assert_eq!(published.version, 1);
    let averages = j.averages(&teacher).await;
    let maths = averages
        .iter()
        .find(|a| a.subject_id == mathematics)
        .unwrap();
    assert_eq!(maths.policy_version, 1);
    let finals = j
        .gradebook
        .list_final_marks(with_token(
            &j.guardian.clone(),
            pb::ListFinalMarksRequest {
                student_id: j.student.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .final_marks;
    assert_eq!(finals.len(), 1);
    assert_eq!(
        (finals[0].value.as_str(), finals[0].policy_version),
        ("5", 0)
    );

    // Beyond the school's edit window a teacher's change is refused.
    j.gradebook
        .update_journal_settings(with_token(
            &j.admin.clone(),
            pb::UpdateJournalSettingsRequest {
                settings: Some(pb::JournalSettings {
                    school_id: j.builder.school_id.clone(),
                    edit_window_days: 2,
                    vendors_override_teachers: false,
                }),
            },
        ))
        .await
        .unwrap();
    let status = j
        .post(&teacher, j.mark(&mathematics, "4", &days_ago(5)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("edit window"),
        "{}",
        status.message()
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_closed_period_locks_the_journal_until_the_deputy_head_reopens_it() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut j = journal(&sandbox).await;
    let (teacher, deputy) = (j.teacher.clone(), j.deputy.clone());
    let mathematics = j.mathematics.clone();
    let school_id = j.builder.school_id.clone();
    j.builder
        .schedule
        .close_reporting_period(with_token(
            &deputy,
            schedule::CloseReportingPeriodRequest {
                school_id: school_id.clone(),
                id: j.term.period.id.clone(),
            },
        ))
        .await
        .unwrap();

    // Gradebook learns of the closing from schedule's change feed: the lock
    // takes hold within moments. One keyed mark, sent until refused, adds at
    // most one mark while it does.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        let mark = pb::CreateMarkRequest {
            request_id: "sent-while-closing".into(),
            ..j.mark(&mathematics, "5", &days_ago(1))
        };
        match j.post(&teacher, mark).await {
            Err(status) => break status,
            Ok(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Ok(mark) => panic!("the closed period still takes marks: {mark:?}"),
        }
    };
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("II четверть"),
        "{}",
        status.message()
    );

    let asked = j
        .gradebook
        .request_reopen(with_token(
            &teacher,
            pb::RequestReopenRequest {
                class_id: j.class.clone(),
                subject_id: mathematics.clone(),
                reporting_period_id: j.term.period.id.clone(),
                reason: "Не выставлена отметка за контрольную".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reopen_request
        .unwrap();
    assert_eq!(asked.state, pb::ReopenState::Pending as i32);
    // The teacher cannot approve their own request.
    let decide = |approve| pb::DecideReopenRequest {
        id: asked.id.clone(),
        approve,
        comment: "Согласовано".into(),
    };
    let status = j
        .gradebook
        .decide_reopen(with_token(&teacher, decide(true)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    // The teacher lists their own requests; the deputy head sees all.
    let own = j
        .gradebook
        .list_reopen_requests(with_token(
            &teacher,
            pb::ListReopenRequestsRequest {
                school_id: school_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reopen_requests;
    assert_eq!(own.len(), 1);
    let approved = j
        .gradebook
        .decide_reopen(with_token(&deputy, decide(true)))
        .await
        .unwrap()
        .into_inner()
        .reopen_request
        .unwrap();
    assert_eq!(approved.state, pb::ReopenState::Approved as i32);
    let status = j
        .gradebook
        .decide_reopen(with_token(&deputy, decide(false)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);

    // Reopened for this class and subject only.
    j.post(&teacher, j.mark(&mathematics, "5", &days_ago(1)))
        .await
        .unwrap();
    let status = j
        .post(&teacher, j.mark(&j.russian.clone(), "5", &days_ago(1)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_grid_attendance_and_the_change_feed() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut j = journal(&sandbox).await;
    let teacher = j.teacher.clone();
    let mathematics = j.mathematics.clone();
    let lesson = j
        .term
        .lesson_on_or_before(otmetka_integration_tests::SANDBOX_TODAY)
        .clone();

    let mut on_lesson = j.mark(&mathematics, "4", &lesson.date);
    on_lesson.lesson_id = lesson.id.clone();
    let mark = j.post(&teacher, on_lesson).await.unwrap();
    let record = |kind: pb::AttendanceKind, late_minutes| pb::SetAttendanceRequest {
        record: Some(pb::AttendanceRecord {
            student_id: j.classmate.clone(),
            lesson_id: lesson.id.clone(),
            subject_id: mathematics.clone(),
            lesson_date: lesson.date.clone(),
            kind: kind.into(),
            late_minutes,
            reason: "Автобус".into(),
            ..Default::default()
        }),
    };
    let status = j
        .gradebook
        .set_attendance(with_token(&teacher, record(pb::AttendanceKind::Absent, 5)))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&status), ["record.late_minutes"]);
    let late = j
        .gradebook
        .set_attendance(with_token(&teacher, record(pb::AttendanceKind::Late, 10)))
        .await
        .unwrap()
        .into_inner()
        .record
        .unwrap();
    let excused = j
        .gradebook
        .set_attendance(with_token(&teacher, record(pb::AttendanceKind::Excused, 0)))
        .await
        .unwrap()
        .into_inner()
        .record
        .unwrap();
    assert_eq!(excused.id, late.id, "a lesson keeps one record per student");
    j.gradebook
        .delete_mark(with_token(
            &teacher,
            pb::DeleteMarkRequest {
                id: mark.id.clone(),
                reason: "Повтор".into(),
            },
        ))
        .await
        .unwrap();
    let kept = j
        .post(&teacher, j.mark(&mathematics, "5", &lesson.date))
        .await
        .unwrap();

    // The grid: every student, every lesson of the term, cells with data.
    let grid = j
        .gradebook
        .get_journal(with_token(
            &teacher,
            pb::GetJournalRequest {
                class_id: j.class.clone(),
                subject_id: mathematics.clone(),
                reporting_period_id: j.term.period.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(grid.student_ids.len(), 2);
    assert_eq!(grid.lesson_ids.len(), j.term.lessons.len());
    let cell = |student: &str| {
        grid.cells
            .iter()
            .find(|c| c.student_id == student && c.lesson_id == lesson.id)
    };
    let own = cell(&j.student).expect("the student's cell");
    assert_eq!(
        own.marks.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [kept.id.as_str()]
    );
    let classmate = cell(&j.classmate).expect("the classmate's cell");
    assert_eq!(
        classmate.attendance.as_ref().unwrap().kind,
        pb::AttendanceKind::Excused as i32
    );
    assert_eq!(grid.averages.len(), 2);
    let status = j
        .gradebook
        .get_journal(with_token(
            &j.other_teacher.clone(),
            pb::GetJournalRequest {
                class_id: j.class.clone(),
                subject_id: mathematics.clone(),
                reporting_period_id: j.term.period.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // The feed: each change once, in order, the withdrawal included; a
    // teacher may not read the whole school's records.
    let status = j
        .gradebook
        .list_changes(with_token(
            &teacher,
            pb::ListChangesRequest {
                school_id: j.builder.school_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let deputy = j.deputy.clone();
    // On PostgreSQL a change shows once every older transaction on the
    // server has ended (see `platform::outbox`), so a busy server delays
    // the tail of the feed: read on until the five changes are in.
    const EXPECTED: usize = 5;
    let mut seen = Vec::new();
    let mut cursors = Vec::new();
    let mut cursor = String::new();
    let mut empty_reads = 0;
    loop {
        let page = j
            .gradebook
            .list_changes(with_token(
                &deputy,
                pb::ListChangesRequest {
                    cursor: cursor.clone(),
                    page_size: 2,
                    school_id: j.builder.school_id.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        if page.changes.is_empty() {
            assert_eq!(page.next_cursor, cursor, "an empty page keeps the cursor");
            empty_reads += 1;
            if seen.len() >= EXPECTED || empty_reads > 600 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        }
        for change in &page.changes {
            seen.push((change.resource_id.clone(), change.kind));
            // Every change carries the resource; a withdrawn mark says when.
            match &change.resource {
                Some(pb::change::Resource::Mark(m)) => assert_eq!(
                    m.delete_time.is_some(),
                    change.kind == pb::ChangeKind::Deleted as i32
                ),
                Some(_) => {}
                None => panic!("a change without its resource: {change:?}"),
            }
        }
        // A busy PostgreSQL may hand out a short page, so remember how
        // many changes each cursor has already covered.
        cursors.push((page.next_cursor.clone(), seen.len()));
        cursor = page.next_cursor;
    }
    use pb::ChangeKind::{Created, Deleted, Updated};
    assert_eq!(
        seen,
        [
            (mark.id.clone(), Created as i32),
            (late.id.clone(), Created as i32),
            (late.id.clone(), Updated as i32),
            (mark.id.clone(), Deleted as i32),
            (kept.id.clone(), Created as i32),
        ]
    );
    // Resuming from a cursor delivers exactly what came after it.
    let (first_cursor, covered) = cursors[0].clone();
    let resumed = j
        .gradebook
        .list_changes(with_token(
            &deputy,
            pb::ListChangesRequest {
                cursor: first_cursor,
                page_size: 10,
                school_id: j.builder.school_id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let resumed_ids: Vec<_> = resumed
        .changes
        .iter()
        .map(|c| (c.resource_id.clone(), c.kind))
        .collect();
    assert_eq!(resumed_ids, seen[covered..]);
    sandbox.stop().await.unwrap();
}
