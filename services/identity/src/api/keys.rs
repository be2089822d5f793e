//! Token signing keys: rotated on demand by a city operator, published as
//! a JWKS for every token verifier.

use chrono::Utc;
use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::time::to_timestamp;
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_city_operator;
use crate::audit::AuditKind;
use crate::tokens;

impl IdentityApi {
    pub(super) async fn rotate_signing_key(
        &self,
        ctx: CallContext,
        _request: pb::RotateSigningKeyRequest,
    ) -> Result<pb::RotateSigningKeyResponse> {
        require_city_operator(&ctx.principal)?;
        let now = Utc::now();
        let key = tokens::Keys::rotate(&self.state.db, now, self.state.settings.key_publish_delay)
            .await?;
        self.state.keys.reload(&self.state.db, now).await?;
        self.audit_city(&ctx, AuditKind::SigningKeyRotated, None)
            .await?;
        Ok(pb::RotateSigningKeyResponse {
            kid: key.kid.clone(),
            activate_time: Some(to_timestamp(key.activation())),
        })
    }

    pub(super) async fn get_jwks(&self) -> pb::GetJwksResponse {
        pb::GetJwksResponse {
            jwks_json: self.state.keys.jwks_json().await,
        }
    }
}
