//! Attendance over a reporting period: how many lessons were missed and
//! why, and each absence or lateness by day, newest first.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use chrono::NaiveDate;

use super::periods::{PeriodChoice, chosen, period_choices};
use super::subjects::SubjectsQuery;
use super::texts::FamilyTexts;
use super::{FamilyNav, Tab};
use crate::diary::load_student_periods;
use crate::diary::records::{AttendanceQuery, load_attendance};
use crate::extract::ApiQuery;
use crate::people::{load_me, school_names};
use crate::views::{AttendanceKind, AttendanceView};
use crate::web::page::{Shell, Visitor};

/// Pages of records one period may hold: a school year has fewer lessons
/// than this many pages of 500.
const MOST_PAGES: usize = 10;

#[derive(Template)]
#[template(path = "family/attendance.html")]
struct AttendancePage {
    shell: Shell,
    ft: &'static FamilyTexts,
    nav: FamilyNav,
    student_name: String,
    periods: Vec<PeriodChoice>,
    /// Each reason with how many lessons it took, those with none left out.
    totals: Vec<(&'static str, usize)>,
    rows: Vec<AbsenceRow>,
}

struct AbsenceRow {
    date: String,
    subject: String,
    kind: &'static str,
    /// Minutes late, or the reason given.
    note: String,
}

/// `GET /diary/{student_id}/attendance?period_id=`.
pub async fn show(
    visitor: Visitor,
    Path(student_id): Path<String>,
    ApiQuery(query): ApiQuery<SubjectsQuery>,
) -> Response {
    visitor
        .page(async {
            let caller = &visitor.caller;
            let (me, periods) =
                tokio::try_join!(load_me(caller), load_student_periods(caller, &student_id))?;
            let today = caller.state.settings.clock.today_utc().to_string();
            let period = chosen(&periods.periods, query.period_id.as_deref(), &today);
            let mut records = Vec::new();
            if let Some(period) = period {
                let mut page_token = None;
                for _ in 0..MOST_PAGES {
                    let asked = AttendanceQuery {
                        from: Some(period.start_date.clone()),
                        to: Some(period.end_date.clone()),
                        page_size: Some("500".into()),
                        page_token: page_token.take(),
                    };
                    let page = load_attendance(caller, &student_id, asked).await?;
                    records.extend(page.records);
                    if page.next_page_token.is_empty() {
                        break;
                    }
                    page_token = Some(page.next_page_token);
                }
            }
            records.retain(|record| record.kind != Some(AttendanceKind::Present));
            records.sort_by(|a, b| b.lesson_date.cmp(&a.lesson_date));
            let names = match (period, records.is_empty()) {
                (Some(period), false) => Some(school_names(caller, &period.school_id).await?),
                _ => None,
            };
            let lang = visitor.lang;
            let ft = FamilyTexts::of(lang);
            let rows = records
                .iter()
                .map(|record| AbsenceRow {
                    date: NaiveDate::parse_from_str(&record.lesson_date, "%Y-%m-%d")
                        .map(|date| lang.date(date))
                        .unwrap_or_else(|_| record.lesson_date.clone()),
                    subject: names
                        .as_ref()
                        .map(|names| names.subject(&record.subject_id).to_owned())
                        .unwrap_or_default(),
                    kind: kind_text(ft, record.kind),
                    note: note(ft, record),
                })
                .collect();
            Ok(AttendancePage {
                shell: visitor.shell(me.name.short()),
                ft,
                nav: FamilyNav::new(&student_id, Tab::Attendance),
                student_name: super::student_name(&me, &student_id),
                periods: period_choices(&periods.periods, period.map(|p| p.id.as_str())),
                totals: totals(ft, &records),
                rows,
            })
        })
        .await
}

fn kind_text(ft: &'static FamilyTexts, kind: Option<AttendanceKind>) -> &'static str {
    match kind {
        Some(AttendanceKind::Absent) => ft.absent,
        Some(AttendanceKind::Ill) => ft.ill,
        Some(AttendanceKind::Excused) => ft.excused,
        Some(AttendanceKind::Late) => ft.late,
        Some(AttendanceKind::Present) | None => "",
    }
}

fn note(ft: &FamilyTexts, record: &AttendanceView) -> String {
    if record.kind == Some(AttendanceKind::Late) && record.late_minutes > 0 {
        let minutes = format!("{} {}", record.late_minutes, ft.minutes);
        return if record.reason.is_empty() {
            minutes
        } else {
            format!("{minutes}; {}", record.reason)
        };
    }
    record.reason.clone()
}

fn totals(ft: &'static FamilyTexts, records: &[AttendanceView]) -> Vec<(&'static str, usize)> {
    [
        AttendanceKind::Absent,
        AttendanceKind::Ill,
        AttendanceKind::Excused,
        AttendanceKind::Late,
    ]
    .into_iter()
    .map(|kind| {
        let count = records
            .iter()
            .filter(|record| record.kind == Some(kind))
            .count();
        (kind_text(ft, Some(kind)), count)
    })
    .filter(|(_, count)| *count > 0)
    .collect()
}
