//! Writing an announcement: the school's management to the whole school,
//! grade levels or classes (staff too, for the whole school); a class
//! teacher to their own classes. What is offered is what identity lets the
//! writer reach; the service decides again when it is sent.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use otmetka_platform::{Error, Result};
use serde::Deserialize;

use super::announcement_texts::AnnouncementTexts;
use crate::announcements::{
    AnnouncementKind, AudienceRole, AudienceView, NewAnnouncementBody, publish_announcement,
};
use crate::extract::{ApiQuery, PageForm};
use crate::people::{MeView, load_me, school_names};
use crate::roster::load_classes;
use crate::views::StaffRole;
use crate::web::page::{PageError, Shell, Visitor, render, shown};

/// Form fields of the checkboxes: `grade:5`, `class:{id}`, `role:guardians`.
const GRADE: &str = "grade:";
const CLASS: &str = "class:";
const ROLE: &str = "role:";

struct Choice {
    field: String,
    name: String,
    checked: bool,
}

struct SchoolLink {
    url: String,
    name: String,
}

struct AnnounceForm {
    school_id: String,
    /// Management chooses the whole school or grade levels too.
    manages: bool,
    target: String,
    grades: Vec<Choice>,
    classes: Vec<Choice>,
    roles: Vec<Choice>,
    kind: String,
    title: String,
    body: String,
    pinned: bool,
    when: String,
    publish_at: String,
    expire_on: String,
    request_id: String,
    error: String,
}

#[derive(Template)]
#[template(path = "messages/announce.html")]
struct AnnouncePage {
    shell: Shell,
    at: &'static AnnouncementTexts,
    schools: Vec<SchoolLink>,
    form: Option<AnnounceForm>,
    /// A class teacher without a class has nobody to write to.
    nobody: bool,
}

#[derive(Deserialize, Default)]
pub struct AnnounceQuery {
    school_id: Option<String>,
}

/// `GET /announcements/new[?school_id=]`.
pub async fn form(visitor: Visitor, ApiQuery(query): ApiQuery<AnnounceQuery>) -> Response {
    visitor
        .page(announce_page(
            &visitor,
            query.school_id,
            &HashMap::new(),
            String::new(),
        ))
        .await
}

/// Whether `me` is of the school's management, who may write to (and
/// plan meetings for) any of its classes; others only to their own.
pub(super) fn manages(me: &MeView, school_id: &str) -> bool {
    me.roles.iter().any(|role| {
        role.school_id == school_id
            && matches!(
                role.role,
                StaffRole::DeputyHead | StaffRole::Director | StaffRole::SchoolAdmin
            )
    })
}

async fn announce_page(
    visitor: &Visitor,
    school_id: Option<String>,
    sent: &HashMap<String, String>,
    error: String,
) -> Result<AnnouncePage> {
    let caller = &visitor.caller;
    let me = load_me(caller).await?;
    let at = AnnouncementTexts::of(visitor.lang);
    let mut page = AnnouncePage {
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
                    url: format!("/announcements/new?school_id={id}"),
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
    if classes.is_empty() && !manages {
        page.nobody = true;
        return Ok(page);
    }
    let fresh = sent.is_empty();
    let kept = |name: &str| sent.get(name).cloned().unwrap_or_default();
    let ticked = |field: &str| sent.contains_key(field);
    let levels: BTreeSet<i32> = classes.iter().map(|class| class.grade_level).collect();
    let grades = levels
        .into_iter()
        .map(|level| {
            let field = format!("{GRADE}{level}");
            Choice {
                checked: ticked(&field),
                name: format!("{level} {}", at.grade),
                field,
            }
        })
        .collect();
    let only_class = classes.len() == 1 && !manages;
    let classes = classes
        .into_iter()
        .map(|class| {
            let field = format!("{CLASS}{}", class.id);
            Choice {
                checked: ticked(&field) || (fresh && only_class),
                name: class.name,
                field,
            }
        })
        .collect();
    let mut roles = vec![
        (AudienceRole::Guardians, at.guardians),
        (AudienceRole::Students, at.students),
    ];
    if manages {
        roles.push((AudienceRole::Staff, at.staff));
    }
    let roles = roles
        .into_iter()
        .map(|(role, name)| {
            let field = format!("{ROLE}{}", role_word(role));
            Choice {
                checked: ticked(&field) || (fresh && role != AudienceRole::Staff),
                name: name.to_owned(),
                field,
            }
        })
        .collect();
    let or = |value: String, default: &str| {
        if value.is_empty() {
            default.to_owned()
        } else {
            value
        }
    };
    page.form = Some(AnnounceForm {
        school_id,
        manages,
        target: or(kept("target"), if manages { "whole" } else { "classes" }),
        grades,
        classes,
        roles,
        kind: or(kept("kind"), "announcement"),
        title: kept("title"),
        body: kept("body"),
        pinned: ticked("pinned"),
        when: or(kept("when"), "now"),
        publish_at: kept("publish_at"),
        expire_on: kept("expire_on"),
        // One key per form shown: sending it twice makes one announcement.
        request_id: or(kept("request_id"), &uuid::Uuid::now_v7().to_string()),
        error,
    });
    Ok(page)
}

fn role_word(role: AudienceRole) -> &'static str {
    match role {
        AudienceRole::Guardians => "guardians",
        AudienceRole::Students => "students",
        AudienceRole::Staff => "staff",
    }
}

