//! The schedule through the real services: a school's calendar and
//! timetable become dated lessons; regeneration keeps what must stay; the
//! diary shows a student's week; strangers are refused.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{sign_in, vendor_client, violated_fields, with_token};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as pb;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::Code;
use tonic::transport::Channel;

mod calendar;
mod diary;
mod generation;
mod records;
mod strangers;

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
        sign_in(&mut self.identity, login, password).await
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
    let city = sign_in(
        &mut identity,
        otmetka_integration_tests::ADMIN_LOGIN,
        otmetka_integration_tests::ADMIN_PASSWORD,
    )
    .await;
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

/// The Monday mathematics lessons the scenario changes and records on.
struct Mondays {
    sep7: String,
    sep14: String,
    sep21: String,
    sep28: String,
    oct5: String,
    oct12: String,
}

impl Mondays {
    fn of(lessons: &[pb::Lesson]) -> Self {
        let id = |date: &str| on(lessons, date, 1).id.clone();
        Self {
            sep7: id("2026-09-07"),
            sep14: id("2026-09-14"),
            sep21: id("2026-09-21"),
            sep28: id("2026-09-28"),
            oct5: id("2026-10-05"),
            oct12: id("2026-10-12"),
        }
    }
}

#[tokio::test]
async fn a_timetable_becomes_lessons_and_regeneration_keeps_what_must_stay() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut s = school(&sandbox).await;
    let year = calendar::step_the_calendar_refuses_its_mistakes(&mut s).await;
    calendar::step_quarters_do_not_overlap_and_reopen_with_a_reason(&mut s, &year).await;
    let monday = calendar::step_the_timetable_refuses_clashes_and_bad_entries(&mut s, &year).await;
    let lessons =
        generation::step_generation_keeps_week_parity_through_the_vacation(&mut s, &year).await;
    let ids = Mondays::of(&lessons);
    records::step_lessons_are_changed_by_hand(&mut s, &ids).await;
    records::step_gradebook_records_a_mark_and_an_absence(&mut s, &sandbox, &ids).await;
    records::step_homework_is_set_for_a_later_lesson(&mut s, &ids).await;
    generation::step_regeneration_keeps_lessons_with_records(&mut s, &year, monday, &ids).await;
    records::step_a_lesson_with_records_is_cancelled_not_deleted(&mut s, &ids).await;
    diary::step_the_diary_shows_the_class_and_group_lessons(&mut s).await;
    diary::step_the_change_feed_has_it_all(&mut s, &ids).await;
    sandbox.stop().await.unwrap();
}
