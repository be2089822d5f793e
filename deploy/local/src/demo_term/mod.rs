//! The full demo school's calendar and journal: the academic year with its
//! quarters and vacations, bells, a clash-free timetable for two classes
//! (English in two groups, computer science and technology alternating by
//! week parity), the year's lessons, and the last four weeks of topics,
//! homework, marks and attendance — all through the same gRPC calls a deputy
//! head and the teachers would make.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::grpc::context::outgoing;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tokio::task::JoinSet;
use tonic::transport::Channel;

mod journal;
mod timetable;

use journal::*;
pub use timetable::SUBJECTS;
use timetable::*;

/// `message` from the deputy head.
fn as_deputy<T>(demo: &DemoClasses<'_>, message: T) -> anyhow::Result<tonic::Request<T>> {
    Ok(outgoing(message, &demo.deputy, None)?)
}

/// What the demo term needs to know of the school.
pub struct DemoClasses<'a> {
    pub school_id: &'a str,
    pub grade_level: i32,
    /// (class id, English group ids in teacher order, students by group).
    pub classes: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
    pub subject_ids: &'a [String],
    pub teacher_ids: &'a [String],
    /// The teachers' tokens, as `teacher_ids`.
    pub teacher_tokens: &'a [BearerToken],
    /// The deputy head's token.
    pub deputy: BearerToken,
}

pub struct Services {
    pub schedule: ScheduleServiceClient<Channel>,
    pub gradebook: GradebookServiceClient<Channel>,
}

/// Builds the calendar and timetable, generates the year's lessons and
/// fills the last four weeks of the journal; returns the marks posted.
pub async fn seed_term(
    services: &Services,
    demo: &DemoClasses<'_>,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut schedule = services.schedule.clone();
    let year_start = otmetka_platform::time::academic_year_start(today);
    let (terms, vacations) = quarters(year_start.year());
    let year_id = schedule
        .create_academic_year(as_deputy(
            demo,
            schedule::CreateAcademicYearRequest {
                academic_year: Some(schedule::AcademicYear {
                    school_id: demo.school_id.into(),
                    name: format!("{}/{}", year_start.year(), year_start.year() + 1),
                    start_date: year_start.to_string(),
                    end_date: terms[3].1.to_string(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        )?)
        .await?
        .into_inner()
        .academic_year
        .context("a year")?
        .id;
    let mut periods = Vec::new();
    for (number, (start, end)) in terms.iter().enumerate() {
        let period = schedule
            .create_reporting_period(as_deputy(
                demo,
                schedule::CreateReportingPeriodRequest {
                    reporting_period: Some(schedule::ReportingPeriod {
                        school_id: demo.school_id.into(),
                        academic_year_id: year_id.clone(),
                        kind: schedule::ReportingPeriodKind::Quarter.into(),
                        number: number as i32 + 1,
                        name: format!("{} четверть", NUMERALS[number]),
                        grade_levels: vec![demo.grade_level],
                        start_date: start.to_string(),
                        end_date: end.to_string(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            )?)
            .await?
            .into_inner()
            .reporting_period
            .context("a period")?;
        periods.push(period);
    }
    for (name, start, end) in vacations {
        schedule
            .create_holiday(as_deputy(
                demo,
                schedule::CreateHolidayRequest {
                    holiday: Some(schedule::Holiday {
                        school_id: demo.school_id.into(),
                        academic_year_id: year_id.clone(),
                        kind: schedule::HolidayKind::Vacation.into(),
                        name: name.into(),
                        start_date: start.to_string(),
                        end_date: end.to_string(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            )?)
            .await?;
    }
    schedule
        .create_bell_schedule(as_deputy(
            demo,
            schedule::CreateBellScheduleRequest {
                bell_schedule: Some(schedule::BellSchedule {
                    school_id: demo.school_id.into(),
                    name: "Основное расписание звонков".into(),
                    slots: BELLS
                        .iter()
                        .enumerate()
                        .map(|(index, (start, end))| schedule::BellSlot {
                            lesson_number: index as i32 + 1,
                            start_time: (*start).into(),
                            end_time: (*end).into(),
                        })
                        .collect(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        )?)
        .await?;

    let weekdays = [
        schedule::Weekday::Monday,
        schedule::Weekday::Tuesday,
        schedule::Weekday::Wednesday,
        schedule::Weekday::Thursday,
        schedule::Weekday::Friday,
    ];
    for ((class_id, groups, _), week) in demo.classes.iter().zip(weeks()) {
        for (weekday, day) in weekdays.iter().zip(&week) {
            for (index, slot) in day.iter().enumerate() {
                let parities = match slot.odd_weeks {
                    None => vec![(slot.subject, schedule::WeekPeriodicity::EveryWeek)],
                    Some(odd) => vec![
                        (slot.subject, schedule::WeekPeriodicity::EvenWeeks),
                        (odd, schedule::WeekPeriodicity::OddWeeks),
                    ],
                };
                for (subject, periodicity) in parities {
                    let teachers = SUBJECTS[subject].1;
                    let audiences: Vec<(String, usize)> = if teachers.len() > 1 {
                        groups
                            .iter()
                            .cloned()
                            .zip(teachers.iter().copied())
                            .collect()
                    } else {
                        vec![(String::new(), teachers[0])]
                    };
                    for (group_id, teacher) in audiences {
                        schedule
                            .create_timetable_entry(as_deputy(
                                demo,
                                schedule::CreateTimetableEntryRequest {
                                    timetable_entry: Some(schedule::TimetableEntry {
                                        school_id: demo.school_id.into(),
                                        academic_year_id: year_id.clone(),
                                        class_id: class_id.clone(),
                                        group_id,
                                        weekday: (*weekday).into(),
                                        lesson_number: index as i32 + 1,
                                        subject_id: demo.subject_ids[subject].clone(),
                                        teacher_id: demo.teacher_ids[teacher].clone(),
                                        room: format!("{}", 200 + teacher * 2 + 1),
                                        periodicity: periodicity.into(),
                                        ..Default::default()
                                    }),
                                    request_id: String::new(),
                                },
                            )?)
                            .await
                            .with_context(|| {
                                format!("timetable: {weekday:?} lesson {}", index + 1)
                            })?;
                    }
                }
            }
        }
    }
    schedule
        .generate_lessons(as_deputy(
            demo,
            schedule::GenerateLessonsRequest {
                school_id: demo.school_id.into(),
                academic_year_id: year_id.clone(),
                from_date: year_start.to_string(),
                to_date: terms[3].1.to_string(),
                ..Default::default()
            },
        )?)
        .await?;

    // The journal shows the last four weeks of lessons up to today, or up
    // to the year's last lesson in the summer. Teachers write it within a
    // window opened wide enough for that, then the school's usual month.
    let journal_until = today.min(terms[3].1);
    let journal_from = journal_until - Days::new(JOURNAL_DAYS);
    let window_for_seeding = (today - journal_from).num_days() as i32 + 1;
    set_edit_window(services, demo, window_for_seeding.max(EDIT_WINDOW_DAYS)).await?;
    let marks = fill_journal(services, demo, journal_from, journal_until).await?;
    set_edit_window(services, demo, EDIT_WINDOW_DAYS).await?;
    // Quarters that are over are closed, as the deputy head does.
    for period in periods.iter().filter(|p| p.end_date < today.to_string()) {
        schedule
            .close_reporting_period(as_deputy(
                demo,
                schedule::CloseReportingPeriodRequest {
                    school_id: demo.school_id.into(),
                    id: period.id.clone(),
                },
            )?)
            .await?;
    }
    Ok(marks)
}
