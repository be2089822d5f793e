//! The permission matrix: every RPC that touches a person's or a school's
//! data, called by every kind of caller, against the expected allow/deny.
//! A denial must look like absence (or a plain refusal), never a leak.

use std::collections::BTreeSet;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{
    SchoolBuilder, Term, service_client_token, vendor_client, with_token,
};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::Code;
use tonic::transport::Channel;

mod gradebook_calls;
mod identity_calls;
mod import_calls;
mod meeting_calls;
mod messaging_calls;
mod rpcs;
mod schedule_calls;

use gradebook_calls::call_gradebook;
use identity_calls::{call_identity, call_own_password};
use import_calls::call_import;
use meeting_calls::{call_meetings, fixture_meeting};
use messaging_calls::{call_messaging, fixture_announcement, fixture_thread};
use rpcs::{RPCS, Rpc, allowed};
use schedule_calls::call_schedule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    OwnGuardian,
    OtherGuardian,
    Student,
    OtherStudent,
    SubjectTeacher,
    OtherTeacher,
    ClassTeacher,
    DeputyHead,
    SchoolAdmin,
    OtherSchoolAdmin,
    CityOperator,
    GrantedVendor,
    UngrantedVendor,
    /// A client with the gateway's scopes. No column of its own: it is
    /// called only in the rows that allow it, after everyone they refuse.
    Gateway,
    /// A client with messaging's scopes: it learns students' families to
    /// notify them. No column of its own, as the gateway.
    Notifier,
}

const EVERYONE: [Who; 13] = [
    Who::OwnGuardian,
    Who::OtherGuardian,
    Who::Student,
    Who::OtherStudent,
    Who::SubjectTeacher,
    Who::OtherTeacher,
    Who::ClassTeacher,
    Who::DeputyHead,
    Who::SchoolAdmin,
    Who::OtherSchoolAdmin,
    Who::CityOperator,
    Who::GrantedVendor,
    Who::UngrantedVendor,
];

/// The school, its people and their tokens.
struct Fixture {
    identity: IdentityServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
    schedule: ScheduleServiceClient<Channel>,
    import: ImportServiceClient<Channel>,
    messaging: MessagingServiceClient<Channel>,
    school: String,
    class_5a: String,
    class_6b: String,
    mathematics: String,
    student: String,
    spare_student: String,
    own_guardian: String,
    other_guardian: String,
    tokens: Vec<(Who, String)>,
    /// A term of daily mathematics lessons of 5А around today.
    term: Term,
    /// A lesson of that term on or before today.
    lesson: schedule::Lesson,
    /// A mark of the student on that lesson.
    mark: String,
    subject_teacher: String,
    class_teacher: String,
    /// A thread the own guardian began with the subject teacher.
    thread: String,
    /// An announcement to 5А by its class teacher that has reached the class.
    announcement: String,
    /// A meeting of 5А its class teacher planned, its guardians invited.
    meeting: String,
    /// The own guardian's invitation to that meeting.
    invitation: String,
    /// Another grade's quarter, to close without locking 5А's journal.
    sixth_grade_period: String,
    /// An unused access code to the student, for a guardian to register by.
    access_code: String,
}

/// The external identity provider of the gateway rows.
const ISSUER: &str = "https://login.mos.ru/sps";
/// An external identity linked to the own guardian, so that signing in by
/// it is refused for who calls, not for an unknown identity.
const LINKED_SUBJECT: &str = "matrix-linked";

async fn vendor(
    identity: &mut IdentityServiceClient<Channel>,
    admin: &str,
    grant_school: Option<&str>,
) -> String {
    let scopes = [
        "roster.read",
        "marks.write",
        "attendance.write",
        "changes.read",
    ];
    vendor_client(identity, admin, "Вендор", &scopes, grant_school)
        .await
        .token
}

