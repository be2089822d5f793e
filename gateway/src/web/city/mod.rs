//! The city operator's page (`/city`): the schools, the vendors' clients
//! and the token signing key. The page reads the clients, which only city
//! operators may, so anyone else meets a 404.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

mod texts;
mod trail;

use texts::CityTexts;
use trail::TrailRow;

use super::admin::form::{FieldErrors, refusal};
use super::page::{PageError, Shell, Visitor, render};
use crate::AppState;
use crate::extract::PageForm;
use crate::people::load_me;
use crate::schools::{SchoolBody, add_school, load_schools};
use crate::vendors::{VendorBody, VendorScope, add_vendor, load_clients, revoke, rotate_key};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/city", get(city))
        .route("/city/schools", post(create_school))
        .route("/city/vendors", post(create_vendor))
        .route("/city/vendors/{client_id}/revoke", post(revoke_vendor))
        .route("/city/signing-key", post(rotate))
}

struct SchoolRow {
    name: String,
    timezone: String,
    admin_url: String,
}

struct ClientRow {
    id: String,
    name: String,
    scopes: String,
    revoked: bool,
    revoke_url: String,
}

#[derive(Deserialize, Default)]
pub struct SchoolForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    timezone: String,
}

/// Each scope is its own checkbox: a form's repeated names do not decode.
#[derive(Deserialize, Default)]
pub struct VendorForm {
    #[serde(default)]
    name: String,
    scope_roster: Option<String>,
    scope_marks: Option<String>,
    scope_attendance: Option<String>,
    scope_changes: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct KeyForm {
    confirm: Option<String>,
}

/// What the page shows besides the lists: one form's outcome at most.
#[derive(Default)]
struct Outcome {
    school_form: SchoolForm,
    school_errors: FieldErrors,
    vendor_form: VendorForm,
    vendor_errors: FieldErrors,
    key_error: String,
    /// A vendor just made: its name and secret, shown this once.
    new_vendor: String,
    new_client_id: String,
    new_secret: String,
    /// A key just published: "… starts signing 7 декабря 2026".
    rotated: String,
}

#[derive(Template)]
#[template(path = "city/index.html")]
struct CityPage {
    shell: Shell,
    ct: &'static CityTexts,
    schools: Vec<SchoolRow>,
    clients: Vec<ClientRow>,
    trail: Vec<TrailRow>,
    outcome: Outcome,
}

async fn city_page(visitor: &Visitor, outcome: Outcome) -> Result<CityPage> {
    let caller = &visitor.caller;
    // The clients first: only city operators may read them.
    let clients = load_clients(caller).await?;
    let (me, schools) = tokio::try_join!(load_me(caller), load_schools(caller))?;
    let named: HashMap<String, String> = schools
        .iter()
        .map(|school| (school.id.clone(), school.name.clone()))
        .chain(
            clients
                .iter()
                .map(|client| (client.id.clone(), client.name.clone())),
        )
        .collect();
    let trail = trail::latest(caller, visitor.lang, &named).await?;
    Ok(CityPage {
        shell: visitor.shell(me.name.short()),
        ct: CityTexts::of(visitor.lang),
        schools: schools
            .into_iter()
            .map(|school| SchoolRow {
                admin_url: format!("/school/{}/admin", school.id),
                name: school.name,
                timezone: school.timezone,
            })
            .collect(),
        clients: clients
            .into_iter()
            .map(|client| ClientRow {
                revoke_url: format!("/city/vendors/{}/revoke", client.id),
                revoked: client.revoked_at.is_some(),
                scopes: client.allowed_scopes.join(", "),
                id: client.id,
                name: client.name,
            })
            .collect(),
        trail,
        outcome,
    })
}

/// The page with `outcome`, never kept by a cache: it may hold a secret.
async fn show(visitor: &Visitor, status: StatusCode, outcome: Outcome) -> Response {
    match city_page(visitor, outcome).await {
        Ok(page) => {
            let mut response = render(status, &page);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

fn page_error(visitor: &Visitor, error: Error) -> Response {
    PageError::new(error, visitor.lang, &visitor.here).into_response()
}

/// `GET /city`.
async fn city(visitor: Visitor) -> Response {
    show(&visitor, StatusCode::OK, Outcome::default()).await
}

/// `POST /city/schools`: a new school, then back to the list.
async fn create_school(visitor: Visitor, PageForm(form): PageForm<SchoolForm>) -> Response {
    let ct = CityTexts::of(visitor.lang);
    let form = match form {
        Ok(form) => form,
        Err(error) => return page_error(&visitor, error),
    };
    let body = SchoolBody {
        name: form.name.trim().to_owned(),
        timezone: form.timezone.trim().to_owned(),
    };
    match add_school(&visitor.caller, body).await {
        Ok(_) => Redirect::to("/city").into_response(),
        Err(error) => match refusal(error, ct.school_exists) {
            Ok((status, errors)) => {
                let outcome = Outcome {
                    school_form: form,
                    school_errors: errors,
                    ..Outcome::default()
                };
                show(&visitor, status, outcome).await
            }
            Err(error) => page_error(&visitor, error),
        },
    }
}

/// `POST /city/vendors`: a new vendor client. The answer is the page with
/// the secret, not a redirect: the secret is kept nowhere, so no later
/// page could show it, and a reload of the list never does.
async fn create_vendor(visitor: Visitor, PageForm(form): PageForm<VendorForm>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return page_error(&visitor, error),
    };
    let ticked = [
        (&form.scope_roster, VendorScope::RosterRead),
        (&form.scope_marks, VendorScope::MarksWrite),
        (&form.scope_attendance, VendorScope::AttendanceWrite),
        (&form.scope_changes, VendorScope::ChangesRead),
    ];
    let body = VendorBody {
        name: form.name.trim().to_owned(),
        allowed_scopes: ticked
            .iter()
            .filter(|(box_, _)| box_.is_some())
            .map(|(_, scope)| *scope)
            .collect(),
    };
    match add_vendor(&visitor.caller, body).await {
        Ok(made) => {
            let outcome = Outcome {
                new_vendor: made.client.name,
                new_client_id: made.client.id,
                new_secret: made.client_secret,
                ..Outcome::default()
            };
            show(&visitor, StatusCode::CREATED, outcome).await
        }
        Err(error) => match refusal(error, "") {
            Ok((status, errors)) => {
                let outcome = Outcome {
                    vendor_form: form,
                    vendor_errors: errors,
                    ..Outcome::default()
                };
                show(&visitor, status, outcome).await
            }
            Err(error) => page_error(&visitor, error),
        },
    }
}

/// `POST /city/vendors/{client_id}/revoke`.
async fn revoke_vendor(visitor: Visitor, Path(client_id): Path<String>) -> Response {
    match revoke(&visitor.caller, &client_id).await {
        Ok(()) => Redirect::to("/city").into_response(),
        Err(error) => page_error(&visitor, error),
    }
}

/// `POST /city/signing-key`: a new signing key, once confirmed.
async fn rotate(visitor: Visitor, PageForm(form): PageForm<KeyForm>) -> Response {
    let ct = CityTexts::of(visitor.lang);
    let confirmed = form.is_ok_and(|form| form.confirm.is_some());
    if !confirmed {
        let outcome = Outcome {
            key_error: ct.must_confirm.to_owned(),
            ..Outcome::default()
        };
        return show(&visitor, StatusCode::BAD_REQUEST, outcome).await;
    }
    match rotate_key(&visitor.caller).await {
        Ok(key) => {
            let when = key
                .activates_at
                .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            let outcome = Outcome {
                rotated: format!("{} ({}) — {} {when}", ct.rotated, key.key_id, ct.activates),
                ..Outcome::default()
            };
            show(&visitor, StatusCode::OK, outcome).await
        }
        Err(error) => page_error(&visitor, error),
    }
}
