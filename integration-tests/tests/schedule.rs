//! The schedule through the real services: a school's calendar and
//! timetable become dated lessons; regeneration keeps what must stay; the
//! diary shows a student's week; strangers are refused.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{vendor_client, violated_fields, with_token};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as pb;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::Code;
use tonic::transport::Channel;

/// Two schools and their people, with tokens.
struct School {
    schedule: ScheduleServiceClient<Channel>,
    school: String,
    other_school: String,
    class_5a: String,
    group: String,
    mathematics: String,
    english: String,
    math_teacher_id: String,
    english_teacher_id: String,
    substitute_id: String,
    student_id: String,
    outside_group_id: String,
    admin: String,
    deputy: String,
    math_teacher: String,
    english_teacher: String,
    substitute: String,
    student: String,
    guardian: String,
    /// A guardian of a student of another class of the same school.
    other_class_guardian: String,
    /// A teacher of the other school.
    other_school_teacher: String,
    /// A vendor the other school granted access.
    vendor: String,
}

struct Builder {
    identity: IdentityServiceClient<Channel>,
    city: String,
    school: String,
}

impl Builder {
    async fn person(&mut self, kind: identity::PersonKind, family: &str) -> String {
        let request = identity::CreatePersonRequest {
            school_id: self.school.clone(),
            kind: kind.into(),
            family_name: family.into(),
            given_name: "Тест".into(),
            middle_name: String::new(),
        };
        self.identity
            .create_person(with_token(&self.city, request))
            .await
            .unwrap()
            .into_inner()
            .person
            .unwrap()
            .id
    }

    async fn staff(&mut self, family: &str, role: identity::StaffRole) -> String {
        let person = self.person(identity::PersonKind::Staff, family).await;
        let request = identity::GrantStaffRoleRequest {
            person_id: person.clone(),
            school_id: self.school.clone(),
            role: role.into(),
        };
        self.identity
            .grant_staff_role(with_token(&self.city, request))
            .await
            .unwrap();
        person
    }

    async fn class(&mut self, grade: i32, letter: &str) -> String {
        let request = identity::CreateClassRequest {
            school_id: self.school.clone(),
            grade_level: grade,
            letter: letter.into(),
            academic_year: 2026,
            class_teacher_id: String::new(),
        };
        self.identity
            .create_class(with_token(&self.city, request))
            .await
            .unwrap()
            .into_inner()
            .class
            .unwrap()
            .id
    }

    async fn student_in(&mut self, class: &str, family: &str) -> String {
        let student = self.person(identity::PersonKind::Student, family).await;
        let request = identity::EnrollStudentRequest {
            student_id: student.clone(),
            class_id: class.into(),
            start_date: "2026-09-01".into(),
        };
        self.identity
            .enroll_student(with_token(&self.city, request))
            .await
            .unwrap();
        student
    }

    async fn guardian_of(&mut self, student: &str, family: &str) -> String {
        let guardian = self.person(identity::PersonKind::Guardian, family).await;
        let request = identity::LinkGuardianRequest {
            guardian_id: guardian.clone(),
            student_id: student.into(),
        };
        self.identity
            .link_guardian(with_token(&self.city, request))
            .await
            .unwrap();
        guardian
    }

    async fn subject(&mut self, name: &str) -> String {
        let request = identity::CreateSubjectRequest {
            school_id: self.school.clone(),
            name: name.into(),
        };
        self.identity
            .create_subject(with_token(&self.city, request))
            .await
            .unwrap()
            .into_inner()
            .subject
            .unwrap()
            .id
    }

    async fn teach(&mut self, teacher: &str, class: &str, subject: &str, group: &str) {
        let request = identity::CreateTeachingAssignmentRequest {
            teacher_id: teacher.into(),
            class_id: class.into(),
            subject_id: subject.into(),
            group_id: group.into(),
        };
        self.identity
            .create_teaching_assignment(with_token(&self.city, request))
            .await
            .unwrap();
    }

