//! The calendar and the timetable, with their mistakes refused and named.

use super::*;

/// The academic year, with an overlapping and a malformed one refused and
/// named; the bells; a holiday created twice by one request id: its id.
pub(super) async fn step_the_calendar_refuses_its_mistakes(s: &mut School) -> String {
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
    year
}

/// Quarters of one grade level must not overlap; closing is idempotent;
/// reopening wants a reason.
pub(super) async fn step_quarters_do_not_overlap_and_reopen_with_a_reason(
    s: &mut School,
    year: &str,
) {
    let quarter = |number: i32, start: &str, end: &str| pb::CreateReportingPeriodRequest {
        reporting_period: Some(pb::ReportingPeriod {
            school_id: s.school.clone(),
            academic_year_id: year.to_owned(),
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
}

/// The timetable: mathematics every Monday and on odd Wednesdays, the
/// English group on even Wednesdays at the same time; a clash, a malformed
/// entry and an unknown class refused. The Monday entry.
pub(super) async fn step_the_timetable_refuses_clashes_and_bad_entries(
    s: &mut School,
    year: &str,
) -> pb::TimetableEntry {
    let monday = s
        .create_entry(
            &s.admin.clone(),
            s.entry(year, pb::Weekday::Monday, 1, pb::WeekPeriodicity::EveryWeek),
        )
        .await
        .unwrap();
    s.create_entry(
        &s.admin.clone(),
        s.entry(
            year,
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
            year,
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
                ..s.entry(year, pb::Weekday::Monday, 1, pb::WeekPeriodicity::OddWeeks)
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
                ..s.entry(year, pb::Weekday::Monday, 1, pb::WeekPeriodicity::EveryWeek)
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
                ..s.entry(year, pb::Weekday::Friday, 3, pb::WeekPeriodicity::EveryWeek)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&unknown_class),
        ["timetable_entry.class_id"]
    );
    monday
}
