//! The permission matrix: every RPC that touches a person's or a school's
//! data, called by every kind of caller, against the expected allow/deny.
//! A denial must look like absence (or a plain refusal), never a leak.

use std::collections::BTreeSet;

use otmetka_integration_tests::Sandbox;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
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
    school: String,
    class_5a: String,
    class_6b: String,
    mathematics: String,
    student: String,
    spare_student: String,
    own_guardian: String,
    other_guardian: String,
    tokens: Vec<(Who, String)>,
}

fn with_token<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

struct Builder<'a> {
    identity: IdentityServiceClient<Channel>,
    admin: &'a str,
    school: String,
}

impl Builder<'_> {
    async fn person(&mut self, kind: identity::PersonKind, family: &str) -> String {
        let request = identity::CreatePersonRequest {
            school_id: self.school.clone(),
            kind: kind.into(),
            family_name: family.into(),
            given_name: "Тест".into(),
            middle_name: String::new(),
        };
        self.identity
            .create_person(with_token(self.admin, request))
            .await
            .unwrap()
            .into_inner()
            .person
            .unwrap()
            .id
    }

    async fn role(&mut self, person: &str, role: identity::StaffRole) {
        let request = identity::GrantStaffRoleRequest {
            person_id: person.into(),
            school_id: self.school.clone(),
            role: role.into(),
        };
        self.identity
            .grant_staff_role(with_token(self.admin, request))
            .await
            .unwrap();
    }

    async fn class(&mut self, grade: i32, letter: &str, class_teacher: &str) -> String {
        let request = identity::CreateClassRequest {
            school_id: self.school.clone(),
            grade_level: grade,
            letter: letter.into(),
            academic_year: 2026,
            class_teacher_id: class_teacher.into(),
        };
        self.identity
            .create_class(with_token(self.admin, request))
            .await
            .unwrap()
            .into_inner()
            .class
            .unwrap()
            .id
    }

    async fn enroll(&mut self, student: &str, class: &str) {
        let request = identity::EnrollStudentRequest {
            student_id: student.into(),
            class_id: class.into(),
            start_date: "2026-09-01".into(),
        };
        self.identity
            .enroll_student(with_token(self.admin, request))
            .await
            .unwrap();
    }

    async fn teach(&mut self, teacher: &str, class: &str, subject: &str) {
        let request = identity::CreateTeachingAssignmentRequest {
            teacher_id: teacher.into(),
            class_id: class.into(),
            subject_id: subject.into(),
            group_id: String::new(),
        };
        self.identity
            .create_teaching_assignment(with_token(self.admin, request))
            .await
            .unwrap();
    }

    async fn guardian_of(&mut self, guardian: &str, student: &str) {
        let request = identity::LinkGuardianRequest {
            guardian_id: guardian.into(),
            student_id: student.into(),
        };
        self.identity
            .link_guardian(with_token(self.admin, request))
            .await
            .unwrap();
    }

    /// Issues credentials and signs in: the person's access token.
    async fn token_of(&mut self, person: &str, login: &str) -> String {
        let password = "matrix-password-1";
        let request = identity::SetCredentialsRequest {
            person_id: person.into(),
            login: login.into(),
            password: password.into(),
        };
        self.identity
            .set_credentials(with_token(self.admin, request))
            .await
            .unwrap();
        let login = identity::LoginRequest {
            login: login.into(),
            password: password.into(),
        };
        self.identity
            .login(login)
            .await
            .unwrap()
            .into_inner()
            .access_token
    }
}

async fn school(identity: &mut IdentityServiceClient<Channel>, admin: &str, name: &str) -> String {
    let request = identity::CreateSchoolRequest {
        name: name.into(),
        timezone: "Europe/Moscow".into(),
    };
    identity
        .create_school(with_token(admin, request))
        .await
        .unwrap()
        .into_inner()
        .school
        .unwrap()
        .id
}

async fn vendor(
    identity: &mut IdentityServiceClient<Channel>,
    admin: &str,
    grant_school: Option<&str>,
) -> String {
    let request = identity::CreateClientRequest {
        name: "Вендор".into(),
        kind: identity::ClientKind::Vendor.into(),
        allowed_scopes: [
            "roster.read",
            "marks.write",
            "attendance.write",
            "changes.read",
        ]
        .map(String::from)
        .to_vec(),
    };
    let created = identity
        .create_client(with_token(admin, request))
        .await
        .unwrap()
        .into_inner();
    let client_id = created.client.unwrap().id;
    if let Some(school_id) = grant_school {
        let grant = identity::GrantVendorAccessRequest {
            school_id: school_id.into(),
            client_id: client_id.clone(),
        };
        identity
            .grant_vendor_access(with_token(admin, grant))
            .await
            .unwrap();
    }
    let token = identity::GetClientTokenRequest {
        client_id,
        client_secret: created.client_secret,
        scopes: vec![],
    };
    identity
        .get_client_token(token)
        .await
        .unwrap()
        .into_inner()
        .access_token
}

