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
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::Code;
use tonic::transport::Channel;

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
    let mut fixture = Fixture {
        lesson,
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

/// The RPCs under test.
#[derive(Debug, Clone, Copy)]
enum Rpc {
    ListStudentMarks,
    CreateMark,
    CheckAccess,
    GetSchool,
    ListClasses,
    ListSubjects,
    ListPersons,
    ListClassStudents,
    ListClassMemberships,
    ListTeachingAssignments,
    GetStudent,
    ListGuardianships,
    CreateSubject,
    CreateClass,
    CreatePerson,
    EnrollStudent,
    LinkGuardian,
    SetCredentials,
    UpdatePerson,
    IssueAccessCode,
    ListAccessCodes,
    ListAuditEvents,
    ListVendorGrants,
    CreateGroup,
    ListGroups,
    UpdateSchool,
    ImportRoster,
    RotateSigningKey,
    ListClients,
    LoginWithExternalIdentity,
    RegisterExternalGuardian,
    LinkExternalIdentity,
    ListSessionRevocations,
    CheckReadSchool,
    CheckManageSchedule,
    CheckClosePeriod,
    CheckTeachClass,
    CheckReadClass,
    ListStudentMemberships,
    CheckActAsFamily,
    CheckReadSchoolRecords,
    GetSchoolDirectory,
    GetMark,
    UpdateMark,
    DeleteMark,
    ListMarkRevisions,
    MarkSeen,
    CreateGradingScale,
    ListGradingScales,
    CreateWorkType,
    ListWorkTypes,
    GetJournalSettings,
    UpdateJournalSettings,
    SetAttendance,
    ListStudentAttendance,
    GetStudentWeekRecord,
    GetJournal,
    GetStudentAverages,
    ComputeWhatIf,
    CreateCalculationPolicy,
    GetCalculationPolicy,
    SetFinalMark,
    ListFinalMarks,
    RequestReopen,
    DecideReopen,
    ListReopenRequests,
    ListGradebookChanges,
    ApplyVendorRecords,
    ListVendorRecords,
    ListVendorRecordKeys,
    PushRecords,
    GetReceipts,
    ListRecords,
    ListVendorChanges,
    ListReportingPeriods,
    CloseReportingPeriod,
    ListLessons,
    GetStudentWeek,
    CreateTimetableEntry,
    GenerateLessons,
    SetLessonTopic,
    CancelLesson,
    ListScheduleChanges,
    GetClass,
    ListGrantedSchools,
    ListRosterClasses,
    ListRosterGroups,
    ListRosterSubjects,
    ListRosterStudents,
    ListRosterTeachers,
    ListRosterEnrollments,
    ListRosterPeriods,
    ListRosterLessons,
    PutIdMappings,
    ListIdMappings,
    DeleteIdMappings,
}

const RPCS: [Rpc; 96] = [
    Rpc::ListStudentMarks,
    Rpc::CreateMark,
    Rpc::CheckAccess,
    Rpc::GetSchool,
    Rpc::ListClasses,
    Rpc::ListSubjects,
    Rpc::ListPersons,
    Rpc::ListClassStudents,
    Rpc::ListClassMemberships,
    Rpc::ListTeachingAssignments,
    Rpc::GetStudent,
    Rpc::ListGuardianships,
    Rpc::CreateSubject,
    Rpc::CreateClass,
    Rpc::CreatePerson,
    Rpc::EnrollStudent,
    Rpc::LinkGuardian,
    Rpc::SetCredentials,
    Rpc::UpdatePerson,
    Rpc::IssueAccessCode,
    Rpc::ListAccessCodes,
    Rpc::ListAuditEvents,
    Rpc::ListVendorGrants,
    Rpc::CreateGroup,
    Rpc::ListGroups,
    Rpc::UpdateSchool,
    Rpc::ImportRoster,
    Rpc::RotateSigningKey,
    Rpc::ListClients,
    Rpc::LoginWithExternalIdentity,
    Rpc::RegisterExternalGuardian,
    Rpc::LinkExternalIdentity,
    Rpc::ListSessionRevocations,
    Rpc::CheckReadSchool,
    Rpc::CheckManageSchedule,
    Rpc::CheckClosePeriod,
    Rpc::CheckTeachClass,
    Rpc::CheckReadClass,
    Rpc::ListStudentMemberships,
    Rpc::CheckActAsFamily,
    Rpc::CheckReadSchoolRecords,
    Rpc::GetSchoolDirectory,
    Rpc::GetMark,
    Rpc::UpdateMark,
    Rpc::DeleteMark,
    Rpc::ListMarkRevisions,
    Rpc::MarkSeen,
    Rpc::CreateGradingScale,
    Rpc::ListGradingScales,
    Rpc::CreateWorkType,
    Rpc::ListWorkTypes,
    Rpc::GetJournalSettings,
    Rpc::UpdateJournalSettings,
    Rpc::SetAttendance,
    Rpc::ListStudentAttendance,
    Rpc::GetStudentWeekRecord,
    Rpc::GetJournal,
    Rpc::GetStudentAverages,
    Rpc::ComputeWhatIf,
    Rpc::CreateCalculationPolicy,
    Rpc::GetCalculationPolicy,
    Rpc::SetFinalMark,
    Rpc::ListFinalMarks,
    Rpc::RequestReopen,
    Rpc::DecideReopen,
    Rpc::ListReopenRequests,
    Rpc::ListGradebookChanges,
    Rpc::ApplyVendorRecords,
    Rpc::ListVendorRecords,
    Rpc::ListVendorRecordKeys,
    Rpc::PushRecords,
    Rpc::GetReceipts,
    Rpc::ListRecords,
    Rpc::ListVendorChanges,
    Rpc::ListReportingPeriods,
    Rpc::CloseReportingPeriod,
    Rpc::ListLessons,
    Rpc::GetStudentWeek,
    Rpc::CreateTimetableEntry,
    Rpc::GenerateLessons,
    Rpc::SetLessonTopic,
    Rpc::CancelLesson,
    Rpc::ListScheduleChanges,
    Rpc::GetClass,
    Rpc::ListGrantedSchools,
    Rpc::ListRosterClasses,
    Rpc::ListRosterGroups,
    Rpc::ListRosterSubjects,
    Rpc::ListRosterStudents,
    Rpc::ListRosterTeachers,
    Rpc::ListRosterEnrollments,
    Rpc::ListRosterPeriods,
    Rpc::ListRosterLessons,
    Rpc::PutIdMappings,
    Rpc::ListIdMappings,
    Rpc::DeleteIdMappings,
];

/// Who may make each call.
fn allowed(rpc: Rpc) -> BTreeSet<Who> {
    use Who::*;
    let read_record = [
        OwnGuardian,
        Student,
        SubjectTeacher,
        ClassTeacher,
        DeputyHead,
    ];
    let read_roster = [
        SubjectTeacher,
        OtherTeacher,
        ClassTeacher,
        DeputyHead,
        SchoolAdmin,
        CityOperator,
        GrantedVendor,
    ];
    let manage = [SchoolAdmin, CityOperator];
    let set: Vec<Who> = match rpc {
        Rpc::ListStudentMarks | Rpc::CheckAccess => read_record.to_vec(),
        Rpc::CreateMark => vec![SubjectTeacher],
        Rpc::UpdateSchool | Rpc::RotateSigningKey | Rpc::ListClients => vec![CityOperator],
        Rpc::ImportRoster => manage.to_vec(),
        // Only the gateway's own client may: no person, no vendor.
        Rpc::LoginWithExternalIdentity
        | Rpc::RegisterExternalGuardian
        | Rpc::LinkExternalIdentity
        | Rpc::ListSessionRevocations => vec![Gateway],
        Rpc::GetSchool
        | Rpc::ListClasses
        | Rpc::ListSubjects
        | Rpc::ListPersons
        | Rpc::ListClassStudents
        | Rpc::ListClassMemberships
        | Rpc::ListTeachingAssignments
        | Rpc::ListGroups => read_roster.to_vec(),
        Rpc::GetStudent | Rpc::ListStudentMemberships => {
            [read_roster.as_slice(), &[Student, OwnGuardian]].concat()
        }
        Rpc::ListGuardianships => [read_roster.as_slice(), &[OwnGuardian]].concat(),
        Rpc::CreateSubject
        | Rpc::CreateClass
        | Rpc::CreatePerson
        | Rpc::EnrollStudent
        | Rpc::LinkGuardian
        | Rpc::SetCredentials
        | Rpc::UpdatePerson
        | Rpc::IssueAccessCode
        | Rpc::ListAccessCodes
        | Rpc::ListAuditEvents
        | Rpc::ListVendorGrants
        | Rpc::CreateGroup => manage.to_vec(),
        Rpc::CheckReadSchool | Rpc::GetSchoolDirectory => [
            read_roster.as_slice(),
            &[OwnGuardian, OtherGuardian, Student, OtherStudent],
        ]
        .concat(),
        Rpc::CheckReadClass => [
            read_roster.as_slice(),
            &[OwnGuardian, OtherGuardian, Student, OtherStudent],
        ]
        .concat(),
        Rpc::CheckManageSchedule => vec![SchoolAdmin, DeputyHead],
        Rpc::CheckClosePeriod => vec![DeputyHead],
        Rpc::CheckTeachClass | Rpc::GetJournal | Rpc::RequestReopen | Rpc::SetLessonTopic => {
            vec![SubjectTeacher, ClassTeacher, DeputyHead]
        }
        Rpc::GetMark
        | Rpc::ListMarkRevisions
        | Rpc::ListStudentAttendance
        | Rpc::GetStudentWeekRecord
        | Rpc::GetStudentAverages
        | Rpc::ComputeWhatIf
        | Rpc::ListFinalMarks
        | Rpc::GetStudentWeek => read_record.to_vec(),
        Rpc::UpdateMark | Rpc::DeleteMark | Rpc::SetAttendance | Rpc::SetFinalMark => {
            vec![SubjectTeacher]
        }
        Rpc::MarkSeen => vec![Student, OwnGuardian],
        Rpc::CreateGradingScale
        | Rpc::CreateWorkType
        | Rpc::UpdateJournalSettings
        | Rpc::CreateCalculationPolicy
        | Rpc::CreateTimetableEntry
        | Rpc::GenerateLessons
        | Rpc::CancelLesson => vec![SchoolAdmin, DeputyHead],
        Rpc::ListGradingScales
        | Rpc::ListWorkTypes
        | Rpc::GetJournalSettings
        | Rpc::GetCalculationPolicy
        | Rpc::ListReportingPeriods
        | Rpc::ListLessons
        | Rpc::GetClass => [
            read_roster.as_slice(),
            &[OwnGuardian, OtherGuardian, Student, OtherStudent],
        ]
        .concat(),
        Rpc::DecideReopen | Rpc::CloseReportingPeriod => vec![DeputyHead],
        // Leadership sees every request, other staff their own; clients none.
        Rpc::ListReopenRequests => vec![
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
            CityOperator,
        ],
        Rpc::ListGradebookChanges => vec![DeputyHead, CityOperator, GrantedVendor],
        Rpc::ListScheduleChanges => read_roster.to_vec(),
        Rpc::CheckActAsFamily => vec![Student, OwnGuardian],
        Rpc::CheckReadSchoolRecords => vec![DeputyHead, CityOperator, GrantedVendor],
        // The vendor API is for vendors alone; one without a grant learns
        // only that it has none.
        Rpc::ListGrantedSchools => vec![GrantedVendor, UngrantedVendor],
        Rpc::ListRosterClasses
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
        | Rpc::ListVendorChanges => vec![GrantedVendor],
        // Pushed marks: a vendor without the grant gets NOT_GRANTED for the
        // record, read here as absence.
        Rpc::ApplyVendorRecords
        | Rpc::ListVendorRecords
        | Rpc::ListVendorRecordKeys
        | Rpc::PushRecords
        | Rpc::GetReceipts
        | Rpc::ListRecords => vec![GrantedVendor],
    };
    set.into_iter().collect()
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

/// The journal's calls on 5А's mathematics in the fixture's term.
async fn call_gradebook(f: &mut Fixture, rpc: Rpc, token: &str, unique: &str) -> Result<(), Code> {
    let period = f.term.period.id.clone();
    let school = f.school.clone();
    let g = &mut f.gradebook.clone();
    match rpc {
        Rpc::GetMark => ok(g
            .get_mark(with_token(
                token,
                gradebook::GetMarkRequest { id: f.mark.clone() },
            ))
            .await),
        Rpc::UpdateMark => ok(g
            .update_mark(with_token(
                token,
                gradebook::UpdateMarkRequest {
                    id: f.mark.clone(),
                    value: "5".into(),
                    reason: "Пересмотр".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::DeleteMark => {
            let id = f.fresh_mark().await;
            ok(g.delete_mark(with_token(
                token,
                gradebook::DeleteMarkRequest {
                    id,
                    reason: "Ошибка".into(),
                },
            ))
            .await)
        }
        Rpc::ListMarkRevisions => ok(g
            .list_mark_revisions(with_token(
                token,
                gradebook::ListMarkRevisionsRequest {
                    mark_id: f.mark.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::MarkSeen => ok(g
            .mark_seen(with_token(
                token,
                gradebook::MarkSeenRequest {
                    mark_id: f.mark.clone(),
                },
            ))
            .await),
        Rpc::CreateGradingScale => ok(g
            .create_grading_scale(with_token(
                token,
                gradebook::CreateGradingScaleRequest {
                    grading_scale: Some(gradebook::GradingScale {
                        school_id: school,
                        // A subject of its own, so that every allowed call can create one.
                        subject_id: uuid::Uuid::now_v7().to_string(),
                        kind: gradebook::ScaleKind::TenPoint.into(),
                        name: unique.into(),
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::ListGradingScales => ok(g
            .list_grading_scales(with_token(
                token,
                gradebook::ListGradingScalesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CreateWorkType => ok(g
            .create_work_type(with_token(
                token,
                gradebook::CreateWorkTypeRequest {
                    work_type: Some(gradebook::WorkType {
                        school_id: school,
                        name: unique.into(),
                        weight: 2,
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::ListWorkTypes => ok(g
            .list_work_types(with_token(
                token,
                gradebook::ListWorkTypesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetJournalSettings => ok(g
            .get_journal_settings(with_token(
                token,
                gradebook::GetJournalSettingsRequest { school_id: school },
            ))
            .await),
        Rpc::UpdateJournalSettings => ok(g
            .update_journal_settings(with_token(
                token,
                gradebook::UpdateJournalSettingsRequest {
                    settings: Some(gradebook::JournalSettings {
                        school_id: school,
                        edit_window_days: 14,
                        vendors_override_teachers: false,
                    }),
                },
            ))
            .await),
        Rpc::SetAttendance => ok(g
            .set_attendance(with_token(
                token,
                gradebook::SetAttendanceRequest {
                    record: Some(gradebook::AttendanceRecord {
                        student_id: f.student.clone(),
                        lesson_id: f.lesson.id.clone(),
                        subject_id: f.mathematics.clone(),
                        lesson_date: f.lesson.date.clone(),
                        kind: gradebook::AttendanceKind::Ill.into(),
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::ListStudentAttendance => ok(g
            .list_student_attendance(with_token(
                token,
                gradebook::ListStudentAttendanceRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudentWeekRecord => ok(g
            .get_student_week_record(with_token(
                token,
                gradebook::GetStudentWeekRecordRequest {
                    student_id: f.student.clone(),
                    date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                },
            ))
            .await),
        Rpc::GetJournal => ok(g
            .get_journal(with_token(
                token,
                gradebook::GetJournalRequest {
                    class_id: f.class_5a.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudentAverages => ok(g
            .get_student_averages(with_token(
                token,
                gradebook::GetStudentAveragesRequest {
                    student_id: f.student.clone(),
                    reporting_period_id: period,
                },
            ))
            .await),
        Rpc::ComputeWhatIf => ok(g
            .compute_what_if(with_token(
                token,
                gradebook::ComputeWhatIfRequest {
                    student_id: f.student.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    target_mark: "5".into(),
                },
            ))
            .await),
        Rpc::CreateCalculationPolicy => ok(g
            .create_calculation_policy(with_token(
                token,
                gradebook::CreateCalculationPolicyRequest {
                    policy: Some(gradebook::CalculationPolicy {
                        school_id: school,
                        thresholds: vec![
                            gradebook::Threshold {
                                mark: "5".into(),
                                min_average: 4.5,
                            },
                            gradebook::Threshold {
                                mark: "2".into(),
                                min_average: 0.0,
                            },
                        ],
                        rounding: "half_up_2".into(),
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::GetCalculationPolicy => ok(g
            .get_calculation_policy(with_token(
                token,
                gradebook::GetCalculationPolicyRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::SetFinalMark => ok(g
            .set_final_mark(with_token(
                token,
                gradebook::SetFinalMarkRequest {
                    student_id: f.student.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    value: "4".into(),
                    reason: String::new(),
                },
            ))
            .await),
        Rpc::ListFinalMarks => ok(g
            .list_final_marks(with_token(
                token,
                gradebook::ListFinalMarksRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::RequestReopen => ok(g
            .request_reopen(with_token(
                token,
                gradebook::RequestReopenRequest {
                    class_id: f.class_5a.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    reason: "Исправить".into(),
                },
            ))
            .await),
        Rpc::DecideReopen => {
            let id = f.fresh_reopen_request().await;
            ok(g.decide_reopen(with_token(
                token,
                gradebook::DecideReopenRequest {
                    id,
                    approve: false,
                    comment: String::new(),
                },
            ))
            .await)
        }
        Rpc::ListReopenRequests => ok(g
            .list_reopen_requests(with_token(
                token,
                gradebook::ListReopenRequestsRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListGradebookChanges => ok(g
            .list_changes(with_token(
                token,
                gradebook::ListChangesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ApplyVendorRecords => {
            let results = g
                .apply_vendor_records(with_token(
                    token,
                    gradebook::ApplyVendorRecordsRequest {
                        school_id: school,
                        records: vec![gradebook::VendorRecord {
                            vendor_record_id: unique.into(),
                            revision: 1,
                            record_type: gradebook::VendorRecordType::Mark.into(),
                            mark: Some(gradebook::VendorMark {
                                student_id: f.student.clone(),
                                subject_id: f.mathematics.clone(),
                                lesson_date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                                value: "4".into(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                ))
                .await
                .map_err(|status| status.code())?
                .into_inner()
                .results;
            match gradebook::VendorRecordOutcome::try_from(results[0].outcome) {
                Ok(gradebook::VendorRecordOutcome::Accepted) => Ok(()),
                _ => {
                    assert_eq!(results[0].error_code, "NOT_GRANTED", "{results:?}");
                    Err(Code::NotFound)
                }
            }
        }
        Rpc::ListVendorRecords => ok(g
            .list_vendor_records(with_token(
                token,
                gradebook::ListVendorRecordsRequest {
                    school_id: school,
                    vendor_record_ids: vec![unique.into()],
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListVendorRecordKeys => ok(g
            .list_vendor_record_keys(with_token(
                token,
                gradebook::ListVendorRecordKeysRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not a gradebook call"),
    }
}

/// Schedule's calls on the fixture's school, class, term and lessons.
async fn call_schedule(f: &mut Fixture, rpc: Rpc, who: Who, token: &str) -> Result<(), Code> {
    let school = f.school.clone();
    let s = &mut f.schedule.clone();
    let today = otmetka_integration_tests::SANDBOX_TODAY;
    match rpc {
        Rpc::ListReportingPeriods => ok(s
            .list_reporting_periods(with_token(
                token,
                schedule::ListReportingPeriodsRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CloseReportingPeriod => ok(s
            .close_reporting_period(with_token(
                token,
                schedule::CloseReportingPeriodRequest {
                    school_id: school,
                    id: f.sixth_grade_period.clone(),
                },
            ))
            .await),
        Rpc::ListLessons => ok(s
            .list_lessons(with_token(
                token,
                schedule::ListLessonsRequest {
                    school_id: school,
                    class_id: f.class_5a.clone(),
                    from_date: (today - chrono::Days::new(7)).to_string(),
                    to_date: today.to_string(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudentWeek => ok(s
            .get_student_week(with_token(
                token,
                schedule::GetStudentWeekRequest {
                    school_id: school,
                    student_id: f.student.clone(),
                    date: today.to_string(),
                },
            ))
            .await),
        Rpc::CreateTimetableEntry => ok(s
            .create_timetable_entry(with_token(
                token,
                schedule::CreateTimetableEntryRequest {
                    timetable_entry: Some(schedule::TimetableEntry {
                        school_id: school,
                        academic_year_id: f.term.academic_year_id.clone(),
                        class_id: f.class_5a.clone(),
                        // A free slot for each of the two who may.
                        weekday: if who == Who::DeputyHead {
                            schedule::Weekday::Sunday
                        } else {
                            schedule::Weekday::Saturday
                        }
                        .into(),
                        lesson_number: 1,
                        subject_id: f.mathematics.clone(),
                        teacher_id: f.subject_teacher.clone(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await),
        Rpc::GenerateLessons => ok(s
            .generate_lessons(with_token(
                token,
                schedule::GenerateLessonsRequest {
                    school_id: school,
                    academic_year_id: f.term.academic_year_id.clone(),
                    from_date: today.to_string(),
                    to_date: (today + chrono::Days::new(7)).to_string(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::SetLessonTopic => ok(s
            .set_lesson_topic(with_token(
                token,
                schedule::SetLessonTopicRequest {
                    school_id: school,
                    lesson_id: f.lesson.id.clone(),
                    topic: "Дроби".into(),
                },
            ))
            .await),
        Rpc::CancelLesson => ok(s
            .cancel_lesson(with_token(
                token,
                schedule::CancelLessonRequest {
                    school_id: school,
                    lesson_id: f.term.lessons[0].id.clone(),
                    reason: "Карантин".into(),
                },
            ))
            .await),
        Rpc::ListScheduleChanges => ok(s
            .list_changes(with_token(
                token,
                schedule::ListChangesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not a schedule call"),
    }
}

/// The vendor API's calls on the fixture's school.
async fn call_import(f: &mut Fixture, rpc: Rpc, token: &str, unique: &str) -> Result<(), Code> {
    let school_id = f.school.clone();
    let i = &mut f.import.clone();
    let today = otmetka_integration_tests::SANDBOX_TODAY;
    match rpc {
        Rpc::ListGrantedSchools => ok(i
            .list_granted_schools(with_token(
                token,
                import::ListGrantedSchoolsRequest::default(),
            ))
            .await),
        Rpc::ListRosterClasses => ok(i
            .list_roster_classes(with_token(
                token,
                import::ListRosterClassesRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterGroups => ok(i
            .list_roster_groups(with_token(
                token,
                import::ListRosterGroupsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterSubjects => ok(i
            .list_roster_subjects(with_token(
                token,
                import::ListRosterSubjectsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterStudents => ok(i
            .list_roster_students(with_token(
                token,
                import::ListRosterStudentsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterTeachers => ok(i
            .list_roster_teachers(with_token(
                token,
                import::ListRosterTeachersRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterEnrollments => ok(i
            .list_roster_enrollments(with_token(
                token,
                import::ListRosterEnrollmentsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterPeriods => ok(i
            .list_roster_periods(with_token(
                token,
                import::ListRosterPeriodsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterLessons => ok(i
            .list_roster_lessons(with_token(
                token,
                import::ListRosterLessonsRequest {
                    school_id,
                    from_date: (today - chrono::Days::new(7)).to_string(),
                    to_date: today.to_string(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::PutIdMappings => {
            let results = i
                .put_id_mappings(with_token(
                    token,
                    import::PutIdMappingsRequest {
                        school_id,
                        mappings: vec![import::IdMapping {
                            entity_type: import::EntityType::Student.into(),
                            external_id: unique.into(),
                            platform_id: f.student.clone(),
                            ..Default::default()
                        }],
                    },
                ))
                .await
                .map_err(|status| status.code())?
                .into_inner()
                .results;
            assert_eq!(
                results[0].status,
                i32::from(import::MappingStatus::Created),
                "{results:?}"
            );
            Ok(())
        }
        Rpc::ListIdMappings => ok(i
            .list_id_mappings(with_token(
                token,
                import::ListIdMappingsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::DeleteIdMappings => ok(i
            .delete_id_mappings(with_token(
                token,
                import::DeleteIdMappingsRequest {
                    school_id,
                    entity_type: import::EntityType::Student.into(),
                    external_ids: vec![unique.into()],
                },
            ))
            .await),
        Rpc::PushRecords => {
            let request = import::PushRecordsRequest {
                operations: vec![import::RecordOperation {
                    school_id,
                    record_type: import::RecordType::Mark.into(),
                    vendor_record_id: unique.into(),
                    revision: 1,
                    action: import::RecordAction::Upsert.into(),
                    payload: Some(import::record_operation::Payload::Mark(
                        import::MarkRecord {
                            student: Some(import::EntityRef {
                                reference: Some(import::entity_ref::Reference::Id(
                                    f.student.clone(),
                                )),
                            }),
                            subject: Some(import::EntityRef {
                                reference: Some(import::entity_ref::Reference::Id(
                                    f.mathematics.clone(),
                                )),
                            }),
                            date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                            value: "4".into(),
                            ..Default::default()
                        },
                    )),
                    ..Default::default()
                }],
                ..Default::default()
            };
            let mut receipts = i
                .push_records(with_token(token, tokio_stream::iter(vec![request])))
                .await
                .map_err(|status| status.code())?
                .into_inner();
            let reply = receipts
                .message()
                .await
                .map_err(|status| status.code())?
                .expect("one answer per message");
            let receipt = &reply.receipts[0];
            if receipt.status == i32::from(import::ReceiptStatus::Accepted) {
                Ok(())
            } else {
                assert_eq!(receipt.errors[0].code, "NOT_GRANTED", "{receipt:?}");
                Err(Code::NotFound)
            }
        }
        Rpc::GetReceipts => ok(i
            .get_receipts(with_token(
                token,
                import::GetReceiptsRequest {
                    school_id,
                    keys: vec![import::RecordKey {
                        record_type: import::RecordType::Mark.into(),
                        vendor_record_id: unique.into(),
                    }],
                },
            ))
            .await),
        Rpc::ListRecords => ok(i
            .list_records(with_token(
                token,
                import::ListRecordsRequest {
                    school_id: school_id.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListVendorChanges => ok(i
            .list_changes(with_token(
                token,
                import::ListChangesRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not an import call"),
    }
}

fn ok<T>(result: Result<T, tonic::Status>) -> Result<(), Code> {
    result.map(|_| ()).map_err(|status| status.code())
}

/// Asks identity whether the caller may take `action`: student actions on
/// the fixture's student, school actions on its school, class actions on 5А
/// in mathematics.
async fn check(f: &mut Fixture, token: &str, action: identity::Action) -> Result<(), Code> {
    let on_class = matches!(
        action,
        identity::Action::TeachClass | identity::Action::ReadClass
    );
    let request = if action == identity::Action::ActAsFamily {
        identity::CheckAccessRequest {
            action: action.into(),
            student_id: f.student.clone(),
            ..Default::default()
        }
    } else if on_class {
        identity::CheckAccessRequest {
            action: action.into(),
            class_id: f.class_5a.clone(),
            subject_id: f.mathematics.clone(),
            date: "2026-10-01".into(),
            ..Default::default()
        }
    } else {
        identity::CheckAccessRequest {
            action: action.into(),
            school_id: f.school.clone(),
            ..Default::default()
        }
    };
    ok(f.identity.check_access(with_token(token, request)).await)
}

/// Makes the call as `who`; `Ok` if it was allowed, else the refusal's code.
async fn call(f: &mut Fixture, rpc: Rpc, who: Who, serial: usize) -> Result<(), Code> {
    let token = f.tokens.iter().find(|(w, _)| *w == who).unwrap().1.clone();
    let unique = format!("{who:?}-{serial}");
    match rpc {
        Rpc::ListStudentMarks => ok(f
            .gradebook
            .list_student_marks(with_token(
                &token,
                gradebook::ListStudentMarksRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CreateMark => ok(f
            .gradebook
            .create_mark(with_token(
                &token,
                gradebook::CreateMarkRequest {
                    student_id: f.student.clone(),
                    subject_id: f.mathematics.clone(),
                    // Today: inside the journal's edit window.
                    lesson_date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                    value: "4".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CheckAccess => ok(f
            .identity
            .check_access(with_token(
                &token,
                identity::CheckAccessRequest {
                    action: identity::Action::ReadStudentRecord.into(),
                    student_id: f.student.clone(),
                    subject_id: String::new(),
                    date: "2026-10-01".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CheckReadSchool => check(f, &token, identity::Action::ReadSchool).await,
        Rpc::CheckManageSchedule => check(f, &token, identity::Action::ManageSchedule).await,
        Rpc::CheckClosePeriod => check(f, &token, identity::Action::ClosePeriod).await,
        Rpc::CheckTeachClass => check(f, &token, identity::Action::TeachClass).await,
        Rpc::CheckReadClass => check(f, &token, identity::Action::ReadClass).await,
        Rpc::CheckActAsFamily => check(f, &token, identity::Action::ActAsFamily).await,
        Rpc::CheckReadSchoolRecords => check(f, &token, identity::Action::ReadSchoolRecords).await,
        rpc @ (Rpc::GetMark
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
        Rpc::GetClass => ok(f
            .identity
            .get_class(with_token(
                &token,
                identity::GetClassRequest {
                    id: f.class_5a.clone(),
                },
            ))
            .await),
        Rpc::GetSchoolDirectory => ok(f
            .identity
            .get_school_directory(with_token(
                &token,
                identity::GetSchoolDirectoryRequest {
                    school_id: f.school.clone(),
                },
            ))
            .await),
        Rpc::ListStudentMemberships => ok(f
            .identity
            .list_student_memberships(with_token(
                &token,
                identity::ListStudentMembershipsRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetSchool => ok(f
            .identity
            .get_school(with_token(
                &token,
                identity::GetSchoolRequest {
                    id: f.school.clone(),
                },
            ))
            .await),
        Rpc::ListClasses => ok(f
            .identity
            .list_classes(with_token(
                &token,
                identity::ListClassesRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListSubjects => ok(f
            .identity
            .list_subjects(with_token(
                &token,
                identity::ListSubjectsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListPersons => ok(f
            .identity
            .list_persons(with_token(
                &token,
                identity::ListPersonsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListClassStudents => ok(f
            .identity
            .list_class_students(with_token(
                &token,
                identity::ListClassStudentsRequest {
                    class_id: f.class_5a.clone(),
                    date: "2026-10-01".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListTeachingAssignments => ok(f
            .identity
            .list_teaching_assignments(with_token(
                &token,
                identity::ListTeachingAssignmentsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudent => ok(f
            .identity
            .get_person(with_token(
                &token,
                identity::GetPersonRequest {
                    id: f.student.clone(),
                },
            ))
            .await),
        Rpc::ListGuardianships => ok(f
            .identity
            .list_guardianships(with_token(
                &token,
                identity::ListGuardianshipsRequest {
                    guardian_id: f.own_guardian.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CreateSubject => ok(f
            .identity
            .create_subject(with_token(
                &token,
                identity::CreateSubjectRequest {
                    school_id: f.school.clone(),
                    name: unique,
                },
            ))
            .await),
        Rpc::CreateClass => ok(f
            .identity
            .create_class(with_token(
                &token,
                identity::CreateClassRequest {
                    school_id: f.school.clone(),
                    grade_level: 7,
                    letter: format!("{serial}"),
                    academic_year: 2026,
                    class_teacher_id: String::new(),
                },
            ))
            .await),
        Rpc::CreatePerson => ok(f
            .identity
            .create_person(with_token(
                &token,
                identity::CreatePersonRequest {
                    school_id: f.school.clone(),
                    kind: identity::PersonKind::Student.into(),
                    family_name: unique,
                    given_name: "Новый".into(),
                    middle_name: String::new(),
                },
            ))
            .await),
        Rpc::EnrollStudent => ok(f
            .identity
            .enroll_student(with_token(
                &token,
                identity::EnrollStudentRequest {
                    student_id: f.spare_student.clone(),
                    class_id: f.class_6b.clone(),
                    start_date: "2026-09-01".into(),
                },
            ))
            .await),
        Rpc::LinkGuardian => {
            let result = f
                .identity
                .link_guardian(with_token(
                    &token,
                    identity::LinkGuardianRequest {
                        guardian_id: f.other_guardian.clone(),
                        student_id: f.spare_student.clone(),
                    },
                ))
                .await;
            match result {
                // Linked by an earlier allowed caller: allowed again, nothing new.
                Err(status) if status.code() == Code::AlreadyExists => Ok(()),
                other => ok(other),
            }
        }
        Rpc::SetCredentials => ok(f
            .identity
            .set_credentials(with_token(
                &token,
                identity::SetCredentialsRequest {
                    person_id: f.spare_student.clone(),
                    login: format!("spare-{serial}"),
                    password: "a long enough password".into(),
                },
            ))
            .await),
        Rpc::UpdatePerson => ok(f
            .identity
            .update_person(with_token(
                &token,
                identity::UpdatePersonRequest {
                    person: Some(identity::Person {
                        id: f.spare_student.clone(),
                        family_name: unique,
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["family_name".into()],
                    }),
                },
            ))
            .await),
        Rpc::IssueAccessCode => ok(f
            .identity
            .issue_access_code(with_token(
                &token,
                identity::IssueAccessCodeRequest {
                    student_id: f.student.clone(),
                },
            ))
            .await),
        Rpc::ListAccessCodes => ok(f
            .identity
            .list_access_codes(with_token(
                &token,
                identity::ListAccessCodesRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListAuditEvents => ok(f
            .identity
            .list_audit_events(with_token(
                &token,
                identity::ListAuditEventsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ImportRoster => ok(f
            .identity
            .import_roster(with_token(
                &token,
                identity::ImportRosterRequest {
                    school_id: f.school.clone(),
                    files: Vec::new(),
                    validate_only: true,
                },
            ))
            .await),
        Rpc::RotateSigningKey => ok(f
            .identity
            .rotate_signing_key(with_token(&token, identity::RotateSigningKeyRequest {}))
            .await),
        Rpc::ListClients => ok(f
            .identity
            .list_clients(with_token(&token, identity::ListClientsRequest::default()))
            .await),
        Rpc::LoginWithExternalIdentity => ok(f
            .identity
            .login_with_external_identity(with_token(
                &token,
                identity::LoginWithExternalIdentityRequest {
                    issuer: ISSUER.into(),
                    subject: LINKED_SUBJECT.into(),
                },
            ))
            .await),
        Rpc::RegisterExternalGuardian => ok(f
            .identity
            .register_external_guardian(with_token(
                &token,
                identity::RegisterExternalGuardianRequest {
                    issuer: ISSUER.into(),
                    subject: "matrix-registered".into(),
                    code: f.access_code.clone(),
                    family_name: "Взломщик".into(),
                    given_name: "Вася".into(),
                    middle_name: String::new(),
                },
            ))
            .await),
        Rpc::LinkExternalIdentity => ok(f
            .identity
            .link_external_identity(with_token(
                &token,
                identity::LinkExternalIdentityRequest {
                    issuer: ISSUER.into(),
                    subject: "matrix-newly-linked".into(),
                    person_id: f.student.clone(),
                },
            ))
            .await),
        Rpc::ListSessionRevocations => ok(f
            .identity
            .list_session_revocations(with_token(
                &token,
                identity::ListSessionRevocationsRequest::default(),
            ))
            .await),
        Rpc::UpdateSchool => ok(f
            .identity
            .update_school(with_token(
                &token,
                identity::UpdateSchoolRequest {
                    school: Some(identity::School {
                        id: f.school.clone(),
                        timezone: "Europe/Samara".into(),
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["timezone".into()],
                    }),
                },
            ))
            .await),
        Rpc::CreateGroup => ok(f
            .identity
            .create_group(with_token(
                &token,
                identity::CreateGroupRequest {
                    class_id: f.class_5a.clone(),
                    name: unique,
                    student_ids: vec![f.student.clone()],
                },
            ))
            .await),
        Rpc::ListGroups => ok(f
            .identity
            .list_groups(with_token(
                &token,
                identity::ListGroupsRequest {
                    class_id: f.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListClassMemberships => ok(f
            .identity
            .list_class_memberships(with_token(
                &token,
                identity::ListClassMembershipsRequest {
                    class_id: f.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListVendorGrants => ok(f
            .identity
            .list_vendor_grants(with_token(
                &token,
                identity::ListVendorGrantsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
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
                (false, Err(Code::NotFound | Code::PermissionDenied | Code::InvalidArgument)) => {}
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
