//! The school's staff in the administration: who works there with their
//! roles, a new member of staff, and a role given or taken away.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::form::{FieldErrors, refusal};
use super::texts::{AdminTexts, PeopleTexts, StaffTexts};
use super::{PageError, Shell, Visitor, render};
use crate::extract::PageForm;
use crate::people::load_me;
use crate::schools::load_school;
use crate::staff::{NewStaffBody, add_staff_member, load_staff, set_role};
use crate::views::StaffRole;
use crate::web::i18n::Lang;

const ROLES: [StaffRole; 4] = [
    StaffRole::Teacher,
    StaffRole::DeputyHead,
    StaffRole::Director,
    StaffRole::SchoolAdmin,
];

/// The role's JSON word, which the forms send and the routes take.
fn word(role: StaffRole) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn role_name(role: StaffRole, lang: Lang) -> &'static str {
    let words = StaffTexts::of(lang);
    match role {
        StaffRole::Teacher => words.role_teacher,
        StaffRole::DeputyHead => words.role_deputy_head,
        StaffRole::Director => words.role_director,
        StaffRole::SchoolAdmin => words.role_school_admin,
    }
}

struct RoleOption {
    word: String,
    name: &'static str,
}

struct HeldRole {
    name: &'static str,
    revoke_url: String,
}

struct StaffRow {
    name: String,
    disabled: bool,
    roles: Vec<HeldRole>,
    grant_url: String,
    login_url: String,
    /// The roles they do not hold yet.
    offered: Vec<RoleOption>,
}

#[derive(Deserialize, Default)]
pub struct NewStaffForm {
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    middle_name: String,
    #[serde(default)]
    role: String,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    shell: Shell,
    at: &'static AdminTexts,
    pt: &'static PeopleTexts,
    school_name: String,
    admin_url: String,
    add_url: String,
    staff: Vec<StaffRow>,
    roles: Vec<RoleOption>,
    form: NewStaffForm,
    errors: FieldErrors,
}

async fn staff_page(
    visitor: &Visitor,
    school_id: &str,
    form: NewStaffForm,
    errors: FieldErrors,
) -> Result<StaffPage> {
    let caller = &visitor.caller;
    let lang = visitor.lang;
    // The staff first: only the school's administrators read their roles.
    let staff = load_staff(caller, school_id).await?;
    let (me, school) = tokio::try_join!(load_me(caller), load_school(caller, school_id))?;
    let base = format!("/school/{}/admin/staff", school.id);
    let option = |role: StaffRole| RoleOption {
        word: word(role),
        name: role_name(role, lang),
    };
    let staff = staff
        .into_iter()
        .map(|member| {
            let url = format!("{base}/{}/roles", member.name.person_id);
            StaffRow {
                name: member.name.full(),
                disabled: member.disabled,
                roles: member
                    .roles
                    .iter()
                    .map(|role| HeldRole {
                        name: role_name(*role, lang),
                        revoke_url: format!("{url}/{}/revoke", word(*role)),
                    })
                    .collect(),
                offered: ROLES
                    .into_iter()
                    .filter(|role| !member.roles.contains(role))
                    .map(option)
                    .collect(),
                grant_url: url,
                login_url: format!(
                    "/school/{}/admin/people/{}/login",
                    school.id, member.name.person_id
                ),
            }
        })
        .collect();
    Ok(StaffPage {
        shell: visitor.shell(me.name.short()),
        at: AdminTexts::of(lang),
        pt: PeopleTexts::of(lang),
        admin_url: format!("/school/{}/admin", school.id),
        add_url: base,
        school_name: school.name,
        staff,
        roles: ROLES.into_iter().map(option).collect(),
        form,
        errors,
    })
}

/// `GET /school/{school_id}/admin/staff`.
pub async fn staff(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(staff_page(
            &visitor,
            &school_id,
            NewStaffForm::default(),
            FieldErrors::default(),
        ))
        .await
}

/// `POST /school/{school_id}/admin/staff`: a new member of staff with one
/// role, or none; back to the list.
pub async fn add_staff(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(form): PageForm<NewStaffForm>,
) -> Response {
    let at = AdminTexts::of(visitor.lang);
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = NewStaffBody {
        family_name: form.family_name.clone(),
        given_name: form.given_name.clone(),
        middle_name: form.middle_name.clone(),
        roles: ROLES
            .into_iter()
            .filter(|role| word(*role) == form.role)
            .collect(),
    };
    let errors = match add_staff_member(&visitor.caller, &school_id, body).await {
        Ok(_) => return Redirect::to(&format!("/school/{school_id}/admin/staff")).into_response(),
        Err(error) => match refusal(error, at.cannot_change) {
            Ok(refused) => refused,
            Err(error) => {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            }
        },
    };
    let (status, errors) = errors;
    match staff_page(&visitor, &school_id, form, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /school/{school_id}/admin/staff/{person_id}/roles`: gives the
/// chosen role; back to the list.
pub async fn grant_role(
    visitor: Visitor,
    Path((school_id, person_id)): Path<(String, String)>,
    PageForm(form): PageForm<RoleForm>,
) -> Response {
    let work = async {
        let form = form?;
        set_role(&visitor.caller, &school_id, &person_id, &form.role, true).await
    };
    back_to_staff(&visitor, &school_id, work.await)
}

/// `POST /school/{school_id}/admin/staff/{person_id}/roles/{role}/revoke`.
pub async fn revoke_role(
    visitor: Visitor,
    Path((school_id, person_id, role)): Path<(String, String, String)>,
) -> Response {
    let outcome = set_role(&visitor.caller, &school_id, &person_id, &role, false).await;
    back_to_staff(&visitor, &school_id, outcome)
}

fn back_to_staff(visitor: &Visitor, school_id: &str, outcome: Result<()>) -> Response {
    match outcome {
        Ok(()) => Redirect::to(&format!("/school/{school_id}/admin/staff")).into_response(),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
