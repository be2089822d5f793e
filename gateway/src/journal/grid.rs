//! The journal grid with what people read beside the ids: the students'
//! names in roster order, the lessons' dates and numbers, and the names of
//! the class, group, subject and period.

use chrono::NaiveDate;
use otmetka_platform::Result;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::JOURNAL_NAMES;
use crate::caller::{Caller, Params, renamed, required};
use crate::people::PersonName;
use crate::teaching::names::{self, Directory};
use crate::views::{
    AttendanceView, AverageView, FinalMarkView, LessonStatus, MarkView, PeriodState,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    #[param(required = true, format = Uuid)]
    pub class_id: Option<String>,
    #[param(required = true, format = Uuid)]
    pub subject_id: Option<String>,
    #[param(required = true, format = Uuid)]
    pub period_id: Option<String>,
    /// For a group's journal.
    #[param(format = Uuid)]
    pub group_id: Option<String>,
}

/// The journal grid: students × lessons; only cells with records are listed.
#[derive(Serialize, ToSchema)]
pub struct JournalView {
    pub school_id: String,
    pub class_id: String,
    /// "5А".
    pub class_name: String,
    pub group_id: String,
    pub group_name: String,
    pub subject_id: String,
    pub subject_name: String,
    pub period_id: String,
    pub period_name: String,
    pub period_start_date: String,
    pub period_end_date: String,
    pub period_state: Option<PeriodState>,
    /// The rows, in roster order.
    pub student_ids: Vec<String>,
    /// The rows by name, in the same order.
    pub students: Vec<PersonName>,
    /// The columns, by date and lesson number.
    pub lesson_ids: Vec<String>,
    /// The columns with their dates, in the same order.
    pub lessons: Vec<JournalLessonView>,
    pub cells: Vec<CellView>,
    /// Each student's average in the subject and period.
    pub averages: Vec<AverageView>,
    /// The period's final marks set so far.
    pub final_marks: Vec<FinalMarkView>,
}

/// A column of the grid.
#[derive(Serialize, ToSchema, Default)]
pub struct JournalLessonView {
    pub id: String,
    #[schema(example = "2026-12-07")]
    pub date: String,
    pub lesson_number: i32,
    pub topic: String,
    pub status: Option<LessonStatus>,
}

#[derive(Serialize, ToSchema)]
pub struct CellView {
    pub student_id: String,
    pub lesson_id: String,
    pub marks: Vec<MarkView>,
    pub attendance: Option<AttendanceView>,
}

/// The grid of `query`, for the JSON route and the page alike. Gradebook
/// decides who may read it, before anything else is asked.
pub async fn load(caller: &Caller, query: &JournalQuery) -> Result<JournalView> {
    let mut params = Params::new();
    let message = gradebook::GetJournalRequest {
        class_id: params.id("class_id", query.class_id.as_deref()),
        group_id: params.optional_id("group_id", query.group_id.as_deref()),
        subject_id: params.id("subject_id", query.subject_id.as_deref()),
        reporting_period_id: params.id("period_id", query.period_id.as_deref()),
    };
    params.finish()?;
    let grid = caller
        .gradebook()
        .get_journal(caller.request(message.clone())?)
        .await
        .map_err(|status| renamed(status.into(), JOURNAL_NAMES))?
        .into_inner();

    let mut names = Directory::default();
    let class = names
        .learn_class(caller, &message.class_id, !message.group_id.is_empty())
        .await?
        .clone();
    let subjects = Directory::of_school(caller, &class.school_id).await?;
    let period = caller
        .schedule()
        .get_reporting_period(caller.request(schedule::GetReportingPeriodRequest {
            school_id: class.school_id.clone(),
            id: message.reporting_period_id.clone(),
        })?)
        .await?
        .into_inner()
        .reporting_period;
    let period = required(period, "reporting period")?;
    let lessons = column_lessons(caller, &message, &class.school_id, &period).await?;
    let students = names::students(
        caller,
        &message.class_id,
        &period.end_date.clone().min(lessons.last_day.clone()),
        &grid.student_ids,
    )
    .await?;

    Ok(JournalView {
        class_name: names.class(&message.class_id),
        group_name: names.group(&message.group_id),
        subject_name: subjects.subject(&message.subject_id),
        school_id: class.school_id,
        class_id: message.class_id,
        group_id: message.group_id,
        subject_id: message.subject_id,
        period_id: period.id,
        period_name: period.name,
        period_start_date: period.start_date,
        period_end_date: period.end_date,
        period_state: PeriodState::from_proto(period.state),
        students,
        lessons: grid
            .lesson_ids
            .iter()
            .map(|id| {
                lessons
                    .by_id
                    .iter()
                    .find(|lesson| &lesson.id == id)
                    .map(|lesson| JournalLessonView {
                        id: lesson.id.clone(),
                        date: lesson.date.clone(),
                        lesson_number: lesson.lesson_number,
                        topic: lesson.topic.clone(),
                        status: LessonStatus::from_proto(lesson.status),
                    })
                    .unwrap_or_else(|| JournalLessonView {
                        id: id.clone(),
                        ..JournalLessonView::default()
                    })
            })
            .collect(),
        student_ids: grid.student_ids,
        lesson_ids: grid.lesson_ids,
        cells: grid
            .cells
            .into_iter()
            .map(|cell| CellView {
                student_id: cell.student_id,
                lesson_id: cell.lesson_id,
                marks: cell.marks.into_iter().map(MarkView::from).collect(),
                attendance: cell.attendance.map(AttendanceView::from),
            })
            .collect(),
        averages: grid.averages.into_iter().map(AverageView::from).collect(),
        final_marks: grid
            .final_marks
            .into_iter()
            .map(FinalMarkView::from)
            .collect(),
    })
}

struct ColumnLessons {
    by_id: Vec<schedule::Lesson>,
    /// The last day with a lesson (the period's start when none): the
    /// roster of that day names the grid's rows.
    last_day: String,
}

async fn column_lessons(
    caller: &Caller,
    journal: &gradebook::GetJournalRequest,
    school_id: &str,
    period: &schedule::ReportingPeriod,
) -> Result<ColumnLessons> {
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (day(&period.start_date), day(&period.end_date)) else {
        return Ok(ColumnLessons {
            by_id: Vec::new(),
            last_day: period.end_date.clone(),
        });
    };
    let filter = schedule::ListLessonsRequest {
        school_id: school_id.to_owned(),
        class_id: journal.class_id.clone(),
        group_id: journal.group_id.clone(),
        subject_id: journal.subject_id.clone(),
        ..Default::default()
    };
    let by_id = names::lessons_between(caller, filter, from, to).await?;
    let last_day = by_id
        .last()
        .map_or_else(|| period.start_date.clone(), |lesson| lesson.date.clone());
    Ok(ColumnLessons { by_id, last_day })
}