/// A time the form gave in the school's own time ("2026-12-08T09:00").
pub(super) fn local_time(field: &str, text: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|local| zone.from_local_datetime(&local).earliest())
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| Error::invalid(field, "is not a date and time"))
}

/// The end of a day the form gave, in the school's own time: shown through
/// that whole day.
fn end_of_day(field: &str, text: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.checked_add_days(Days::new(1)))
        .and_then(|next| {
            zone.from_local_datetime(&next.and_time(NaiveTime::MIN))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| Error::invalid(field, "is not a date"))
}

/// The announcement the form describes.
async fn body_of(visitor: &Visitor, form: &HashMap<String, String>) -> Result<NewAnnouncementBody> {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let ticked = |prefix: &str| -> Vec<String> {
        let mut values: Vec<String> = form
            .keys()
            .filter_map(|key| key.strip_prefix(prefix))
            .map(str::to_owned)
            .collect();
        values.sort();
        values
    };
    let school_id = field("school_id");
    let zone = school_names(&visitor.caller, &school_id).await?.timezone;
    let target = field("target");
    let audience = AudienceView {
        whole_school: target == "whole",
        grade_levels: if target == "grades" {
            ticked(GRADE)
                .iter()
                .filter_map(|level| level.parse().ok())
                .collect()
        } else {
            Vec::new()
        },
        class_ids: if target == "classes" || target.is_empty() {
            ticked(CLASS)
        } else {
            Vec::new()
        },
        group_ids: Vec::new(),
        roles: ticked(ROLE)
            .iter()
            .filter_map(|role| match role.as_str() {
                "guardians" => Some(AudienceRole::Guardians),
                "students" => Some(AudienceRole::Students),
                "staff" => Some(AudienceRole::Staff),
                _ => None,
            })
            .collect(),
    };
    if audience.roles.is_empty() {
        return Err(Error::invalid("audience.roles", "name at least one person"));
    }
    let when = field("when");
    let publish_at = match when.as_str() {
        "at" => Some(local_time("publish_at", &field("publish_at"), zone)?),
        _ => None,
    };
    let expire_at = match field("expire_on").as_str() {
        "" => None,
        day => Some(end_of_day("expire_at", day, zone)?),
    };
    Ok(NewAnnouncementBody {
        school_id,
        kind: if field("kind") == "news" {
            AnnouncementKind::News
        } else {
            AnnouncementKind::Announcement
        },
        audience,
        title: field("title"),
        body: field("body"),
        pinned: form.contains_key("pinned"),
        publish: when != "draft",
        publish_at,
        expire_at,
        request_id: field("request_id"),
    })
}

/// `POST /announcements/new`: sent, off to it; refused, back to the form
/// with what was written and chosen.
pub async fn send(visitor: Visitor, PageForm(form): PageForm<HashMap<String, String>>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(error) => return PageError::new(error, visitor.lang, &visitor.here).into_response(),
    };
    let sent = match body_of(&visitor, &form).await {
        Ok(body) => publish_announcement(&visitor.caller, body).await,
        Err(error) => Err(error),
    };
    let error = match sent {
        Ok(created) => {
            let to = format!(
                "/announcements/{}?school_id={}",
                created.id, created.school_id
            );
            return Redirect::to(&to).into_response();
        }
        Err(error) => error,
    };
    let Some((status, message)) = shown(&error, visitor.lang) else {
        return PageError::new(error, visitor.lang, &visitor.here).into_response();
    };
    let school_id = form.get("school_id").cloned();
    match announce_page(&visitor, school_id, &form, message).await {
        Ok(page) => render(status, &page),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
