//! The full demo school of the one-command run: a real school to try.

use chrono::{Days, Utc};
use otmetka_integration_tests::school::with_token;
use otmetka_integration_tests::{Options, Sandbox};
use otmetka_local::DemoScale;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;

#[tokio::test]
async fn the_full_demo_is_a_school_with_a_timetable_and_a_journal() {
    let started = std::time::Instant::now();
    let sandbox = Sandbox::start_with(Options {
        demo_scale: DemoScale::Full,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    eprintln!("seeded the full demo in {:?}", started.elapsed());
    let demo = &sandbox.demo;
    assert_eq!(demo.student_ids.len(), 50);
    assert!(demo.marks_posted > 300, "{} marks", demo.marks_posted);

    let mut identity =
        otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient::new(
            sandbox.channel("identity").await.unwrap(),
        );
    let sign_in = |login: &'static str, password: &'static str| {
        let mut identity = identity.clone();
        async move {
            identity
                .login(identity::LoginRequest {
                    login: login.into(),
                    password: password.into(),
                })
                .await
                .unwrap()
                .into_inner()
                .access_token
        }
    };
    let (guardian, teacher, deputy) = (
        sign_in("parent", "roditel-demo").await,
        sign_in("teacher", "uchitel-demo").await,
        sign_in("zavuch", "zavuch-demo").await,
    );
    let classes = identity
        .list_classes(with_token(
            &deputy,
            identity::ListClassesRequest {
                school_id: demo.school_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .classes;
    assert_eq!(classes.len(), 2);

    // A week of the timetable alternates one lesson by week parity.
    let mut schedule = sandbox.schedule().await.unwrap();
    let year = schedule
        .list_academic_years(with_token(
            &deputy,
            schedule::ListAcademicYearsRequest {
                school_id: demo.school_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .academic_years
        .remove(0);
    let entries = schedule
        .list_timetable_entries(with_token(
            &deputy,
            schedule::ListTimetableEntriesRequest {
                school_id: demo.school_id.clone(),
                academic_year_id: year.id.clone(),
                class_id: classes[0].id.clone(),
                page_size: 500,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .timetable_entries;
    assert!(entries.len() >= 27, "{} entries", entries.len());
    for parity in [
        schedule::WeekPeriodicity::OddWeeks,
        schedule::WeekPeriodicity::EvenWeeks,
    ] {
        assert!(entries.iter().any(|e| e.periodicity == parity as i32));
    }

    // The family's week a few days back: topics, names, homework and marks.
    let last_week = Utc::now().date_naive() - Days::new(7);
    let week = schedule
        .get_student_week(with_token(
            &guardian,
            schedule::GetStudentWeekRequest {
                school_id: demo.school_id.clone(),
                student_id: demo.student_ids[0].clone(),
                date: last_week.to_string(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let lessons: Vec<_> = week.days.iter().flat_map(|day| &day.lessons).collect();
    assert!(lessons.len() >= 20, "{} lessons", lessons.len());
    assert!(lessons.iter().all(|lesson| !lesson.topic.is_empty()));
    assert!(lessons.iter().any(|lesson| !lesson.homework_set.is_empty()));
    assert!(lessons.iter().any(|lesson| !lesson.homework_due.is_empty()));
    assert!(lessons.iter().any(|lesson| !lesson.marks.is_empty()));
    assert!(lessons.iter().all(|lesson| !lesson.teacher_name.is_empty()));

    // The mathematics teacher's journal of the current quarter has marks.
    let mut gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let periods = schedule
        .list_reporting_periods(with_token(
            &teacher,
            schedule::ListReportingPeriodsRequest {
                school_id: demo.school_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reporting_periods;
    let today = Utc::now().date_naive().to_string();
    let current = periods
        .iter()
        .find(|p| p.start_date <= today && today <= p.end_date)
        .or_else(|| periods.iter().rev().find(|p| p.end_date < today))
        .expect("a quarter");
    let grid = gradebook
        .get_journal(with_token(
            &teacher,
            gradebook::GetJournalRequest {
                class_id: classes[0].id.clone(),
                subject_id: demo.subject_ids[0].clone(),
                reporting_period_id: current.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(grid.student_ids.len(), 25);
    assert!(grid.cells.iter().any(|cell| !cell.marks.is_empty()));
    sandbox.stop().await.unwrap();
}
