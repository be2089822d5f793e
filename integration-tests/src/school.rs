//! Building a school for a test over gRPC, as the city operator: people
//! with roles and sign-ins, classes, subjects and assignments in identity,
//! and the calendar (year, a term around today, bells, a timetable and its
//! lessons) in schedule.

use chrono::{Datelike, Days, NaiveDate};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;

use crate::{ADMIN_LOGIN, ADMIN_PASSWORD, Sandbox};

/// `message` carrying `token`.
pub fn with_token<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("a header value"),
    );
    request
}

/// The access token of whoever signs in as `login` with `password`.
pub async fn sign_in(
    identity: &mut IdentityServiceClient<Channel>,
    login: &str,
    password: &str,
) -> String {
    identity
        .login(identity::LoginRequest {
            login: login.into(),
            password: password.into(),
        })
        .await
        .expect("a sign-in")
        .into_inner()
        .access_token
}

/// The fields an INVALID_ARGUMENT refusal names (it must be one).
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_details_bad_request()
        .expect("field violations")
        .field_violations
        .into_iter()
        .map(|violation| violation.field)
        .collect()
}

/// The password [`SchoolBuilder::token_of`] gives everyone it signs in.
pub const PERSON_PASSWORD: &str = "test-password-1";

/// The city operator building one school.
pub struct SchoolBuilder {
    pub identity: IdentityServiceClient<Channel>,
    pub schedule: ScheduleServiceClient<Channel>,
    /// The city operator's token.
    pub city: String,
    pub school_id: String,
}

impl SchoolBuilder {
    /// A new school named `name`.
    pub async fn new(sandbox: &Sandbox, name: &str) -> anyhow::Result<Self> {
        let mut identity = IdentityServiceClient::new(sandbox.channel("identity").await?);
        let city = identity
            .login(identity::LoginRequest {
                login: ADMIN_LOGIN.into(),
                password: ADMIN_PASSWORD.into(),
            })
            .await?
            .into_inner()
            .access_token;
        let school_id = identity
            .create_school(with_token(
                &city,
                identity::CreateSchoolRequest {
                    name: name.into(),
                    timezone: "Europe/Moscow".into(),
                },
            ))
            .await?
            .into_inner()
            .school
            .expect("a school")
            .id;
        Ok(Self {
            identity,
            schedule: sandbox.schedule().await?,
            city,
            school_id,
        })
    }

    pub async fn person(&mut self, kind: identity::PersonKind, family: &str) -> String {
        let request = identity::CreatePersonRequest {
            school_id: self.school_id.clone(),
            kind: kind.into(),
            family_name: family.into(),
            given_name: "Тест".into(),
            middle_name: String::new(),
        };
        self.identity
            .create_person(with_token(&self.city, request))
            .await
            .expect("a person")
            .into_inner()
            .person
            .expect("a person")
            .id
    }

    pub async fn staff(&mut self, family: &str, role: identity::StaffRole) -> String {
        let person = self.person(identity::PersonKind::Staff, family).await;
        let request = identity::GrantStaffRoleRequest {
            person_id: person.clone(),
            school_id: self.school_id.clone(),
            role: role.into(),
        };
        self.identity
            .grant_staff_role(with_token(&self.city, request))
            .await
            .expect("a role");
        person
    }

    pub async fn class(&mut self, grade: i32, letter: &str, class_teacher: &str) -> String {
        let request = identity::CreateClassRequest {
            school_id: self.school_id.clone(),
            grade_level: grade,
            letter: letter.into(),
            academic_year: academic_year_start().year(),
            class_teacher_id: class_teacher.into(),
        };
        self.identity
            .create_class(with_token(&self.city, request))
            .await
            .expect("a class")
            .into_inner()
            .class
            .expect("a class")
            .id
    }

    pub async fn student_in(&mut self, class: &str, family: &str) -> String {
        let student = self.person(identity::PersonKind::Student, family).await;
        let request = identity::EnrollStudentRequest {
            student_id: student.clone(),
            class_id: class.into(),
            start_date: academic_year_start().to_string(),
        };
        self.identity
            .enroll_student(with_token(&self.city, request))
            .await
            .expect("an enrollment");
        student
    }

    pub async fn guardian_of(&mut self, student: &str, family: &str) -> String {
        let guardian = self.person(identity::PersonKind::Guardian, family).await;
        let request = identity::LinkGuardianRequest {
            guardian_id: guardian.clone(),
            student_id: student.into(),
        };
        self.identity
            .link_guardian(with_token(&self.city, request))
            .await
            .expect("a guardianship");
        guardian
    }

    pub async fn subject(&mut self, name: &str) -> String {
        let request = identity::CreateSubjectRequest {
            school_id: self.school_id.clone(),
            name: name.into(),
        };
        self.identity
            .create_subject(with_token(&self.city, request))
            .await
            .expect("a subject")
            .into_inner()
            .subject
            .expect("a subject")
            .id
    }

