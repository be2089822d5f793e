//! A class's groups in the administration: each with its students, and a
//! new group chosen from the class's list with checkboxes.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;

use super::classes::class_of_school;
use super::form::{FieldErrors, refusal};
use super::roster_texts::GroupTexts;
use super::texts::AdminTexts;
use super::{PageError, Shell, Visitor, render};
use crate::access_codes::load_all_codes;
use crate::extract::PageForm;
use crate::groups::{NewGroupBody, add_group};
use crate::people::load_me;
use crate::roster::load_groups;

/// The form's field of a student's checkbox: `student:{id}`.
const STUDENT: &str = "student:";

struct GroupRow {
    name: String,
    students: String,
}

struct StudentChoice {
    id: String,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "admin/groups.html")]
struct GroupsPage {
    shell: Shell,
    at: &'static AdminTexts,
    gt: &'static GroupTexts,
    class_name: String,
    class_url: String,
    action: String,
    groups: Vec<GroupRow>,
    students: Vec<StudentChoice>,
    name: String,
    errors: FieldErrors,
}

/// `GET /school/{school_id}/admin/classes/{class_id}/groups`.
pub async fn groups(
    visitor: Visitor,
    Path((school_id, class_id)): Path<(String, String)>,
) -> Response {
    visitor
        .page(groups_page(
            &visitor,
            &school_id,
            &class_id,
            HashMap::new(),
            FieldErrors::default(),
        ))
        .await
}

/// `POST …/groups`: a new group; back to the class's groups.
pub async fn create(
    visitor: Visitor,
    Path((school_id, class_id)): Path<(String, String)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let created = async {
        class_of_school(&visitor, &school_id, &class_id).await?;
        let body = NewGroupBody {
            name: form.get("name").cloned().unwrap_or_default(),
            student_ids: chosen(&form),
        };
        add_group(&visitor.caller, &class_id, body).await
    }
    .await;
    let error = match created {
        Ok(_) => {
            let back = format!("/school/{school_id}/admin/classes/{class_id}/groups");
            return Redirect::to(&back).into_response();
        }
        Err(error) => error,
    };
    let conflict = GroupTexts::of(visitor.lang).name_taken;
    let (status, errors) = match refusal(error, conflict) {
        Ok(shown) => shown,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    match groups_page(&visitor, &school_id, &class_id, form, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// The students whose boxes were ticked.
fn chosen(form: &HashMap<String, String>) -> Vec<String> {
    let mut ids: Vec<String> = form
        .keys()
        .filter_map(|key| key.strip_prefix(STUDENT))
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids
}

async fn groups_page(
    visitor: &Visitor,
    school_id: &str,
    class_id: &str,
    sent: HashMap<String, String>,
    errors: FieldErrors,
) -> Result<GroupsPage> {
    let caller = &visitor.caller;
    let roll = class_of_school(visitor, school_id, class_id).await?;
    // Only the school's managers read its codes: everyone else stops here.
    load_all_codes(caller, school_id).await?;
    let (me, groups) = tokio::try_join!(load_me(caller), load_groups(caller, class_id))?;
    let names: HashMap<&str, String> = roll
        .students
        .iter()
        .map(|student| (student.person_id.as_str(), student.short()))
        .collect();
    let ticked = chosen(&sent);
    let lang = visitor.lang;
    Ok(GroupsPage {
        shell: visitor.shell(me.name.short()),
        at: AdminTexts::of(lang),
        gt: GroupTexts::of(lang),
        class_url: format!("/school/{school_id}/admin/classes/{class_id}"),
        action: format!("/school/{school_id}/admin/classes/{class_id}/groups"),
        groups: groups
            .into_iter()
            .map(|group| GroupRow {
                students: group
                    .student_ids
                    .iter()
                    .filter_map(|id| names.get(id.as_str()).cloned())
                    .collect::<Vec<_>>()
                    .join(", "),
                name: group.name,
            })
            .collect(),
        students: roll
            .students
            .iter()
            .map(|student| StudentChoice {
                checked: ticked.contains(&student.person_id),
                id: student.person_id.clone(),
                name: student.full(),
            })
            .collect(),
        class_name: roll.class.name,
        name: sent.get("name").cloned().unwrap_or_default(),
        errors,
    })
}
