//! A school's staff as its administrators keep them: who works there, the
//! roles each holds, a new member of staff, and a role given or taken.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use futures_util::future::try_join_all;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath};
use crate::people::PersonName;
use crate::school_people::{load_people, school_person};
use crate::views::StaffRole;

/// A member of a school's staff and their roles there.
#[derive(Serialize, ToSchema, Clone)]
pub struct StaffMemberView {
    #[serde(flatten)]
    pub name: PersonName,
    /// A disabled person can no longer sign in.
    pub disabled: bool,
    /// Their roles in this school, in the order of `StaffRole`; empty for
    /// someone registered as staff who holds none yet.
    pub roles: Vec<StaffRole>,
}

#[derive(Serialize, ToSchema)]
pub struct StaffView {
    /// By family name.
    pub staff: Vec<StaffMemberView>,
}

/// `GET /api/v1/schools/{school_id}/staff`: the school's staff with their
/// roles. The school's administrators, city operators.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/staff", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The staff", body = StaffView)))]
pub async fn list_staff(caller: Caller, ApiPath(school_id): ApiPath<String>) -> impl IntoResponse {
    caller
        .answer(async {
            let staff = load_staff(&caller, &school_id).await?;
            Ok(Json(StaffView { staff }))
        })
        .await
}

pub async fn load_staff(caller: &Caller, school_id: &str) -> Result<Vec<StaffMemberView>> {
    let school_id = path_id("school", school_id)?;
    let people = load_people(caller, &school_id, identity::PersonKind::Staff).await?;
    // Another member of staff's roles are only their administrators' to
    // read: a teacher, who may read the roster, is refused here.
    try_join_all(
        people
            .into_iter()
            .map(|person| with_roles(caller, &school_id, person)),
    )
    .await
}

async fn with_roles(
    caller: &Caller,
    school_id: &str,
    person: identity::Person,
) -> Result<StaffMemberView> {
    let message = identity::ListStaffRolesRequest {
        person_id: person.id.clone(),
    };
    let granted = caller
        .identity()
        .list_staff_roles(caller.request(message)?)
        .await?
        .into_inner()
        .roles;
    let mut roles: Vec<StaffRole> = granted
        .into_iter()
        .filter(|grant| grant.school_id == school_id)
        .filter_map(|grant| StaffRole::from_proto(grant.role))
        .collect();
    roles.sort_by_key(|role| role.to_proto());
    Ok(StaffMemberView {
        disabled: person.disabled,
        name: person.into(),
        roles,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct NewStaffBody {
    #[schema(max_length = 100)]
    pub family_name: String,
    #[schema(max_length = 100)]
    pub given_name: String,
    /// Patronymic (отчество), if any.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub middle_name: String,
    /// The roles to give at once; none leaves them registered without any.
    #[serde(default)]
    pub roles: Vec<StaffRole>,
}

/// `POST /api/v1/schools/{school_id}/staff`: registers a new member of
/// staff with their roles. The school's administrators, city operators.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/staff", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = NewStaffBody,
    responses((status = 201, description = "The member of staff", body = StaffMemberView)))]
pub async fn create_staff_member(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<NewStaffBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let member = add_staff_member(&caller, &school_id, body).await?;
            Ok((StatusCode::CREATED, Json(member)))
        })
        .await
}

pub async fn add_staff_member(
    caller: &Caller,
    school_id: &str,
    body: NewStaffBody,
) -> Result<StaffMemberView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    let family_name = params.text("family_name", Some(&body.family_name), 100);
    let given_name = params.text("given_name", Some(&body.given_name), 100);
    params.finish()?;
    let message = identity::CreatePersonRequest {
        school_id: school_id.clone(),
        kind: identity::PersonKind::Staff.into(),
        family_name,
        given_name,
        middle_name: body.middle_name.trim().to_owned(),
    };
    let person = caller
        .identity()
        .create_person(caller.request(message)?)
        .await?;
    let person = required(person.into_inner().person, "person")?;
    let mut roles = body.roles;
    roles.sort_by_key(|role| role.to_proto());
    roles.dedup();
    for role in &roles {
        change_role(caller, &school_id, &person.id, *role, true).await?;
    }
    Ok(StaffMemberView {
        disabled: person.disabled,
        name: person.into(),
        roles,
    })
}

/// A role named in a path: a word that is no role names nothing.
fn path_role(text: &str) -> Result<StaffRole> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| Error::not_found("role"))
}

/// `PUT /api/v1/schools/{school_id}/staff/{person_id}/roles/{role}`: gives
/// the role; giving one already held changes nothing. The school's
/// administrators, city operators.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/staff/{person_id}/roles/{role}", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("person_id" = String, Path, format = Uuid, description = "The member of staff"),
        ("role" = StaffRole, Path, description = "The role"),
    ),
    responses((status = 204, description = "They hold the role")))]
pub async fn grant_staff_role(
    caller: Caller,
    ApiPath((school_id, person_id, role)): ApiPath<(String, String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            set_role(&caller, &school_id, &person_id, &role, true).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

/// `DELETE /api/v1/schools/{school_id}/staff/{person_id}/roles/{role}`:
/// takes the role away. The school's administrators, city operators.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/staff/{person_id}/roles/{role}", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("person_id" = String, Path, format = Uuid, description = "The member of staff"),
        ("role" = StaffRole, Path, description = "The role"),
    ),
    responses((status = 204, description = "They no longer hold the role")))]
pub async fn revoke_staff_role(
    caller: Caller,
    ApiPath((school_id, person_id, role)): ApiPath<(String, String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            set_role(&caller, &school_id, &person_id, &role, false).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

/// Gives (`held`) or takes away a role of a member of the school's staff.
pub async fn set_role(
    caller: &Caller,
    school_id: &str,
    person_id: &str,
    role: &str,
    held: bool,
) -> Result<()> {
    let role = path_role(role)?;
    let person = school_person(
        caller,
        school_id,
        person_id,
        identity::PersonKind::Staff,
        "member of staff",
    )
    .await?;
    change_role(caller, &person.school_id, &person.id, role, held).await
}

async fn change_role(
    caller: &Caller,
    school_id: &str,
    person_id: &str,
    role: StaffRole,
    held: bool,
) -> Result<()> {
    let (person_id, school_id, role) =
        (person_id.to_owned(), school_id.to_owned(), role.to_proto());
    let mut client = caller.identity();
    if held {
        let message = identity::GrantStaffRoleRequest {
            person_id,
            school_id,
            role,
        };
        client.grant_staff_role(caller.request(message)?).await?;
    } else {
        let message = identity::RevokeStaffRoleRequest {
            person_id,
            school_id,
            role,
        };
        client.revoke_staff_role(caller.request(message)?).await?;
    }
    caller.state.people.forget();
    Ok(())
}
