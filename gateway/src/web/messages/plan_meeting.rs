//! Planning a parent meeting: a class teacher for their own classes, the
//! school's management for any. What is offered is what the planner may
//! invite; the service decides again when it is sent, and invites the
//! families in the background.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::announce::manages;
use super::meeting_edit::{WhenFields, timing};
use super::meeting_texts::MeetingTexts;
use crate::extract::{ApiQuery, PageForm};
use crate::meetings::{NewMeetingBody, plan_meeting};
use crate::people::{load_me, school_names};
use crate::roster::load_classes;
use crate::web::page::{PageError, Shell, Visitor, render, shown};

/// Form fields of the class checkboxes: `class:{id}`.
const CLASS: &str = "class:";

struct ClassChoice {
    field: String,
    name: String,
    checked: bool,
}

struct SchoolLink {
    url: String,
    name: String,
}

struct PlanForm {
    school_id: String,
    classes: Vec<ClassChoice>,
    title: String,
    agenda: String,
    when: WhenFields,
    request_id: String,
    error: String,
}

#[derive(Template)]
#[template(path = "messages/plan_meeting.html")]
struct PlanPage {
    shell: Shell,
    at: &'static MeetingTexts,
    schools: Vec<SchoolLink>,
    form: Option<PlanForm>,
    /// A teacher without a class of their own has nobody to invite.
    nobody: bool,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    school_id: Option<String>,
}

/// `GET /meetings/new[?school_id=]`.
pub async fn form(visitor: Visitor, ApiQuery(query): ApiQuery<PlanQuery>) -> Response {
    visitor
        .page(plan_page(
            &visitor,
            query.school_id,
            &HashMap::new(),
            String::new(),
        ))
        .await
}

async fn plan_page(
    visitor: &Visitor,
    school_id: Option<String>,
    sent: &HashMap<String, String>,
    error: String,
) -> Result<PlanPage> {
    let caller = &visitor.caller;
    let me = load_me(caller).await?;
    let at = MeetingTexts::of(visitor.lang);
    let mut page = PlanPage {
        shell: visitor.shell(me.name.short()),
        at,
        schools: Vec::new(),
        form: None,
        nobody: false,
    };
    let schools: BTreeSet<(&str, &str)> = me
        .roles
        .iter()
        .map(|role| (role.school_id.as_str(), role.school_name.as_str()))
        .collect();
    let school_id = match school_id {
        Some(school_id) => school_id,
        None if schools.len() == 1 => schools
            .first()
            .map(|(id, _)| (*id).to_owned())
            .unwrap_or_default(),
        None if schools.is_empty() => return Err(Error::not_found("school")),
        None => {
            page.schools = schools
                .into_iter()
                .map(|(id, name)| SchoolLink {
                    url: format!("/meetings/new?school_id={id}"),
                    name: name.to_owned(),
                })
                .collect();
            return Ok(page);
        }
    };
    let manages = manages(&me, &school_id);
    let classes: Vec<_> = load_classes(caller, &school_id)
        .await?
        .into_iter()
        .filter(|class| manages || class.class_teacher_id == me.name.person_id)
        .collect();
    if classes.is_empty() {
        page.nobody = true;
        return Ok(page);
    }
    let only_class = classes.len() == 1;
    let kept = |name: &str| sent.get(name).cloned().unwrap_or_default();
    let classes = classes
        .into_iter()
        .map(|class| {
            let field = format!("{CLASS}{}", class.id);
            ClassChoice {
                checked: sent.contains_key(&field) || (sent.is_empty() && only_class),
                name: class.name,
                field,
            }
        })
        .collect();
    let request_id = match kept("request_id") {
        // One key per form shown: sending it twice plans one meeting.
        id if id.is_empty() => uuid::Uuid::now_v7().to_string(),
        id => id,
    };
    page.form = Some(PlanForm {
        school_id,
        classes,
        title: kept("title"),
        agenda: kept("agenda"),
        when: WhenFields::kept(at, sent),
        request_id,
        error,
    });
    Ok(page)
}

/// The meeting the form describes.
async fn body_of(visitor: &Visitor, form: &HashMap<String, String>) -> Result<NewMeetingBody> {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let school_id = field("school_id");
    let zone = school_names(&visitor.caller, &school_id).await?.timezone;
    let timing = timing(form, zone)?;
    let mut class_ids: Vec<String> = form
        .keys()
        .filter_map(|key| key.strip_prefix(CLASS))
        .map(str::to_owned)
        .collect();
    class_ids.sort();
    Ok(NewMeetingBody {
        school_id,
        class_ids,
        student_ids: Vec::new(),
        title: field("title"),
        agenda: field("agenda"),
        start_at: timing.start_at,
        duration_minutes: timing.duration_minutes,
        location: timing.location,
        online_url: timing.online_url,
        reply_deadline: timing.reply_deadline,
        request_id: field("request_id"),
    })
}

/// `POST /meetings/new`: planned, off to the meeting; refused, back to the
/// form with what was written and chosen.
pub async fn send(visitor: Visitor, PageForm(form): PageForm<HashMap<String, String>>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let planned = match body_of(&visitor, &form).await {
        Ok(body) => plan_meeting(&visitor.caller, body).await,
        Err(error) => Err(error),
    };
    let error = match planned {
        Ok(meeting) => {
            let to = format!("/meetings/{}?school_id={}", meeting.id, meeting.school_id);
            return Redirect::to(&to).into_response();
        }
        Err(error) => error,
    };
    let Some((status, message)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let school_id = form.get("school_id").cloned();
    match plan_page(&visitor, school_id, &form, message).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
