//! The school's administration (`/school/{school_id}/admin`): its classes,
//! their students, their guardians and the access codes guardians sign up
//! with, its staff and their roles, who teaches what, the diary vendors it
//! grants access, and its audit trail. Every page loads something only
//! the school's administrators (and city operators) may read, so anyone
//! else meets a 404, as for a school that is not there.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

mod assignments;
mod audit;
mod classes;
pub(super) mod form;
mod groups;
mod guardians;
mod logins;
mod roster;
mod roster_texts;
mod staff;
pub(super) mod texts;
mod vendors;

use form::{FieldErrors, refusal};
use texts::{AdminTexts, AssignmentTexts, PeopleTexts, VendorTexts};

use super::page::{PageError, Shell, Visitor, render};
use crate::AppState;
use crate::access_codes::{AccessCodeView, CodeState, load_all_codes};
use crate::extract::PageForm;
use crate::people::load_me;
use crate::roster::{NewClassBody, add_class, load_classes};
use crate::schools::load_school;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/{school_id}/admin", get(overview))
        .route("/school/{school_id}/admin/classes", post(create_class))
        .route(
            "/school/{school_id}/admin/classes/{class_id}",
            get(classes::class_page),
        )
        .route(
            "/school/{school_id}/admin/classes/{class_id}/students",
            post(classes::enrol),
        )
        .route(
            "/school/{school_id}/admin/classes/{class_id}/students/{student_id}",
            get(guardians::student),
        )
        .route(
            "/school/{school_id}/admin/classes/{class_id}/students/{student_id}/guardians",
            post(guardians::link),
        )
        .route(
            "/school/{school_id}/admin/classes/{class_id}/students/{student_id}/guardians/{guardian_id}/unlink",
            post(guardians::unlink),
        )
        .route(
            "/school/{school_id}/admin/classes/{class_id}/codes",
            post(classes::print_codes),
        )
        .route(
            "/school/{school_id}/admin/classes/{class_id}/codes/{code_id}/revoke",
            post(classes::revoke_code),
        )
        .route(
            "/school/{school_id}/admin/staff",
            get(staff::staff).post(staff::add_staff),
        )
        .route(
            "/school/{school_id}/admin/staff/{person_id}/roles",
            post(staff::grant_role),
        )
        .route(
            "/school/{school_id}/admin/staff/{person_id}/roles/{role}/revoke",
            post(staff::revoke_role),
        )
        .route(
            "/school/{school_id}/admin/assignments",
            get(assignments::assignments).post(assignments::add),
        )
        .route(
            "/school/{school_id}/admin/assignments/{assignment_id}/remove",
            post(assignments::remove),
        )
        .route("/school/{school_id}/admin/vendors", get(vendors::vendors))
        .route(
            "/school/{school_id}/admin/vendors/{client_id}/grant",
            post(vendors::grant_access),
        )
        .route(
            "/school/{school_id}/admin/vendors/{client_id}/withdraw",
            post(vendors::withdraw_access),
        )
        .route("/school/{school_id}/admin/audit", get(audit::audit))
        .route(
            "/school/{school_id}/admin/classes/{class_id}/groups",
            get(groups::groups).post(groups::create),
        )
        .route(
            "/school/{school_id}/admin/people/{person_id}/login",
            get(logins::form).post(logins::submit),
        )
        .route(
            "/school/{school_id}/admin/roster",
            get(roster::form).post(roster::load),
        )
}

struct ClassLink {
    url: String,
    name: String,
}

struct YearClasses {
    /// "2026/2027"
    year: String,
    classes: Vec<ClassLink>,
}

/// The new-class form's values as typed.
#[derive(Deserialize, Default)]
pub struct ClassForm {
    #[serde(default)]
    grade_level: String,
    #[serde(default)]
    letter: String,
    #[serde(default)]
    academic_year: String,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    shell: Shell,
    at: &'static AdminTexts,
    pt: &'static PeopleTexts,
    wt: &'static AssignmentTexts,
    vt: &'static VendorTexts,
    school_name: String,
    action: String,
    staff_url: String,
    assignments_url: String,
    vendors_url: String,
    roster_url: String,
    audit_url: String,
    years: Vec<YearClasses>,
    codes_active: usize,
    codes_redeemed: usize,
    form: ClassForm,
    errors: FieldErrors,
}

/// `GET /school/{school_id}/admin`: the school's classes by year, a form
/// for a new one, and how many access codes are out.
async fn overview(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(overview_page(
            &visitor,
            &school_id,
            ClassForm::default(),
            FieldErrors::default(),
        ))
        .await
}

async fn overview_page(
    visitor: &Visitor,
    school_id: &str,
    form: ClassForm,
    errors: FieldErrors,
) -> otmetka_platform::Result<OverviewPage> {
    let caller = &visitor.caller;
    // The codes first: only those who manage the school may read them.
    let codes = load_all_codes(caller, school_id).await?;
    let (me, school, classes) = tokio::try_join!(
        load_me(caller),
        load_school(caller, school_id),
        load_classes(caller, school_id)
    )?;
    let mut years: Vec<YearClasses> = Vec::new();
    for class in classes {
        let year = format!("{}/{}", class.academic_year, class.academic_year + 1);
        let link = ClassLink {
            url: format!("/school/{}/admin/classes/{}", school.id, class.id),
            name: class.name,
        };
        match years.last_mut() {
            Some(last) if last.year == year => last.classes.push(link),
            _ => years.push(YearClasses {
                year,
                classes: vec![link],
            }),
        }
    }
    let count = |state: CodeState| {
        codes
            .iter()
            .filter(|code: &&AccessCodeView| code.state == state)
            .count()
    };
    Ok(OverviewPage {
        shell: visitor.shell(me.name.short()),
        at: AdminTexts::of(visitor.lang),
        pt: PeopleTexts::of(visitor.lang),
        wt: AssignmentTexts::of(visitor.lang),
        vt: VendorTexts::of(visitor.lang),
        action: format!("/school/{}/admin/classes", school.id),
        staff_url: format!("/school/{}/admin/staff", school.id),
        assignments_url: format!("/school/{}/admin/assignments", school.id),
        vendors_url: format!("/school/{}/admin/vendors", school.id),
        roster_url: format!("/school/{}/admin/roster", school.id),
        audit_url: format!("/school/{}/admin/audit", school.id),
        school_name: school.name,
        years,
        codes_active: count(CodeState::Active),
        codes_redeemed: count(CodeState::Redeemed),
        form,
        errors,
    })
}

/// `POST /school/{school_id}/admin/classes`: a new class, then its page.
async fn create_class(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(form): PageForm<ClassForm>,
) -> Response {
    let at = AdminTexts::of(visitor.lang);
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let mut errors = FieldErrors::default();
    let grade_level = errors.number("grade_level", &form.grade_level);
    let academic_year = errors.number("academic_year", &form.academic_year);
    let outcome = if errors.any() {
        None
    } else {
        let body = NewClassBody {
            grade_level,
            letter: form.letter.trim().to_owned(),
            academic_year,
            class_teacher_id: None,
        };
        Some(add_class(&visitor.caller, &school_id, body).await)
    };
    let (status, errors) = match outcome {
        None => (StatusCode::BAD_REQUEST, errors),
        Some(Ok(class)) => {
            let url = format!("/school/{}/admin/classes/{}", class.school_id, class.id);
            return Redirect::to(&url).into_response();
        }
        Some(Err(error)) => match refusal(error, at.already_exists) {
            Ok(refused) => refused,
            Err(error) => {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            }
        },
    };
    match overview_page(&visitor, &school_id, form, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
