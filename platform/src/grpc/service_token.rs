//! A platform service's own access token (OAuth2 client credentials): the
//! gateway's for the few identity calls only it may make, a feed consumer's
//! for reading another service's change feed. Cached until shortly before
//! it expires.

use std::time::{Duration, Instant};

use crate::auth::BearerToken;
use crate::config::Secret;
use crate::error::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tokio::sync::Mutex;
use tonic::transport::Channel;
use uuid::Uuid;

/// Renew this long before the token expires.
const RENEW_MARGIN: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct ServiceToken {
    client_id: Uuid,
    secret: Secret,
    cached: Mutex<Option<(BearerToken, Instant)>>,
}

impl ServiceToken {
    pub fn new(client_id: Uuid, secret: Secret) -> Self {
        Self {
            client_id,
            secret,
            cached: Mutex::default(),
        }
    }

    pub async fn get(
        &self,
        identity: &IdentityServiceClient<Channel>,
        timeout: Duration,
    ) -> Result<BearerToken> {
        let mut cached = self.cached.lock().await;
        if let Some((token, renew_at)) = cached.as_ref()
            && Instant::now() < *renew_at
        {
            return Ok(token.clone());
        }
        let mut request = tonic::Request::new(identity::GetClientTokenRequest {
            client_id: self.client_id.to_string(),
            client_secret: self.secret.expose().to_owned(),
            scopes: Vec::new(),
        });
        request.set_timeout(timeout);
        let response = identity.clone().get_client_token(request).await.map_err(|status| {
            tracing::error!(code = ?status.code(), client_id = %self.client_id, "the service's client credentials were refused");
            Error::Unavailable("the service cannot sign in at identity".into())
        })?;
        let response = response.into_inner();
        let lifetime = response
            .access_token_expire_time
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
            .map(|expiry| (expiry - chrono::Utc::now()).to_std().unwrap_or_default())
            .unwrap_or_default();
        let token = BearerToken(response.access_token.into());
        *cached = Some((
            token.clone(),
            Instant::now() + lifetime.saturating_sub(RENEW_MARGIN),
        ));
        Ok(token)
    }
}
