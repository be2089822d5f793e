//! Dated lessons of a class, and their topics.

use axum::Json;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, renamed, required, timestamp};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::views::LessonStatus;

/// A lesson: one dated occurrence for a class or a group of it.
#[derive(Serialize, ToSchema)]
pub struct LessonView {
    pub id: String,
    pub school_id: String,
    pub academic_year_id: String,
    pub class_id: String,
    /// Set when only a group of the class attends.
    pub group_id: String,
    pub subject_id: String,
    #[schema(example = "2026-11-27")]
    pub date: String,
    pub lesson_number: i32,
    /// School-local "HH:MM".
    pub start_time: String,
    pub end_time: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// The planned teacher.
    pub teacher_id: String,
    /// Set when someone substitutes.
    pub substitute_teacher_id: String,
    /// Why someone substitutes; may be empty.
    pub substitution_reason: String,
    /// The room the timetable plans.
    pub planned_room: String,
    /// Where it takes place: the planned room unless it was moved.
    pub room: String,
    pub topic: String,
    pub status: Option<LessonStatus>,
    pub cancel_reason: String,
    pub has_marks: bool,
    pub has_attendance: bool,
    pub has_homework: bool,
}

impl From<schedule::Lesson> for LessonView {
    fn from(lesson: schedule::Lesson) -> Self {
        Self {
            status: LessonStatus::from_proto(lesson.status),
            starts_at: timestamp(lesson.starts_at),
            ends_at: timestamp(lesson.ends_at),
            id: lesson.id,
            school_id: lesson.school_id,
            academic_year_id: lesson.academic_year_id,
            class_id: lesson.class_id,
            group_id: lesson.group_id,
            subject_id: lesson.subject_id,
            date: lesson.date,
            lesson_number: lesson.lesson_number,
            start_time: lesson.start_time,
            end_time: lesson.end_time,
            teacher_id: lesson.teacher_id,
            substitute_teacher_id: lesson.substitute_teacher_id,
            substitution_reason: lesson.substitution_reason,
            planned_room: lesson.planned_room,
            room: lesson.room,
            topic: lesson.topic,
            cancel_reason: lesson.cancel_reason,
            has_marks: lesson.has_marks,
            has_attendance: lesson.has_attendance,
            has_homework: lesson.has_homework,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LessonsQuery {
    #[param(required = true, format = Uuid)]
    class_id: Option<String>,
    /// First day, "YYYY-MM-DD".
    #[param(required = true, format = Date)]
    from: Option<String>,
    /// Last day, inclusive; at most 62 days after `from`.
    #[param(required = true, format = Date)]
    to: Option<String>,
    /// Only this group's lessons.
    #[param(format = Uuid)]
    group_id: Option<String>,
    /// Only this subject's lessons.
    #[param(format = Uuid)]
    subject_id: Option<String>,
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    page_size: Option<String>,
    #[param(max_length = 1024)]
    page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LessonsPage {
    lessons: Vec<LessonView>,
    #[serde(skip_serializing_if = "String::is_empty")]
    next_page_token: String,
}

const LESSON_NAMES: &[(&str, &str)] = &[("from_date", "from"), ("to_date", "to")];

/// `GET /api/v1/lessons`: a class's lessons by date and lesson number.
/// Staff of the school; students of the class and their guardians.
#[utoipa::path(get, path = "/api/v1/lessons", tag = "lessons",
    params(LessonsQuery),
    responses((status = 200, description = "A page of lessons", body = LessonsPage)))]
pub async fn list_lessons(
    caller: Caller,
    ApiQuery(query): ApiQuery<LessonsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let mut params = Params::new();
            let class_id = params.id("class_id", query.class_id.as_deref());
            let from_date = params.date("from", query.from.as_deref());
            let to_date = params.date("to", query.to.as_deref());
            params.range(&from_date, &to_date, "to");
            let group_id = params.optional_id("group_id", query.group_id.as_deref());
            let subject_id = params.optional_id("subject_id", query.subject_id.as_deref());
            let page_size = params.page_size(query.page_size.as_deref());
            params.finish()?;
            let class = caller
                .identity()
                .get_class(caller.request(identity::GetClassRequest {
                    id: class_id.clone(),
                })?)
                .await?
                .into_inner()
                .class;
            let message = schedule::ListLessonsRequest {
                school_id: required(class, "class")?.school_id,
                from_date,
                to_date,
                class_id,
                group_id,
                subject_id,
                page_size,
                page_token: query.page_token.unwrap_or_default(),
                ..Default::default()
            };
            let page = caller
                .schedule()
                .list_lessons(caller.request(message)?)
                .await
                .map_err(|status| renamed(status.into(), LESSON_NAMES))?
                .into_inner();
            Ok(Json(LessonsPage {
                lessons: page.lessons.into_iter().map(LessonView::from).collect(),
                next_page_token: page.next_page_token,
            }))
        })
        .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchoolDayQuery {
    #[param(required = true, format = Date)]
    pub date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SchoolDayView {
    /// By lesson number, then class.
    pub lessons: Vec<LessonView>,
}

/// `GET /api/v1/schools/{school_id}/lessons?date`: every lesson of the
/// school on a day, to arrange substitutions. The school's staff.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/lessons", tag = "lessons",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), SchoolDayQuery),
    responses((status = 200, description = "The day's lessons", body = SchoolDayView)))]
