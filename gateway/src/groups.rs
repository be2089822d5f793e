//! A class's groups (a language subgroup, a profile group): which exist
//! with their students, and a new one. Timetable entries, lessons and
//! teaching assignments may name a group instead of the whole class.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath};
use crate::roster::load_groups;

#[derive(Serialize, ToSchema)]
pub struct GroupView {
    pub id: String,
    pub school_id: String,
    pub class_id: String,
    #[schema(example = "Английский, гр. 1")]
    pub name: String,
    pub student_ids: Vec<String>,
}

impl From<identity::Group> for GroupView {
    fn from(group: identity::Group) -> Self {
        Self {
            id: group.id,
            school_id: group.school_id,
            class_id: group.class_id,
            name: group.name,
            student_ids: group.student_ids,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GroupsView {
    /// By name.
    pub groups: Vec<GroupView>,
}

/// `GET /api/v1/classes/{class_id}/groups`: the class's groups with their
/// students. Whoever may read the school's roster.
#[utoipa::path(get, path = "/api/v1/classes/{class_id}/groups", tag = "roster",
    params(("class_id" = String, Path, format = Uuid, description = "The class")),
    responses((status = 200, description = "The groups", body = GroupsView)))]
pub async fn list_groups(caller: Caller, ApiPath(class_id): ApiPath<String>) -> impl IntoResponse {
    caller
        .answer(async {
            let class_id = path_id("class", &class_id)?;
            let groups = load_groups(&caller, &class_id).await?;
            Ok(Json(GroupsView {
                groups: groups.into_iter().map(GroupView::from).collect(),
            }))
        })
        .await
}

#[derive(Deserialize, ToSchema)]
pub struct NewGroupBody {
    #[schema(max_length = 100)]
    pub name: String,
    /// Students of the class.
    #[serde(default)]
    pub student_ids: Vec<String>,
}

/// `POST /api/v1/classes/{class_id}/groups`: a new group of some of the
/// class's students. The school's administrators.
#[utoipa::path(post, path = "/api/v1/classes/{class_id}/groups", tag = "roster",
    params(("class_id" = String, Path, format = Uuid, description = "The class")),
    request_body = NewGroupBody,
    responses((status = 201, description = "The group", body = GroupView)))]
pub async fn create_group(
    caller: Caller,
    ApiPath(class_id): ApiPath<String>,
    ApiJson(body): ApiJson<NewGroupBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let group = add_group(&caller, &class_id, body).await?;
            Ok((StatusCode::CREATED, Json(group)))
        })
        .await
}

/// Creates a group for the route and the administration's page alike.
pub async fn add_group(caller: &Caller, class_id: &str, body: NewGroupBody) -> Result<GroupView> {
    let class_id = path_id("class", class_id)?;
    let mut params = Params::new();
    let name = params.text("name", Some(&body.name), 100);
    let student_ids: Vec<String> = body
        .student_ids
        .iter()
        .map(|id| params.id("student_ids", Some(id)))
        .collect();
    params.finish()?;
    let message = identity::CreateGroupRequest {
        class_id,
        name,
        student_ids,
    };
    let group = caller
        .identity()
        .create_group(caller.request(message)?)
        .await?
        .into_inner()
        .group;
    Ok(required(group, "group")?.into())
}
