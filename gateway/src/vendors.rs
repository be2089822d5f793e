//! The city's credentials: machine clients (a diary vendor's system signs
//! in with a client id and secret, shown once, when the client is made) and
//! the key that signs every access token.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, path_id, required, timestamp};
use crate::extract::{ApiJson, ApiPath};
use crate::roster::MAX_PAGES;

/// What a vendor's system may do in the schools that grant it access.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
pub enum VendorScope {
    /// Read the roster.
    #[serde(rename = "roster.read")]
    RosterRead,
    /// Post marks.
    #[serde(rename = "marks.write")]
    MarksWrite,
    /// Record attendance.
    #[serde(rename = "attendance.write")]
    AttendanceWrite,
    /// Follow the change feed.
    #[serde(rename = "changes.read")]
    ChangesRead,
}

impl VendorScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RosterRead => "roster.read",
            Self::MarksWrite => "marks.write",
            Self::AttendanceWrite => "attendance.write",
            Self::ChangesRead => "changes.read",
        }
    }
}

/// A machine client as listed: never its secret.
#[derive(Serialize, ToSchema, Clone)]
pub struct ClientView {
    pub id: String,
    pub name: String,
    /// `vendor` or `service` (the platform's own).
    pub kind: String,
    pub allowed_scopes: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// Set once revoked: it can no longer sign in.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<identity::Client> for ClientView {
    fn from(client: identity::Client) -> Self {
        let kind = match identity::ClientKind::try_from(client.kind) {
            Ok(identity::ClientKind::Service) => "service",
            _ => "vendor",
        };
        Self {
            id: client.id,
            name: client.name,
            kind: kind.to_owned(),
            allowed_scopes: client.allowed_scopes,
            created_at: timestamp(client.create_time),
            revoked_at: timestamp(client.revoke_time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClientsView {
    pub clients: Vec<ClientView>,
}

/// `GET /api/v1/clients`: the city's machine clients. City operators.
#[utoipa::path(get, path = "/api/v1/clients", tag = "city",
    responses((status = 200, description = "The clients", body = ClientsView)))]
pub async fn list_clients(caller: Caller) -> impl IntoResponse {
    caller
        .answer(async {
            let clients = load_clients(&caller).await?;
            Ok(Json(ClientsView { clients }))
        })
        .await
}

pub async fn load_clients(caller: &Caller) -> Result<Vec<ClientView>> {
    let mut clients = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListClientsRequest {
            page_size: 500,
            page_token,
            school_id: String::new(),
        };
        let reply = caller
            .identity()
            .list_clients(caller.request(message)?)
            .await?
            .into_inner();
        clients.extend(reply.clients.into_iter().map(ClientView::from));
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    Ok(clients)
}

#[derive(Deserialize, ToSchema)]
pub struct VendorBody {
    /// The vendor's name as schools will read it.
    #[schema(max_length = 200)]
    pub name: String,
    pub allowed_scopes: Vec<VendorScope>,
}

/// A client just made, with its secret: the only time it is shown.
#[derive(Serialize, ToSchema)]
pub struct NewClientView {
    pub client: ClientView,
    /// Keep it now: identity keeps only its hash.
    pub client_secret: String,
}

/// `POST /api/v1/clients`: a new vendor client. City operators.
#[utoipa::path(post, path = "/api/v1/clients", tag = "city",
    request_body = VendorBody,
    responses((status = 201, description = "The client and its secret, shown this once", body = NewClientView)))]
pub async fn create_vendor(
    caller: Caller,
    ApiJson(body): ApiJson<VendorBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let client = add_vendor(&caller, body).await?;
            Ok((StatusCode::CREATED, Json(client)))
        })
        .await
}

pub async fn add_vendor(caller: &Caller, body: VendorBody) -> Result<NewClientView> {
    let message = identity::CreateClientRequest {
        name: body.name,
        kind: identity::ClientKind::Vendor.into(),
        allowed_scopes: body
            .allowed_scopes
            .iter()
            .map(|scope| scope.as_str().to_owned())
            .collect(),
    };
    let reply = caller
        .identity()
        .create_client(caller.request(message)?)
        .await?
        .into_inner();
    Ok(NewClientView {
        client: required(reply.client, "client")?.into(),
        client_secret: reply.client_secret,
    })
}

/// `DELETE /api/v1/clients/{client_id}`: revokes a client; its tokens stop
/// being issued at once. City operators.
#[utoipa::path(delete, path = "/api/v1/clients/{client_id}", tag = "city",
    params(("client_id" = String, Path, format = Uuid, description = "The client")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_client(
    caller: Caller,
    ApiPath(client_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            revoke(&caller, &client_id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

pub async fn revoke(caller: &Caller, client_id: &str) -> Result<()> {
    let message = identity::RevokeClientRequest {
        id: path_id("client", client_id)?,
    };
    caller
        .identity()
        .revoke_client(caller.request(message)?)
        .await?;
    Ok(())
}

/// A signing key just published.
#[derive(Serialize, ToSchema)]
pub struct SigningKeyView {
    /// The key's id (`kid`).
    pub key_id: String,
    /// When it starts signing; until then the current key signs.
    pub activates_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/signing-keys`: publishes a new token signing key; it
/// starts signing after the publish delay and older keys retire once their
/// tokens have expired. City operators.
#[utoipa::path(post, path = "/api/v1/signing-keys", tag = "city",
    responses((status = 201, description = "The new key", body = SigningKeyView)))]
pub async fn rotate_signing_key(caller: Caller) -> impl IntoResponse {
    caller
        .answer(async {
            let key = rotate_key(&caller).await?;
            Ok((StatusCode::CREATED, Json(key)))
        })
        .await
}

pub async fn rotate_key(caller: &Caller) -> Result<SigningKeyView> {
    let reply = caller
        .identity()
        .rotate_signing_key(caller.request(identity::RotateSigningKeyRequest {})?)
        .await?
        .into_inner();
    Ok(SigningKeyView {
        key_id: reply.kid,
        activates_at: timestamp(reply.activate_time),
    })
}
