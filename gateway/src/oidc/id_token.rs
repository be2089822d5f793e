//! The code exchange and the ID token's checks. Keys are re-read once when
//! a signature fails, as providers rotate them without notice.

use openidconnect::core::{
    CoreClient, CoreIdToken, CoreIdTokenVerifier, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessToken, AuthorizationCode, ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, Nonce, OAuth2TokenResponse, PkceCodeVerifier, RedirectUrl, SubjectIdentifier,
    TokenResponse,
};
use otmetka_platform::{Error, Result};

use super::ProviderConfig;
use super::callback::PendingLogin;
use super::providers::algorithms;
use crate::AppState;

/// A verified external account and the names its provider shared.
pub(super) struct ExternalIdentity {
    pub(super) issuer: String,
    pub(super) subject: String,
    pub(super) family_name: String,
    pub(super) given_name: String,
    /// The `email` claim when `email_verified` is true, else empty: only an
    /// address the provider checked may receive a family's notifications.
    pub(super) email: String,
    /// The ID token itself, as a hint for the provider's logout.
    pub(super) id_token: String,
}

/// The client that the discovery document describes.
pub(super) type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

pub(super) fn client_for(
    state: &AppState,
    config: &ProviderConfig,
    metadata: CoreProviderMetadata,
) -> Result<DiscoveredClient> {
    let redirect =
        RedirectUrl::new(state.oidc.redirect_uri(&config.id)).map_err(anyhow::Error::from)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(config.client_secret.expose().to_owned())),
    )
    .set_redirect_uri(redirect))
}

/// Checks issuer, audience, expiry, signature (allowed algorithms only) and nonce.
fn verify(
    id_token: &CoreIdToken,
    config: &ProviderConfig,
    metadata: &CoreProviderMetadata,
    nonce: &Nonce,
) -> Result<ExternalIdentity, openidconnect::ClaimsVerificationError> {
    let verifier = CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(config.client_id.clone()),
        ClientSecret::new(config.client_secret.expose().to_owned()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
    .set_allowed_algs(algorithms(&config.algorithms).unwrap_or_default());
    let claims = id_token.claims(&verifier, nonce)?;
    Ok(ExternalIdentity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        family_name: claims
            .family_name()
            .and_then(|c| c.get(None))
            .map(|n| n.to_string())
            .unwrap_or_default(),
        id_token: id_token.to_string(),
        given_name: claims
            .given_name()
            .and_then(|c| c.get(None))
            .map(|n| n.to_string())
            .unwrap_or_default(),
        email: match claims.email_verified() {
            Some(true) => claims
                .email()
                .map(|email| email.as_str().to_owned())
                .unwrap_or_default(),
            _ => String::new(),
        },
    })
}

/// Exchanges the code (with the PKCE verifier) and verifies the ID token.
pub(super) async fn verified_identity(
    state: &AppState,
    config: &ProviderConfig,
    pending: &PendingLogin,
    code: String,
) -> Result<ExternalIdentity> {
    let metadata = state.oidc.metadata(&config.id, false).await?;
    let client = client_for(state, config, metadata.clone())?;
    let exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Error::Internal(anyhow::anyhow!("the provider has no token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()));
    let tokens = exchange
        .request_async(&state.oidc.http)
        .await
        .map_err(|error| {
            tracing::info!(provider = %config.id, error = %error, "code exchange refused");
            Error::invalid("code", "the identity provider refused it")
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| Error::invalid("id_token", "the provider sent none"))?;
    let nonce = Nonce::new(pending.nonce.clone());
    let rejected = |error: openidconnect::ClaimsVerificationError| {
        tracing::info!(provider = %config.id, error = %error, "ID token rejected");
        Error::invalid("id_token", format!("rejected: {error}"))
    };
    let mut identity = match verify(id_token, config, &metadata, &nonce) {
        Ok(identity) => identity,
        // The provider may have rotated its keys: re-read them once.
        Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
            let metadata = state.oidc.metadata(&config.id, true).await?;
            verify(id_token, config, &metadata, &nonce).map_err(rejected)?
        }
        Err(error) => return Err(rejected(error)),
    };
    // Many providers put the profile only behind UserInfo in the code flow.
    if identity.family_name.is_empty() && identity.given_name.is_empty() {
        let asked = names_from_userinfo(state, config, &client, tokens.access_token(), &identity);
        if let Some((family_name, given_name)) = asked.await {
            identity.family_name = family_name;
            identity.given_name = given_name;
        }
    }
    Ok(identity)
}

/// The person's names from the provider's UserInfo endpoint, for the same
/// subject as the ID token. Best effort: without names the person types
/// them, so a provider that has no endpoint or fails leaves them empty.
async fn names_from_userinfo(
    state: &AppState,
    config: &ProviderConfig,
    client: &DiscoveredClient,
    access_token: &AccessToken,
    identity: &ExternalIdentity,
) -> Option<(String, String)> {
    let subject = SubjectIdentifier::new(identity.subject.clone());
    let request = client.user_info(access_token.clone(), Some(subject)).ok()?;
    let claims: CoreUserInfoClaims = request
        .request_async(&state.oidc.http)
        .await
        .map_err(|error| {
            tracing::info!(provider = %config.id, error = %error, "UserInfo refused");
        })
        .ok()?;
    let family_name = claims
        .family_name()
        .and_then(|name| name.get(None))
        .map(|name| name.to_string())
        .unwrap_or_default();
    let given_name = claims
        .given_name()
        .and_then(|name| name.get(None))
        .map(|name| name.to_string())
        .unwrap_or_default();
    Some((family_name, given_name))
}
