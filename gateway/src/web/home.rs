//! Where each person starts: a family member goes straight to a diary;
//! staff see the areas their roles open, school by school.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::admin::texts::StaffTexts;
use super::family::texts::FamilyTexts;
use super::page::{PageError, Shell, Visitor, render};
use crate::people::{MeView, load_me};
use crate::views::{PersonKind, StaffRole};

struct AreaLink {
    url: String,
    title: &'static str,
}

/// One school's areas for the person.
struct SchoolAreas {
    name: String,
    /// "учитель, администратор"
    roles: String,
    links: Vec<AreaLink>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    ft: &'static FamilyTexts,
    st: &'static StaffTexts,
    /// A guardian with no child linked yet.
    no_children: bool,
    staff: bool,
    schools: Vec<SchoolAreas>,
    /// Empty unless the person is a city operator.
    city_url: String,
}

/// `GET /`: a family member goes to a diary; others see their start page.
pub async fn home(visitor: Visitor) -> Response {
    let me = match load_me(&visitor.caller).await {
        Ok(me) => me,
        Err(error) => return PageError::new(error, visitor.lang, "/").into_response(),
    };
    let diary = match me.kind {
        Some(PersonKind::Student) => Some(me.name.person_id.clone()),
        Some(PersonKind::Guardian) => me.children.first().map(|c| c.person_id.clone()),
        _ => None,
    };
    if let Some(student_id) = diary {
        return Redirect::to(&format!("/diary/{student_id}")).into_response();
    }
    let st = StaffTexts::of(visitor.lang);
    let page = HomePage {
        shell: visitor.shell(me.name.short()),
        ft: FamilyTexts::of(visitor.lang),
        st,
        no_children: me.kind == Some(PersonKind::Guardian),
        staff: me.kind == Some(PersonKind::Staff),
        schools: school_areas(st, &me),
        city_url: if me.city_operator {
            "/city".to_owned()
        } else {
            String::new()
        },
    };
    render(StatusCode::OK, &page)
}

/// The person's schools in the order identity lists them (by name), each
/// with its roles and the areas they open; an area is linked once per
/// school however many roles open it.
fn school_areas(st: &'static StaffTexts, me: &MeView) -> Vec<SchoolAreas> {
    let mut schools: Vec<SchoolAreas> = Vec::new();
    let mut last_school = String::new();
    for grant in &me.roles {
        if grant.school_id != last_school || schools.is_empty() {
            last_school = grant.school_id.clone();
            schools.push(SchoolAreas {
                name: grant.school_name.clone(),
                roles: String::new(),
                links: Vec::new(),
            });
        }
        let Some(school) = schools.last_mut() else {
            continue;
        };
        let (role, url, title) = match grant.role {
            StaffRole::Teacher => (st.role_teacher, "/teaching".to_owned(), st.teaching),
            StaffRole::DeputyHead => (
                st.role_deputy_head,
                format!("/school/{}/leadership", grant.school_id),
                st.leadership,
            ),
            StaffRole::Director => (
                st.role_director,
                format!("/school/{}/leadership", grant.school_id),
                st.leadership,
            ),
            StaffRole::SchoolAdmin => (
                st.role_school_admin,
                format!("/school/{}/admin", grant.school_id),
                st.administration,
            ),
        };
        if !school.roles.is_empty() {
            school.roles.push_str(", ");
        }
        school.roles.push_str(role);
        if !school.links.iter().any(|link| link.url == url) {
            school.links.push(AreaLink { url, title });
        }
    }
    schools
}
