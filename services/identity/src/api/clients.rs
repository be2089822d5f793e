//! Machine clients: registration by the city, OAuth2 client credentials,
//! and schools' grants to vendors.

use chrono::Utc;
use otmetka_platform::authz::{Action, SERVICE_SCOPES, VENDOR_SCOPES};
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::text::quote;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::{require_city_operator, require_school};
use crate::attempts;
use crate::audit::AuditKind;
use crate::clients::{self, Client, VendorGrant};
use crate::fields::{MAX_SCHOOL_NAME_CHARS, required_text};
use crate::model::ClientId;
use crate::store;

pub(crate) const VENDOR: &str = "vendor";
pub(crate) const SERVICE: &str = "service";

fn client_to_proto(client: &Client) -> pb::Client {
    pb::Client {
        id: client.id.to_string(),
        name: client.name.clone(),
        kind: if client.kind == VENDOR {
            pb::ClientKind::Vendor
        } else {
            pb::ClientKind::Service
        }
        .into(),
        allowed_scopes: client.scopes(),
        create_time: Some(to_timestamp(client.created_at)),
        revoke_time: client.revoked_at.map(to_timestamp),
    }
}

fn grant_to_proto(grant: VendorGrant) -> pb::VendorGrant {
    pb::VendorGrant {
        client_id: grant.client_id.to_string(),
        school_id: grant.school_id.to_string(),
        granted_by: grant.granted_by.to_string(),
        create_time: Some(to_timestamp(grant.created_at)),
        school: None,
    }
}

impl IdentityApi {
    pub(super) async fn create_client(
        &self,
        ctx: CallContext,
        request: pb::CreateClientRequest,
    ) -> Result<pb::CreateClientResponse> {
        require_city_operator(&ctx.principal)?;
        let mut violations = Violations::new();
        let name = required_text(
            "name",
            &request.name,
            MAX_SCHOOL_NAME_CHARS,
            &mut violations,
        );
        let kind = match pb::ClientKind::try_from(request.kind) {
            Ok(pb::ClientKind::Vendor) => VENDOR,
            Ok(pb::ClientKind::Service) => SERVICE,
            _ => {
                violations.add("kind", "must be vendor or service");
                VENDOR
            }
        };
        let known: &[&str] = if kind == VENDOR {
            &VENDOR_SCOPES
        } else {
            &SERVICE_SCOPES
        };
        for scope in &request.allowed_scopes {
            if !known.contains(&scope.as_str()) {
                violations.add(
                    "allowed_scopes",
                    format!("{} is not a {kind} scope", quote(scope)),
                );
            }
        }
        violations.into_result()?;
        let (secret, secret_hash) = clients::new_secret();
        let client = Client {
            id: ClientId::generate(),
            name,
            kind: kind.into(),
            secret_hash,
            allowed_scopes: request.allowed_scopes.join(" "),
            created_at: Utc::now(),
            revoked_at: None,
        };
        store::clients::insert(&self.state.db, &client).await?;
        self.audit_city(&ctx, AuditKind::ClientCreated, Some(client.id.into()))
            .await?;
        Ok(pb::CreateClientResponse {
            client: Some(client_to_proto(&client)),
            client_secret: secret,
        })
    }

    pub(super) async fn list_clients(
        &self,
        ctx: CallContext,
        request: pb::ListClientsRequest,
    ) -> Result<pb::ListClientsResponse> {
        let (mut rows, page) = if request.school_id.is_empty() {
            require_city_operator(&ctx.principal)?;
            let page = Page::parse(request.page_size, &request.page_token)?;
            let rows = store::clients::list(&self.state.db, &page).await?;
            (rows, page)
        } else {
            // A school's administrators choose whom to grant: the vendors'
            // names and scopes are theirs to read, nothing else.
            let (_, page) = self
                .school_page(
                    &ctx,
                    Action::ManageRoster,
                    &request.school_id,
                    request.page_size,
                    &request.page_token,
                )
                .await?;
            let rows = store::clients::list_of_kind(&self.state.db, VENDOR, &page).await?;
            (rows, page)
        };
        let next_page_token = page.finish(&mut rows, |client| client.id.to_string());
        Ok(pb::ListClientsResponse {
            clients: rows.iter().map(client_to_proto).collect(),
            next_page_token,
        })
    }

    pub(super) async fn revoke_client(
        &self,
        ctx: CallContext,
        request: pb::RevokeClientRequest,
    ) -> Result<pb::RevokeClientResponse> {
        require_city_operator(&ctx.principal)?;
        let id = ClientId::parse("id", &request.id)?;
        if !store::clients::revoke(&self.state.db, id, Utc::now()).await? {
            return Err(Error::not_found("client"));
        }
        self.audit_city(&ctx, AuditKind::ClientRevoked, Some(id.into()))
            .await?;
        Ok(pb::RevokeClientResponse {})
    }

