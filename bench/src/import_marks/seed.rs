//! The school the vendor pushes marks into, built over the public gRPC
//! APIs: the city operator opens it, its administrator creates subjects,
//! one teacher per subject for every class, the classes and their
//! students, the academic year and a quarter around today, and sets the
//! journal's edit window; the city registers the vendor and the school
//! grants it; the vendor maps its own ids of students and subjects.

use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::{progress, with_token};

pub const PASSWORD: &str = "bench-password-1";
/// Days back from today that the quarter (and the marks) cover.
pub const TERM_DAYS_BACK: u64 = 70;
pub const STUDENTS_PER_CLASS: usize = 25;
const LETTERS: [&str; 6] = ["А", "Б", "В", "Г", "Д", "Е"];
const SUBJECTS: [&str; 12] = [
    "Русский язык",
    "Литература",
    "Математика",
    "Английский язык",
    "История",
    "География",
    "Биология",
    "Физика",
    "Химия",
    "Информатика",
    "Музыка",
    "Технология",
];

pub struct Shape {
    pub students: usize,
    pub subjects: usize,
    pub concurrency: usize,
}

/// What was built.
pub struct School {
    pub school_id: String,
    pub students: Vec<String>,
    /// Student `n` is in class `n / STUDENTS_PER_CLASS`.
    pub classes: Vec<String>,
    pub subjects: Vec<String>,
    /// Teacher logins, one per subject (in subject order); each teaches
    /// their subject in every class.
    pub teachers: Vec<String>,
    pub vendor_id: Uuid,
    pub vendor_secret: String,
}

pub struct Endpoints<'a> {
    pub identity: &'a str,
    pub schedule: &'a str,
    pub gradebook: &'a str,
    pub import: &'a str,
}

fn channel(url: &str) -> anyhow::Result<Channel> {
    otmetka_platform::grpc::client::lazy_channel(url)
}

pub async fn login(
    identity: &IdentityServiceClient<Channel>,
    login: &str,
    password: &str,
) -> anyhow::Result<String> {
    Ok(identity
        .clone()
        .login(identity::LoginRequest {
            login: login.into(),
            password: password.into(),
        })
        .await
        .with_context(|| format!("signing in as {login}"))?
        .into_inner()
        .access_token)
}

pub async fn client_token(
    identity: &IdentityServiceClient<Channel>,
    school: &School,
) -> anyhow::Result<String> {
    Ok(identity
        .clone()
        .get_client_token(identity::GetClientTokenRequest {
            client_id: school.vendor_id.to_string(),
            client_secret: school.vendor_secret.clone(),
            scopes: vec![],
        })
        .await
        .context("the vendor's token")?
        .into_inner()
        .access_token)
}

async fn all<T, R, F, Fut>(items: Vec<T>, concurrency: usize, call: F) -> anyhow::Result<Vec<R>>
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = anyhow::Result<R>>,
{
    stream::iter(items.into_iter().map(call))
        .buffered(concurrency)
        .try_collect()
        .await
}

