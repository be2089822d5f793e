//! The teacher's own day and journals: the lessons they give on a date and
//! the journals (class × subject) they keep, with names ready to read.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub mod lesson;
pub mod names;

use crate::caller::{Caller, Params};
use crate::extract::ApiQuery;
use crate::lessons::LessonView;
use names::Directory;

/// A lesson as its teacher reads it in a list: with the class's, group's
/// and subject's names.
#[derive(Serialize, ToSchema)]
pub struct TeacherLessonView {
    #[serde(flatten)]
    pub lesson: LessonView,
    /// "5А".
    pub class_name: String,
    /// Empty for the whole class.
    pub group_name: String,
    pub subject_name: String,
    /// The caller substitutes for the planned teacher.
    pub substituting: bool,
}

impl TeacherLessonView {
    pub fn named(lesson: schedule::Lesson, names: &Directory, me: &str) -> Self {
        let substituting = lesson.substitute_teacher_id == me;
        Self {
            class_name: names.class(&lesson.class_id),
            group_name: names.group(&lesson.group_id),
            subject_name: names.subject(&lesson.subject_id),
            substituting,
            lesson: LessonView::from(lesson),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// "YYYY-MM-DD"; the school's today when absent.
    #[param(format = Date)]
    pub date: Option<String>,
    /// The school; the one that registered the caller when absent.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
}

/// The lessons a teacher gives on one day.
#[derive(Serialize, ToSchema)]
pub struct TeacherDayView {
    pub school_id: String,
    #[schema(example = "2026-12-07")]
    pub date: String,
    /// By lesson number; a lesson they substitute in included.
    pub lessons: Vec<TeacherLessonView>,
}

/// `GET /api/v1/teaching/lessons`: the caller's lessons on a day, as the
/// planned teacher or as a substitute.
#[utoipa::path(get, path = "/api/v1/teaching/lessons", tag = "lessons",
    params(DayQuery),
    responses((status = 200, description = "The day's lessons", body = TeacherDayView)))]
pub async fn my_lessons(caller: Caller, ApiQuery(query): ApiQuery<DayQuery>) -> impl IntoResponse {
    caller
        .answer(async { load_day(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_day(caller: &Caller, query: &DayQuery) -> Result<TeacherDayView> {
    let mut params = Params::new();
    let date = params.optional_date("date", query.date.as_deref());
    params.finish()?;
    let school_id = names::school_of(caller, query.school_id.as_deref()).await?;
    let date = match date.as_str() {
        "" => names::today(caller, &school_id).await?.to_string(),
        _ => date,
    };
    let me = caller.session.person_id.to_string();
    let message = schedule::ListLessonsRequest {
        school_id: school_id.clone(),
        from_date: date.clone(),
        to_date: date.clone(),
        teacher_id: me.clone(),
        page_size: 100,
        ..Default::default()
    };
    let lessons = caller
        .schedule()
        .list_lessons(caller.request(message)?)
        .await?
        .into_inner()
        .lessons;
    let mut names = Directory::of_school(caller, &school_id).await?;
    for lesson in &lessons {
        names
            .learn_class(caller, &lesson.class_id, !lesson.group_id.is_empty())
            .await?;
    }
    Ok(TeacherDayView {
        school_id,
        date,
        lessons: lessons
            .into_iter()
            .map(|lesson| TeacherLessonView::named(lesson, &names, &me))
            .collect(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalsQuery {
    /// The school; the one that registered the caller when absent.
    #[param(format = Uuid)]
    pub school_id: Option<String>,
}

/// The journals a teacher keeps.
#[derive(Serialize, ToSchema)]
pub struct TeacherJournalsView {
    pub school_id: String,
    /// The school's today, which chose each journal's period.
    pub date: String,
    /// By class, then subject.
    pub journals: Vec<JournalLinkView>,
}

/// One class's (or group's) journal of a subject.
#[derive(Serialize, ToSchema)]
pub struct JournalLinkView {
    pub class_id: String,
    pub class_name: String,
    /// Set when the teacher teaches one group of the class.
    pub group_id: String,
    pub group_name: String,
    pub subject_id: String,
    pub subject_name: String,
    /// The reporting period holding today (else the last one begun); empty
    /// when the school has none for the class yet.
    pub period_id: String,
    pub period_name: String,
}

/// `GET /api/v1/teaching/journals`: the caller's teaching assignments as
/// journals, each with the reporting period to open it at.
#[utoipa::path(get, path = "/api/v1/teaching/journals", tag = "journal",
    params(JournalsQuery),
    responses((status = 200, description = "The teacher's journals", body = TeacherJournalsView)))]
pub async fn my_journals(
    caller: Caller,
    ApiQuery(query): ApiQuery<JournalsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_journals(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_journals(caller: &Caller, query: &JournalsQuery) -> Result<TeacherJournalsView> {
    let school_id = names::school_of(caller, query.school_id.as_deref()).await?;
    let today = names::today(caller, &school_id).await?;
    let message = identity::ListTeachingAssignmentsRequest {
        school_id: school_id.clone(),
        class_id: String::new(),
        teacher_id: caller.session.person_id.to_string(),
        page_size: 500,
        page_token: String::new(),
    };
    let assignments = caller
        .identity()
        .list_teaching_assignments(caller.request(message)?)
        .await?
        .into_inner()
        .teaching_assignments;
    let mut names = Directory::of_school(caller, &school_id).await?;
    let mut periods = std::collections::HashMap::new();
    let mut journals = Vec::with_capacity(assignments.len());
    for assignment in assignments {
        let grade = names
            .learn_class(
                caller,
                &assignment.class_id,
                !assignment.group_id.is_empty(),
            )
            .await?
            .grade_level;
        let period = match periods.get(&grade) {
            Some(period) => Option::clone(period),
            None => {
                let period = names::period_on(caller, &school_id, grade, today).await?;
                periods.insert(grade, period.clone());
                period
            }
        }
        .unwrap_or_default();
        journals.push(JournalLinkView {
            class_name: names.class(&assignment.class_id),
            group_name: names.group(&assignment.group_id),
            subject_name: names.subject(&assignment.subject_id),
            class_id: assignment.class_id,
            group_id: assignment.group_id,
            subject_id: assignment.subject_id,
            period_id: period.id,
            period_name: period.name,
        });
    }
    journals.sort_by(|a, b| {
        (&a.class_name, &a.subject_name, &a.group_name).cmp(&(
            &b.class_name,
            &b.subject_name,
            &b.group_name,
        ))
    });
    Ok(TeacherJournalsView {
        school_id,
        date: today.to_string(),
        journals,
    })
}