    /// OAuth2 client credentials. Wrong secrets count against the client id
    /// and the source address, like wrong passwords.
    pub(super) async fn get_client_token(
        &self,
        request: pb::GetClientTokenRequest,
        source: String,
    ) -> Result<pb::GetClientTokenResponse> {
        let db = &self.state.db;
        let refused = || Error::Unauthenticated("client id or secret is wrong".into());
        let now = Utc::now();
        attempts::check(db, attempts::LOGIN_ADDRESS, &source, now).await?;
        attempts::check(db, attempts::LOGIN, &request.client_id, now).await?;
        let client = match request.client_id.parse::<ClientId>() {
            Ok(id) => store::clients::get(db, id).await?,
            Err(_) => None,
        };
        let client = client.filter(|client| {
            client.revoked_at.is_none()
                && client.secret_hash == clients::hash_secret(&request.client_secret)
        });
        let Some(client) = client else {
            attempts::fail(db, attempts::LOGIN, &request.client_id, now).await?;
            attempts::fail(db, attempts::LOGIN_ADDRESS, &source, now).await?;
            return Err(refused());
        };
        let allowed = client.scopes();
        let scopes = if request.scopes.is_empty() {
            allowed
        } else {
            if let Some(extra) = request.scopes.iter().find(|scope| !allowed.contains(scope)) {
                return Err(Error::invalid(
                    "scopes",
                    format!("{} is not allowed for this client", quote(extra)),
                ));
            }
            request.scopes
        };
        let (access_token, expires) = self
            .state
            .keys
            .issue_client_token(
                client.id,
                &scopes,
                self.state.settings.access_token_ttl,
                now,
            )
            .await?;
        Ok(pb::GetClientTokenResponse {
            access_token,
            access_token_expire_time: Some(to_timestamp(expires)),
            scopes,
        })
    }

    /// A live vendor client named by a request field.
    async fn vendor_client(&self, client_id: &str) -> Result<Client> {
        let id = ClientId::parse("client_id", client_id)?;
        store::clients::get(&self.state.db, id)
            .await?
            .filter(|client| client.kind == VENDOR && client.revoked_at.is_none())
            .ok_or_else(|| Error::invalid("client_id", "must be a registered vendor"))
    }

    pub(super) async fn grant_vendor_access(
        &self,
        ctx: CallContext,
        request: pb::GrantVendorAccessRequest,
    ) -> Result<pb::GrantVendorAccessResponse> {
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let client = self.vendor_client(&request.client_id).await?;
        let grant = VendorGrant {
            client_id: client.id,
            school_id,
            granted_by: PersonId(ctx.person_id()?),
            created_at: Utc::now(),
        };
        store::clients::grant(&self.state.db, &grant).await?;
        self.audit(&ctx, AuditKind::VendorGranted, school_id, client.id)
            .await?;
        Ok(pb::GrantVendorAccessResponse {
            grant: Some(grant_to_proto(grant)),
        })
    }

    pub(super) async fn revoke_vendor_access(
        &self,
        ctx: CallContext,
        request: pb::RevokeVendorAccessRequest,
    ) -> Result<pb::RevokeVendorAccessResponse> {
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let client_id = ClientId::parse("client_id", &request.client_id)?;
        if !store::clients::withdraw(&self.state.db, client_id, school_id).await? {
            return Err(Error::not_found("vendor grant"));
        }
        self.audit(&ctx, AuditKind::VendorRevoked, school_id, client_id)
            .await?;
        Ok(pb::RevokeVendorAccessResponse {})
    }

    pub(super) async fn list_vendor_grants(
        &self,
        ctx: CallContext,
        request: pb::ListVendorGrantsRequest,
    ) -> Result<pb::ListVendorGrantsResponse> {
        if request.school_id.is_empty() && ctx.principal.is_client() {
            return self.list_own_grants(&ctx, &request).await;
        }
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ManageRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut grants = store::clients::grants_of_school(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut grants, |grant| grant.client_id.to_string());
        Ok(pb::ListVendorGrantsResponse {
            grants: grants.into_iter().map(grant_to_proto).collect(),
            next_page_token,
        })
    }

    /// A vendor's own grants: which schools it may serve, with their names
    /// and timezones, so that it needs no other call to find them.
    async fn list_own_grants(
        &self,
        ctx: &CallContext,
        request: &pb::ListVendorGrantsRequest,
    ) -> Result<pb::ListVendorGrantsResponse> {
        let page = Page::parse(request.page_size, &request.page_token)?;
        let mut grants =
            store::clients::grants_of_client(&self.state.db, ClientId(ctx.principal.id), &page)
                .await?;
        let next_page_token = page.finish(&mut grants, |(grant, _)| grant.school_id.to_string());
        Ok(pb::ListVendorGrantsResponse {
            grants: grants
                .into_iter()
                .map(|(grant, school)| pb::VendorGrant {
                    school: Some(crate::convert::school(school)),
                    ..grant_to_proto(grant)
                })
                .collect(),
            next_page_token,
        })
    }
}
