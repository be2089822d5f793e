//! Who teaches which subject to which class (or a group of it): a
//! school's teaching assignments, listed, made and ended.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::roster::{MAX_PAGES, class};

/// A teacher teaching a subject to a class, or to one group of it.
#[derive(Serialize, ToSchema, Clone)]
pub struct TeachingAssignmentView {
    pub id: String,
    pub school_id: String,
    pub teacher_id: String,
    pub class_id: String,
    pub subject_id: String,
    /// Empty when the whole class is taught.
    pub group_id: String,
}

impl From<identity::TeachingAssignment> for TeachingAssignmentView {
    fn from(assignment: identity::TeachingAssignment) -> Self {
        Self {
            id: assignment.id,
            school_id: assignment.school_id,
            teacher_id: assignment.teacher_id,
            class_id: assignment.class_id,
            subject_id: assignment.subject_id,
            group_id: assignment.group_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TeachingAssignmentsView {
    pub teaching_assignments: Vec<TeachingAssignmentView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeachingAssignmentsQuery {
    /// Only this class's.
    #[param(format = Uuid)]
    pub class_id: Option<String>,
    /// Only this teacher's.
    #[param(format = Uuid)]
    pub teacher_id: Option<String>,
}

/// `GET /api/v1/schools/{school_id}/teaching-assignments`: the school's
/// teaching assignments. Its staff, city operators, granted vendors.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/teaching-assignments", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), TeachingAssignmentsQuery),
    responses((status = 200, description = "The assignments", body = TeachingAssignmentsView)))]
pub async fn list_teaching_assignments(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<TeachingAssignmentsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let mut params = Params::new();
            let class_id = params.optional_id("class_id", query.class_id.as_deref());
            let teacher_id = params.optional_id("teacher_id", query.teacher_id.as_deref());
            params.finish()?;
            let teaching_assignments =
                load_assignments(&caller, &school_id, &class_id, &teacher_id).await?;
            Ok(Json(TeachingAssignmentsView {
                teaching_assignments,
            }))
        })
        .await
}

/// The school's assignments, of one class or teacher when either is set.
pub async fn load_assignments(
    caller: &Caller,
    school_id: &str,
    class_id: &str,
    teacher_id: &str,
) -> Result<Vec<TeachingAssignmentView>> {
    let school_id = path_id("school", school_id)?;
    let mut assignments = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListTeachingAssignmentsRequest {
            school_id: school_id.clone(),
            class_id: class_id.to_owned(),
            teacher_id: teacher_id.to_owned(),
            page_size: 500,
            page_token,
        };
        let reply = caller
            .identity()
            .list_teaching_assignments(caller.request(message)?)
            .await?
            .into_inner();
        assignments.extend(
            reply
                .teaching_assignments
                .into_iter()
                .map(TeachingAssignmentView::from),
        );
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    Ok(assignments)
}

#[derive(Deserialize, ToSchema)]
pub struct NewTeachingAssignmentBody {
    /// A teacher of the school.
    #[schema(format = Uuid)]
    pub teacher_id: String,
    /// A class of the school.
    #[schema(format = Uuid)]
    pub class_id: String,
    /// A subject of the school.
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// One group of the class; absent for the whole class.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub group_id: Option<String>,
}

/// `POST /api/v1/schools/{school_id}/teaching-assignments`: a teacher
/// starts teaching a subject to a class. The school's administrators, city
/// operators.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/teaching-assignments", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = NewTeachingAssignmentBody,
    responses(
        (status = 201, description = "The assignment", body = TeachingAssignmentView),
        (status = 409, description = "The teacher already teaches that", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_teaching_assignment(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<NewTeachingAssignmentBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let assignment = add_assignment(&caller, &school_id, body).await?;
            Ok((StatusCode::CREATED, Json(assignment)))
        })
        .await
}

pub async fn add_assignment(
    caller: &Caller,
    school_id: &str,
    body: NewTeachingAssignmentBody,
) -> Result<TeachingAssignmentView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let teacher_id = params.id("teacher_id", Some(&body.teacher_id));
    let class_id = params.id("class_id", Some(&body.class_id));
    let subject_id = params.id("subject_id", Some(&body.subject_id));
    let group_id = params.optional_id("group_id", body.group_id.as_deref());
    params.finish()?;
    // The class decides the school the service files it under: one of
    // another school is no class of this one.
    let of_this_school = match class(caller, &class_id).await {
        Ok(class) => class.school_id == school_id,
        Err(Error::NotFound(_)) => false,
        Err(other) => return Err(other),
    };
    if !of_this_school {
        return Err(Error::invalid("class_id", "must be a class of the school"));
    }
    let message = identity::CreateTeachingAssignmentRequest {
        teacher_id,
        class_id,
        subject_id,
        group_id,
    };
    let reply = caller
        .identity()
        .create_teaching_assignment(caller.request(message)?)
        .await?;
    Ok(required(
        reply.into_inner().teaching_assignment,
        "teaching assignment",
    )?
    .into())
}

/// `DELETE /api/v1/schools/{school_id}/teaching-assignments/{assignment_id}`:
/// the teacher no longer teaches it; their marks stay. The school's
/// administrators, city operators.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/teaching-assignments/{assignment_id}", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("assignment_id" = String, Path, format = Uuid, description = "The assignment"),
    ),
    responses((status = 204, description = "Ended")))]
pub async fn delete_teaching_assignment(
    caller: Caller,
    ApiPath((school_id, assignment_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            remove_assignment(&caller, &school_id, &assignment_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn remove_assignment(
    caller: &Caller,
    school_id: &str,
    assignment_id: &str,
) -> Result<()> {
    let id = path_id("teaching assignment", assignment_id)?;
    let known = load_assignments(caller, school_id, "", "").await?;
    if !known.iter().any(|assignment| assignment.id == id) {
        return Err(Error::not_found("teaching assignment"));
    }
    let message = identity::DeleteTeachingAssignmentRequest { id };
    caller
        .identity()
        .delete_teaching_assignment(caller.request(message)?)
        .await?;
    Ok(())
}
