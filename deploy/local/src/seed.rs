//! The demo school seeded on a fresh suite: a class «5А», its teacher, five
//! students, two guardians, and two weeks of marks — all created through the
//! same gRPC calls a school administrator and a teacher would make.

use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::grpc::context::outgoing;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;

use crate::RunningSuite;

pub const DEMO_SCHOOL: &str = "Школа № 1 (демо)";

/// A demo login to print for people trying the suite.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    pub role: &'static str,
    pub login: &'static str,
    pub password: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        role: "учитель (teacher)",
        login: "teacher",
        password: "uchitel-demo",
    },
    DemoLogin {
        role: "ученик (student)",
        login: "student",
        password: "uchenik-demo",
    },
    DemoLogin {
        role: "родитель (guardian)",
        login: "parent",
        password: "roditel-demo",
    },
    DemoLogin {
        role: "другой родитель (another guardian)",
        login: "parent2",
        password: "roditel2-demo",
    },
];

const STUDENTS: [(&str, &str, &str); 5] = [
    ("Петров", "Иван", "Алексеевич"),
    ("Смирнова", "Анна", "Сергеевна"),
    ("Кузнецов", "Дмитрий", "Игоревич"),
    ("Волкова", "Мария", "Андреевна"),
    ("Соколов", "Артём", "Павлович"),
];

/// What the demo seeding created, for the banner and for tests.
#[derive(Debug, Clone)]
pub struct DemoSchool {
    pub school_id: String,
    /// The students, in the order of [`STUDENTS`]; the first is `student`'s own
    /// and `parent`'s child, the second `parent2`'s child.
    pub student_ids: Vec<String>,
    pub subject_ids: Vec<String>,
    pub marks_posted: usize,
}

struct Caller {
    identity: IdentityServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
    token: BearerToken,
}

impl Caller {
    /// The suite's identity and gradebook, called as `login`.
    async fn sign_in(
        suite: &RunningSuite,
        login_name: &str,
        password: &str,
    ) -> anyhow::Result<Self> {
        let channel = |service: &str| -> anyhow::Result<Channel> {
            let url = suite
                .url_of(service)
                .with_context(|| format!("{service} is part of the suite"))?;
            otmetka_platform::grpc::client::lazy_channel(url)
        };
        let identity = IdentityServiceClient::new(channel("identity")?);
        let gradebook = GradebookServiceClient::new(channel("gradebook")?);
        let token = login(&identity, login_name, password).await?;
        Ok(Self {
            identity,
            gradebook,
            token,
        })
    }

    fn request<T>(&self, message: T) -> anyhow::Result<tonic::Request<T>> {
        Ok(outgoing(message, &self.token, None)?)
    }
}

async fn login(
    identity: &IdentityServiceClient<Channel>,
    login: &str,
    password: &str,
) -> anyhow::Result<BearerToken> {
    let response = identity
        .clone()
        .login(identity::LoginRequest {
            login: login.into(),
            password: password.into(),
        })
        .await?
        .into_inner();
    Ok(BearerToken(Arc::from(response.access_token.as_str())))
}

/// The last `count` school days (Monday–Friday) before `today`, oldest first.
fn recent_school_days(today: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = (1..)
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .take(count)
        .collect();
    days.reverse();
    days
}

/// A fresh access code for the last demo student, so that a newcomer can
/// sign up as a guardian: earlier unused codes of that student are revoked.
pub async fn fresh_demo_access_code(
    suite: &RunningSuite,
    admin_login: &str,
    admin_password: &str,
    demo: &DemoSchool,
) -> anyhow::Result<String> {
    let admin = Caller::sign_in(suite, admin_login, admin_password).await?;
    let student_id = demo
        .student_ids
        .last()
        .context("the demo school has students")?
        .clone();
    let codes = admin
        .identity
        .clone()
        .list_access_codes(admin.request(identity::ListAccessCodesRequest {
            school_id: demo.school_id.clone(),
            page_size: 500,
            ..Default::default()
        })?)
        .await?
        .into_inner()
        .access_codes;
    for code in codes {
        if code.student_id == student_id && code.redeem_time.is_none() && code.revoke_time.is_none()
        {
            admin
                .identity
                .clone()
                .revoke_access_code(
                    admin.request(identity::RevokeAccessCodeRequest { id: code.id })?,
                )
                .await?;
        }
    }
    let issued = admin
        .identity
        .clone()
        .issue_access_code(admin.request(identity::IssueAccessCodeRequest { student_id })?)
        .await?
        .into_inner();
    Ok(issued.code)
}

