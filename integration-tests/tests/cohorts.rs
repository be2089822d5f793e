//! A journal's students picked by their standing (FindJournalStudents):
//! who is below an average, who missed enough lessons, both or either;
//! filters at fault named; only those who may read the journal asking.

use otmetka_integration_tests::school::{EnglishClass, violated_fields, with_token};
use otmetka_integration_tests::{SANDBOX_TODAY, Sandbox};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use tonic::Code;
use tonic::transport::Channel;

/// 5А's English journal with marks and attendance on its last lessons:
/// Алексеев at 2,5 who missed one lesson and was late to another, Борисов
/// at 3,5 who was ill once and excused once, Васильев without marks who
/// missed three.
struct Cohort {
    gradebook: GradebookServiceClient<Channel>,
    school: EnglishClass,
}

impl Cohort {
    async fn new(sandbox: &Sandbox) -> Self {
        let school = EnglishClass::new(sandbox, "Школа когорт", "cohort")
            .await
            .unwrap();
        let gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
        let mut cohort = Self { gradebook, school };
        let [alekseev, borisov, vasiliev] = cohort.school.students.clone().try_into().unwrap();
        for (student, value, back) in [
            (&alekseev, "2", 1),
            (&alekseev, "3", 2),
            (&borisov, "4", 1),
            (&borisov, "3", 2),
        ] {
            cohort.mark(student, value, back).await;
        }
        use pb::AttendanceKind::{Absent, Excused, Ill, Late};
        for (student, kind, back) in [
            (&alekseev, Absent, 3),
            (&alekseev, Late, 4),
            (&borisov, Ill, 3),
            (&borisov, Excused, 4),
            (&vasiliev, Absent, 3),
            (&vasiliev, Absent, 4),
            (&vasiliev, Ill, 5),
        ] {
            cohort.attendance(student, kind, back).await;
        }
        cohort
    }

    /// The lesson `back` lessons before today's.
    fn lesson(&self, back: usize) -> &schedule::Lesson {
        let past: Vec<_> = self
            .school
            .term
            .lessons
            .iter()
            .filter(|lesson| lesson.date < SANDBOX_TODAY.to_string())
            .collect();
        past[past.len() - back]
    }

    async fn mark(&mut self, student: &str, value: &str, back: usize) {
        let lesson = self.lesson(back).clone();
        let request = pb::CreateMarkRequest {
            student_id: student.into(),
            subject_id: self.school.english.clone(),
            lesson_date: lesson.date,
            lesson_id: lesson.id,
            value: value.into(),
            ..Default::default()
        };
        let token = self.school.teacher_token.clone();
        self.gradebook
            .create_mark(with_token(&token, request))
            .await
            .unwrap();
    }

    async fn attendance(&mut self, student: &str, kind: pb::AttendanceKind, back: usize) {
        let lesson = self.lesson(back).clone();
        let record = pb::AttendanceRecord {
            student_id: student.into(),
            lesson_id: lesson.id,
            subject_id: self.school.english.clone(),
            lesson_date: lesson.date,
            kind: kind.into(),
            late_minutes: if kind == pb::AttendanceKind::Late {
                10
            } else {
                0
            },
            ..Default::default()
        };
        let token = self.school.teacher_token.clone();
        self.gradebook
            .set_attendance(with_token(
                &token,
                pb::SetAttendanceRequest {
                    record: Some(record),
                },
            ))
            .await
            .unwrap();
    }

    /// A request on the journal with the filter's fields.
    fn filter(
        &self,
        below: &str,
        at_least: Option<i32>,
        all: bool,
    ) -> pb::FindJournalStudentsRequest {
        pb::FindJournalStudentsRequest {
            class_id: self.school.class.clone(),
            subject_id: self.school.english.clone(),
            reporting_period_id: self.school.term.period.id.clone(),
            average_below: below.into(),
            absences_at_least: at_least,
            match_all: all,
            ..Default::default()
        }
    }

    async fn find(
        &mut self,
        token: &str,
        request: pb::FindJournalStudentsRequest,
    ) -> Result<Vec<pb::JournalStudentStanding>, tonic::Status> {
        self.gradebook
            .find_journal_students(with_token(token, request))
            .await
            .map(|response| response.into_inner().students)
    }

    /// The teacher's answer: the family names of the students found.
    async fn found(&mut self, below: &str, at_least: Option<i32>, all: bool) -> Vec<&'static str> {
        let token = self.school.teacher_token.clone();
        let found = self
            .find(&token, self.filter(below, at_least, all))
            .await
            .unwrap();
        let families = ["Алексеев", "Борисов", "Васильев"];
        found
            .iter()
            .map(|standing| {
                let index = self
                    .school
                    .students
                    .iter()
                    .position(|s| *s == standing.student_id);
                families[index.expect("a student of the class")]
            })
            .collect()
    }
}

