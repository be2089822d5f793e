//! Access codes a school hands to guardians: issuing one per student (the
//! code is shown once, then only its state), for a whole class at once to
//! print, listing a school's codes, and revoking an unused one.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required, timestamp};
use crate::extract::{ApiPath, ApiQuery};
use crate::people::PersonName;
use crate::roster::{ClassView, MAX_PAGES, load_class_students};

/// A code just issued: the only time the code itself is shown.
#[derive(Serialize, ToSchema)]
pub struct IssuedCodeView {
    pub id: String,
    pub school_id: String,
    pub student: PersonName,
    /// To hand to the guardian; never shown again.
    pub code: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/students/{student_id}/access-codes`: a new one-time code
/// for a guardian of the student to sign up with. The school's
/// administrators, city operators.
#[utoipa::path(post, path = "/api/v1/students/{student_id}/access-codes", tag = "roster",
    params(("student_id" = String, Path, format = Uuid, description = "The student")),
    responses((status = 201, description = "The code, shown this once", body = IssuedCodeView)))]
pub async fn issue_access_code(
    caller: Caller,
    ApiPath(student_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let student_id = path_id("student", &student_id)?;
            let student = student_name(&caller, &student_id).await?;
            let code = issue(&caller, student).await?;
            Ok((StatusCode::CREATED, Json(code)))
        })
        .await
}

async fn student_name(caller: &Caller, student_id: &str) -> Result<PersonName> {
    let message = identity::GetPersonRequest {
        id: student_id.to_owned(),
    };
    let person = caller
        .identity()
        .get_person(caller.request(message)?)
        .await?
        .into_inner()
        .person
        .ok_or_else(|| Error::not_found("student"))?;
    Ok(person.into())
}

async fn issue(caller: &Caller, student: PersonName) -> Result<IssuedCodeView> {
    let message = identity::IssueAccessCodeRequest {
        student_id: student.person_id.clone(),
    };
    let reply = caller
        .identity()
        .issue_access_code(caller.request(message)?)
        .await
        .map_err(|status| match Error::from(status) {
            // The student is the path's object: one the caller may not
            // manage reads as one that does not exist.
            Error::InvalidArgument(_) => Error::not_found("student"),
            other => other,
        })?
        .into_inner();
    let stored = required(reply.access_code, "access code")?;
    Ok(IssuedCodeView {
        id: stored.id,
        school_id: stored.school_id,
        student,
        code: reply.code,
        expires_at: timestamp(stored.expire_time),
    })
}

/// A class's new codes, one per student, ready to print.
#[derive(Serialize, ToSchema)]
pub struct ClassCodesView {
    pub class: ClassView,
    /// By the students' family names.
    pub codes: Vec<IssuedCodeView>,
}

/// `POST /api/v1/classes/{class_id}/access-codes`: a new code for every
/// student of the class today (earlier unused codes stay valid until they
/// expire or are revoked). The school's administrators, city operators.
#[utoipa::path(post, path = "/api/v1/classes/{class_id}/access-codes", tag = "roster",
    params(("class_id" = String, Path, format = Uuid, description = "The class")),
    responses((status = 201, description = "The codes, shown this once", body = ClassCodesView)))]
pub async fn issue_class_codes(
    caller: Caller,
    ApiPath(class_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let codes = issue_for_class(&caller, &class_id).await?;
            Ok((StatusCode::CREATED, Json(codes)))
        })
        .await
}

pub async fn issue_for_class(caller: &Caller, class_id: &str) -> Result<ClassCodesView> {
    let roll = load_class_students(caller, class_id, None).await?;
    let mut codes = Vec::with_capacity(roll.students.len());
    for student in roll.students {
        // Someone who reads the roster but may not manage it is refused at
        // the first student, before any code exists: the class is theirs
        // to read, not to hand out.
        codes.push(issue(caller, student).await.map_err(|error| match error {
            Error::NotFound(_) => Error::not_found("class"),
            other => other,
        })?);
    }
    Ok(ClassCodesView {
        class: roll.class,
        codes,
    })
}

/// Where a code stands.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    /// Issued, not used, not yet expired.
    Active,
    Redeemed,
    Revoked,
    Expired,
}

/// A code as listed, without the code itself.
#[derive(Serialize, ToSchema, Clone)]
pub struct AccessCodeView {
    pub id: String,
    pub school_id: String,
    pub student_id: String,
    pub state: CodeState,
    pub created_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The guardian who used it; empty until then.
    pub redeemer_id: String,
}

impl AccessCodeView {
    fn new(code: identity::AccessCode, now: DateTime<Utc>) -> Self {
        let expires_at = timestamp(code.expire_time);
        let redeemed_at = timestamp(code.redeem_time);
        let revoked_at = timestamp(code.revoke_time);
        let state = if redeemed_at.is_some() {
            CodeState::Redeemed
        } else if revoked_at.is_some() {
            CodeState::Revoked
        } else if expires_at.is_some_and(|at| at <= now) {
            CodeState::Expired
        } else {
            CodeState::Active
        };
        Self {
            id: code.id,
            school_id: code.school_id,
            student_id: code.student_id,
            state,
            created_at: timestamp(code.create_time),
            expires_at,
            redeemed_at,
            revoked_at,
            redeemer_id: code.redeemer_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccessCodesView {
    /// The newest first.
    pub access_codes: Vec<AccessCodeView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessCodesQuery {
    /// 1–500.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 500)]
    page_size: Option<String>,
    /// From the previous page's `next_page_token`.
    #[param(max_length = 200)]
    page_token: Option<String>,
}

/// `GET /api/v1/schools/{school_id}/access-codes`: the school's codes and
/// their states, never the codes themselves. The school's administrators,
/// city operators.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/access-codes", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), AccessCodesQuery),
    responses((status = 200, description = "A page of codes", body = AccessCodesView)))]
pub async fn list_access_codes(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AccessCodesQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let mut params = Params::new();
            let page_size = params.page_size(query.page_size.as_deref());
            params.finish()?;
            let page = load_codes_page(
                &caller,
                &school_id,
                page_size,
                query.page_token.unwrap_or_default(),
            )
            .await?;
            Ok(Json(page))
        })
        .await
}

pub async fn load_codes_page(
    caller: &Caller,
    school_id: &str,
    page_size: i32,
    page_token: String,
) -> Result<AccessCodesView> {
    let message = identity::ListAccessCodesRequest {
        school_id: path_id("school", school_id)?,
        page_size,
        page_token,
    };
    let reply = caller
        .identity()
        .list_access_codes(caller.request(message)?)
        .await?
        .into_inner();
    let now = Utc::now();
    Ok(AccessCodesView {
        access_codes: reply
            .access_codes
            .into_iter()
            .map(|code| AccessCodeView::new(code, now))
            .collect(),
        next_page_token: reply.next_page_token,
    })
}

/// Every code of a school, for a page that shows each student's state.
pub async fn load_all_codes(caller: &Caller, school_id: &str) -> Result<Vec<AccessCodeView>> {
    let mut codes = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let page = load_codes_page(caller, school_id, 500, page_token).await?;
        codes.extend(page.access_codes);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(codes)
}

/// `DELETE /api/v1/access-codes/{code_id}`: revokes an unused code. The
/// school's administrators, city operators.
#[utoipa::path(delete, path = "/api/v1/access-codes/{code_id}", tag = "roster",
    params(("code_id" = String, Path, format = Uuid, description = "The code's id")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_access_code(
    caller: Caller,
    ApiPath(code_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            revoke(&caller, &code_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn revoke(caller: &Caller, code_id: &str) -> Result<()> {
    let message = identity::RevokeAccessCodeRequest {
        id: path_id("access code", code_id)?,
    };
    caller
        .identity()
        .revoke_access_code(caller.request(message)?)
        .await?;
    Ok(())
}