/// Seeds the demo school unless it exists; returns it either way.
pub async fn seed_demo_school(
    suite: &RunningSuite,
    admin_login: &str,
    admin_password: &str,
) -> anyhow::Result<DemoSchool> {
    let admin = Caller::sign_in(suite, admin_login, admin_password).await?;
    let existing = admin
        .identity
        .clone()
        .list_schools(admin.request(identity::ListSchoolsRequest {
            name_query: DEMO_SCHOOL.into(),
            ..Default::default()
        })?)
        .await?
        .into_inner();
    if let Some(school) = existing
        .schools
        .into_iter()
        .find(|school| school.name == DEMO_SCHOOL)
    {
        return describe_existing(&admin, school.id).await;
    }
    create(&admin).await
}

async fn describe_existing(admin: &Caller, school_id: String) -> anyhow::Result<DemoSchool> {
    let students = admin
        .identity
        .clone()
        .list_persons(admin.request(identity::ListPersonsRequest {
            school_id: school_id.clone(),
            kind: identity::PersonKind::Student.into(),
            page_size: 100,
            ..Default::default()
        })?)
        .await?
        .into_inner()
        .persons;
    let student_ids = STUDENTS
        .iter()
        .filter_map(|(family, given, _)| {
            students
                .iter()
                .find(|p| p.family_name == *family && p.given_name == *given)
                .map(|p| p.id.clone())
        })
        .collect();
    let subjects = admin
        .identity
        .clone()
        .list_subjects(admin.request(identity::ListSubjectsRequest {
            school_id: school_id.clone(),
            page_size: 100,
            ..Default::default()
        })?)
        .await?
        .into_inner()
        .subjects;
    Ok(DemoSchool {
        school_id,
        student_ids,
        subject_ids: subjects.into_iter().map(|s| s.id).collect(),
        marks_posted: 0,
    })
}

