//! The demo school seeded on a fresh suite, created through the same gRPC
//! calls a city operator, a deputy head and teachers would make. In full
//! (the one-command run): two fifth-grade classes of 25 with guardians, nine
//! teachers and a deputy head, English in groups, the year's calendar and
//! timetable, and the last month's journal ([`crate::demo_term`]). Small
//! (for tests, which start many suites): one class of five, two subjects
//! and two weeks of marks.

use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::grpc::context::outgoing;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;

use crate::RunningSuite;

mod names;
mod roster;
mod small;

use names::*;
use roster::Roster;
use small::post_marks;

pub const DEMO_SCHOOL: &str = "Школа № 1 (демо)";

/// A demo login to print for people trying the suite.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    pub role: &'static str,
    pub login: &'static str,
    pub password: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 5] = [
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
    DemoLogin {
        role: "завуч (deputy head)",
        login: "zavuch",
        password: "zavuch-demo",
    },
];

/// The contact e-mails of the demo guardians `parent` and `parent2`.
pub const DEMO_GUARDIAN_EMAILS: [&str; 2] =
    ["parent@demo.otmetka.test", "parent2@demo.otmetka.test"];

/// How much of a school to seed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DemoScale {
    /// One class of five, two subjects, two weeks of marks: quick to seed.
    #[default]
    Small,
    /// Two classes of 25, the year's timetable and the last month's journal.
    Full,
}

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
        let identity = IdentityServiceClient::new(channel(suite, "identity")?);
        let gradebook = GradebookServiceClient::new(channel(suite, "gradebook")?);
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

