//! A school's grants to the diary vendors the city registered: which may
//! read and write the school's records, with the scopes the city allowed
//! each.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use serde::Serialize;
use utoipa::ToSchema;

use crate::caller::{Caller, path_id, required, timestamp};
use crate::extract::ApiPath;
use crate::roster::MAX_PAGES;

/// A vendor the school may grant, and whether it has.
#[derive(Serialize, ToSchema, Clone)]
pub struct VendorGrantView {
    pub client_id: String,
    pub name: String,
    /// What the vendor's system may do where it is granted, as the city
    /// registered it: `roster.read`, `marks.write`, `attendance.write`,
    /// `changes.read`.
    pub allowed_scopes: Vec<String>,
    /// Set while the school grants it access.
    pub granted_at: Option<DateTime<Utc>>,
    /// Who granted it; empty while not granted.
    pub granted_by: String,
}

#[derive(Serialize, ToSchema)]
pub struct VendorGrantsView {
    /// Every vendor that may still sign in, by name.
    pub vendors: Vec<VendorGrantView>,
}

/// `GET /api/v1/schools/{school_id}/vendor-grants`: the city's vendors and
/// which of them the school grants. The school's administrators, city
/// operators.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/vendor-grants", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The vendors and the school's grants", body = VendorGrantsView)))]
pub async fn list_vendor_grants(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let vendors = load_vendor_grants(&caller, &school_id).await?;
            Ok(Json(VendorGrantsView { vendors }))
        })
        .await
}

pub async fn load_vendor_grants(caller: &Caller, school_id: &str) -> Result<Vec<VendorGrantView>> {
    let school_id = path_id("school", school_id)?;
    let (vendors, grants) =
        tokio::try_join!(vendors(caller, &school_id), grants(caller, &school_id))?;
    let mut views: Vec<VendorGrantView> = vendors
        .into_iter()
        .map(|client| {
            let grant = grants.iter().find(|grant| grant.client_id == client.id);
            VendorGrantView {
                granted_at: grant.and_then(|grant| timestamp(grant.create_time)),
                granted_by: grant
                    .map(|grant| grant.granted_by.clone())
                    .unwrap_or_default(),
                client_id: client.id,
                name: client.name,
                allowed_scopes: client.allowed_scopes,
            }
        })
        .collect();
    views.sort_by(|a, b| (&a.name, &a.client_id).cmp(&(&b.name, &b.client_id)));
    Ok(views)
}

async fn vendors(caller: &Caller, school_id: &str) -> Result<Vec<identity::Client>> {
    let mut clients = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListClientsRequest {
            page_size: 500,
            page_token,
            school_id: school_id.to_owned(),
        };
        let reply = caller
            .identity()
            .list_clients(caller.request(message)?)
            .await?
            .into_inner();
        clients.extend(reply.clients);
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    Ok(clients)
}

async fn grants(caller: &Caller, school_id: &str) -> Result<Vec<identity::VendorGrant>> {
    let mut grants = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListVendorGrantsRequest {
            school_id: school_id.to_owned(),
            page_size: 500,
            page_token,
        };
        let reply = caller
            .identity()
            .list_vendor_grants(caller.request(message)?)
            .await?
            .into_inner();
        grants.extend(reply.grants);
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    Ok(grants)
}

/// The grant just made.
#[derive(Serialize, ToSchema)]
pub struct GrantView {
    pub client_id: String,
    pub school_id: String,
    pub granted_by: String,
    pub granted_at: Option<DateTime<Utc>>,
}

/// `PUT /api/v1/schools/{school_id}/vendor-grants/{client_id}`: the vendor
/// may serve the school within its scopes; granting again changes nothing.
/// The school's administrators, city operators.
#[utoipa::path(put, path = "/api/v1/schools/{school_id}/vendor-grants/{client_id}", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("client_id" = String, Path, format = Uuid, description = "The vendor's client"),
    ),
    responses((status = 200, description = "The grant", body = GrantView)))]
pub async fn grant_vendor(
    caller: Caller,
    ApiPath((school_id, client_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async { grant(&caller, &school_id, &client_id).await.map(Json) })
        .await
}

pub async fn grant(caller: &Caller, school_id: &str, client_id: &str) -> Result<GrantView> {
    let message = identity::GrantVendorAccessRequest {
        school_id: path_id("school", school_id)?,
        client_id: path_id("vendor", client_id)?,
    };
    let reply = caller
        .identity()
        .grant_vendor_access(caller.request(message)?)
        .await?;
    let grant = required(reply.into_inner().grant, "grant")?;
    Ok(GrantView {
        client_id: grant.client_id,
        school_id: grant.school_id,
        granted_by: grant.granted_by,
        granted_at: timestamp(grant.create_time),
    })
}

/// `DELETE /api/v1/schools/{school_id}/vendor-grants/{client_id}`: the
/// vendor no longer serves the school; its tokens stop working there at
/// once. The school's administrators, city operators.
#[utoipa::path(delete, path = "/api/v1/schools/{school_id}/vendor-grants/{client_id}", tag = "roster",
    params(
        ("school_id" = String, Path, format = Uuid, description = "The school"),
        ("client_id" = String, Path, format = Uuid, description = "The vendor's client"),
    ),
    responses((status = 204, description = "Withdrawn")))]
pub async fn revoke_vendor(
    caller: Caller,
    ApiPath((school_id, client_id)): ApiPath<(String, String)>,
) -> impl IntoResponse {
    caller
        .answer(async {
            withdraw(&caller, &school_id, &client_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn withdraw(caller: &Caller, school_id: &str, client_id: &str) -> Result<()> {
    let message = identity::RevokeVendorAccessRequest {
        school_id: path_id("school", school_id)?,
        client_id: path_id("vendor", client_id)?,
    };
    caller
        .identity()
        .revoke_vendor_access(caller.request(message)?)
        .await?;
    Ok(())
}
