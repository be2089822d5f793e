//! A realistic school, built over the public gRPC APIs as its people would
//! build it: the city operator opens the school, its administrator fills in
//! the roster and the calendar, guardians sign up with access codes, and
//! teachers keep the journal for the term so far.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::context::outgoing;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tonic::transport::Channel;

use crate::progress;

mod plan;

use plan::{DAYS, Hour, LESSONS_PER_DAY, SUBJECTS, curriculum, name, staff, week_of_class};

/// Every person's password in the bench school.
pub const PASSWORD: &str = "bench-password-1";

/// How big the school is and how full its journal.
#[derive(Debug, Clone)]
pub struct Shape {
    pub classes: usize,
    /// Weeks of the term before the current one that already have lessons.
    pub weeks: u64,
    /// Share of a lesson's students who get a mark in it.
    pub mark_share: f64,
    /// Share of a lesson's students with an attendance record (absent, ill, late).
    pub absence_share: f64,
    /// Calls in flight at once while seeding.
    pub concurrency: usize,
}

const BELLS: [(&str, &str); LESSONS_PER_DAY] = [
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
    ("14:20", "15:05"),
];
const LETTERS: [&str; 6] = ["А", "Б", "В", "Г", "Д", "Е"];

/// A person signed in over gRPC; signs in again before the token lapses.
struct Caller {
    identity: IdentityServiceClient<Channel>,
    login: String,
    password: String,
    token: BearerToken,
    signed_in: Instant,
}

impl Caller {
    async fn sign_in(
        identity: &IdentityServiceClient<Channel>,
        login: &str,
        password: &str,
    ) -> anyhow::Result<Self> {
        let token = login_token(identity, login, password).await?;
        Ok(Self {
            identity: identity.clone(),
            login: login.into(),
            password: password.into(),
            token,
            signed_in: Instant::now(),
        })
    }

    /// Signs in again when the token is more than ten minutes old.
    async fn refresh(&mut self) -> anyhow::Result<()> {
        if self.signed_in.elapsed() > Duration::from_secs(600) {
            self.token = login_token(&self.identity, &self.login, &self.password).await?;
            self.signed_in = Instant::now();
        }
        Ok(())
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        outgoing(message, &self.token, None).expect("a well-formed token")
    }
}

pub async fn login_token(
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
        .await
        .with_context(|| format!("signing in as {login}"))?
        .into_inner();
    Ok(BearerToken(Arc::from(response.access_token.as_str())))
}

/// A guardian of the school and the child whose diary they read.
#[derive(Debug, Clone)]
pub struct Family {
    pub guardian_login: String,
    pub student_id: String,
}

/// What was built, for the load and the report.
#[derive(Debug, Clone)]
pub struct School {
    pub school_id: String,
    pub families: Vec<Family>,
    pub classes: usize,
    pub teachers: usize,
    pub subjects: usize,
    pub timetable_entries: usize,
    pub lessons: usize,
    pub marks: usize,
    pub attendance: usize,
    pub term: (NaiveDate, NaiveDate),
}

/// Runs `call` over `items`, `concurrency` at a time, in order.
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

struct Services {
    identity: IdentityServiceClient<Channel>,
    schedule: ScheduleServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
}

fn connect(suite: &otmetka_local::RunningSuite) -> anyhow::Result<Services> {
    let channel = |service: &str| -> anyhow::Result<Channel> {
        lazy_channel(suite.url_of(service).context("a service of the suite")?)
    };
    Ok(Services {
        identity: IdentityServiceClient::new(channel("identity")?),
        schedule: ScheduleServiceClient::new(channel("schedule")?),
        gradebook: GradebookServiceClient::new(channel("gradebook")?),
    })
}

