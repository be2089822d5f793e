//! The school's teaching load in the administration: who teaches which
//! subject to which class (or a group of it), a new assignment, and one
//! ended.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::future::try_join_all;
use otmetka_platform::Result;
use serde::Deserialize;

use super::form::{FieldErrors, refusal};
use super::texts::{AdminTexts, AssignmentTexts, PeopleTexts};
use super::{PageError, Shell, Visitor, render};
use crate::extract::PageForm;
use crate::people::{load_me, school_names};
use crate::roster::{load_classes, load_groups};
use crate::schools::load_school;
use crate::staff::load_staff;
use crate::teaching_assignments::{
    NewTeachingAssignmentBody, add_assignment, load_assignments, remove_assignment,
};
use crate::views::StaffRole;

/// A value of a select: an id and what people read.
struct Choice {
    id: String,
    name: String,
}

/// A group of a class, which the form names with its class.
struct GroupChoice {
    id: String,
    class: String,
    name: String,
}

struct AssignedTeacher {
    name: String,
    /// Empty when the whole class is taught.
    group: String,
    remove_url: String,
}

struct LoadRow {
    class: String,
    /// One cell per subject, in the order of the page's subjects.
    cells: Vec<Vec<AssignedTeacher>>,
}

#[derive(Deserialize, Default)]
pub struct AssignmentForm {
    #[serde(default)]
    class_id: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    teacher_id: String,
}

#[derive(Template)]
#[template(path = "admin/assignments.html")]
struct AssignmentsPage {
    shell: Shell,
    at: &'static AdminTexts,
    pt: &'static PeopleTexts,
    wt: &'static AssignmentTexts,
    school_name: String,
    admin_url: String,
    add_url: String,
    subjects: Vec<Choice>,
    rows: Vec<LoadRow>,
    classes: Vec<Choice>,
    groups: Vec<GroupChoice>,
    teachers: Vec<Choice>,
    form: AssignmentForm,
    errors: FieldErrors,
}

async fn assignments_page(
    visitor: &Visitor,
    school_id: &str,
    form: AssignmentForm,
    errors: FieldErrors,
) -> Result<AssignmentsPage> {
    let caller = &visitor.caller;
    // The staff first: only the school's administrators read their roles,
    // which tell the teachers among them.
    let staff = load_staff(caller, school_id).await?;
    // Boxed: the five calls' states would make the page's future large.
    let (me, school, names, classes, assignments) = tokio::try_join!(
        Box::pin(load_me(caller)),
        Box::pin(load_school(caller, school_id)),
        Box::pin(school_names(caller, school_id)),
        Box::pin(load_classes(caller, school_id)),
        Box::pin(load_assignments(caller, school_id, "", ""))
    )?;
    let groups = try_join_all(classes.iter().map(|class| async move {
        let groups = load_groups(caller, &class.id).await?;
        Ok::<_, otmetka_platform::Error>(groups.into_iter().map(|group| GroupChoice {
            id: group.id,
            class: class.name.clone(),
            name: group.name,
        }))
    }))
    .await?
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let subjects: Vec<Choice> = names
        .subjects_by_name()
        .into_iter()
        .map(|(id, name)| Choice { id, name })
        .collect();
    let every_year = classes.first().is_some_and(|first| {
        classes
            .iter()
            .any(|c| c.academic_year != first.academic_year)
    });
    let classes: Vec<Choice> = classes
        .into_iter()
        .map(|class| Choice {
            // The year only tells classes apart once there are two.
            name: if every_year {
                format!(
                    "{} ({}/{})",
                    class.name,
                    class.academic_year,
                    class.academic_year + 1
                )
            } else {
                class.name
            },
            id: class.id,
        })
        .collect();
    let base = format!("/school/{}/admin/assignments", school.id);
    let rows = classes
        .iter()
        .map(|class| LoadRow {
            class: class.name.clone(),
            cells: subjects
                .iter()
                .map(|subject| {
                    assignments
                        .iter()
                        .filter(|a| a.class_id == class.id && a.subject_id == subject.id)
                        .map(|a| AssignedTeacher {
                            name: staff
                                .iter()
                                .find(|member| member.name.person_id == a.teacher_id)
                                .map(|member| member.name.short())
                                .unwrap_or_default(),
                            group: groups
                                .iter()
                                .find(|group| group.id == a.group_id)
                                .map(|group| group.name.clone())
                                .unwrap_or_default(),
                            remove_url: format!("{base}/{}/remove", a.id),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let teachers = staff
        .into_iter()
        .filter(|member| !member.disabled && member.roles.contains(&StaffRole::Teacher))
        .map(|member| Choice {
            name: member.name.full(),
            id: member.name.person_id,
        })
        .collect();
    Ok(AssignmentsPage {
        shell: visitor.shell(me.name.short()),
        at: AdminTexts::of(visitor.lang),
        pt: PeopleTexts::of(visitor.lang),
        wt: AssignmentTexts::of(visitor.lang),
        admin_url: format!("/school/{}/admin", school.id),
        add_url: base,
        school_name: school.name,
        subjects,
        rows,
        classes,
        groups,
        teachers,
        form,
        errors,
    })
}

/// `GET /school/{school_id}/admin/assignments`.
pub async fn assignments(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(assignments_page(
            &visitor,
            &school_id,
            AssignmentForm::default(),
            FieldErrors::default(),
        ))
        .await
}

/// `POST /school/{school_id}/admin/assignments`: a teacher starts teaching
/// a subject to a class or a group of it; back to the load.
pub async fn add(
    visitor: Visitor,
    Path(school_id): Path<String>,
    PageForm(form): PageForm<AssignmentForm>,
) -> Response {
    let wt = AssignmentTexts::of(visitor.lang);
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let body = NewTeachingAssignmentBody {
        teacher_id: form.teacher_id.clone(),
        class_id: form.class_id.clone(),
        subject_id: form.subject_id.clone(),
        group_id: Some(form.group_id.clone()).filter(|id| !id.is_empty()),
    };
    let (status, errors) = match add_assignment(&visitor.caller, &school_id, body).await {
        Ok(_) => return back_to_load(&school_id),
        Err(error) => match refusal(error, wt.already_assigned) {
            Ok(refused) => refused,
            Err(error) => {
                return PageError::new(error, visitor.lang, &visitor.here).into_response();
            }
        },
    };
    match assignments_page(&visitor, &school_id, form, errors).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

/// `POST /school/{school_id}/admin/assignments/{assignment_id}/remove`:
/// the teacher no longer teaches it; their marks stay.
pub async fn remove(
    visitor: Visitor,
    Path((school_id, assignment_id)): Path<(String, String)>,
) -> Response {
    match remove_assignment(&visitor.caller, &school_id, &assignment_id).await {
        Ok(()) => back_to_load(&school_id),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}

fn back_to_load(school_id: &str) -> Response {
    Redirect::to(&format!("/school/{school_id}/admin/assignments")).into_response()
}