async fn fixture(sandbox: &Sandbox) -> Fixture {
    let mut b = SchoolBuilder::new(sandbox, "Матричная школа А")
        .await
        .unwrap();
    let mut other = SchoolBuilder::new(sandbox, "Матричная школа Б")
        .await
        .unwrap();
    let mut identity = b.identity.clone();
    let city = b.city.clone();
    let school_a = b.school_id.clone();
    let mathematics = b.subject("Математика").await;

    let subject_teacher = b.staff("Предметник", identity::StaffRole::Teacher).await;
    let other_teacher = b.staff("Другой", identity::StaffRole::Teacher).await;
    let class_teacher = b.staff("Классный", identity::StaffRole::Teacher).await;
    let deputy = b.staff("Завуч", identity::StaffRole::DeputyHead).await;
    let school_admin = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let class_5a = b.class(5, "А", &class_teacher).await;
    let class_6b = b.class(6, "Б", "").await;
    b.teach(&subject_teacher, &class_5a, &mathematics).await;
    b.teach(&other_teacher, &class_6b, &mathematics).await;

    let student = b.student_in(&class_5a, "Ученик").await;
    let other_student = b.student_in(&class_5a, "Одноклассник").await;
    let spare_student = b.person(identity::PersonKind::Student, "Запасной").await;
    let own_guardian = b.guardian_of(&student, "Родитель").await;
    let other_guardian = b.guardian_of(&other_student, "Чужой").await;

    let mut tokens = vec![
        (
            Who::OwnGuardian,
            b.token_of(&own_guardian, "m-own-guardian").await,
        ),
        (
            Who::OtherGuardian,
            b.token_of(&other_guardian, "m-other-guardian").await,
        ),
        (Who::Student, b.token_of(&student, "m-student").await),
        (
            Who::OtherStudent,
            b.token_of(&other_student, "m-other-student").await,
        ),
        (
            Who::SubjectTeacher,
            b.token_of(&subject_teacher, "m-subject-teacher").await,
        ),
        (
            Who::OtherTeacher,
            b.token_of(&other_teacher, "m-other-teacher").await,
        ),
        (
            Who::ClassTeacher,
            b.token_of(&class_teacher, "m-class-teacher").await,
        ),
        (Who::DeputyHead, b.token_of(&deputy, "m-deputy").await),
        (
            Who::SchoolAdmin,
            b.token_of(&school_admin, "m-school-admin").await,
        ),
    ];
    let other_admin = other
        .staff("Чужой администратор", identity::StaffRole::SchoolAdmin)
        .await;
    tokens.push((
        Who::OtherSchoolAdmin,
        other.token_of(&other_admin, "m-other-admin").await,
    ));
    tokens.push((Who::CityOperator, city.clone()));
    tokens.push((
        Who::GrantedVendor,
        vendor(&mut identity, &city, Some(&school_a)).await,
    ));
    tokens.push((
        Who::UngrantedVendor,
        vendor(&mut identity, &city, None).await,
    ));
    let gateway = service_client_token(
        &mut identity,
        &city,
        "Шлюз",
        &otmetka_platform::authz::GATEWAY_SCOPES,
    )
    .await;
    identity
        .link_external_identity(with_token(
            &gateway,
            identity::LinkExternalIdentityRequest {
                issuer: ISSUER.into(),
                subject: LINKED_SUBJECT.into(),
                person_id: own_guardian.clone(),
            },
        ))
        .await
        .unwrap();
    tokens.push((Who::Gateway, gateway));
    let notifier = service_client_token(
        &mut identity,
        &city,
        "Уведомления",
        &otmetka_platform::authz::NOTIFIER_SCOPES,
    )
    .await;
    tokens.push((Who::Notifier, notifier));
    let admin_token = tokens
        .iter()
        .find(|(who, _)| *who == Who::SchoolAdmin)
        .unwrap()
        .1
        .clone();
    let term = b
        .term(&admin_token, &class_5a, &mathematics, &subject_teacher)
        .await
        .unwrap();

    let sixth_grade_period = b
        .schedule
        .create_reporting_period(with_token(
            &admin_token,
            schedule::CreateReportingPeriodRequest {
                reporting_period: Some(schedule::ReportingPeriod {
                    grade_levels: vec![6],
                    ..term.period.clone()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reporting_period
        .unwrap()
        .id;
    let lesson = term
        .lesson_on_or_before(otmetka_integration_tests::SANDBOX_TODAY)
        .clone();
    let access_code = identity
        .issue_access_code(with_token(
            &admin_token,
            identity::IssueAccessCodeRequest {
                student_id: student.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .code;
    let mut messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let guardian_token = tokens
        .iter()
        .find(|(who, _)| *who == Who::OwnGuardian)
        .unwrap()
        .1
        .clone();
    let thread = fixture_thread(
        &mut messaging,
        &school_a,
        &guardian_token,
        &subject_teacher,
        &student,
    )
    .await;
    let class_teacher_token = tokens
        .iter()
        .find(|(who, _)| *who == Who::ClassTeacher)
        .unwrap()
        .1
        .clone();
    let announcement =
        fixture_announcement(&mut messaging, &school_a, &class_5a, &class_teacher_token).await;
    let (meeting, invitation) = fixture_meeting(
        &mut messaging,
        &school_a,
        &class_5a,
        &class_teacher_token,
        &guardian_token,
    )
    .await;
    let mut fixture = Fixture {
        lesson,
        messaging,
        thread,
        announcement,
        meeting,
        invitation,
        class_teacher,
        mark: String::new(),
        subject_teacher,
        sixth_grade_period,
        access_code,
        identity,
        gradebook: GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap()),
        schedule: b.schedule.clone(),
        import: ImportServiceClient::new(sandbox.channel("import").await.unwrap()),
        school: school_a,
        class_5a,
        class_6b,
        mathematics,
        student,
        spare_student,
        own_guardian,
        other_guardian,
        tokens,
        term,
    };
    fixture.mark = fixture.fresh_mark().await;
    fixture
}

impl Fixture {
    fn token(&self, who: Who) -> String {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .unwrap()
            .1
            .clone()
    }

    /// A fresh mark of the student, posted by their subject teacher today.
    async fn fresh_mark(&mut self) -> String {
        let teacher = self.token(Who::SubjectTeacher);
        self.gradebook
            .create_mark(with_token(
                &teacher,
                gradebook::CreateMarkRequest {
                    student_id: self.student.clone(),
                    subject_id: self.mathematics.clone(),
                    lesson_date: self.lesson.date.clone(),
                    lesson_id: self.lesson.id.clone(),
                    value: "4".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .mark
            .unwrap()
            .id
    }

    /// A fresh request of the subject teacher to reopen the journal.
    async fn fresh_reopen_request(&mut self) -> String {
        let teacher = self.token(Who::SubjectTeacher);
        self.gradebook
            .request_reopen(with_token(
                &teacher,
                gradebook::RequestReopenRequest {
                    class_id: self.class_5a.clone(),
                    subject_id: self.mathematics.clone(),
                    reporting_period_id: self.term.period.id.clone(),
                    reason: "Исправить отметку".into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .reopen_request
            .unwrap()
            .id
    }
}

fn ok<T>(result: Result<T, tonic::Status>) -> Result<(), Code> {
    result.map(|_| ()).map_err(|status| status.code())
}

/// Makes the call as `who`; `Ok` if it was allowed, else the refusal's code.
async fn call(f: &mut Fixture, rpc: Rpc, who: Who, serial: usize) -> Result<(), Code> {
    let token = f.token(who);
    let unique = format!("{who:?}-{serial}");
    match rpc {
        rpc @ (Rpc::ListStudentMarks
        | Rpc::CreateMark
        | Rpc::GetMark
        | Rpc::UpdateMark
        | Rpc::DeleteMark
        | Rpc::ListMarkRevisions
        | Rpc::MarkSeen
        | Rpc::CreateGradingScale
        | Rpc::ListGradingScales
        | Rpc::CreateWorkType
        | Rpc::ListWorkTypes
        | Rpc::GetJournalSettings
        | Rpc::UpdateJournalSettings
        | Rpc::SetAttendance
        | Rpc::ListStudentAttendance
        | Rpc::GetStudentWeekRecord
        | Rpc::GetJournal
        | Rpc::FindJournalStudents
        | Rpc::GetStudentAverages
        | Rpc::ComputeWhatIf
        | Rpc::CreateCalculationPolicy
        | Rpc::GetCalculationPolicy
        | Rpc::SetFinalMark
        | Rpc::ListFinalMarks
        | Rpc::RequestReopen
        | Rpc::DecideReopen
        | Rpc::ListReopenRequests
        | Rpc::ListGradebookChanges
        | Rpc::ApplyVendorRecords
        | Rpc::ListVendorRecords
        | Rpc::ListVendorRecordKeys) => call_gradebook(f, rpc, &token, &unique).await,
        rpc @ (Rpc::ListReportingPeriods
        | Rpc::CloseReportingPeriod
        | Rpc::ListLessons
        | Rpc::GetStudentWeek
        | Rpc::CreateTimetableEntry
        | Rpc::GenerateLessons
        | Rpc::SetLessonTopic
        | Rpc::CancelLesson
        | Rpc::ListScheduleChanges) => call_schedule(f, rpc, who, &token).await,
        rpc @ (Rpc::ListGrantedSchools
        | Rpc::ListRosterClasses
        | Rpc::ListRosterGroups
        | Rpc::ListRosterSubjects
        | Rpc::ListRosterStudents
        | Rpc::ListRosterTeachers
        | Rpc::ListRosterEnrollments
        | Rpc::ListRosterPeriods
        | Rpc::ListRosterLessons
        | Rpc::PutIdMappings
        | Rpc::ListIdMappings
        | Rpc::DeleteIdMappings
        | Rpc::PushRecords
        | Rpc::GetReceipts
        | Rpc::ListRecords
        | Rpc::ListVendorChanges) => call_import(f, rpc, &token, &unique).await,
        rpc @ (Rpc::CreateThread
        | Rpc::GetThread
        | Rpc::ListThreads
        | Rpc::ArchiveThread
        | Rpc::CreateThreadMessage
        | Rpc::ListThreadMessages
        | Rpc::MarkThreadRead
        | Rpc::GetUnreadCounts
        | Rpc::ListNotifications
        | Rpc::MarkNotificationsRead
        | Rpc::WatchNotifications
        | Rpc::AcknowledgeNotifications
        | Rpc::GetNotificationSettings
        | Rpc::UpdateNotificationSettings
        | Rpc::CreateAnnouncement
        | Rpc::GetAnnouncement
        | Rpc::ListAnnouncements
        | Rpc::UpdateAnnouncement
        | Rpc::DeleteAnnouncement
        | Rpc::MarkAnnouncementsRead) => call_messaging(f, rpc, who, &token).await,
        rpc @ (Rpc::CreateParentMeeting
        | Rpc::GetParentMeeting
        | Rpc::ListParentMeetings
        | Rpc::UpdateParentMeeting
        | Rpc::CancelParentMeeting
        | Rpc::ListMeetingInvitations
        | Rpc::ReplyMeetingInvitation) => call_meetings(f, rpc, &token).await,
        rpc @ (Rpc::ConfirmPassword | Rpc::ChangePassword) => {
            let password = match who {
                Who::CityOperator => otmetka_integration_tests::ADMIN_PASSWORD,
                _ => otmetka_integration_tests::school::PERSON_PASSWORD,
            };
            call_own_password(f, rpc, &token, password).await
        }
        rpc => call_identity(f, rpc, &token, unique, serial).await,
    }
}

#[tokio::test]
async fn every_rpc_against_every_kind_of_caller() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut fixture = fixture(&sandbox).await;
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (index, rpc) in RPCS.into_iter().enumerate() {
        let expected = allowed(rpc);
        // A row that allows nobody would stay green on a malformed request.
        assert!(
            !expected.is_empty(),
            "{rpc:?}: no caller proves the request good"
        );
        let beyond_columns = expected.iter().filter(|who| !EVERYONE.contains(who));
        for (offset, who) in EVERYONE.iter().chain(beyond_columns).copied().enumerate() {
            cells += 1;
            let outcome = call(&mut fixture, rpc, who, index * 100 + offset).await;
            let should = expected.contains(&who);
            match (should, outcome) {
                (true, Ok(())) => {}
                // A refusal reads as absence or a plain "no": nothing leaks.
                (false, Err(Code::NotFound | Code::PermissionDenied)) => {}
                (should, outcome) => wrong.push(format!(
                    "{rpc:?} × {who:?}: expected {}, got {outcome:?}",
                    if should { "allowed" } else { "denied" }
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    sandbox.stop().await.unwrap();
}