pub async fn build(
    endpoints: &Endpoints<'_>,
    city_login: &str,
    city_password: &str,
    shape: &Shape,
) -> anyhow::Result<School> {
    let ids = IdentityServiceClient::new(channel(endpoints.identity)?);
    let n = shape.concurrency;
    let today = Utc::now().date_naive();
    let year_start = otmetka_platform::time::academic_year_start(today);
    let year_end = NaiveDate::from_ymd_opt(year_start.year() + 1, 8, 31).context("a date")?;

    let city = login(&ids, city_login, city_password).await?;
    let school_id = ids
        .clone()
        .create_school(with_token(
            &city,
            identity::CreateSchoolRequest {
                name: "Школа № 1540 (загрузка оценок)".into(),
                timezone: "Europe/Moscow".into(),
            },
        ))
        .await?
        .into_inner()
        .school
        .context("a school")?
        .id;
    let person = |kind: identity::PersonKind, index: usize| identity::CreatePersonRequest {
        school_id: school_id.clone(),
        kind: kind.into(),
        family_name: format!("Фамилия{index}"),
        given_name: "Имя".into(),
        middle_name: String::new(),
    };
    let staff = |token: String, index: usize, role: identity::StaffRole, login: String| {
        let mut ids = ids.clone();
        let create = with_token(&token, person(identity::PersonKind::Staff, index));
        let school_id = school_id.clone();
        async move {
            let id = ids
                .create_person(create)
                .await?
                .into_inner()
                .person
                .context("a person")?
                .id;
            ids.grant_staff_role(with_token(
                &token,
                identity::GrantStaffRoleRequest {
                    person_id: id.clone(),
                    school_id,
                    role: role.into(),
                },
            ))
            .await?;
            ids.set_credentials(with_token(
                &token,
                identity::SetCredentialsRequest {
                    person_id: id.clone(),
                    login,
                    password: PASSWORD.into(),
                },
            ))
            .await?;
            anyhow::Ok(id)
        }
    };
    staff(
        city.clone(),
        0,
        identity::StaffRole::SchoolAdmin,
        "import-admin".into(),
    )
    .await?;
    let admin = login(&ids, "import-admin", PASSWORD).await?;

    let subject_count = shape.subjects.min(SUBJECTS.len());
    let subjects = all(SUBJECTS[..subject_count].to_vec(), n, |name| {
        let mut ids = ids.clone();
        let request = with_token(
            &admin,
            identity::CreateSubjectRequest {
                school_id: school_id.clone(),
                name: name.into(),
            },
        );
        async move {
            Ok(ids
                .create_subject(request)
                .await?
                .into_inner()
                .subject
                .context("a subject")?
                .id)
        }
    })
    .await?;
    let teacher_logins: Vec<String> = (0..subject_count)
        .map(|index| format!("import-teacher-{index}"))
        .collect();
    let teacher_ids = all(teacher_logins.clone(), n, |login| {
        let index = teacher_logins.iter().position(|l| *l == login).unwrap_or(0);
        staff(
            admin.clone(),
            index + 1,
            identity::StaffRole::Teacher,
            login,
        )
    })
    .await?;

    let class_count = shape.students.div_ceil(STUDENTS_PER_CLASS);
    anyhow::ensure!(
        class_count <= 11 * LETTERS.len(),
        "at most {} students",
        11 * LETTERS.len() * STUDENTS_PER_CLASS
    );
    let classes = all((0..class_count).collect(), n, |class| {
        let mut ids = ids.clone();
        let request = with_token(
            &admin,
            identity::CreateClassRequest {
                school_id: school_id.clone(),
                grade_level: (class % 11) as i32 + 1,
                letter: LETTERS[class / 11].into(),
                academic_year: year_start.year(),
                class_teacher_id: teacher_ids[class % teacher_ids.len()].clone(),
            },
        );
        async move {
            Ok(ids
                .create_class(request)
                .await?
                .into_inner()
                .class
                .context("a class")?
                .id)
        }
    })
    .await?;
    let assignments: Vec<(usize, usize)> = (0..class_count)
        .flat_map(|class| (0..subject_count).map(move |subject| (class, subject)))
        .collect();
    all(assignments, n, |(class, subject)| {
        let mut ids = ids.clone();
        let request = with_token(
            &admin,
            identity::CreateTeachingAssignmentRequest {
                teacher_id: teacher_ids[subject].clone(),
                class_id: classes[class].clone(),
                subject_id: subjects[subject].clone(),
                group_id: String::new(),
            },
        );
        async move {
            ids.create_teaching_assignment(request).await?;
            Ok(())
        }
    })
    .await?;
    progress(&format!(
        "{subject_count} subjects, {} teachers, {class_count} classes",
        teacher_ids.len()
    ));
    let students = all((0..shape.students).collect(), n, |index| {
        let mut ids = ids.clone();
        let create = with_token(&admin, person(identity::PersonKind::Student, index));
        let class_id = classes[index / STUDENTS_PER_CLASS].clone();
        let admin = admin.clone();
        async move {
            let student = ids
                .create_person(create)
                .await?
                .into_inner()
                .person
                .context("a student")?
                .id;
            ids.enroll_student(with_token(
                &admin,
                identity::EnrollStudentRequest {
                    student_id: student.clone(),
                    class_id,
                    start_date: year_start.to_string(),
                },
            ))
            .await?;
            Ok(student)
        }
    })
    .await?;
    progress(&format!("{} students enrolled", students.len()));

    // The calendar: the year and a quarter around today.
    let mut sched = ScheduleServiceClient::new(channel(endpoints.schedule)?);
    let year_id = sched
        .create_academic_year(with_token(
            &admin,
            schedule::CreateAcademicYearRequest {
                academic_year: Some(schedule::AcademicYear {
                    school_id: school_id.clone(),
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
        .context("a year")?
        .id;
    let term_start = (today - Days::new(TERM_DAYS_BACK)).max(year_start);
    let term_end = (today + Days::new(14)).min(year_end);
    sched
        .create_reporting_period(with_token(
            &admin,
            schedule::CreateReportingPeriodRequest {
                reporting_period: Some(schedule::ReportingPeriod {
                    school_id: school_id.clone(),
                    academic_year_id: year_id,
                    kind: schedule::ReportingPeriodKind::Quarter.into(),
                    number: 2,
                    name: "II четверть".into(),
                    grade_levels: (1..=11).collect(),
                    start_date: term_start.to_string(),
                    end_date: term_end.to_string(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await?;
    GradebookServiceClient::new(channel(endpoints.gradebook)?)
        .update_journal_settings(with_token(
            &admin,
            gradebook::UpdateJournalSettingsRequest {
                settings: Some(gradebook::JournalSettings {
                    school_id: school_id.clone(),
                    edit_window_days: 365,
                    vendors_override_teachers: false,
                }),
            },
        ))
        .await?;

    // The vendor: registered by the city, granted by the school.
    let created = ids
        .clone()
        .create_client(with_token(
            &city,
            identity::CreateClientRequest {
                name: "Внешний электронный журнал".into(),
                kind: identity::ClientKind::Vendor.into(),
                allowed_scopes: vec!["roster.read".into(), "marks.write".into()],
            },
        ))
        .await?
        .into_inner();
    let vendor_id = created.client.context("a client")?.id;
    ids.clone()
        .grant_vendor_access(with_token(
            &city,
            identity::GrantVendorAccessRequest {
                school_id: school_id.clone(),
                client_id: vendor_id.clone(),
            },
        ))
        .await?;
    let school = School {
        school_id,
        students,
        classes,
        subjects,
        teachers: teacher_logins,
        vendor_id: vendor_id.parse()?,
        vendor_secret: created.client_secret,
    };

    // The vendor maps its ids: "s<n>" for students, "subj-<n>" for subjects.
    let token: Arc<str> = client_token(&ids, &school).await?.into();
    let mut importer = ImportServiceClient::new(channel(endpoints.import)?);
    let mappings: Vec<import::IdMapping> = school
        .students
        .iter()
        .enumerate()
        .map(|(n, id)| (import::EntityType::Student, format!("s{n}"), id))
        .chain(
            school
                .subjects
                .iter()
                .enumerate()
                .map(|(n, id)| (import::EntityType::Subject, format!("subj-{n}"), id)),
        )
        .map(|(entity, external_id, id)| import::IdMapping {
            entity_type: entity.into(),
            external_id,
            platform_id: id.clone(),
            ..Default::default()
        })
        .collect();
    for chunk in mappings.chunks(1000) {
        let results = importer
            .put_id_mappings(with_token(
                &token,
                import::PutIdMappingsRequest {
                    school_id: school.school_id.clone(),
                    mappings: chunk.to_vec(),
                },
            ))
            .await?
            .into_inner()
            .results;
        let refused = results
            .iter()
            .filter(|r| r.status != i32::from(import::MappingStatus::Created))
            .count();
        anyhow::ensure!(refused == 0, "{refused} mappings were not created");
    }
    progress(&format!(
        "vendor granted; {} id mappings put",
        mappings.len()
    ));
    Ok(school)
}