fn channel(suite: &RunningSuite, service: &str) -> anyhow::Result<Channel> {
    let url = suite
        .url_of(service)
        .with_context(|| format!("{service} is part of the suite"))?;
    otmetka_platform::grpc::client::lazy_channel(url)
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
    scale: DemoScale,
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
    create(&admin, suite, scale).await
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

/// Where the demo school is.
const DEMO_TIMEZONE: chrono_tz::Tz = chrono_tz::Europe::Moscow;

/// The demo classes' grade.
const GRADE: i32 = 5;

async fn create(
    admin: &Caller,
    suite: &RunningSuite,
    scale: DemoScale,
) -> anyhow::Result<DemoSchool> {
    let today = suite.clock.today_in(&DEMO_TIMEZONE);
    let start = otmetka_platform::time::academic_year_start(today);
    let school = admin
        .identity
        .clone()
        .create_school(admin.request(identity::CreateSchoolRequest {
            name: DEMO_SCHOOL.into(),
            timezone: DEMO_TIMEZONE.name().into(),
        })?)
        .await?
        .into_inner()
        .school
        .context("created school")?;
    let roster = Roster {
        admin,
        school_id: school.id.clone(),
    };
    let teacher_count = match scale {
        DemoScale::Small => 1,
        DemoScale::Full => TEACHERS.len(),
    };
    let mut teachers = Vec::new();
    for name in &TEACHERS[..teacher_count] {
        teachers.push(roster.staff(*name, identity::StaffRole::Teacher).await?);
    }
    let deputy = roster
        .staff(DEPUTY, identity::StaffRole::DeputyHead)
        .await?;
    let subject_names: Vec<&str> = match scale {
        DemoScale::Small => vec!["Математика", "Русский язык"],
        DemoScale::Full => crate::demo_term::SUBJECTS
            .iter()
            .map(|(name, _)| *name)
            .collect(),
    };
    let mut subject_ids = Vec::new();
    for name in subject_names {
        subject_ids.push(roster.subject(name).await?);
    }

    let class_a = roster.class("А", &teachers[0], start).await?;
    let mut student_ids = Vec::new();
    for name in STUDENTS {
        student_ids.push(roster.student(name, &class_a, start).await?);
    }
    let guardians = [
        roster
            .guardian_of(("Петров", "Алексей", "Николаевич"), &student_ids[0])
            .await?,
        roster
            .guardian_of(("Смирнов", "Сергей", "Викторович"), &student_ids[1])
            .await?,
    ];
    // The demo guardians' contact e-mails, at a domain that reaches nobody
    // (RFC 2606): notifications e-mailed from the demo go nowhere.
    for (guardian, email) in guardians.iter().zip(DEMO_GUARDIAN_EMAILS) {
        roster.set_email(guardian, email).await?;
    }
    let demo_people = [
        &teachers[0],
        &student_ids[0],
        &guardians[0],
        &guardians[1],
        &deputy,
    ];
    let mut tokens = Vec::new();
    for (person, demo) in demo_people.into_iter().zip(DEMO_LOGINS) {
        tokens.push(roster.sign_in_as(person, demo.login, demo.password).await?);
    }
    let (teacher_token, deputy_token) = (tokens[0].clone(), tokens[4].clone());

    let marks_posted = match scale {
        DemoScale::Small => {
            for subject_id in &subject_ids {
                roster
                    .assign(&teachers[0], &class_a, subject_id, "")
                    .await?;
            }
            let teacher = Caller {
                token: teacher_token,
                identity: admin.identity.clone(),
                gradebook: admin.gradebook.clone(),
            };
            post_marks(&teacher, &student_ids, &subject_ids, start, today).await?
        }
        DemoScale::Full => {
            let class_b = roster.class("Б", &teachers[1], start).await?;
            let mut classes = Vec::new();
            for (index, class_id) in [&class_a, &class_b].into_iter().enumerate() {
                let mut members: Vec<String> = if index == 0 {
                    student_ids.clone()
                } else {
                    Vec::new()
                };
                for position in members.len()..CLASS_SIZE {
                    let (family, given, middle) = pupil(index, position);
                    let student = roster
                        .student((&family, &given, &middle), class_id, start)
                        .await?;
                    let parent_given = if position % 3 == 0 {
                        "Ольга"
                    } else {
                        "Андрей"
                    };
                    let parent_family = if position % 3 == 0 {
                        FAMILIES[(position * 7 + index * 3) % FAMILIES.len()].1
                    } else {
                        FAMILIES[(position * 7 + index * 3) % FAMILIES.len()].0
                    };
                    roster
                        .guardian_of((parent_family, parent_given, ""), &student)
                        .await?;
                    members.push(student);
                }
                if index == 1 {
                    student_ids.extend(members.iter().cloned());
                } else {
                    student_ids.clone_from(&members);
                }
                let halves = [
                    members[..CLASS_SIZE / 2 + 1].to_vec(),
                    members[CLASS_SIZE / 2 + 1..].to_vec(),
                ];
                let mut groups = Vec::new();
                for (number, half) in halves.iter().enumerate() {
                    groups.push(
                        roster
                            .group(
                                class_id,
                                &format!("Английский язык, гр. {}", number + 1),
                                half,
                            )
                            .await?,
                    );
                }
                for (subject, (_, subject_teachers)) in
                    crate::demo_term::SUBJECTS.iter().enumerate()
                {
                    if subject_teachers.len() > 1 {
                        for (teacher, group) in subject_teachers.iter().zip(&groups) {
                            roster
                                .assign(&teachers[*teacher], class_id, &subject_ids[subject], group)
                                .await?;
                        }
                    } else {
                        roster
                            .assign(
                                &teachers[subject_teachers[0]],
                                class_id,
                                &subject_ids[subject],
                                "",
                            )
                            .await?;
                    }
                }
                classes.push((class_id.clone(), groups, halves.to_vec()));
            }
            let mut teacher_tokens = vec![teacher_token];
            for (index, teacher) in teachers.iter().enumerate().skip(1) {
                // Sign-ins for seeding only: nobody is told these passwords.
                let password = format!("{}-{index}", crate::random_secret());
                teacher_tokens.push(
                    roster
                        .sign_in_as(teacher, &format!("teacher{}", index + 1), &password)
                        .await?,
                );
            }
            let services = crate::demo_term::Services {
                schedule: ScheduleServiceClient::new(channel(suite, "schedule")?),
                gradebook: admin.gradebook.clone(),
            };
            let term = crate::demo_term::DemoClasses {
                school_id: &school.id,
                grade_level: GRADE,
                classes,
                subject_ids: &subject_ids,
                teacher_ids: &teachers,
                teacher_tokens: &teacher_tokens,
                deputy: deputy_token,
            };
            crate::demo_term::seed_term(&services, &term, today).await?
        }
    };
    tracing::info!(school_id = %school.id, marks_posted, "seeded the demo school");
    Ok(DemoSchool {
        school_id: school.id,
        student_ids,
        subject_ids,
        marks_posted,
    })
}