    async fn token_of(&mut self, person: &str, login: &str) -> String {
        let password = "schedule-password-1";
        let request = identity::SetCredentialsRequest {
            person_id: person.into(),
            login: login.into(),
            password: password.into(),
        };
        self.identity
            .set_credentials(with_token(&self.city, request))
            .await
            .unwrap();
        self.identity
            .login(identity::LoginRequest {
                login: login.into(),
                password: password.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .access_token
    }
}

async fn new_school(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    name: &str,
) -> String {
    let request = identity::CreateSchoolRequest {
        name: name.into(),
        timezone: "Europe/Moscow".into(),
    };
    identity
        .create_school(with_token(city, request))
        .await
        .unwrap()
        .into_inner()
        .school
        .unwrap()
        .id
}

async fn vendor_of(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    school: &str,
) -> String {
    let scopes = ["roster.read", "changes.read"];
    vendor_client(identity, city, "Вендор", &scopes, Some(school))
        .await
        .token
}

async fn school(sandbox: &Sandbox) -> School {
    let mut identity = IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let city = identity
        .login(identity::LoginRequest {
            login: otmetka_integration_tests::ADMIN_LOGIN.into(),
            password: otmetka_integration_tests::ADMIN_PASSWORD.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let school = new_school(&mut identity, &city, "Школа расписания").await;
    let other_school = new_school(&mut identity, &city, "Соседняя школа").await;
    let mut b = Builder {
        identity: identity.clone(),
        city: city.clone(),
        school: school.clone(),
    };
    let mathematics = b.subject("Математика").await;
    let english = b.subject("Английский язык").await;
    let admin = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let deputy = b.staff("Завуч", identity::StaffRole::DeputyHead).await;
    let math_teacher_id = b.staff("Математик", identity::StaffRole::Teacher).await;
    let english_teacher_id = b.staff("Англичанка", identity::StaffRole::Teacher).await;
    let substitute_id = b.staff("Замена", identity::StaffRole::Teacher).await;
    let class_5a = b.class(5, "А").await;
    let class_6b = b.class(6, "Б").await;
    let student_id = b.student_in(&class_5a, "Ученик").await;
    let outside_group_id = b.student_in(&class_5a, "Одноклассник").await;
    let group = identity
        .create_group(with_token(
            &city,
            identity::CreateGroupRequest {
                class_id: class_5a.clone(),
                name: "Английский 1".into(),
                student_ids: vec![student_id.clone()],
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap()
        .id;
    b.teach(&math_teacher_id, &class_5a, &mathematics, "").await;
    b.teach(&english_teacher_id, &class_5a, &english, &group)
        .await;
    let guardian = b.guardian_of(&student_id, "Родитель").await;
    let other_pupil = b.student_in(&class_6b, "Шестиклассник").await;
    let other_class_guardian = b.guardian_of(&other_pupil, "Чужой родитель").await;

    let mut other = Builder {
        identity: identity.clone(),
        city: city.clone(),
        school: other_school.clone(),
    };
    let other_school_teacher = other.staff("Соседка", identity::StaffRole::Teacher).await;
    let vendor = vendor_of(&mut identity, &city, &other_school).await;

    School {
        schedule: sandbox.schedule().await.unwrap(),
        admin: b.token_of(&admin, "s-admin").await,
        deputy: b.token_of(&deputy, "s-deputy").await,
        math_teacher: b.token_of(&math_teacher_id, "s-math").await,
        english_teacher: b.token_of(&english_teacher_id, "s-english").await,
        substitute: b.token_of(&substitute_id, "s-substitute").await,
        student: b.token_of(&student_id, "s-student").await,
        guardian: b.token_of(&guardian, "s-guardian").await,
        other_class_guardian: b.token_of(&other_class_guardian, "s-other-guardian").await,
        other_school_teacher: other.token_of(&other_school_teacher, "s-neighbour").await,
        vendor,
        school,
        other_school,
        class_5a,
        group,
        mathematics,
        english,
        math_teacher_id,
        english_teacher_id,
        substitute_id,
        student_id,
        outside_group_id,
    }
}

impl School {
    async fn year(&mut self) -> String {
        self.schedule
            .create_academic_year(with_token(
                &self.admin,
                pb::CreateAcademicYearRequest {
                    academic_year: Some(pb::AcademicYear {
                        school_id: self.school.clone(),
                        name: "2026/2027".into(),
                        start_date: "2026-09-01".into(),
                        end_date: "2027-05-31".into(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .academic_year
            .unwrap()
            .id
    }

    async fn bells(&mut self) -> pb::BellSchedule {
        let slots = [("08:30", "09:15"), ("09:25", "10:10"), ("10:30", "11:15")]
            .iter()
            .enumerate()
            .map(|(i, (start, end))| pb::BellSlot {
                lesson_number: i as i32 + 1,
                start_time: (*start).into(),
                end_time: (*end).into(),
            })
            .collect();
        self.schedule
            .create_bell_schedule(with_token(
                &self.admin,
                pb::CreateBellScheduleRequest {
                    bell_schedule: Some(pb::BellSchedule {
                        school_id: self.school.clone(),
                        name: "Основное".into(),
                        slots,
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .bell_schedule
            .unwrap()
    }

    fn entry(
        &self,
        year: &str,
        weekday: pb::Weekday,
        lesson_number: i32,
        periodicity: pb::WeekPeriodicity,
    ) -> pb::TimetableEntry {
        pb::TimetableEntry {
            school_id: self.school.clone(),
            academic_year_id: year.into(),
            class_id: self.class_5a.clone(),
            weekday: weekday.into(),
            lesson_number,
            subject_id: self.mathematics.clone(),
            teacher_id: self.math_teacher_id.clone(),
            room: "214".into(),
            periodicity: periodicity.into(),
            ..Default::default()
        }
    }

    async fn create_entry(
        &mut self,
        token: &str,
        entry: pb::TimetableEntry,
    ) -> Result<pb::TimetableEntry, tonic::Status> {
        self.schedule
            .create_timetable_entry(with_token(
                token,
                pb::CreateTimetableEntryRequest {
                    timetable_entry: Some(entry),
                    request_id: uuid::Uuid::now_v7().to_string(),
                },
            ))
            .await
            .map(|response| response.into_inner().timetable_entry.unwrap())
    }

    async fn generate(&mut self, year: &str, to_date: &str) -> pb::GenerateLessonsResponse {
        self.schedule
            .generate_lessons(with_token(
                &self.admin,
                pb::GenerateLessonsRequest {
                    school_id: self.school.clone(),
                    academic_year_id: year.into(),
                    from_date: "2026-09-01".into(),
                    to_date: to_date.into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
    }

    /// Every lesson of the class between two dates, read in windows the
    /// contract allows, page by page.
    async fn lessons(&mut self, token: &str, from: &str, to: &str) -> Vec<pb::Lesson> {
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let (mut start, end) = (date(from), date(to));
        let mut lessons = Vec::new();
        while start <= end {
            let window_end = (start + chrono::Days::new(61)).min(end);
            let mut page_token = String::new();
            loop {
                let page = self
                    .schedule
                    .list_lessons(with_token(
                        token,
                        pb::ListLessonsRequest {
                            school_id: self.school.clone(),
                            from_date: start.to_string(),
                            to_date: window_end.to_string(),
                            class_id: self.class_5a.clone(),
                            page_size: 7,
                            page_token,
                            ..Default::default()
                        },
                    ))
                    .await
                    .unwrap()
                    .into_inner();
                lessons.extend(page.lessons);
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
            start = window_end + chrono::Days::new(1);
        }
        lessons
    }
}

fn dates_of<'a>(lessons: impl IntoIterator<Item = &'a pb::Lesson>) -> Vec<&'a str> {
    lessons
        .into_iter()
        .map(|lesson| lesson.date.as_str())
        .collect()
}

fn on<'a>(lessons: &'a [pb::Lesson], date: &str, number: i32) -> &'a pb::Lesson {
    lessons
        .iter()
        .find(|lesson| lesson.date == date && lesson.lesson_number == number)
        .unwrap_or_else(|| panic!("a lesson {number} on {date}"))
}

#[tokio::test]
async fn a_timetable_becomes_lessons_and_regeneration_keeps_what_must_stay() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut s = school(&sandbox).await;

    // The calendar, with its mistakes refused and named.
    let year = s.year().await;
    let overlapping = s
        .schedule
        .create_academic_year(with_token(
            &s.admin,
            pb::CreateAcademicYearRequest {
                academic_year: Some(pb::AcademicYear {
                    school_id: s.school.clone(),
                    name: "Ещё один".into(),
                    start_date: "2027-05-01".into(),
                    end_date: "2027-08-31".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(overlapping.code(), Code::FailedPrecondition);
    let bad_year = s
        .schedule
        .create_academic_year(with_token(
            &s.admin,
            pb::CreateAcademicYearRequest {
                academic_year: Some(pb::AcademicYear {
                    school_id: s.school.clone(),
                    name: " ".into(),
                    start_date: "2027-09-01".into(),
                    end_date: "2027-08-31".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&bad_year),
        ["academic_year.name", "academic_year.end_date"]
    );
    let bells = s.bells().await;
    assert!(
        bells.is_default,
        "a school's first bell schedule is its default"
    );
    // A retried create (same request id) returns the first holiday.
    let vacation = pb::CreateHolidayRequest {
        holiday: Some(pb::Holiday {
            school_id: s.school.clone(),
            academic_year_id: year.clone(),
            kind: pb::HolidayKind::Vacation.into(),
            name: "Осенние каникулы".into(),
            start_date: "2026-10-26".into(),
            end_date: "2026-11-01".into(),
            ..Default::default()
        }),
        request_id: uuid::Uuid::now_v7().to_string(),
    };
    let mut holiday_ids = Vec::new();
    for _ in 0..2 {
        let holiday = s
            .schedule
            .create_holiday(with_token(&s.admin, vacation.clone()))
            .await
            .unwrap()
            .into_inner()
            .holiday
            .unwrap();
        holiday_ids.push(holiday.id);
    }
    assert_eq!(holiday_ids[0], holiday_ids[1]);
    let holidays = s
        .schedule
        .list_holidays(with_token(
            &s.student,
            pb::ListHolidaysRequest {
                school_id: s.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .holidays;
    assert_eq!(holidays.len(), 1, "students read the calendar too");

    // Quarters of one grade level must not overlap; closing is idempotent.
    let quarter = |number: i32, start: &str, end: &str| pb::CreateReportingPeriodRequest {
        reporting_period: Some(pb::ReportingPeriod {
            school_id: s.school.clone(),
            academic_year_id: year.clone(),
            kind: pb::ReportingPeriodKind::Quarter.into(),
            number,
            name: format!("{number} четверть"),
            grade_levels: vec![5, 6],
            start_date: start.into(),
            end_date: end.into(),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let first_quarter = s
        .schedule
        .create_reporting_period(with_token(
            &s.deputy,
            quarter(1, "2026-09-01", "2026-10-25"),
        ))
        .await
        .unwrap()
        .into_inner()
        .reporting_period
        .unwrap();
    let overlap = s
        .schedule
        .create_reporting_period(with_token(
            &s.deputy,
            quarter(2, "2026-10-20", "2026-12-28"),
        ))
        .await
        .unwrap_err();
    assert_eq!(overlap.code(), Code::FailedPrecondition, "{overlap:?}");
    for _ in 0..2 {
        let closed = s
            .schedule
            .close_reporting_period(with_token(
                &s.deputy,
                pb::CloseReportingPeriodRequest {
                    school_id: s.school.clone(),
                    id: first_quarter.id.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .reporting_period
            .unwrap();
        assert_eq!(closed.state, pb::ReportingPeriodState::Closed as i32);
    }
    let no_reason = s
        .schedule
        .reopen_reporting_period(with_token(
            &s.deputy,
            pb::ReopenReportingPeriodRequest {
                school_id: s.school.clone(),
                id: first_quarter.id.clone(),
                reason: String::new(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&no_reason), ["reason"]);
    let reopened = s
        .schedule
        .reopen_reporting_period(with_token(
            &s.deputy,
            pb::ReopenReportingPeriodRequest {
                school_id: s.school.clone(),
                id: first_quarter.id.clone(),
                reason: "Исправить отметки за сентябрь".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reporting_period
        .unwrap();
    assert_eq!(reopened.state, pb::ReportingPeriodState::Open as i32);

    // The timetable: mathematics every Monday and on odd Wednesdays, the
    // English group on even Wednesdays at the same time.
    let monday = s
        .create_entry(
            &s.admin.clone(),
            s.entry(
                &year,
                pb::Weekday::Monday,
                1,
                pb::WeekPeriodicity::EveryWeek,
            ),
        )
        .await
        .unwrap();
    s.create_entry(
        &s.admin.clone(),
        s.entry(
            &year,
            pb::Weekday::Wednesday,
            2,
            pb::WeekPeriodicity::OddWeeks,
        ),
    )
    .await
    .unwrap();
    let english = pb::TimetableEntry {
        group_id: s.group.clone(),
        subject_id: s.english.clone(),
        teacher_id: s.english_teacher_id.clone(),
        room: "305".into(),
        ..s.entry(
            &year,
            pb::Weekday::Wednesday,
            2,
            pb::WeekPeriodicity::EvenWeeks,
        )
    };
    s.create_entry(&s.admin.clone(), english).await.unwrap();
    let clash = s
        .create_entry(
            &s.admin.clone(),
            pb::TimetableEntry {
                room: "101".into(),
                ..s.entry(&year, pb::Weekday::Monday, 1, pb::WeekPeriodicity::OddWeeks)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(clash.code(), Code::FailedPrecondition);
    assert!(clash.message().contains(&monday.id), "{}", clash.message());
    let invalid = s
        .create_entry(
            &s.admin.clone(),
            pb::TimetableEntry {
                weekday: pb::Weekday::Unspecified.into(),
                lesson_number: 99,
                subject_id: "математика".into(),
                ..s.entry(
                    &year,
                    pb::Weekday::Monday,
                    1,
                    pb::WeekPeriodicity::EveryWeek,
                )
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&invalid),
        [
            "timetable_entry.weekday",
            "timetable_entry.lesson_number",
            "timetable_entry.subject_id"
        ]
    );
    let unknown_class = s
        .create_entry(
            &s.admin.clone(),
            pb::TimetableEntry {
                class_id: uuid::Uuid::now_v7().to_string(),
                ..s.entry(
                    &year,
                    pb::Weekday::Friday,
                    3,
                    pb::WeekPeriodicity::EveryWeek,
                )
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&unknown_class),
        ["timetable_entry.class_id"]
    );

    // Generation: parity counts on through the autumn vacation (week 9).
    let first = s.generate(&year, "2026-11-15").await;
    assert_eq!(
        (
            first.created_count,
            first.updated_count,
            first.removed_count
        ),
        (19, 0, 0)
    );
    let lessons = s
        .lessons(&s.admin.clone(), "2026-09-01", "2026-11-15")
        .await;
    assert_eq!(lessons.len(), 19);
    let of = |subject: &str, number: i32| -> Vec<&str> {
        dates_of(
            lessons
                .iter()
                .filter(|l| l.subject_id == subject && l.lesson_number == number),
        )
    };
    assert_eq!(
        of(&s.mathematics, 1),
        [
            "2026-09-07",
            "2026-09-14",
            "2026-09-21",
            "2026-09-28",
            "2026-10-05",
            "2026-10-12",
            "2026-10-19",
            "2026-11-02",
            "2026-11-09"
        ]
    );
    assert_eq!(
        of(&s.mathematics, 2),
        [
            "2026-09-02",
            "2026-09-16",
            "2026-09-30",
            "2026-10-14",
            "2026-11-11"
        ],
        "odd weeks 1, 3, 5, 7, (9 is the vacation), 11"
    );
    assert_eq!(
        of(&s.english, 2),
        [
            "2026-09-09",
            "2026-09-23",
            "2026-10-07",
            "2026-10-21",
            "2026-11-04"
        ],
        "even weeks 2 … 10"
    );
    let sep7 = on(&lessons, "2026-09-07", 1);
    assert_eq!(
        (sep7.start_time.as_str(), sep7.end_time.as_str()),
        ("08:30", "09:15")
    );
    assert_eq!(
        sep7.starts_at.as_ref().unwrap().seconds,
        1_788_759_000,
        "05:30 UTC"
    );
    let second = s.generate(&year, "2026-11-15").await;
    assert_eq!(
        (
            second.created_count,
            second.updated_count,
            second.removed_count,
            second.orphaned_count,
            second.unchanged_count
        ),
        (0, 0, 0, 0, 19),
        "the same inputs change nothing"
    );

    // Changes by hand, and a mark in gradebook.
    let (sep7, sep14, sep21) = (
        on(&lessons, "2026-09-07", 1).id.clone(),
        on(&lessons, "2026-09-14", 1).id.clone(),
        on(&lessons, "2026-09-21", 1).id.clone(),
    );
    s.schedule
        .change_lesson_room(with_token(
            &s.deputy,
            pb::ChangeLessonRoomRequest {
                school_id: s.school.clone(),
                lesson_id: sep7.clone(),
                room: "101".into(),
            },
        ))
        .await
        .unwrap();
    s.schedule
        .substitute_lesson_teacher(with_token(
            &s.deputy,
            pb::SubstituteLessonTeacherRequest {
                school_id: s.school.clone(),
                lesson_id: sep14.clone(),
                substitute_teacher_id: s.substitute_id.clone(),
                reason: "Болезнь".into(),
            },
        ))
        .await
        .unwrap();
    let topic = |lesson: &str, topic: &str| pb::SetLessonTopicRequest {
        school_id: s.school.clone(),
        lesson_id: lesson.into(),
        topic: topic.into(),
    };
    s.schedule
        .set_lesson_topic(with_token(&s.substitute, topic(&sep14, "Дроби")))
        .await
        .expect("the substitute sets the topic of their lesson");
    let not_theirs = s
        .schedule
        .set_lesson_topic(with_token(&s.substitute, topic(&sep7, "Дроби")))
        .await
        .unwrap_err();
    assert_eq!(not_theirs.code(), Code::PermissionDenied);
    let other_subject = s
        .schedule
        .set_lesson_topic(with_token(
            &s.english_teacher,
            topic(&sep7, "Present Simple"),
        ))
        .await
        .unwrap_err();
    assert_eq!(other_subject.code(), Code::PermissionDenied);
    s.schedule
        .set_lesson_topic(with_token(
            &s.math_teacher,
            topic(&sep7, "Натуральные числа"),
        ))
        .await
        .unwrap();
    // The teacher marks the pupil on 21 September and records an absence on
    // 12 October in gradebook; gradebook's change feed flags both lessons,
    // and regeneration (which reads the feed to its end first) keeps them.
    let oct12 = on(&lessons, "2026-10-12", 1).id.clone();
    let mut gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    gradebook
        .update_journal_settings(with_token(
            &s.deputy,
            gradebook::UpdateJournalSettingsRequest {
                settings: Some(gradebook::JournalSettings {
                    school_id: s.school.clone(),
                    edit_window_days: 365,
                    vendors_override_teachers: false,
                }),
            },
        ))
        .await
        .unwrap();
    // Gradebook learns of the reopening from schedule's feed, moments after.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let marked = gradebook
            .create_mark(with_token(
                &s.math_teacher,
                gradebook::CreateMarkRequest {
                    student_id: s.student_id.clone(),
                    subject_id: s.mathematics.clone(),
                    lesson_date: "2026-09-21".into(),
                    lesson_id: sep21.clone(),
                    value: "5".into(),
                    request_id: "september-test".into(),
                    ..Default::default()
                },
            ))
            .await;
        match marked {
            Ok(_) => break,
            Err(status)
                if status.code() == Code::FailedPrecondition
                    && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(status) => panic!("{status:?}"),
        }
    }
    gradebook
        .set_attendance(with_token(
            &s.math_teacher,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: s.student_id.clone(),
                    lesson_id: oct12.clone(),
                    subject_id: s.mathematics.clone(),
                    lesson_date: "2026-10-12".into(),
                    kind: gradebook::AttendanceKind::Absent.into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();

    // Homework set on 28 September, due on 5 October, keeps both lessons.
    let (sep28, oct5) = (
        on(&lessons, "2026-09-28", 1).id.clone(),
        on(&lessons, "2026-10-05", 1).id.clone(),
    );
    s.schedule
        .create_homework(with_token(
            &s.math_teacher,
            pb::CreateHomeworkRequest {
                homework: Some(pb::Homework {
                    school_id: s.school.clone(),
                    lesson_id: sep28.clone(),
                    due_lesson_id: oct5.clone(),
                    text: "№ 12, 14".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap();

    // The Monday lessons end on 14 September and move to room 215.
    s.schedule
        .update_timetable_entry(with_token(
            &s.admin,
            pb::UpdateTimetableEntryRequest {
                timetable_entry: Some(pb::TimetableEntry {
                    end_date: "2026-09-14".into(),
                    room: "215".into(),
                    ..monday.clone()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["end_date".into(), "room".into()],
                }),
            },
        ))
        .await
        .unwrap();
    let third = s.generate(&year, "2026-11-15").await;
    assert_eq!(
        (
            third.created_count,
            third.updated_count,
            third.removed_count,
            third.orphaned_count
        ),
        (0, 2, 3, 4)
    );
    let mut orphaned = third.orphaned_lesson_ids.clone();
    orphaned.sort();
    let mut expected = vec![sep21.clone(), sep28.clone(), oct5.clone(), oct12.clone()];
    expected.sort();
    assert_eq!(orphaned, expected, "marks and homework keep their lessons");
    let lessons = s
        .lessons(&s.admin.clone(), "2026-09-01", "2026-11-15")
        .await;
    let kept = on(&lessons, "2026-09-21", 1);
    assert!(kept.orphaned && kept.has_marks, "marks keep the lesson");
    let kept = on(&lessons, "2026-10-12", 1);
    assert!(
        kept.orphaned && kept.has_attendance,
        "attendance keeps the lesson"
    );
    for date in ["2026-09-28", "2026-10-05"] {
        let kept = on(&lessons, date, 1);
        assert!(kept.orphaned && kept.has_homework, "homework keeps {date}");
    }
    let moved = on(&lessons, "2026-09-07", 1);
    assert_eq!(
        (moved.planned_room.as_str(), moved.room.as_str()),
        ("215", "101")
    );
    assert_eq!(moved.topic, "Натуральные числа");
    let substituted = on(&lessons, "2026-09-14", 1);
    assert_eq!(substituted.substitute_teacher_id, s.substitute_id);
    assert_eq!(substituted.topic, "Дроби");
    let fourth = s.generate(&year, "2026-11-15").await;
    assert_eq!(
        (
            fourth.created_count,
            fourth.updated_count,
            fourth.removed_count,
            fourth.orphaned_count
        ),
        (0, 0, 0, 0)
    );

    // A lesson with records is cancelled, not deleted; both are idempotent.
    let refused = s
        .schedule
        .delete_lesson(with_token(
            &s.admin,
            pb::DeleteLessonRequest {
                school_id: s.school.clone(),
                id: sep21.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    for reason in ["Экскурсия", "Другая причина"] {
        let cancelled = s
            .schedule
            .cancel_lesson(with_token(
                &s.deputy,
                pb::CancelLessonRequest {
                    school_id: s.school.clone(),
                    lesson_id: sep21.clone(),
                    reason: reason.into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .lesson
            .unwrap();
        assert_eq!(cancelled.status, pb::LessonStatus::Cancelled as i32);
        assert_eq!(cancelled.cancel_reason, "Экскурсия");
    }

    // The diary: the student sees the class's lessons and their group's.
    let week = |student: &str, date: &str| pb::GetStudentWeekRequest {
        school_id: s.school.clone(),
        student_id: student.into(),
        date: date.into(),
    };
    for token in [&s.student, &s.guardian] {
        let diary = s
            .schedule
            .get_student_week(with_token(token, week(&s.student_id, "2026-09-10")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            (diary.week_start_date.as_str(), diary.week_end_date.as_str()),
            ("2026-09-07", "2026-09-13")
        );
        let subjects: Vec<(&str, &str)> = diary
            .days
            .iter()
            .flat_map(|day| {
                day.lessons
                    .iter()
                    .map(move |lesson| (day.date.as_str(), lesson.subject_id.as_str()))
            })
            .collect();
        assert_eq!(
            subjects,
            [
                ("2026-09-07", s.mathematics.as_str()),
                ("2026-09-09", s.english.as_str())
            ]
        );
        assert_eq!(diary.days[0].lessons[0].room, "101");
        assert!(!diary.marks_unavailable, "gradebook answered");
    }
    let outside = s
        .schedule
        .get_student_week(with_token(
            &s.deputy,
            week(&s.outside_group_id, "2026-09-10"),
        ))
        .await
        .unwrap()
        .into_inner();
    let lessons_seen: usize = outside.days.iter().map(|day| day.lessons.len()).sum();
    assert_eq!(lessons_seen, 1, "not in the English group");
    let vacation = s
        .schedule
        .get_student_week(with_token(&s.student, week(&s.student_id, "2026-10-28")))
        .await
        .unwrap()
        .into_inner();
    assert!(
        vacation
            .days
            .iter()
            .all(|day| day.holiday_name == "Осенние каникулы" && day.lessons.is_empty())
    );

    // The change feed has it all, deletions included, and a cursor. On
    // PostgreSQL a commit shows once every older transaction has ended, so
    // the reader polls until the last change (the cancellation) is there.
    let mut changes = Vec::new();
    let mut cursor = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let cancelled = |changes: &[pb::Change]| {
        changes.iter().any(|c| {
            matches!(&c.resource, Some(pb::change::Resource::Lesson(l))
                if l.id == sep21 && l.status == pb::LessonStatus::Cancelled as i32)
        })
    };
    loop {
        let page = s
            .schedule
            .list_changes(with_token(
                &s.deputy,
                pb::ListChangesRequest {
                    school_id: s.school.clone(),
                    page_size: 50,
                    page_token: cursor.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(!page.next_page_token.is_empty());
        cursor = page.next_page_token;
        changes.extend(page.changes);
        if page.caught_up && cancelled(&changes) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the feed caught up");
        if page.caught_up {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    let lesson_changes = |change_type: pb::ChangeType| {
        changes
            .iter()
            .filter(|c| {
                c.change_type == change_type as i32
                    && matches!(c.resource, Some(pb::change::Resource::Lesson(_)))
            })
            .count()
    };
    assert_eq!(lesson_changes(pb::ChangeType::Created), 19);
    assert_eq!(lesson_changes(pb::ChangeType::Deleted), 3);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c.resource, Some(pb::change::Resource::Homework(_)))),
        "homework is in the feed"
    );
    assert!(changes.iter().any(|c| c.resource_id == sep21
        && matches!(&c.resource, Some(pb::change::Resource::Lesson(l)) if l.orphaned)));
    let again = s
        .schedule
        .list_changes(with_token(
            &s.deputy,
            pb::ListChangesRequest {
                school_id: s.school.clone(),
                page_size: 50,
                page_token: cursor.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(again.changes.is_empty() && again.caught_up);
    assert_eq!(again.next_page_token, cursor);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn strangers_neither_manage_the_timetable_nor_read_others_lessons() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut s = school(&sandbox).await;
    let year = s.year().await;
    s.bells().await;
    s.create_entry(
        &s.admin.clone(),
        s.entry(
            &year,
            pb::Weekday::Monday,
            1,
            pb::WeekPeriodicity::EveryWeek,
        ),
    )
    .await
    .unwrap();
    s.generate(&year, "2026-09-30").await;
    let lessons = s
        .lessons(&s.student.clone(), "2026-09-01", "2026-09-30")
        .await;
    assert_eq!(lessons.len(), 4, "the student reads their class's lessons");
    let lesson = lessons[0].id.clone();

    // Managing: those who see the school are told no; others see nothing.
    let entry = s.entry(
        &year,
        pb::Weekday::Tuesday,
        2,
        pb::WeekPeriodicity::EveryWeek,
    );
    for (who, token, code) in [
        (
            "teacher of the school",
            s.math_teacher.clone(),
            Code::PermissionDenied,
        ),
        ("student", s.student.clone(), Code::PermissionDenied),
        (
            "guardian of another class",
            s.other_class_guardian.clone(),
            Code::PermissionDenied,
        ),
        (
            "teacher of another school",
            s.other_school_teacher.clone(),
            Code::NotFound,
        ),
        ("vendor of another school", s.vendor.clone(), Code::NotFound),
    ] {
        let refused = s.create_entry(&token, entry.clone()).await.unwrap_err();
        assert_eq!(refused.code(), code, "{who} creating an entry: {refused:?}");
        let refused = s
            .schedule
            .generate_lessons(with_token(
                &token,
                pb::GenerateLessonsRequest {
                    school_id: s.school.clone(),
                    academic_year_id: year.clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), code, "{who} generating: {refused:?}");
    }

    // Reading a class's lessons: as if they did not exist.
    for (who, token) in [
        ("guardian of another class", s.other_class_guardian.clone()),
        ("teacher of another school", s.other_school_teacher.clone()),
        ("vendor of another school", s.vendor.clone()),
    ] {
        let refused = s
            .schedule
            .list_lessons(with_token(
                &token,
                pb::ListLessonsRequest {
                    school_id: s.school.clone(),
                    from_date: "2026-09-01".into(),
                    to_date: "2026-09-30".into(),
                    class_id: s.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::NotFound, "{who} listing: {refused:?}");
        let refused = s
            .schedule
            .get_lesson(with_token(
                &token,
                pb::GetLessonRequest {
                    school_id: s.school.clone(),
                    id: lesson.clone(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            Code::NotFound,
            "{who} reading a lesson: {refused:?}"
        );
        let refused = s
            .schedule
            .get_student_week(with_token(
                &token,
                pb::GetStudentWeekRequest {
                    school_id: s.school.clone(),
                    student_id: s.student_id.clone(),
                    date: "2026-09-07".into(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            Code::NotFound,
            "{who} reading a diary: {refused:?}"
        );
    }
    // Nor do strangers read the school's change feed, or all schools'.
    let refused = s
        .schedule
        .list_changes(with_token(
            &s.other_school_teacher,
            pb::ListChangesRequest {
                school_id: s.school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    let refused = s
        .schedule
        .list_changes(with_token(&s.vendor, pb::ListChangesRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_ne!(s.other_school, s.school);
    sandbox.stop().await.unwrap();
}