    pub async fn teach(&mut self, teacher: &str, class: &str, subject: &str) {
        let request = identity::CreateTeachingAssignmentRequest {
            teacher_id: teacher.into(),
            class_id: class.into(),
            subject_id: subject.into(),
            group_id: String::new(),
        };
        self.identity
            .create_teaching_assignment(with_token(&self.city, request))
            .await
            .expect("an assignment");
    }

    /// Gives `person` a login and signs in: their access token.
    pub async fn token_of(&mut self, person: &str, login: &str) -> String {
        let password = PERSON_PASSWORD;
        let request = identity::SetCredentialsRequest {
            person_id: person.into(),
            login: login.into(),
            password: password.into(),
        };
        self.identity
            .set_credentials(with_token(&self.city, request))
            .await
            .expect("credentials");
        sign_in(&mut self.identity, login, password).await
    }

    /// The academic year, a quarter from four weeks ago to four weeks ahead
    /// (so today's lessons are inside it), a bell schedule, and a lesson of
    /// `subject` for `class` every school day at 08:30, generated. `manager`
    /// is a token of the school's administrator or deputy head.
    pub async fn term(
        &mut self,
        manager: &str,
        class: &str,
        subject: &str,
        teacher: &str,
    ) -> anyhow::Result<Term> {
        let year_start = academic_year_start();
        let year_end = NaiveDate::from_ymd_opt(year_start.year() + 1, 5, 31).expect("a date");
        let year = self
            .schedule
            .create_academic_year(with_token(
                manager,
                schedule::CreateAcademicYearRequest {
                    academic_year: Some(schedule::AcademicYear {
                        school_id: self.school_id.clone(),
                        name: format!("{}/{}", year_start.year(), year_start.year() + 1),
                        start_date: year_start.to_string(),
                        end_date: year_end.to_string(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await?
            .into_inner()
            .academic_year
            .expect("a year")
            .id;
        let today = crate::SANDBOX_TODAY;
        let start = (today - Days::new(28)).max(year_start);
        let end = today + Days::new(28);
        let grade = self
            .identity
            .get_class(with_token(
                &self.city,
                identity::GetClassRequest { id: class.into() },
            ))
            .await?
            .into_inner()
            .class
            .expect("a class")
            .grade_level;
        let period = self
            .schedule
            .create_reporting_period(with_token(
                manager,
                schedule::CreateReportingPeriodRequest {
                    reporting_period: Some(schedule::ReportingPeriod {
                        school_id: self.school_id.clone(),
                        academic_year_id: year.clone(),
                        kind: schedule::ReportingPeriodKind::Quarter.into(),
                        number: 2,
                        name: "II четверть".into(),
                        grade_levels: vec![grade],
                        start_date: start.to_string(),
                        end_date: end.to_string(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await?
            .into_inner()
            .reporting_period
            .expect("a period");
        self.schedule
            .create_bell_schedule(with_token(
                manager,
                schedule::CreateBellScheduleRequest {
                    bell_schedule: Some(schedule::BellSchedule {
                        school_id: self.school_id.clone(),
                        name: "Основное".into(),
                        slots: vec![schedule::BellSlot {
                            lesson_number: 1,
                            start_time: "08:30".into(),
                            end_time: "09:15".into(),
                        }],
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await?;
        for weekday in [
            schedule::Weekday::Monday,
            schedule::Weekday::Tuesday,
            schedule::Weekday::Wednesday,
            schedule::Weekday::Thursday,
            schedule::Weekday::Friday,
        ] {
            self.schedule
                .create_timetable_entry(with_token(
                    manager,
                    schedule::CreateTimetableEntryRequest {
                        timetable_entry: Some(schedule::TimetableEntry {
                            school_id: self.school_id.clone(),
                            academic_year_id: year.clone(),
                            class_id: class.into(),
                            weekday: weekday.into(),
                            lesson_number: 1,
                            subject_id: subject.into(),
                            teacher_id: teacher.into(),
                            room: "101".into(),
                            ..Default::default()
                        }),
                        request_id: String::new(),
                    },
                ))
                .await?;
        }
        self.schedule
            .generate_lessons(with_token(
                manager,
                schedule::GenerateLessonsRequest {
                    school_id: self.school_id.clone(),
                    academic_year_id: year.clone(),
                    from_date: start.to_string(),
                    to_date: end.to_string(),
                    ..Default::default()
                },
            ))
            .await?;
        let lessons = self
            .schedule
            .list_lessons(with_token(
                manager,
                schedule::ListLessonsRequest {
                    school_id: self.school_id.clone(),
                    from_date: start.to_string(),
                    to_date: end.to_string(),
                    class_id: class.into(),
                    page_size: 500,
                    ..Default::default()
                },
            ))
            .await?
            .into_inner()
            .lessons;
        Ok(Term {
            academic_year_id: year,
            period,
            lessons,
        })
    }
}

/// A school of one class, 5А, of three students (Алексеев, Борисов,
/// Васильев) whom one teacher teaches English, with a school administrator
/// and a term: where vendors push marks and load files.
pub struct EnglishClass {
    pub builder: SchoolBuilder,
    pub teacher: String,
    pub class: String,
    pub students: Vec<String>,
    pub english: String,
    /// The school administrator's token.
    pub manager: String,
    pub teacher_token: String,
    pub term: Term,
}

impl EnglishClass {
    /// The school named `name`; the administrator and the teacher sign in
    /// as `{logins}-admin` and `{logins}-teacher`.
    pub async fn new(sandbox: &Sandbox, name: &str, logins: &str) -> anyhow::Result<Self> {
        let mut b = SchoolBuilder::new(sandbox, name).await?;
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
        let manager = b.token_of(&admin, &format!("{logins}-admin")).await;
        let teacher_token = b.token_of(&teacher, &format!("{logins}-teacher")).await;
        let term = b.term(&manager, &class, &english, &teacher).await?;
        Ok(Self {
            builder: b,
            teacher,
            class,
            students,
            english,
            manager,
            teacher_token,
            term,
        })
    }
}

/// A term set up by [`SchoolBuilder::term`].
pub struct Term {
    pub academic_year_id: String,
    pub period: schedule::ReportingPeriod,
    /// The class's lessons in the term, by date.
    pub lessons: Vec<schedule::Lesson>,
}

impl Term {
    /// The latest lesson on or before `day`.
    pub fn lesson_on_or_before(&self, day: NaiveDate) -> &schedule::Lesson {
        self.lessons
            .iter()
            .rev()
            .find(|lesson| lesson.date.as_str() <= day.to_string().as_str())
            .expect("a lesson in the term")
    }
}

/// 1 September of the current academic year.
pub fn academic_year_start() -> NaiveDate {
    otmetka_platform::time::academic_year_start(crate::SANDBOX_TODAY)
}

/// A vendor client the city registered.
pub struct VendorClient {
    pub id: String,
    pub secret: String,
    /// A token of all its scopes.
    pub token: String,
}

/// Registers a vendor client named `name` with `scopes` (as the city
/// operator `city`), granted `school` if given, and signs it in.
pub async fn vendor_client(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    name: &str,
    scopes: &[&str],
    school: Option<&str>,
) -> VendorClient {
    let (id, secret) =
        register_client(identity, city, identity::ClientKind::Vendor, name, scopes).await;
    if let Some(school) = school {
        identity
            .grant_vendor_access(with_token(
                city,
                identity::GrantVendorAccessRequest {
                    school_id: school.into(),
                    client_id: id.clone(),
                },
            ))
            .await
            .expect("a grant");
    }
    let token = client_token(identity, &id, &secret).await;
    VendorClient { id, secret, token }
}

/// Maps `students` in `school` to the vendor's own ids "s0", "s1", …, as
/// the vendor holding `token`.
pub async fn map_students(
    import: &mut ImportServiceClient<Channel>,
    token: &str,
    school: &str,
    students: &[String],
) {
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
            token,
            import::PutIdMappingsRequest {
                school_id: school.into(),
                mappings,
            },
        ))
        .await
        .expect("the students mapped");
}

/// A token of a platform service client with `scopes`, registered by the
/// city operator `city`: what a test holds to speak as, say, the gateway
/// without the suite's own credentials, which never leave its process.
pub async fn service_client_token(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    name: &str,
    scopes: &[&str],
) -> String {
    let (id, secret) =
        register_client(identity, city, identity::ClientKind::Service, name, scopes).await;
    client_token(identity, &id, &secret).await
}

/// The id and secret of a new client.
async fn register_client(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    kind: identity::ClientKind,
    name: &str,
    scopes: &[&str],
) -> (String, String) {
    let created = identity
        .create_client(with_token(
            city,
            identity::CreateClientRequest {
                name: name.into(),
                kind: kind.into(),
                allowed_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            },
        ))
        .await
        .expect("a client")
        .into_inner();
    (
        created.client.expect("the client").id,
        created.client_secret,
    )
}

/// A token of all the client's scopes.
async fn client_token(
    identity: &mut IdentityServiceClient<Channel>,
    id: &str,
    secret: &str,
) -> String {
    identity
        .get_client_token(identity::GetClientTokenRequest {
            client_id: id.into(),
            client_secret: secret.into(),
            scopes: vec![],
        })
        .await
        .expect("a token")
        .into_inner()
        .access_token
}
