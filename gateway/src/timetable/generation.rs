//! Building the dated lessons of a date range from the timetable, the bell
//! schedules and the holidays. Running it again changes nothing; lessons
//! with marks, attendance or homework are never removed, and manual
//! changes (a substitute, a cancellation, another room) are kept.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, Params, path_id, renamed};
use crate::extract::{ApiJson, ApiPath};

#[derive(Deserialize, ToSchema)]
pub struct GenerationBody {
    #[schema(format = Uuid)]
    pub academic_year_id: String,
    /// The first day; the year's first when absent.
    #[serde(default)]
    #[schema(format = Date)]
    pub from: Option<String>,
    /// The last day, inclusive; the year's last when absent.
    #[serde(default)]
    #[schema(format = Date)]
    pub to: Option<String>,
    /// Only this class's lessons; the whole school's when absent.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub class_id: Option<String>,
    /// Count what would change, changing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// How many lessons a run created, updated, removed, left as they were,
/// and kept although they no longer follow from the timetable.
#[derive(Serialize, ToSchema)]
pub struct GenerationView {
    pub created_count: i32,
    /// Changed to follow the timetable (a new room, teacher or time).
    pub updated_count: i32,
    /// They had no marks, attendance or homework.
    pub removed_count: i32,
    pub unchanged_count: i32,
    /// Kept because they have marks, attendance or homework, and flagged
    /// for a deputy head to review.
    pub orphaned_count: i32,
    /// The flagged lessons (at most 1000).
    pub orphaned_lesson_ids: Vec<String>,
    pub dry_run: bool,
}

const NAMES: &[(&str, &str)] = &[("from_date", "from"), ("to_date", "to")];

/// `POST /api/v1/schools/{school_id}/lesson-generation`: school
/// administrators, deputy heads.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/lesson-generation", tag = "timetable",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = GenerationBody,
    responses(
        (status = 200, description = "What the run changed (or would change)", body = GenerationView),
        (status = 403, description = "The caller may read the school but not keep its timetable", body = crate::problem::Body, content_type = "application/problem+json"),
        (status = 409, description = "The timetable names a lesson its bell schedule lacks", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn generate_lessons(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<GenerationBody>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(generate(&caller, &school_id, body).await?)) })
        .await
}

pub async fn generate(
    caller: &Caller,
    school_id: &str,
    body: GenerationBody,
) -> Result<GenerationView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let academic_year_id = params.id("academic_year_id", Some(&body.academic_year_id));
    let from_date = params.optional_date("from", body.from.as_deref());
    let to_date = params.optional_date("to", body.to.as_deref());
    params.range(&from_date, &to_date, "to");
    let class_id = params.optional_id("class_id", body.class_id.as_deref());
    params.finish()?;
    let message = schedule::GenerateLessonsRequest {
        school_id,
        academic_year_id,
        from_date,
        to_date,
        class_id,
        dry_run: body.dry_run,
    };
    let reply = caller
        .schedule()
        .generate_lessons(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), NAMES))?
        .into_inner();
    Ok(GenerationView {
        created_count: reply.created_count,
        updated_count: reply.updated_count,
        removed_count: reply.removed_count,
        unchanged_count: reply.unchanged_count,
        orphaned_count: reply.orphaned_count,
        orphaned_lesson_ids: reply.orphaned_lesson_ids,
        dry_run: body.dry_run,
    })
}