async fn create(admin: &Caller) -> anyhow::Result<DemoSchool> {
    let mut id = admin.identity.clone();
    let today = Utc::now().date_naive();
    let school = id
        .create_school(admin.request(identity::CreateSchoolRequest {
            name: DEMO_SCHOOL.into(),
            timezone: "Europe/Moscow".into(),
        })?)
        .await?
        .into_inner()
        .school
        .expect("created school");

    let person = |kind: identity::PersonKind, (family, given, middle): (&str, &str, &str)| {
        identity::CreatePersonRequest {
            school_id: school.id.clone(),
            kind: kind.into(),
            family_name: family.into(),
            given_name: given.into(),
            middle_name: middle.into(),
        }
    };
    let teacher = id
        .create_person(admin.request(person(
            identity::PersonKind::Staff,
            ("Иванова", "Мария", "Петровна"),
        ))?)
        .await?
        .into_inner()
        .person
        .expect("teacher");
    id.grant_staff_role(admin.request(identity::GrantStaffRoleRequest {
        person_id: teacher.id.clone(),
        school_id: school.id.clone(),
        role: identity::StaffRole::Teacher.into(),
    })?)
    .await?;

    let mut subject_ids = Vec::new();
    for name in ["Математика", "Русский язык"] {
        let subject = id
            .create_subject(admin.request(identity::CreateSubjectRequest {
                school_id: school.id.clone(),
                name: name.into(),
            })?)
            .await?
            .into_inner()
            .subject
            .expect("subject");
        subject_ids.push(subject.id);
    }

    let start = otmetka_platform::time::academic_year_start(today);
    let class = id
        .create_class(admin.request(identity::CreateClassRequest {
            school_id: school.id.clone(),
            grade_level: 5,
            letter: "А".into(),
            academic_year: start.year(),
            class_teacher_id: teacher.id.clone(),
        })?)
        .await?
        .into_inner()
        .class
        .expect("class");
    for subject_id in &subject_ids {
        id.create_teaching_assignment(admin.request(
            identity::CreateTeachingAssignmentRequest {
                teacher_id: teacher.id.clone(),
                class_id: class.id.clone(),
                subject_id: subject_id.clone(),
                group_id: String::new(),
            },
        )?)
        .await?;
    }

    let mut student_ids = Vec::new();
    for name in STUDENTS {
        let student = id
            .create_person(admin.request(person(identity::PersonKind::Student, name))?)
            .await?
            .into_inner()
            .person
            .expect("student");
        id.enroll_student(admin.request(identity::EnrollStudentRequest {
            student_id: student.id.clone(),
            class_id: class.id.clone(),
            start_date: start.to_string(),
        })?)
        .await?;
        student_ids.push(student.id);
    }

    let guardians = [
        (("Петров", "Алексей", "Николаевич"), 0),
        (("Смирнов", "Сергей", "Викторович"), 1),
    ];
    let mut guardian_ids = Vec::new();
    for (name, child) in guardians {
        let guardian = id
            .create_person(admin.request(person(identity::PersonKind::Guardian, name))?)
            .await?
            .into_inner()
            .person
            .expect("guardian");
        id.link_guardian(admin.request(identity::LinkGuardianRequest {
            guardian_id: guardian.id.clone(),
            student_id: student_ids[child].clone(),
        })?)
        .await?;
        guardian_ids.push(guardian.id);
    }

    let holders = [
        &teacher.id,
        &student_ids[0],
        &guardian_ids[0],
        &guardian_ids[1],
    ];
    // Each demo person receives a school-issued password and replaces it
    // with the demo one, as a real person must at first sign-in.
    for (holder, demo) in holders.into_iter().zip(DEMO_LOGINS) {
        let issued = format!("{}-issued", demo.password);
        id.set_credentials(admin.request(identity::SetCredentialsRequest {
            person_id: holder.clone(),
            login: demo.login.into(),
            password: issued.clone(),
        })?)
        .await?;
        let token = login(&admin.identity, demo.login, &issued).await?;
        let change = identity::ChangePasswordRequest {
            current_password: issued,
            new_password: demo.password.into(),
        };
        id.change_password(outgoing(change, &token, None)?).await?;
    }

    let teacher_caller = Caller {
        token: login(
            &admin.identity,
            DEMO_LOGINS[0].login,
            DEMO_LOGINS[0].password,
        )
        .await?,
        identity: admin.identity.clone(),
        gradebook: admin.gradebook.clone(),
    };
    let marks_posted =
        post_marks(&teacher_caller, &student_ids, &subject_ids, start, today).await?;
    tracing::info!(school_id = %school.id, marks_posted, "seeded the demo school");
    Ok(DemoSchool {
        school_id: school.id,
        student_ids,
        subject_ids,
        marks_posted,
    })
}

/// Two weeks of marks, varied but the same on every run.
async fn post_marks(
    teacher: &Caller,
    students: &[String],
    subjects: &[String],
    first_day: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    const VALUES: [&str; 9] = ["5", "4", "5", "3", "4", "5", "4-", "2", "5+"];
    const COMMENTS: [&str; 3] = ["", "Отличный ответ у доски", "Контрольная работа"];
    let mut posted = 0;
    let days = recent_school_days(today, 10)
        .into_iter()
        .filter(|day| *day >= first_day);
    for (day_index, day) in days.enumerate() {
        for (student_index, student_id) in students.iter().enumerate() {
            let turn = day_index * 7 + student_index * 3;
            if turn % 3 == 0 {
                continue;
            }
            let subject_id = &subjects[turn % subjects.len()];
            teacher
                .gradebook
                .clone()
                .create_mark(teacher.request(gradebook::CreateMarkRequest {
                    student_id: student_id.clone(),
                    subject_id: subject_id.clone(),
                    lesson_date: day.to_string(),
                    value: VALUES[turn % VALUES.len()].into(),
                    weight: if turn % 5 == 0 { 2 } else { 1 },
                    comment: COMMENTS[turn % COMMENTS.len()].into(),
                    request_id: format!("demo-{day}-{student_index}"),
                    ..Default::default()
                })?)
                .await?;
            posted += 1;
        }
    }
    Ok(posted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_days_skip_weekends_and_today() {
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let days = recent_school_days(saturday, 6);
        assert_eq!(days.len(), 6);
        assert!(
            days.iter()
                .all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        );
        assert_eq!(
            *days.last().unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        );
        assert!(days.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
