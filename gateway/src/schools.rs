//! The city's schools: reading one, listing, opening and renaming them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, path_id, renamed, required};
use crate::extract::{ApiJson, ApiPath};
use crate::roster::MAX_PAGES;

/// A school.
#[derive(Serialize, ToSchema, Clone)]
pub struct SchoolView {
    pub id: String,
    pub name: String,
    /// IANA timezone name, e.g. "Europe/Moscow".
    pub timezone: String,
}

impl From<identity::School> for SchoolView {
    fn from(school: identity::School) -> Self {
        Self {
            id: school.id,
            name: school.name,
            timezone: school.timezone,
        }
    }
}

/// `GET /api/v1/schools/{school_id}`: a school. Its members, city operators.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}", tag = "city",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The school", body = SchoolView)))]
pub async fn get_school(caller: Caller, ApiPath(school_id): ApiPath<String>) -> impl IntoResponse {
    caller
        .answer(async { load_school(&caller, &school_id).await.map(Json) })
        .await
}

pub async fn load_school(caller: &Caller, school_id: &str) -> Result<SchoolView> {
    let message = identity::GetSchoolRequest {
        id: path_id("school", school_id)?,
    };
    let school = caller
        .identity()
        .get_school(caller.request(message)?)
        .await?
        .into_inner()
        .school
        .ok_or_else(|| Error::not_found("school"))?;
    Ok(school.into())
}

#[derive(Serialize, ToSchema)]
pub struct SchoolsView {
    /// By name.
    pub schools: Vec<SchoolView>,
}

/// `GET /api/v1/schools`: the schools the caller may see (every school for
/// a city operator, their own for staff).
#[utoipa::path(get, path = "/api/v1/schools", tag = "city",
    responses((status = 200, description = "The schools", body = SchoolsView)))]
pub async fn list_schools(caller: Caller) -> impl IntoResponse {
    caller
        .answer(async {
            let schools = load_schools(&caller).await?;
            Ok(Json(SchoolsView { schools }))
        })
        .await
}

pub async fn load_schools(caller: &Caller) -> Result<Vec<SchoolView>> {
    let mut schools = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListSchoolsRequest {
            page_size: 500,
            page_token,
            name_query: String::new(),
        };
        let reply = caller
            .identity()
            .list_schools(caller.request(message)?)
            .await?
            .into_inner();
        schools.extend(reply.schools.into_iter().map(SchoolView::from));
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(schools)
}

#[derive(Deserialize, ToSchema)]
pub struct SchoolBody {
    #[schema(max_length = 200)]
    pub name: String,
    /// IANA timezone name, e.g. "Europe/Moscow".
    #[schema(max_length = 64)]
    pub timezone: String,
}

const SCHOOL_NAMES: &[(&str, &str)] = &[("school.name", "name"), ("school.timezone", "timezone")];

/// `POST /api/v1/schools`: opens a school. City operators.
#[utoipa::path(post, path = "/api/v1/schools", tag = "city",
    request_body = SchoolBody,
    responses(
        (status = 201, description = "The school", body = SchoolView),
        (status = 409, description = "A school of that name exists", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_school(
    caller: Caller,
    ApiJson(body): ApiJson<SchoolBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let school = add_school(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(school)))
        })
        .await
}

pub async fn add_school(caller: &Caller, body: SchoolBody) -> Result<SchoolView> {
    let message = identity::CreateSchoolRequest {
        name: body.name,
        timezone: body.timezone,
    };
    let reply = caller
        .identity()
        .create_school(caller.request(message)?)
        .await?;
    Ok(required(reply.into_inner().school, "school")?.into())
}

/// `PUT /api/v1/schools/{school_id}`: renames a school or moves it to
/// another timezone. City operators.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}", tag = "city",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = SchoolBody,
    responses(
        (status = 200, description = "The school as changed", body = SchoolView),
        (status = 409, description = "A school of that name exists", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn update_school(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<SchoolBody>,
) -> impl IntoResponse {
    caller
        .answer(async { change_school(&caller, &school_id, body).await.map(Json) })
        .await
}

pub async fn change_school(
    caller: &Caller,
    school_id: &str,
    body: SchoolBody,
) -> Result<SchoolView> {
    let message = identity::UpdateSchoolRequest {
        school: Some(identity::School {
            id: path_id("school", school_id)?,
            name: body.name,
            timezone: body.timezone,
            create_time: None,
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["name".into(), "timezone".into()],
        }),
    };
    let reply = caller
        .identity()
        .update_school(caller.request(message)?)
        .await
        .map_err(|status| renamed(status.into(), SCHOOL_NAMES))?;
    Ok(required(reply.into_inner().school, "school")?.into())
}
