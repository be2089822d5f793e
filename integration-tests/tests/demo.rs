//! The full demo school of the one-command run: a real school to try, on
//! whichever day it is started. The same checks run on days that stress the
//! calendar: the first school day, a Sunday, a vacation day, the last day of
//! a quarter, 31 December and a summer day.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use otmetka_integration_tests::school::with_token;
use otmetka_integration_tests::{Options, Sandbox};
use otmetka_local::DemoScale;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}

#[tokio::test]
async fn on_the_first_school_day() {
    the_demo_is_a_school_with_a_timetable_and_a_journal(date(2026, 9, 1)).await;
}

#[tokio::test]
async fn on_a_sunday() {
    the_demo_is_a_school_with_a_timetable_and_a_journal(date(2026, 12, 6)).await;
}

#[tokio::test]
async fn on_a_vacation_day() {
    the_demo_is_a_school_with_a_timetable_and_a_journal(date(2026, 10, 28)).await;
}

#[tokio::test]
async fn on_the_last_day_of_a_quarter() {
    the_demo_is_a_school_with_a_timetable_and_a_journal(date(2027, 3, 21)).await;
}

#[tokio::test]
async fn on_new_years_eve() {
    the_demo_is_a_school_with_a_timetable_and_a_journal(date(2026, 12, 31)).await;
}

#[tokio::test]
async fn on_a_summer_day() {
    the_demo_is_a_school_with_a_timetable_and_a_journal(date(2027, 7, 15)).await;
}

/// The latest weekday on or before `today` inside one of `quarters`: the
/// school day a family opening the diary looks back to.
fn last_school_day(quarters: &[schedule::ReportingPeriod], today: NaiveDate) -> NaiveDate {
    let mut day = today;
    loop {
        let in_quarter = quarters
            .iter()
            .any(|q| q.start_date <= day.to_string() && day.to_string() <= q.end_date);
        if in_quarter && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return day;
        }
        day = day - Days::new(1);
    }
}

/// Full demo schools seeded at once. Each seeding also notifies every
/// family of its term's marks and homework, so on two cores even three side
/// by side kept single calls waiting past the services' 10-second limit;
/// two at a time finish in about the same total time.
static SEEDING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

async fn the_demo_is_a_school_with_a_timetable_and_a_journal(today: NaiveDate) {
    let _turn = SEEDING
        .acquire()
        .await
        .expect("the semaphore is never closed");
    let sandbox = Sandbox::start_with(Options {
        demo_scale: DemoScale::Full,
        today: Some(today),
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let demo = &sandbox.demo;
    assert_eq!(demo.student_ids.len(), 50);
    assert!(demo.marks_posted > 0, "no marks on {today}");

    let identity = IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let sign_in = |login: &'static str, password: &'static str| {
        let mut identity = identity.clone();
        async move { otmetka_integration_tests::school::sign_in(&mut identity, login, password).await }
    };
    let (guardian, deputy) = (
        sign_in("parent", "roditel-demo").await,
        sign_in("zavuch", "zavuch-demo").await,
    );
    let classes = identity
        .clone()
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

    // Quarters that are over are closed; the rest are open.
    let periods = schedule
        .list_reporting_periods(with_token(
            &deputy,
            schedule::ListReportingPeriodsRequest {
                school_id: demo.school_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reporting_periods;
    let quarters: Vec<_> = periods
        .iter()
        .filter(|p| p.kind == schedule::ReportingPeriodKind::Quarter as i32)
        .cloned()
        .collect();
    assert_eq!(quarters.len(), 4);
    for quarter in &quarters {
        let closed = quarter.state == schedule::ReportingPeriodState::Closed as i32;
        assert_eq!(closed, quarter.end_date < today.to_string(), "{quarter:?}");
    }

    // The family's week of the last school day: topics, names and homework
    // on every lesson that has taken place.
    let school_day = last_school_day(&quarters, today);
    let week_of = |day: NaiveDate| {
        let mut schedule = schedule.clone();
        let request = with_token(
            &guardian,
            schedule::GetStudentWeekRequest {
                school_id: demo.school_id.clone(),
                student_id: demo.student_ids[0].clone(),
                date: day.to_string(),
            },
        );
        async move {
            schedule
                .get_student_week(request)
                .await
                .unwrap()
                .into_inner()
        }
    };
    let (week, next_week) = (
        week_of(school_day).await,
        week_of(school_day + Days::new(7)).await,
    );
    let lessons: Vec<_> = week.days.iter().flat_map(|day| &day.lessons).collect();
    let held: Vec<_> = week
        .days
        .iter()
        .filter(|day| day.date <= school_day.to_string())
        .flat_map(|day| &day.lessons)
        .collect();
    assert!(lessons.len() >= 15, "{} lessons on {today}", lessons.len());
    assert!(!held.is_empty());
    assert!(held.iter().all(|lesson| !lesson.topic.is_empty()));
    assert!(held.iter().any(|lesson| !lesson.homework_set.is_empty()));
    assert!(lessons.iter().all(|lesson| !lesson.teacher_name.is_empty()));
    let homework_due = next_week.days.iter().chain(&week.days).any(|day| {
        day.lessons
            .iter()
            .any(|lesson| !lesson.homework_due.is_empty())
    });
    assert!(homework_due, "no homework is due around {school_day}");

    // The journal of the quarter of the last school day has marks.
    let quarter = quarters
        .iter()
        .find(|q| q.start_date <= school_day.to_string() && school_day.to_string() <= q.end_date)
        .expect("a quarter");
    let mut gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let mut marked_subjects = 0;
    for subject_id in &demo.subject_ids {
        let grid = gradebook
            .get_journal(with_token(
                &deputy,
                gradebook::GetJournalRequest {
                    class_id: classes[0].id.clone(),
                    subject_id: subject_id.clone(),
                    reporting_period_id: quarter.id.clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(grid.student_ids.len(), 25);
        if grid.cells.iter().any(|cell| !cell.marks.is_empty()) {
            marked_subjects += 1;
        }
    }
    assert!(marked_subjects > 0, "no marks in {}", quarter.name);
    sandbox.stop().await.unwrap();
}
