//! Where each person starts: a family member goes straight to a diary;
//! staff see the areas of their work.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::family::texts::FamilyTexts;
use super::page::{PageError, Shell, Visitor, render};
use crate::people::load_me;
use crate::views::PersonKind;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    ft: &'static FamilyTexts,
    /// A guardian with no child linked yet.
    no_children: bool,
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
    let page = HomePage {
        shell: visitor.shell(me.name.short()),
        ft: FamilyTexts::of(visitor.lang),
        no_children: me.kind == Some(PersonKind::Guardian),
    };
    render(StatusCode::OK, &page)
}
