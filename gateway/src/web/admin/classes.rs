//! One class in the administration: its students with the state of their
//! access codes, enrolling a new student, revoking a code, and the sheet of
//! new codes to print and hand out.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::form::{FieldErrors, refusal};
use super::texts::AdminTexts;
use super::{PageError, Shell, Visitor, render};
use crate::access_codes::{AccessCodeView, CodeState, issue_for_class, load_all_codes, revoke};
use crate::caller::path_id;
use crate::extract::PageForm;
use crate::people::load_me;
use crate::roster::{ClassStudentsView, NewStudentBody, add_student, load_class_students};

/// Where a guardian signs up with a code, after the gateway's address.
const SIGN_UP_PATH: &str = "/sign-up";

struct StudentRow {
    name: String,
    /// The student's page, with their guardians.
    url: String,
    code_state: &'static str,
    /// The revoke form's action for an unused code; empty when none.
    revoke_url: String,
}

#[derive(Deserialize, Default)]
pub struct StudentForm {
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    middle_name: String,
    #[serde(default)]
    start_date: String,
}

#[derive(Template)]
#[template(path = "admin/class.html")]
struct ClassPage {
    shell: Shell,
    at: &'static AdminTexts,
    class_name: String,
    school_url: String,
    enrol_url: String,
    codes_url: String,
    groups_url: String,
    students: Vec<StudentRow>,
    form: StudentForm,
    errors: FieldErrors,
}

/// What a student's access codes come to: the words to show, and the code
/// that is out unused, which may be revoked.
pub(super) fn code_state<'a>(
    codes: &'a [AccessCodeView],
    student_id: &str,
    at: &'static AdminTexts,
) -> (&'static str, Option<&'a AccessCodeView>) {
    let mut mine = codes.iter().filter(|code| code.student_id == student_id);
    if mine.clone().any(|code| code.state == CodeState::Redeemed) {
        return (at.state_redeemed, None);
    }
    match mine.find(|code| code.state == CodeState::Active) {
        Some(code) => (at.state_active, Some(code)),
        None => (at.state_none, None),
    }
}

/// The class, when it is of the school the address names.
pub(super) async fn class_of_school(
    visitor: &Visitor,
    school_id: &str,
    class_id: &str,
) -> Result<ClassStudentsView> {
    let roll = load_class_students(&visitor.caller, class_id, None).await?;
    if roll.class.school_id != path_id("school", school_id)? {
        return Err(Error::not_found("class"));
    }
    Ok(roll)
}

async fn class_page_of(
    visitor: &Visitor,
    school_id: &str,
    class_id: &str,
    form: StudentForm,
    errors: FieldErrors,
) -> Result<ClassPage> {
    let caller = &visitor.caller;
    let roll = class_of_school(visitor, school_id, class_id).await?;
    // Only the school's managers read its codes: everyone else stops here.
    let codes = load_all_codes(caller, school_id).await?;
    let me = load_me(caller).await?;
    let at = AdminTexts::of(visitor.lang);
    let base = format!(
        "/school/{}/admin/classes/{}",
        roll.class.school_id, roll.class.id
    );
    let students = roll
        .students
        .into_iter()
        .map(|student| {
            let (code_state, active) = code_state(&codes, &student.person_id, at);
            StudentRow {
                revoke_url: active
                    .map(|code| format!("{base}/codes/{}/revoke", code.id))
                    .unwrap_or_default(),
                url: format!("{base}/students/{}", student.person_id),
                name: student.full(),
                code_state,
            }
        })
        .collect();
    Ok(ClassPage {
        shell: visitor.shell(me.name.short()),
        at,
        class_name: roll.class.name,
        school_url: format!("/school/{}/admin", roll.class.school_id),
        enrol_url: format!("{base}/students"),
        codes_url: format!("{base}/codes"),
        groups_url: format!("{base}/groups"),
        students,
        form,
        errors,
    })
}

/// `GET /school/{school_id}/admin/classes/{class_id}`.
pub async fn class_page(
    visitor: Visitor,
    Path((school_id, class_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(class_page_of(
            &visitor,
            &school_id,
            &class_id,
            StudentForm::default(),
            FieldErrors::default(),
        ))
        .await
}

/// `POST …/classes/{class_id}/students`: a new student, enrolled; back to
/// the class.
pub async fn enrol(
    visitor: Visitor,
    Path((school_id, class_id)): Path<(String, String)>,
    PageForm(form): PageForm<StudentForm>,
) -> Response {
    let at = AdminTexts::of(visitor.lang);
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = NewStudentBody {
        family_name: form.family_name.trim().to_owned(),
        given_name: form.given_name.trim().to_owned(),
        middle_name: form.middle_name.trim().to_owned(),
        start_date: form.start_date.trim().to_owned(),
    };
    let outcome = match class_of_school(&visitor, &school_id, &class_id).await {
        Ok(_) => add_student(&visitor.caller, &class_id, body).await,
        Err(error) => Err(error),
    };
    let (status, errors) = match outcome {
        Ok(_) => {
            let url = format!("/school/{school_id}/admin/classes/{class_id}");
            return Redirect::to(&url).into_response();
        }
        Err(error) => match refusal(error, at.cannot_change) {
            Ok(refused) => refused,
            Err(error) => {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            }
        },
    };
    match class_page_of(&visitor, &school_id, &class_id, form, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

struct CodeCard {
    student: String,
    code: String,
    valid_until: String,
}

#[derive(Template)]
#[template(path = "admin/codes.html")]
struct CodesPage {
    shell: Shell,
    at: &'static AdminTexts,
    class_name: String,
    class_url: String,
    address: String,
    cards: Vec<CodeCard>,
}

/// `POST …/classes/{class_id}/codes`: a new code for every student, on a
/// sheet to print. The sheet is the answer itself, not a redirect: a code
/// is shown once and kept nowhere, so no later page could show it.
pub async fn print_codes(
    visitor: Visitor,
    Path((school_id, class_id)): Path<(String, String)>,
) -> Response {
    let work = async {
        class_of_school(&visitor, &school_id, &class_id).await?;
        let issued = issue_for_class(&visitor.caller, &class_id).await?;
        let me = load_me(&visitor.caller).await?;
        let lang = visitor.lang;
        let cards = issued
            .codes
            .into_iter()
            .map(|code| CodeCard {
                student: code.student.full(),
                code: code.code,
                valid_until: code
                    .expires_at
                    .map(|at| lang.date(at.date_naive()))
                    .unwrap_or_default(),
            })
            .collect();
        Ok(CodesPage {
            shell: visitor.shell(me.name.short()),
            at: AdminTexts::of(lang),
            class_url: format!("/school/{school_id}/admin/classes/{class_id}"),
            class_name: issued.class.name,
            address: format!(
                "{}{SIGN_UP_PATH}",
                visitor
                    .caller
                    .state
                    .settings
                    .public_url
                    .trim_end_matches('/')
            ),
            cards,
        })
    };
    match work.await {
        Ok(page) => {
            let mut response = render(StatusCode::OK, &page);
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            response
        }
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// `POST …/codes/{code_id}/revoke`: the code stops working; back to the
/// class.
pub async fn revoke_code(
    visitor: Visitor,
    Path((school_id, class_id, code_id)): Path<(String, String, String)>,
) -> Response {
    match revoke(&visitor.caller, &code_id).await {
        Ok(()) => {
            let url = format!("/school/{school_id}/admin/classes/{class_id}");
            Redirect::to(&url).into_response()
        }
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
