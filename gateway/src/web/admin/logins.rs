//! A login issued in the administration: a form naming the person, then
//! the login and its temporary password on a page of their own, to print
//! or copy once; the person replaces the password at the first sign-in.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::Deserialize;

use super::roster_texts::LoginTexts;
use super::texts::PeopleTexts;
use super::{PageError, Shell, Visitor, render};
use crate::audit_events::{AuditEventsQuery, load_audit_page};
use crate::caller::path_id;
use crate::credentials::{CredentialsBody, IssuedCredentialsView, issue};
use crate::extract::{ApiQuery, PageForm};
use crate::people::{PersonName, load_me, person};
use crate::web::page::shown;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    shell: Shell,
    lt: &'static LoginTexts,
    person: String,
    back_url: String,
    back_text: &'static str,
    action: String,
    login: String,
    error: String,
    issued: Option<IssuedCredentialsView>,
}

/// Where the form was opened from: a student's page names their class,
/// so the way back leads there.
#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    class_id: String,
}

/// `GET /school/{school_id}/admin/people/{person_id}/login[?class_id=]`.
pub async fn form(
    visitor: Visitor,
    Path((school_id, person_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<LoginQuery>,
) -> Response {
    visitor
        .page(login_page(&visitor, &school_id, &person_id, &query, None))
        .await
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
}

/// `POST /school/{school_id}/admin/people/{person_id}/login`: the login
/// issued and shown with its password, or the form again with the refusal.
pub async fn submit(
    visitor: Visitor,
    Path((school_id, person_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<LoginQuery>,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let issued = async {
        person_of(&visitor, &school_id, &person_id).await?;
        let body = CredentialsBody {
            login: form.login.clone(),
        };
        issue(&visitor.caller, &person_id, body).await
    }
    .await;
    let (status, outcome) = match issued {
        Ok(issued) => (StatusCode::OK, Ok(issued)),
        Err(error) => match shown(&error, visitor.lang) {
            Some((status, text)) => (status, Err((form.login, text))),
            None => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
        },
    };
    match login_page(&visitor, &school_id, &person_id, &query, Some(outcome)).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// A member of staff or a student of the school: the only people a school
/// issues logins to (guardians sign up themselves).
async fn person_of(
    visitor: &Visitor,
    school_id: &str,
    person_id: &str,
) -> Result<identity::Person> {
    let caller = &visitor.caller;
    // The trail first: only the school's administrators read it.
    load_audit_page(
        caller,
        school_id,
        AuditEventsQuery {
            page_size: Some("1".to_owned()),
            ..AuditEventsQuery::default()
        },
    )
    .await?;
    let person = person(caller, &path_id("person", person_id)?).await?;
    let issuable = [identity::PersonKind::Staff, identity::PersonKind::Student]
        .map(i32::from)
        .contains(&person.kind);
    if person.school_id != school_id || !issuable {
        return Err(Error::not_found("person"));
    }
    Ok(person)
}

async fn login_page(
    visitor: &Visitor,
    school_id: &str,
    person_id: &str,
    query: &LoginQuery,
    outcome: Option<std::result::Result<IssuedCredentialsView, (String, String)>>,
) -> Result<LoginPage> {
    let (person, me) = tokio::try_join!(
        person_of(visitor, school_id, person_id),
        load_me(&visitor.caller)
    )?;
    let lt = LoginTexts::of(visitor.lang);
    // Only an id makes the way back: nothing sent is put in a link as sent.
    let class_id = path_id("class", &query.class_id).ok();
    let (back_url, back_text, action) = match class_id {
        _ if person.kind == i32::from(identity::PersonKind::Staff) => (
            format!("/school/{school_id}/admin/staff"),
            lt.back_to_staff,
            format!("/school/{school_id}/admin/people/{person_id}/login"),
        ),
        Some(class_id) => (
            format!("/school/{school_id}/admin/classes/{class_id}/students/{person_id}"),
            lt.back_to_student,
            format!("/school/{school_id}/admin/people/{person_id}/login?class_id={class_id}"),
        ),
        None => (
            format!("/school/{school_id}/admin"),
            PeopleTexts::of(visitor.lang).back_to_admin,
            format!("/school/{school_id}/admin/people/{person_id}/login"),
        ),
    };
    let (login, error, issued) = match outcome {
        None => (String::new(), String::new(), None),
        Some(Ok(issued)) => (String::new(), String::new(), Some(issued)),
        Some(Err((login, error))) => (login, error, None),
    };
    Ok(LoginPage {
        shell: visitor.shell(me.name.short()),
        lt,
        person: PersonName::from(person).full(),
        action,
        back_url,
        back_text,
        login,
        error,
        issued,
    })
}
