//! A student in the administration: their class, their access code, and
//! their guardians: one unlinked, a guardian of the school linked, or a new
//! one registered and linked.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::Deserialize;

use super::classes::{class_of_school, code_state};
use super::form::{FieldErrors, refusal};
use super::texts::{AdminTexts, GuardianTexts, PeopleTexts};
use super::{PageError, Shell, Visitor, render};
use crate::access_codes::load_all_codes;
use crate::extract::PageForm;
use crate::guardians::{GuardianBody, add_guardian, load_guardians, remove_guardian};
use crate::people::{PersonName, load_me};
use crate::school_people::load_people;

struct LinkedGuardian {
    name: String,
    unlink_url: String,
}

/// A guardian of the school the student is not linked to yet.
struct OtherGuardian {
    id: String,
    name: String,
}

/// Either form's values as typed: the link form sends `guardian_id`, the
/// register form the names.
#[derive(Deserialize, Default)]
pub struct GuardianForm {
    #[serde(default)]
    guardian_id: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    middle_name: String,
}

#[derive(Template)]
#[template(path = "admin/student.html")]
struct StudentPage {
    shell: Shell,
    at: &'static AdminTexts,
    gt: &'static GuardianTexts,
    student_name: String,
    class_name: String,
    class_url: String,
    login_url: String,
    pt: &'static PeopleTexts,
    code_state: &'static str,
    guardians_url: String,
    guardians: Vec<LinkedGuardian>,
    others: Vec<OtherGuardian>,
    form: GuardianForm,
    errors: FieldErrors,
}

async fn student_page(
    visitor: &Visitor,
    (school_id, class_id, student_id): &(String, String, String),
    form: GuardianForm,
    errors: FieldErrors,
) -> Result<StudentPage> {
    let caller = &visitor.caller;
    let at = AdminTexts::of(visitor.lang);
    let roll = class_of_school(visitor, school_id, class_id).await?;
    let student = roll
        .students
        .into_iter()
        .find(|student| &student.person_id == student_id)
        .ok_or_else(|| Error::not_found("student"))?;
    // Only the school's managers read its codes: everyone else stops here.
    let codes = load_all_codes(caller, school_id).await?;
    let (me, linked, everyone) = tokio::try_join!(
        load_me(caller),
        load_guardians(caller, school_id, student_id),
        load_people(caller, school_id, identity::PersonKind::Guardian)
    )?;
    let class_url = format!("/school/{school_id}/admin/classes/{class_id}");
    let guardians_url = format!("{class_url}/students/{student_id}/guardians");
    let others = everyone
        .into_iter()
        .filter(|person| {
            !linked
                .guardians
                .iter()
                .any(|guardian| guardian.name.person_id == person.id)
        })
        .map(|person| {
            let name = PersonName::from(person);
            OtherGuardian {
                name: name.full(),
                id: name.person_id,
            }
        })
        .collect();
    Ok(StudentPage {
        shell: visitor.shell(me.name.short()),
        at,
        gt: GuardianTexts::of(visitor.lang),
        student_name: student.full(),
        class_name: roll.class.name,
        login_url: format!(
            "/school/{school_id}/admin/people/{student_id}/login?class_id={class_id}"
        ),
        pt: PeopleTexts::of(visitor.lang),
        class_url,
        code_state: code_state(&codes, student_id, at).0,
        guardians: linked
            .guardians
            .into_iter()
            .map(|guardian| LinkedGuardian {
                unlink_url: format!("{guardians_url}/{}/unlink", guardian.name.person_id),
                name: guardian.name.full(),
            })
            .collect(),
        guardians_url,
        others,
        form,
        errors,
    })
}

/// `GET …/classes/{class_id}/students/{student_id}`.
pub async fn student(visitor: Visitor, Path(ids): Path<(String, String, String)>) -> Response {
    visitor
        .page(student_page(
            &visitor,
            &ids,
            GuardianForm::default(),
            FieldErrors::default(),
        ))
        .await
}

/// `POST …/students/{student_id}/guardians`: a guardian of the school
/// linked, or a new one registered and linked; back to the student.
pub async fn link(
    visitor: Visitor,
    Path(ids): Path<(String, String, String)>,
    PageForm(form): PageForm<GuardianForm>,
) -> Response {
    let gt = GuardianTexts::of(visitor.lang);
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let (school_id, class_id, student_id) = &ids;
    let body = GuardianBody {
        guardian_id: Some(form.guardian_id.clone()).filter(|id| !id.is_empty()),
        family_name: form.family_name.clone(),
        given_name: form.given_name.clone(),
        middle_name: form.middle_name.clone(),
    };
    // The student must be of the class the address names, as on the page.
    let outcome = match class_of_school(&visitor, school_id, class_id).await {
        Ok(_) => add_guardian(&visitor.caller, school_id, student_id, body).await,
        Err(error) => Err(error),
    };
    let (status, errors) = match outcome {
        Ok(_) => return back_to_student(&ids),
        Err(error) => match refusal(error, gt.already_linked) {
            Ok(refused) => refused,
            Err(error) => {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            }
        },
    };
    match student_page(&visitor, &ids, form, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// `POST …/students/{student_id}/guardians/{guardian_id}/unlink`: the
/// guardian no longer sees the student; back to the student.
pub async fn unlink(
    visitor: Visitor,
    Path((school_id, class_id, student_id, guardian_id)): Path<(String, String, String, String)>,
) -> Response {
    match remove_guardian(&visitor.caller, &school_id, &student_id, &guardian_id).await {
        Ok(()) => back_to_student(&(school_id, class_id, student_id)),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

fn back_to_student((school_id, class_id, student_id): &(String, String, String)) -> Response {
    let url = format!("/school/{school_id}/admin/classes/{class_id}/students/{student_id}");
    Redirect::to(&url).into_response()
}