#[tokio::test]
async fn a_teacher_finds_students_by_average_and_absences() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut c = Cohort::new(&sandbox).await;

    // Below is strictly below: Борисов's 3,5 is not below 3.5; a student
    // without marks has no average to be below anything.
    assert_eq!(c.found("3.5", None, false).await, ["Алексеев"]);
    assert_eq!(c.found("3,6", None, false).await, ["Алексеев", "Борисов"]);
    // Absent, ill and excused are missed lessons; late is not.
    assert_eq!(c.found("", Some(2), false).await, ["Борисов", "Васильев"]);
    assert_eq!(c.found("", Some(3), true).await, ["Васильев"]);
    // Either condition, in the journal's order; or both.
    assert_eq!(
        c.found("3.6", Some(2), false).await,
        ["Алексеев", "Борисов", "Васильев"]
    );
    assert_eq!(c.found("3.6", Some(2), true).await, ["Борисов"]);
    assert!(c.found("2.5", Some(3), true).await.is_empty());

    // The figures that matched, with the lessons held so far, in the
    // grid's order of students.
    let held = c
        .school
        .term
        .lessons
        .iter()
        .filter(|lesson| lesson.date <= SANDBOX_TODAY.to_string())
        .count();
    let token = c.school.teacher_token.clone();
    let everyone = c.find(&token, c.filter("5", Some(1), false)).await.unwrap();
    let figures: Vec<_> = everyone
        .iter()
        .map(|s| (s.has_average, s.average, s.absences, s.lessons as usize))
        .collect();
    assert_eq!(
        figures,
        [
            (true, 2.5, 1, held),
            (true, 3.5, 2, held),
            (false, 0.0, 3, held)
        ]
    );
    let grid = c
        .gradebook
        .get_journal(with_token(
            &token,
            pb::GetJournalRequest {
                class_id: c.school.class.clone(),
                subject_id: c.school.english.clone(),
                reporting_period_id: c.school.term.period.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let order: Vec<_> = everyone.iter().map(|s| s.student_id.clone()).collect();
    assert_eq!(order, grid.student_ids);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn bad_filters_are_named_and_strangers_are_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut c = Cohort::new(&sandbox).await;
    let teacher = c.school.teacher_token.clone();

    let fields = |status: tonic::Status| violated_fields(&status);
    let none = c
        .find(&teacher, c.filter("", None, true))
        .await
        .unwrap_err();
    assert_eq!(fields(none), ["average_below", "absences_at_least"]);
    for bad in ["три", "3.5.1", "3.", "-1", "3.1234567"] {
        let refused = c
            .find(&teacher, c.filter(bad, None, false))
            .await
            .unwrap_err();
        assert_eq!(fields(refused), ["average_below"], "{bad}");
    }
    // The five-point scale: above 1, at most 5.
    for outside in ["1", "5.5", "100"] {
        let refused = c
            .find(&teacher, c.filter(outside, None, false))
            .await
            .unwrap_err();
        assert_eq!(fields(refused), ["average_below"], "{outside}");
    }
    for bad in [0, -3, 1001] {
        let refused = c
            .find(&teacher, c.filter("", Some(bad), false))
            .await
            .unwrap_err();
        assert_eq!(fields(refused), ["absences_at_least"], "{bad}");
    }
    let mut group = c.filter("4", None, false);
    group.group_id = "not-a-group".into();
    let refused = c.find(&teacher, group).await.unwrap_err();
    assert_eq!(fields(refused), ["group_id"]);

    // Another school's teacher and a guardian of the class learn nothing,
    // not even the scale; the class's teacher, asking the same, is answered.
    let other = EnglishClass::new(&sandbox, "Другая школа", "cohort-other")
        .await
        .unwrap();
    let student = c.school.students[0].clone();
    let b = &mut c.school.builder;
    let guardian = b.guardian_of(&student, "Родитель").await;
    let guardian = b.token_of(&guardian, "cohort-guardian").await;
    for request in [c.filter("4", Some(1), false), c.filter("100", None, false)] {
        for stranger in [&other.teacher_token, &guardian] {
            let refused = c.find(stranger, request.clone()).await.unwrap_err();
            assert_eq!(refused.code(), Code::NotFound, "{refused:?}");
        }
    }
    assert_eq!(
        c.find(&teacher, c.filter("4", Some(1), false))
            .await
            .unwrap()
            .len(),
        3
    );
    let mut elsewhere = c.filter("4", None, false);
    elsewhere.class_id = other.class.clone();
    elsewhere.subject_id = other.english.clone();
    elsewhere.reporting_period_id = other.term.period.id.clone();
    let refused = c.find(&teacher, elsewhere.clone()).await.unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    assert!(c.find(&other.teacher_token, elsewhere).await.is_ok());
    sandbox.stop().await.unwrap();
}