async fn fixture(sandbox: &Sandbox) -> Fixture {
    let connect = |service: &str| {
        let url = sandbox.suite().url_of(service).unwrap().to_owned();
        async move {
            tonic::transport::Endpoint::from_shared(url)
                .unwrap()
                .connect()
                .await
                .unwrap()
        }
    };
    let mut identity = IdentityServiceClient::new(connect("identity").await);
    let gradebook = GradebookServiceClient::new(connect("gradebook").await);
    let city = identity
        .login(identity::LoginRequest {
            login: otmetka_integration_tests::ADMIN_LOGIN.into(),
            password: otmetka_integration_tests::ADMIN_PASSWORD.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let school_a = school(&mut identity, &city, "Матричная школа А").await;
    let school_b = school(&mut identity, &city, "Матричная школа Б").await;
    let mut b = Builder {
        identity: identity.clone(),
        admin: &city,
        school: school_a.clone(),
    };

    let subject = identity::CreateSubjectRequest {
        school_id: school_a.clone(),
        name: "Математика".into(),
    };
    let mathematics = identity
        .create_subject(with_token(&city, subject))
        .await
        .unwrap()
        .into_inner()
        .subject
        .unwrap()
        .id;

    let subject_teacher = b.person(identity::PersonKind::Staff, "Предметник").await;
    let other_teacher = b.person(identity::PersonKind::Staff, "Другой").await;
    let class_teacher = b.person(identity::PersonKind::Staff, "Классный").await;
    let deputy = b.person(identity::PersonKind::Staff, "Завуч").await;
    let school_admin = b.person(identity::PersonKind::Staff, "Администратор").await;
    for teacher in [&subject_teacher, &other_teacher, &class_teacher] {
        b.role(teacher, identity::StaffRole::Teacher).await;
    }
    b.role(&deputy, identity::StaffRole::DeputyHead).await;
    b.role(&school_admin, identity::StaffRole::SchoolAdmin)
        .await;
    let class_5a = b.class(5, "А", &class_teacher).await;
    let class_6b = b.class(6, "Б", "").await;
    b.teach(&subject_teacher, &class_5a, &mathematics).await;
    b.teach(&other_teacher, &class_6b, &mathematics).await;

    let student = b.person(identity::PersonKind::Student, "Ученик").await;
    let other_student = b
        .person(identity::PersonKind::Student, "Одноклассник")
        .await;
    let spare_student = b.person(identity::PersonKind::Student, "Запасной").await;
    for pupil in [&student, &other_student] {
        b.enroll(pupil, &class_5a).await;
    }
    let own_guardian = b.person(identity::PersonKind::Guardian, "Родитель").await;
    let other_guardian = b.person(identity::PersonKind::Guardian, "Чужой").await;
    b.guardian_of(&own_guardian, &student).await;
    b.guardian_of(&other_guardian, &other_student).await;

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
    b.school = school_b.clone();
    let other_admin = b
        .person(identity::PersonKind::Staff, "Чужой администратор")
        .await;
    b.role(&other_admin, identity::StaffRole::SchoolAdmin).await;
    tokens.push((
        Who::OtherSchoolAdmin,
        b.token_of(&other_admin, "m-other-admin").await,
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

    Fixture {
        identity,
        gradebook,
        school: school_a,
        class_5a,
        class_6b,
        mathematics,
        student,
        spare_student,
        own_guardian,
        other_guardian,
        tokens,
    }
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
}

const RPCS: [Rpc; 41] = [
    Rpc::ListStudentMarks,
    Rpc::CreateMark,
    Rpc::CheckAccess,
    Rpc::GetSchool,
    Rpc::ListClasses,
    Rpc::ListSubjects,
    Rpc::ListPersons,
    Rpc::ListClassStudents,
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
        | Rpc::ListSessionRevocations => Vec::new(),
        Rpc::GetSchool
        | Rpc::ListClasses
        | Rpc::ListSubjects
        | Rpc::ListPersons
        | Rpc::ListClassStudents
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
        Rpc::CheckTeachClass => vec![SubjectTeacher, ClassTeacher, DeputyHead],
        Rpc::CheckActAsFamily => vec![Student, OwnGuardian],
        Rpc::CheckReadSchoolRecords => vec![DeputyHead, CityOperator, GrantedVendor],
    };
    set.into_iter().collect()
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
                    lesson_date: chrono::Utc::now().date_naive().to_string(),
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
                    issuer: "https://login.mos.ru/sps".into(),
                    subject: "anyone".into(),
                },
            ))
            .await),
        Rpc::RegisterExternalGuardian => ok(f
            .identity
            .register_external_guardian(with_token(
                &token,
                identity::RegisterExternalGuardianRequest {
                    issuer: "https://login.mos.ru/sps".into(),
                    subject: unique.clone(),
                    code: "AAAAA-AAAAA-AAAAA".into(),
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
                    issuer: "https://login.mos.ru/sps".into(),
                    subject: unique.clone(),
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
        for (offset, who) in EVERYONE.into_iter().enumerate() {
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
    assert_eq!(cells, RPCS.len() * EVERYONE.len());
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    sandbox.stop().await.unwrap();
}