/// Builds the school; `city_login`/`city_password` are the city operator's.
pub async fn build(
    suite: &otmetka_local::RunningSuite,
    city_login: &str,
    city_password: &str,
    shape: &Shape,
) -> anyhow::Result<School> {
    let services = connect(suite)?;
    let n = shape.concurrency;
    let today = Utc::now().date_naive();
    let year_start = otmetka_platform::time::academic_year_start(today);
    let year_end = NaiveDate::from_ymd_opt(year_start.year() + 1, 8, 31).context("a date")?;
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let term_start = monday
        .checked_sub_days(Days::new(7 * shape.weeks))
        .context("a date")?
        .max(year_start);
    let term_end = (monday + Days::new(13)).min(year_end);

    // The city operator opens the school and appoints its administrator.
    let city = Caller::sign_in(&services.identity, city_login, city_password).await?;
    let school_id = services
        .identity
        .clone()
        .create_school(city.request(identity::CreateSchoolRequest {
            name: "Школа № 57 (нагрузочный тест)".into(),
            timezone: "Europe/Moscow".into(),
        }))
        .await?
        .into_inner()
        .school
        .context("a school")?
        .id;
    let person = |kind: identity::PersonKind, index: usize| {
        let (family, given) = name(index);
        identity::CreatePersonRequest {
            school_id: school_id.clone(),
            kind: kind.into(),
            family_name: family.into(),
            given_name: given.into(),
            middle_name: String::new(),
        }
    };
    let admin_id = services
        .identity
        .clone()
        .create_person(city.request(person(identity::PersonKind::Staff, 0)))
        .await?
        .into_inner()
        .person
        .context("a person")?
        .id;
    let mut id = services.identity.clone();
    id.grant_staff_role(city.request(identity::GrantStaffRoleRequest {
        person_id: admin_id.clone(),
        school_id: school_id.clone(),
        role: identity::StaffRole::SchoolAdmin.into(),
    }))
    .await?;
    id.set_credentials(city.request(identity::SetCredentialsRequest {
        person_id: admin_id,
        login: "bench-admin".into(),
        password: PASSWORD.into(),
    }))
    .await?;
    let mut admin = Caller::sign_in(&services.identity, "bench-admin", PASSWORD).await?;
    let admin_ref = &admin;

    // Subjects, the timetable plan and the teachers it needs.
    let subject_ids = all(SUBJECTS.to_vec(), n, |(name, _)| {
        let mut identity = services.identity.clone();
        let request = admin_ref.request(identity::CreateSubjectRequest {
            school_id: school_id.clone(),
            name: name.into(),
        });
        async move {
            Ok(identity
                .create_subject(request)
                .await?
                .into_inner()
                .subject
                .context("a subject")?
                .id)
        }
    })
    .await?;
    let curriculum = curriculum();
    let weeks: Vec<Vec<Hour>> = (0..shape.classes)
        .map(|class| week_of_class(&curriculum, class))
        .collect();
    let staffing = staff(&weeks);
    let teacher_ids = all((0..staffing.teachers.len()).collect(), n, |index| {
        let mut identity = services.identity.clone();
        let create = admin_ref.request(person(identity::PersonKind::Staff, index + 7));
        let school_id = school_id.clone();
        async move {
            let teacher = identity
                .create_person(create)
                .await?
                .into_inner()
                .person
                .context("a teacher")?
                .id;
            identity
                .grant_staff_role(admin_ref.request(identity::GrantStaffRoleRequest {
                    person_id: teacher.clone(),
                    school_id,
                    role: identity::StaffRole::Teacher.into(),
                }))
                .await?;
            identity
                .set_credentials(admin_ref.request(identity::SetCredentialsRequest {
                    person_id: teacher.clone(),
                    login: format!("bench-teacher-{index}"),
                    password: PASSWORD.into(),
                }))
                .await?;
            Ok(teacher)
        }
    })
    .await?;
    progress(&format!(
        "{} subjects, {} teachers",
        subject_ids.len(),
        teacher_ids.len()
    ));

    // Classes with their class teachers and teaching assignments.
    let class_ids = all((0..shape.classes).collect(), n, |class| {
        let mut identity = services.identity.clone();
        let grade = (class % 11) as i32 + 1;
        let letter = LETTERS[(class / 11) % LETTERS.len()];
        let request = admin_ref.request(identity::CreateClassRequest {
            school_id: school_id.clone(),
            grade_level: grade,
            letter: letter.into(),
            academic_year: year_start.year(),
            class_teacher_id: teacher_ids[staffing.of_class[class][0]].clone(),
        });
        async move {
            Ok(identity
                .create_class(request)
                .await?
                .into_inner()
                .class
                .context("a class")?
                .id)
        }
    })
    .await?;
    let assignments: Vec<(usize, usize)> = (0..shape.classes)
        .flat_map(|class| (0..SUBJECTS.len()).map(move |subject| (class, subject)))
        .filter(|&(class, subject)| staffing.of_class[class][subject] != usize::MAX)
        .collect();
    all(assignments, n, |(class, subject)| {
        let mut identity = services.identity.clone();
        let request = admin_ref.request(identity::CreateTeachingAssignmentRequest {
            teacher_id: teacher_ids[staffing.of_class[class][subject]].clone(),
            class_id: class_ids[class].clone(),
            subject_id: subject_ids[subject].clone(),
            group_id: String::new(),
        });
        async move {
            identity.create_teaching_assignment(request).await?;
            Ok(())
        }
    })
    .await?;
    progress(&format!("{} classes with their teachers", class_ids.len()));

    // Students, 25 to 28 a class, each with a guardian who signs up with
    // the access code the school hands out.
    let students: Vec<(usize, usize)> = (0..shape.classes)
        .flat_map(|class| (0..25 + (class * 7) % 4).map(move |seat| (class, seat)))
        .collect();
    let enrolled = all(
        students.into_iter().enumerate().collect(),
        n,
        |(index, (class, _))| {
            let mut identity = services.identity.clone();
            let create = admin_ref.request(person(identity::PersonKind::Student, index));
            let class_id = class_ids[class].clone();
            let school_id = school_id.clone();
            async move {
                let student = identity
                    .create_person(create)
                    .await?
                    .into_inner()
                    .person
                    .context("a student")?
                    .id;
                identity
                    .enroll_student(admin_ref.request(identity::EnrollStudentRequest {
                        student_id: student.clone(),
                        class_id,
                        start_date: year_start.to_string(),
                    }))
                    .await?;
                let code = identity
                    .issue_access_code(admin_ref.request(identity::IssueAccessCodeRequest {
                        student_id: student.clone(),
                    }))
                    .await?
                    .into_inner()
                    .code;
                let (family, given) = name(index + 3);
                let login = format!("bench-parent-{index}");
                identity
                    .register_guardian(identity::RegisterGuardianRequest {
                        code,
                        family_name: family.into(),
                        given_name: given.into(),
                        middle_name: String::new(),
                        login: login.clone(),
                        password: PASSWORD.into(),
                    })
                    .await
                    .with_context(|| format!("registering a guardian in {school_id}"))?;
                Ok((
                    class,
                    Family {
                        guardian_login: login,
                        student_id: student,
                    },
                ))
            }
        },
    )
    .await?;
    progress(&format!(
        "{} students, each with a guardian signed up",
        enrolled.len()
    ));

    // The calendar: the year, the quarter around today, bells, the
    // timetable, and the term's lessons.
    admin.refresh().await?;
    let admin_ref = &admin;
    let mut sched = services.schedule.clone();
    let year_id = sched
        .create_academic_year(admin.request(schedule::CreateAcademicYearRequest {
            academic_year: Some(schedule::AcademicYear {
                school_id: school_id.clone(),
                name: format!("{}/{}", year_start.year(), year_start.year() + 1),
                start_date: year_start.to_string(),
                end_date: year_end.to_string(),
                ..Default::default()
            }),
            request_id: String::new(),
        }))
        .await?
        .into_inner()
        .academic_year
        .context("a year")?
        .id;
    sched
        .create_reporting_period(admin.request(schedule::CreateReportingPeriodRequest {
            reporting_period: Some(schedule::ReportingPeriod {
                school_id: school_id.clone(),
                academic_year_id: year_id.clone(),
                kind: schedule::ReportingPeriodKind::Quarter.into(),
                number: 2,
                name: "II четверть".into(),
                grade_levels: (1..=11).collect(),
                start_date: term_start.to_string(),
                end_date: term_end.to_string(),
                ..Default::default()
            }),
            request_id: String::new(),
        }))
        .await?;
    sched
        .create_bell_schedule(
            admin.request(schedule::CreateBellScheduleRequest {
                bell_schedule: Some(schedule::BellSchedule {
                    school_id: school_id.clone(),
                    name: "Основное".into(),
                    slots: BELLS
                        .iter()
                        .enumerate()
                        .map(|(index, (start, end))| schedule::BellSlot {
                            lesson_number: index as i32 + 1,
                            start_time: (*start).into(),
                            end_time: (*end).into(),
                        })
                        .collect(),
                    is_default: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            }),
        )
        .await?;
    let mut entries = Vec::new();
    for (class, week) in weeks.iter().enumerate() {
        for (slot, hour) in week.iter().enumerate() {
            let parts = match *hour {
                Hour::Every(subject) => vec![(subject, schedule::WeekPeriodicity::EveryWeek)],
                Hour::Alternating { odd, even } => vec![
                    (odd, schedule::WeekPeriodicity::OddWeeks),
                    (even, schedule::WeekPeriodicity::EvenWeeks),
                ],
            };
            for (subject, periodicity) in parts {
                entries.push(schedule::TimetableEntry {
                    school_id: school_id.clone(),
                    academic_year_id: year_id.clone(),
                    class_id: class_ids[class].clone(),
                    weekday: (slot % DAYS) as i32 + 1,
                    lesson_number: (slot / DAYS) as i32 + 1,
                    subject_id: subject_ids[subject].clone(),
                    teacher_id: teacher_ids[staffing.of_class[class][subject]].clone(),
                    room: format!("{}", 101 + class),
                    periodicity: periodicity.into(),
                    ..Default::default()
                });
            }
        }
    }
    let timetable_entries = entries.len();
    all(entries, n, |entry| {
        let mut schedule = services.schedule.clone();
        async move {
            schedule
                .create_timetable_entry(admin_ref.request(schedule::CreateTimetableEntryRequest {
                    timetable_entry: Some(entry),
                    request_id: String::new(),
                }))
                .await
                .context("a timetable entry")?;
            Ok(())
        }
    })
    .await?;
    progress(&format!("{timetable_entries} timetable entries"));
    let generated = sched
        .generate_lessons(admin.request(schedule::GenerateLessonsRequest {
            school_id: school_id.clone(),
            academic_year_id: year_id.clone(),
            from_date: term_start.to_string(),
            to_date: term_end.to_string(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    let mut lessons = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = sched
            .list_lessons(admin.request(schedule::ListLessonsRequest {
                school_id: school_id.clone(),
                from_date: term_start.to_string(),
                to_date: today.to_string(),
                page_size: 1000,
                page_token,
                ..Default::default()
            }))
            .await?
            .into_inner();
        lessons.extend(page.lessons);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    progress(&format!(
        "{} lessons generated for {term_start}..{term_end}, {} of them up to today",
        generated.created_count,
        lessons.len()
    ));

    // The journal of the term so far, kept by the teachers.
    let mut gb = services.gradebook.clone();
    gb.update_journal_settings(admin.request(gradebook::UpdateJournalSettingsRequest {
        settings: Some(gradebook::JournalSettings {
            school_id: school_id.clone(),
            edit_window_days: 365,
            vendors_override_teachers: false,
        }),
    }))
    .await?;
    let teacher_index: HashMap<&str, usize> = teacher_ids
        .iter()
        .enumerate()
        .map(|(index, id)| (id.as_str(), index))
        .collect();
    let teachers = all((0..teacher_ids.len()).collect(), n, |index| {
        let identity = services.identity.clone();
        async move { Caller::sign_in(&identity, &format!("bench-teacher-{index}"), PASSWORD).await }
    })
    .await?;
    let class_index: HashMap<&str, usize> = class_ids
        .iter()
        .enumerate()
        .map(|(index, id)| (id.as_str(), index))
        .collect();
    let mut roster: Vec<Vec<&str>> = vec![Vec::new(); shape.classes];
    for (class, family) in &enrolled {
        roster[*class].push(family.student_id.as_str());
    }
    let mut rng = StdRng::seed_from_u64(57);
    let mut records = Vec::new();
    for lesson in &lessons {
        let class = class_index[lesson.class_id.as_str()];
        let teacher = teacher_index[lesson.teacher_id.as_str()];
        for student in &roster[class] {
            let roll: f64 = rng.random();
            if roll < shape.absence_share {
                let kind = match rng.random_range(0..3) {
                    0 => gradebook::AttendanceKind::Absent,
                    1 => gradebook::AttendanceKind::Ill,
                    _ => gradebook::AttendanceKind::Late,
                };
                records.push(Record::Attendance {
                    teacher,
                    record: gradebook::AttendanceRecord {
                        student_id: (*student).into(),
                        lesson_id: lesson.id.clone(),
                        subject_id: lesson.subject_id.clone(),
                        lesson_date: lesson.date.clone(),
                        kind: kind.into(),
                        late_minutes: if kind == gradebook::AttendanceKind::Late {
                            rng.random_range(3..20)
                        } else {
                            0
                        },
                        ..Default::default()
                    },
                });
            } else if roll < shape.absence_share + shape.mark_share {
                const VALUES: [&str; 10] = ["5", "5", "5", "4", "4", "4", "4", "3", "3", "2"];
                records.push(Record::Mark {
                    teacher,
                    mark: gradebook::CreateMarkRequest {
                        student_id: (*student).into(),
                        subject_id: lesson.subject_id.clone(),
                        lesson_date: lesson.date.clone(),
                        lesson_id: lesson.id.clone(),
                        value: VALUES[rng.random_range(0..VALUES.len())].into(),
                        weight: if rng.random_range(0..8) == 0 { 2 } else { 1 },
                        ..Default::default()
                    },
                });
            }
        }
    }
    let marks = records
        .iter()
        .filter(|record| matches!(record, Record::Mark { .. }))
        .count();
    let attendance = records.len() - marks;
    let started = Instant::now();
    let teachers = &teachers;
    stream::iter(records.into_iter().map(|record| {
        let mut gradebook = services.gradebook.clone();
        async move {
            match record {
                Record::Mark { teacher, mark } => {
                    gradebook
                        .create_mark(teachers[teacher].request(mark))
                        .await
                        .context("posting a mark")?;
                }
                Record::Attendance { teacher, record } => {
                    gradebook
                        .set_attendance(teachers[teacher].request(
                            gradebook::SetAttendanceRequest {
                                record: Some(record),
                            },
                        ))
                        .await
                        .context("recording attendance")?;
                }
            }
            anyhow::Ok(())
        }
    }))
    .buffer_unordered(n)
    .try_for_each(|()| async { Ok(()) })
    .await?;
    let took = started.elapsed();
    progress(&format!(
        "{marks} marks and {attendance} attendance records posted by the teachers in {:.0} s ({:.0}/s)",
        took.as_secs_f64(),
        (marks + attendance) as f64 / took.as_secs_f64()
    ));

    Ok(School {
        school_id,
        families: enrolled.into_iter().map(|(_, family)| family).collect(),
        classes: shape.classes,
        teachers: teacher_ids.len(),
        subjects: subject_ids.len(),
        timetable_entries,
        lessons: generated.created_count as usize,
        marks,
        attendance,
        term: (term_start, term_end),
    })
}

enum Record {
    Mark {
        teacher: usize,
        mark: gradebook::CreateMarkRequest,
    },
    Attendance {
        teacher: usize,
        record: gradebook::AttendanceRecord,
    },
}
