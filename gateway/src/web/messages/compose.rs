//! A new message. A family writes about a child (chosen first when there
//! are several) to the child's teachers, class teacher and the school's
//! management; staff write to colleagues, or choose a class and a student
//! to write to the student's family. The people offered are exactly those
//! identity would let the writer reach.

use std::collections::HashMap;

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::texts::MessageTexts;
use crate::correspondents::{CorrespondentView, CorrespondentsQuery, load_correspondents};
use crate::extract::{ApiQuery, PageForm};
use crate::people::{MeView, load_me, person, school_names};
use crate::roster::{load_class_students, load_classes};
use crate::threads::{NewThreadBody, start_thread};
use crate::views::{PersonKind, StaffRole};
use crate::web::page::{PageError, Shell, Visitor, render, shown};

/// The form's field of a recipient's checkbox: `to:{person_id}`.
const RECIPIENT: &str = "to:";

struct Link {
    url: String,
    name: String,
}

struct Recipient {
    field: String,
    name: String,
    note: String,
    checked: bool,
}

struct ComposeForm {
    school_id: String,
    student_id: String,
    about: String,
    recipients: Vec<Recipient>,
    subject: String,
    text: String,
    error: String,
}

#[derive(Template)]
#[template(path = "messages/compose.html")]
struct ComposePage {
    shell: Shell,
    mt: &'static MessageTexts,
    /// A step before the form: whose family, which class, which student, which school.
    choices_heading: String,
    choices: Vec<Link>,
    form: Option<ComposeForm>,
}

#[derive(Deserialize, Default)]
pub struct ComposeQuery {
    school_id: Option<String>,
    student_id: Option<String>,
    class_id: Option<String>,
}

/// `GET /messages/new[?school_id=][&student_id=|&class_id=]`.
pub async fn form(visitor: Visitor, ApiQuery(query): ApiQuery<ComposeQuery>) -> Response {
    visitor
        .page(compose_page(&visitor, query, HashMap::new(), String::new()))
        .await
}

fn link(path: &[(&str, &str)], name: String) -> Link {
    Link {
        url: format!(
            "/messages/new?{}",
            serde_urlencoded::to_string(path).unwrap_or_default()
        ),
        name,
    }
}

async fn compose_page(
    visitor: &Visitor,
    query: ComposeQuery,
    sent: HashMap<String, String>,
    error: String,
) -> Result<ComposePage> {
    let caller = &visitor.caller;
    let me = load_me(caller).await?;
    let mt = MessageTexts::of(visitor.lang);
    let mut page = ComposePage {
        shell: visitor.shell(me.name.short()),
        mt,
        choices_heading: String::new(),
        choices: Vec::new(),
        form: None,
    };
    let student_id = match (&query.student_id, me.kind) {
        (Some(student_id), _) => Some(student_id.clone()),
        (None, Some(PersonKind::Student)) => Some(me.name.person_id.clone()),
        (None, Some(PersonKind::Guardian)) if me.children.len() == 1 => {
            Some(me.children[0].person_id.clone())
        }
        (None, Some(PersonKind::Guardian)) => {
            page.choices_heading = mt.choose_child.to_owned();
            page.choices = me
                .children
                .iter()
                .map(|child| link(&[("student_id", &child.person_id)], child.short()))
                .collect();
            return Ok(page);
        }
        (None, _) => None,
    };
    if let Some(student_id) = student_id {
        let student = person(caller, &student_id).await?;
        let school_id = query.school_id.clone().unwrap_or(student.school_id.clone());
        let about = format!(
            "{}: {} {}",
            mt.about, student.family_name, student.given_name
        );
        page.form =
            Some(form_for(visitor, &school_id, Some(&student_id), about, &sent, error).await?);
        return Ok(page);
    }
    // Staff: a school first, then colleagues or a class's student.
    let Some(school_id) = query.school_id.clone().or_else(|| only_school(&me)) else {
        page.choices_heading = mt.choose_context.to_owned();
        let mut schools: Vec<(&str, &str)> = me
            .roles
            .iter()
            .map(|role| (role.school_id.as_str(), role.school_name.as_str()))
            .collect();
        schools.dedup();
        page.choices = schools
            .into_iter()
            .map(|(id, name)| link(&[("school_id", id)], name.to_owned()))
            .collect();
        return Ok(page);
    };
    if let Some(class_id) = &query.class_id {
        let roll = load_class_students(caller, class_id, None).await?;
        page.choices_heading = format!("{} {}", mt.choose_student, roll.class.name);
        page.choices = roll
            .students
            .iter()
            .map(|student| {
                link(
                    &[
                        ("school_id", &school_id),
                        ("student_id", &student.person_id),
                    ],
                    student.short(),
                )
            })
            .collect();
        return Ok(page);
    }
    let classes = load_classes(caller, &school_id).await?;
    page.choices_heading = mt.family_of_student.to_owned();
    page.choices = classes
        .into_iter()
        .map(|class| {
            link(
                &[("school_id", &school_id), ("class_id", &class.id)],
                class.name,
            )
        })
        .collect();
    page.form = Some(
        form_for(
            visitor,
            &school_id,
            None,
            mt.colleagues.to_owned(),
            &sent,
            error,
        )
        .await?,
    );
    Ok(page)
}

