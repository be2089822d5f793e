//! The diary vendors in the administration: those the city registered,
//! whether the school grants each access, a grant given, and one withdrawn
//! once the administrator confirms it.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::Result;
use serde::Deserialize;

use super::texts::{PeopleTexts, VendorTexts};
use super::{PageError, Shell, Visitor, render};
use crate::extract::PageForm;
use crate::people::load_me;
use crate::schools::load_school;
use crate::vendor_grants::{grant, load_vendor_grants, withdraw};

struct VendorRow {
    client_id: String,
    name: String,
    scopes: String,
    granted: bool,
    grant_url: String,
    withdraw_url: String,
}

#[derive(Template)]
#[template(path = "admin/vendors.html")]
struct VendorsPage {
    shell: Shell,
    pt: &'static PeopleTexts,
    vt: &'static VendorTexts,
    school_name: String,
    admin_url: String,
    vendors: Vec<VendorRow>,
    /// The vendor whose withdrawal was sent unconfirmed; empty otherwise.
    unconfirmed: String,
}

async fn vendors_page(
    visitor: &Visitor,
    school_id: &str,
    unconfirmed: String,
) -> Result<VendorsPage> {
    let caller = &visitor.caller;
    // The grants first: only the school's administrators read them.
    let vendors = load_vendor_grants(caller, school_id).await?;
    let (me, school) = tokio::try_join!(load_me(caller), load_school(caller, school_id))?;
    let base = format!("/school/{}/admin/vendors", school.id);
    Ok(VendorsPage {
        shell: visitor.shell(me.name.short()),
        pt: PeopleTexts::of(visitor.lang),
        vt: VendorTexts::of(visitor.lang),
        admin_url: format!("/school/{}/admin", school.id),
        school_name: school.name,
        vendors: vendors
            .into_iter()
            .map(|vendor| VendorRow {
                grant_url: format!("{base}/{}/grant", vendor.client_id),
                withdraw_url: format!("{base}/{}/withdraw", vendor.client_id),
                granted: vendor.granted_at.is_some(),
                scopes: vendor.allowed_scopes.join(", "),
                name: vendor.name,
                client_id: vendor.client_id,
            })
            .collect(),
        unconfirmed,
    })
}

/// `GET /school/{school_id}/admin/vendors`.
pub async fn vendors(visitor: Visitor, Path(school_id): Path<String>) -> Response {
    visitor
        .page(vendors_page(&visitor, &school_id, String::new()))
        .await
}

/// `POST /school/{school_id}/admin/vendors/{client_id}/grant`.
pub async fn grant_access(
    visitor: Visitor,
    Path((school_id, client_id)): Path<(String, String)>,
) -> Response {
    let outcome = grant(&visitor.caller, &school_id, &client_id)
        .await
        .map(|_| ());
    back_to_vendors(&visitor, &school_id, outcome)
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    confirm: Option<String>,
}

/// `POST /school/{school_id}/admin/vendors/{client_id}/withdraw`: the
/// vendor's tokens stop working for the school at once, so the box saying
/// so must be ticked.
pub async fn withdraw_access(
    visitor: Visitor,
    Path((school_id, client_id)): Path<(String, String)>,
    PageForm(form): PageForm<WithdrawForm>,
) -> Response {
    if !form.is_ok_and(|form| form.confirm.is_some()) {
        return match vendors_page(&visitor, &school_id, client_id).await {
            Ok(page) => render(StatusCode::BAD_REQUEST, &page),
            Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
        };
    }
    let outcome = withdraw(&visitor.caller, &school_id, &client_id).await;
    back_to_vendors(&visitor, &school_id, outcome)
}

fn back_to_vendors(visitor: &Visitor, school_id: &str, outcome: Result<()>) -> Response {
    match outcome {
        Ok(()) => Redirect::to(&format!("/school/{school_id}/admin/vendors")).into_response(),
        Err(error) => PageError::new(error, visitor.lang, &visitor.here).into_response(),
    }
}
