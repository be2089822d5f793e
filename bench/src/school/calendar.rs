//! The calendar: the year, the quarter around today, bells, the timetable,
//! and the term's lessons.

use anyhow::Context;
use chrono::Datelike;
use otmetka_proto::schedule::v1 as schedule;

use super::plan::{DAYS, Hour, LESSONS_PER_DAY};
use super::roster::Roster;
use super::{Caller, Dates, Services, all};
use crate::progress;

const BELLS: [(&str, &str); LESSONS_PER_DAY] = [
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
    ("14:20", "15:05"),
];

/// The term as the schedule service laid it out.
pub(super) struct Calendar {
    pub(super) timetable_entries: usize,
    /// Lessons generated for the whole term.
    pub(super) lessons_created: usize,
    /// The lessons up to today, the ones the journal is kept for.
    pub(super) lessons: Vec<schedule::Lesson>,
}

/// Sets up the year, the quarter, the bells and the timetable, and has the
/// lessons generated.
pub(super) async fn lay_out(
    services: &Services,
    admin: &Caller,
    school_id: &str,
    n: usize,
    dates: &Dates,
    roster: &Roster,
) -> anyhow::Result<Calendar> {
    let Dates {
        today,
        year_start,
        year_end,
        term_start,
        term_end,
    } = *dates;
    let Roster {
        subject_ids,
        teacher_ids,
        class_ids,
        weeks,
        staffing,
    } = roster;
    let mut sched = services.schedule.clone();
    let year_id = sched
        .create_academic_year(admin.request(schedule::CreateAcademicYearRequest {
            academic_year: Some(schedule::AcademicYear {
                school_id: school_id.to_owned(),
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
                school_id: school_id.to_owned(),
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
                    school_id: school_id.to_owned(),
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
                    school_id: school_id.to_owned(),
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
                .create_timetable_entry(admin.request(schedule::CreateTimetableEntryRequest {
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
            school_id: school_id.to_owned(),
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
                school_id: school_id.to_owned(),
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
    Ok(Calendar {
        timetable_entries,
        lessons_created: generated.created_count as usize,
        lessons,
    })
}