/// The one school of someone who works in one.
fn only_school(me: &MeView) -> Option<String> {
    let first = me.roles.first()?;
    me.roles
        .iter()
        .all(|role| role.school_id == first.school_id)
        .then(|| first.school_id.clone())
}

async fn form_for(
    visitor: &Visitor,
    school_id: &str,
    student_id: Option<&str>,
    about: String,
    sent: &HashMap<String, String>,
    error: String,
) -> Result<ComposeForm> {
    let caller = &visitor.caller;
    let query = CorrespondentsQuery {
        school_id: Some(school_id.to_owned()),
        student_id: student_id.map(str::to_owned),
    };
    let (people, names) = tokio::try_join!(
        load_correspondents(caller, &query),
        school_names(caller, school_id),
    )?;
    let mt = MessageTexts::of(visitor.lang);
    let recipients = people
        .correspondents
        .into_iter()
        .map(|person| {
            let field = format!("{RECIPIENT}{}", person.person_id);
            Recipient {
                checked: sent.contains_key(&field),
                note: note(mt, &person, |id| names.subject(id).to_owned()),
                name: person.display_name,
                field,
            }
        })
        .collect();
    let kept = |name: &str| sent.get(name).cloned().unwrap_or_default();
    Ok(ComposeForm {
        school_id: school_id.to_owned(),
        student_id: student_id.unwrap_or_default().to_owned(),
        about,
        recipients,
        subject: kept("subject"),
        text: kept("text"),
        error,
    })
}

/// Who a recipient is to the writer: "родитель", "классный руководитель",
/// "учитель: Математика, Информатика", "заместитель директора".
fn note(mt: &MessageTexts, person: &CorrespondentView, subject: impl Fn(&str) -> String) -> String {
    let mut parts = Vec::new();
    match person.kind {
        PersonKind::Student => parts.push(mt.student_kind.to_owned()),
        PersonKind::Guardian => parts.push(mt.guardian_kind.to_owned()),
        PersonKind::Staff => {}
    }
    if person.class_teacher {
        parts.push(mt.class_teacher.to_owned());
    }
    if !person.subject_ids.is_empty() {
        let subjects: Vec<String> = person.subject_ids.iter().map(|id| subject(id)).collect();
        parts.push(format!("{}: {}", mt.teacher, subjects.join(", ")));
    }
    for role in &person.roles {
        match role {
            StaffRole::DeputyHead => parts.push(mt.deputy_head.to_owned()),
            StaffRole::Director => parts.push(mt.director.to_owned()),
            StaffRole::SchoolAdmin => parts.push(mt.school_admin.to_owned()),
            StaffRole::Teacher if parts.is_empty() => parts.push(mt.teacher.to_owned()),
            StaffRole::Teacher => {}
        }
    }
    parts.join(", ")
}

/// `POST /messages/new`: the thread begins; off to it. A refused message
/// comes back with what was written and chosen.
pub async fn send(visitor: Visitor, PageForm(form): PageForm<HashMap<String, String>>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut participant_ids: Vec<String> = form
        .keys()
        .filter_map(|key| key.strip_prefix(RECIPIENT))
        .map(str::to_owned)
        .collect();
    participant_ids.sort();
    let body = NewThreadBody {
        school_id: field("school_id"),
        student_id: field("student_id"),
        subject: field("subject"),
        participant_ids,
        text: field("text"),
        request_id: field("request_id"),
    };
    let error = match start_thread(&visitor.caller, body).await {
        Ok(created) => {
            let to = format!(
                "/messages/{}?school_id={}",
                created.thread.id, created.thread.school_id
            );
            return Redirect::to(&to).into_response();
        }
        Err(error) => error,
    };
    let Some((status, message)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let student_id = field("student_id");
    let query = ComposeQuery {
        school_id: Some(field("school_id")).filter(|id| !id.is_empty()),
        student_id: Some(student_id).filter(|id| !id.is_empty()),
        class_id: None,
    };
    match compose_page(&visitor, query, form, message).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
