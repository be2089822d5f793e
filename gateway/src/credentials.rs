//! A school login for a member of staff or a student: the administrator
//! chooses the login, the gateway makes up a temporary password, shown
//! this once, which the person must replace at their first sign-in.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, path_id};
use crate::extract::{ApiJson, ApiPath};
use crate::people::{PersonName, person};

/// Letters and digits nobody misreads from paper: no 0/O, 1/l/I.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

#[derive(Deserialize, ToSchema)]
pub struct CredentialsBody {
    /// Unique across the city; 3–64 letters, digits, '.', '_' and '-'.
    #[schema(example = "ivanova.m", min_length = 3, max_length = 64)]
    pub login: String,
}

/// A login just issued, with the only copy of its temporary password.
#[derive(Serialize, ToSchema)]
pub struct IssuedCredentialsView {
    pub person: PersonName,
    pub login: String,
    /// To hand to the person; never shown again. They choose their own at
    /// the first sign-in.
    #[schema(example = "kmtr-5x7q-hz2d")]
    pub password: String,
}

/// `POST /api/v1/people/{person_id}/credentials`: issues (or replaces) a
/// person's login with a new temporary password; replacing ends their
/// sessions. Administrators of the person's school.
#[utoipa::path(post, path = "/api/v1/people/{person_id}/credentials", tag = "roster",
    params(("person_id" = String, Path, format = Uuid, description = "A member of staff or a student")),
    request_body = CredentialsBody,
    responses(
        (status = 201, description = "The login and its temporary password, shown this once", body = IssuedCredentialsView),
        (status = 400, description = "The login is malformed or taken (`login`: `is taken`)", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn issue_credentials(
    caller: Caller,
    ApiPath(person_id): ApiPath<String>,
    ApiJson(body): ApiJson<CredentialsBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let issued = issue(&caller, &person_id, body).await?;
            Ok((StatusCode::CREATED, Json(issued)))
        })
        .await
}

/// Issues a login for the route and the administration's pages alike.
pub async fn issue(
    caller: &Caller,
    person_id: &str,
    body: CredentialsBody,
) -> Result<IssuedCredentialsView> {
    let person_id = path_id("person", person_id)?;
    let password = temporary_password();
    let message = identity::SetCredentialsRequest {
        person_id: person_id.clone(),
        login: body.login.trim().to_owned(),
        password: password.clone(),
    };
    caller
        .identity()
        .set_credentials(caller.request(message)?)
        .await
        .map_err(|status| match Error::from(status) {
            // Said of the field, so a form shows it beside the login.
            Error::AlreadyExists(_) => Error::invalid("login", "is taken"),
            other => other,
        })?;
    Ok(IssuedCredentialsView {
        person: person(caller, &person_id).await?.into(),
        login: body.login.trim().to_lowercase(),
        password,
    })
}

/// Twelve characters in three groups: about 59 bits, typed from paper once.
fn temporary_password() -> String {
    let mut rng = rand::rng();
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| {
                    char::from(PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())])
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_long_unambiguous_and_differ() {
        let one = temporary_password();
        assert_eq!(one.len(), 14);
        assert!(one.split('-').all(|group| group.len() == 4));
        assert!(
            one.chars()
                .all(|c| c == '-' || PASSWORD_ALPHABET.contains(&(c as u8)))
        );
        assert!(!one.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(one, temporary_password());
    }
}