pub async fn school_day(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SchoolDayQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let lessons = load_school_day(&caller, &school_id, query.date.as_deref()).await?;
            Ok(Json(SchoolDayView { lessons }))
        })
        .await
}

/// The school's lessons on `date` ("YYYY-MM-DD").
pub async fn load_school_day(
    caller: &Caller,
    school_id: &str,
    date: Option<&str>,
) -> otmetka_platform::Result<Vec<LessonView>> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let date = params.date("date", date);
    params.finish()?;
    let mut lessons = Vec::new();
    let mut page_token = String::new();
    for _ in 0..crate::roster::MAX_PAGES {
        let message = schedule::ListLessonsRequest {
            school_id: school_id.clone(),
            from_date: date.clone(),
            to_date: date.clone(),
            page_size: 500,
            page_token,
            ..Default::default()
        };
        let page = caller
            .schedule()
            .list_lessons(caller.request(message)?)
            .await?
            .into_inner();
        lessons.extend(page.lessons.into_iter().map(LessonView::from));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(lessons)
}

#[derive(Deserialize, ToSchema)]
pub struct TopicBody {
    /// The lesson's school (every lesson in a list names it).
    #[schema(format = Uuid)]
    pub school_id: String,
    /// The topic; empty clears it.
    #[schema(example = "Сложение дробей с разными знаменателями", max_length = 500)]
    pub topic: String,
}

/// `PUT /api/v1/lessons/{lesson_id}/topic`: the lesson's teacher (or
/// substitute), the class teacher, deputy heads.
#[utoipa::path(put, path = "/api/v1/lessons/{lesson_id}/topic", tag = "lessons",
    params(("lesson_id" = String, Path, format = Uuid, description = "The lesson")),
    request_body = TopicBody,
    responses((status = 200, description = "The lesson with its topic", body = LessonView)))]
pub async fn set_topic(
    caller: Caller,
    ApiPath(lesson_id): ApiPath<String>,
    ApiJson(body): ApiJson<TopicBody>,
) -> impl IntoResponse {
    caller
        .answer(async { save_topic(&caller, &lesson_id, body).await.map(Json) })
        .await
}

/// Sets a lesson's topic for the route and the lesson page alike;
/// `lesson_id` is a path segment.
pub async fn save_topic(
    caller: &Caller,
    lesson_id: &str,
    body: TopicBody,
) -> otmetka_platform::Result<LessonView> {
    let lesson_id = path_id("lesson", lesson_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", Some(&body.school_id));
    params.finish()?;
    let message = schedule::SetLessonTopicRequest {
        school_id,
        lesson_id,
        topic: body.topic,
    };
    let reply = caller
        .schedule()
        .set_lesson_topic(caller.request(message)?)
        .await?;
    Ok(LessonView::from(required(
        reply.into_inner().lesson,
        "lesson",
    )?))
}
