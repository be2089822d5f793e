//! A student's guardians as the school keeps them: listed, an existing
//! guardian linked, a new one registered and linked, a link removed.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use futures_util::future::try_join_all;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, Params, path_id, required, timestamp};
use crate::extract::{ApiJson, ApiPath};
use crate::people::{PersonName, person};
use crate::roster::MAX_PAGES;
use crate::school_people::school_person;

/// A guardian linked to the student.
#[derive(Serialize, ToSchema, Clone)]
pub struct GuardianView {
    #[serde(flatten)]
    pub name: PersonName,
    pub linked_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct StudentGuardiansView {
    pub student: PersonName,
    /// By family name.
    pub guardians: Vec<GuardianView>,
}

/// `GET /api/v1/schools/{school_id}/students/{student_id}/guardians`: the
/// student and their guardians. The school's staff, city operators.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/students/{student_id}/guardians", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("student_id" = String, Path, format = Uuid, description = "The student"),
    ),
    responses((status = 200, description = "The student's guardians", body = StudentGuardiansView)))]
pub async fn list_student_guardians(
    caller: Caller,
    ApiPath((school_id, student_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_guardians(&caller, &school_id, &student_id)
                .await
                .map(Json)
        })
        .await
}

pub async fn load_guardians(
    caller: &Caller,
    school_id: &str,
    student_id: &str,
) -> Result<StudentGuardiansView> {
    let student = student(caller, school_id, student_id).await?;
    let mut links = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListGuardianshipsRequest {
            student_id: student.id.clone(),
            page_size: 500,
            page_token,
            ..Default::default()
        };
        let reply = caller
            .identity()
            .list_guardianships(caller.request(message)?)
            .await?
            .into_inner();
        links.extend(reply.guardianships);
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    let mut guardians = try_join_all(links.into_iter().map(|link| async move {
        Ok::<_, Error>(GuardianView {
            name: person(caller, &link.guardian_id).await?.into(),
            linked_at: timestamp(link.create_time),
        })
    }))
    .await?;
    guardians.sort_by(|a, b| {
        (&a.name.family_name, &a.name.given_name).cmp(&(&b.name.family_name, &b.name.given_name))
    });
    Ok(StudentGuardiansView {
        student: student.into(),
        guardians,
    })
}

async fn student(caller: &Caller, school_id: &str, student_id: &str) -> Result<identity::Person> {
    school_person(
        caller,
        school_id,
        student_id,
        identity::PersonKind::Student,
        "student",
    )
    .await
}

/// Either an existing guardian of the school, or a new one's name.
#[derive(Deserialize, ToSchema, Default)]
pub struct GuardianBody {
    /// A guardian the school registered; leave the names empty.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub guardian_id: Option<String>,
    /// A new guardian's family name, when there is no `guardian_id`.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub family_name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub given_name: String,
    /// Patronymic (отчество), if any.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub middle_name: String,
}

/// `POST /api/v1/schools/{school_id}/students/{student_id}/guardians`:
/// links a guardian of the school to the student, registering them first
/// when given a name instead of an id. The school's administrators, city
/// operators.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/students/{student_id}/guardians", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("student_id" = String, Path, format = Uuid, description = "The student"),
    ),
    request_body = GuardianBody,
    responses(
        (status = 201, description = "The linked guardian", body = GuardianView),
        (status = 409, description = "They are already linked", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn link_guardian(
    caller: Caller,
    ApiPath((school_id, student_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<GuardianBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let guardian = add_guardian(&caller, &school_id, &student_id, body).await?;
            Ok((StatusCode::CREATED, Json(guardian)))
        })
        .await
}

pub async fn add_guardian(
    caller: &Caller,
    school_id: &str,
    student_id: &str,
    body: GuardianBody,
) -> Result<GuardianView> {
    let student = student(caller, school_id, student_id).await?;
    let mut params = Params::new();
    // An existing guardian is the service's to check (registered by the
    // student's school); a new one is registered first.
    let (guardian_id, created) = match body.guardian_id.as_deref() {
        Some(id) if !id.is_empty() => {
            let guardian_id = params.id("guardian_id", Some(id));
            params.finish()?;
            (guardian_id, None)
        }
        _ => {
            let family_name = params.text("family_name", Some(&body.family_name), 100);
            let given_name = params.text("given_name", Some(&body.given_name), 100);
            params.finish()?;
            let message = identity::CreatePersonRequest {
                school_id: student.school_id.clone(),
                kind: identity::PersonKind::Guardian.into(),
                family_name,
                given_name,
                middle_name: body.middle_name.trim().to_owned(),
            };
            let person = caller
                .identity()
                .create_person(caller.request(message)?)
                .await?
                .into_inner()
                .person;
            let person = required(person, "guardian")?;
            (person.id.clone(), Some(person))
        }
    };
    let message = identity::LinkGuardianRequest {
        guardian_id: guardian_id.clone(),
        student_id: student.id,
    };
    let link = caller
        .identity()
        .link_guardian(caller.request(message)?)
        .await?
        .into_inner()
        .guardianship;
    caller.state.people.forget();
    let guardian = match created {
        Some(person) => person,
        None => person(caller, &guardian_id).await?,
    };
    Ok(GuardianView {
        name: guardian.into(),
        linked_at: timestamp(required(link, "guardianship")?.create_time),
    })
}

/// `DELETE /api/v1/schools/{school_id}/students/{student_id}/guardians/{guardian_id}`:
/// the guardian no longer sees the student. The school's administrators,
/// city operators.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/students/{student_id}/guardians/{guardian_id}", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("student_id" = String, Path, format = Uuid, description = "The student"),
        ("guardian_id" = String, Path, format = Uuid, description = "The guardian"),
    ),
    responses((status = 204, description = "Unlinked")))]
pub async fn unlink_guardian(
    caller: Caller,
    ApiPath((school_id, student_id, guardian_id)): ApiPath<(String, String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            remove_guardian(&caller, &school_id, &student_id, &guardian_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn remove_guardian(
    caller: &Caller,
    school_id: &str,
    student_id: &str,
    guardian_id: &str,
) -> Result<()> {
    let student = student(caller, school_id, student_id).await?;
    let message = identity::UnlinkGuardianRequest {
        guardian_id: path_id("guardian", guardian_id)?,
        student_id: student.id,
    };
    caller
        .identity()
        .unlink_guardian(caller.request(message)?)
        .await?;
    caller.state.people.forget();
    Ok(())
}
