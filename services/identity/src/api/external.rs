//! Sign-in by external OpenID Connect identities. The gateway runs the
//! OpenID Connect flow and verifies the ID token; identity trusts its word
//! only because it comes with the gateway's own client token carrying the
//! `identity.external_login` scope.

use otmetka_platform::authz::SCOPE_EXTERNAL_LOGIN;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::PersonId;
use otmetka_platform::text::TextRule;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use super::contacts::claimed_email;
use crate::fields::PersonNames;
use crate::{access_codes, convert, store};

/// Bounds on what an external issuer and subject may look like.
const MAX_ISSUER_CHARS: usize = 300;
const MAX_SUBJECT_CHARS: usize = 255;

fn require_gateway(ctx: &CallContext) -> Result<()> {
    if ctx.principal.has_scope(SCOPE_EXTERNAL_LOGIN) {
        Ok(())
    } else {
        Err(Error::PermissionDenied(
            "only the gateway signs people in by external identities".into(),
        ))
    }
}

fn check_identity(issuer: &str, subject: &str, violations: &mut Violations) {
    // Kept as the identity provider sent them: another system's identifiers.
    TextRule::line(MAX_ISSUER_CHARS)
        .required()
        .untrimmed()
        .check("issuer", issuer, violations);
    TextRule::line(MAX_SUBJECT_CHARS)
        .required()
        .untrimmed()
        .check("subject", subject, violations);
}

impl IdentityApi {
    pub(super) async fn login_with_external_identity(
        &self,
        ctx: CallContext,
        request: pb::LoginWithExternalIdentityRequest,
    ) -> Result<pb::LoginWithExternalIdentityResponse> {
        require_gateway(&ctx)?;
        let mut violations = Violations::new();
        check_identity(&request.issuer, &request.subject, &mut violations);
        violations.into_result()?;
        let not_linked = || Error::not_found("linked person");
        let person_id =
            store::person_of_external_identity(&self.state.db, &request.issuer, &request.subject)
                .await?
                .ok_or_else(not_linked)?;
        let person = store::get_person(&self.state.db, person_id)
            .await?
            .ok_or_else(not_linked)?;
        if person.disabled {
            return Err(Error::Unauthenticated("this account is disabled".into()));
        }
        // The provider vouches for the address now: it replaces an older one.
        if let Some(email) = claimed_email(&request.issuer, &request.email)
            && person.email.as_ref() != Some(&email)
        {
            store::set_person_email(&self.state.db, person.id, &email).await?;
        }
        let login = self.sign_in(&person, false, ctx.client_address).await?;
        Ok(pb::LoginWithExternalIdentityResponse { login: Some(login) })
    }

    pub(super) async fn link_external_identity(
        &self,
        ctx: CallContext,
        request: pb::LinkExternalIdentityRequest,
    ) -> Result<pb::LinkExternalIdentityResponse> {
        require_gateway(&ctx)?;
        let mut violations = Violations::new();
        check_identity(&request.issuer, &request.subject, &mut violations);
        let person_id = violations.check(
            "person_id",
            PersonId::parse("person_id", &request.person_id)
                .map_err(|_| "must be an id (UUID)".to_owned()),
        );
        violations.into_result()?;
        let person_id = person_id.expect("checked above");
        let person = store::get_person(&self.state.db, person_id)
            .await?
            .ok_or_else(|| Error::not_found("person"))?;
        if store::person_of_external_identity(&self.state.db, &request.issuer, &request.subject)
            .await?
            == Some(person_id)
        {
            return Ok(pb::LinkExternalIdentityResponse {});
        }
        store::link_external_identity(&self.state.db, &request.issuer, &request.subject, person_id)
            .await?;
        crate::audit::record(
            &self.state.db,
            crate::audit::AuditEvent {
                kind: crate::audit::AuditKind::ExternalIdentityLinked,
                school_id: person.school_id,
                actor_id: Some(person_id.into()),
                object_id: Some(person_id.into()),
                source_address: ctx.client_address,
            },
        )
        .await?;
        Ok(pb::LinkExternalIdentityResponse {})
    }

    pub(super) async fn register_external_guardian(
        &self,
        ctx: CallContext,
        request: pb::RegisterExternalGuardianRequest,
    ) -> Result<pb::RegisterExternalGuardianResponse> {
        require_gateway(&ctx)?;
        let mut violations = Violations::new();
        check_identity(&request.issuer, &request.subject, &mut violations);
        let names = PersonNames::check(
            &request.family_name,
            &request.given_name,
            &request.middle_name,
            &mut violations,
        );
        violations.into_result()?;
        let sign_in = access_codes::SignIn::External {
            issuer: &request.issuer,
            subject: &request.subject,
        };
        let email = claimed_email(&request.issuer, &request.email);
        let source = ctx.client_address.clone();
        let (person, link) = self
            .register_with_code(&request.code, names, email, sign_in, source)
            .await?;
        let login = self.sign_in(&person, false, ctx.client_address).await?;
        Ok(pb::RegisterExternalGuardianResponse {
            login: Some(login),
            guardianship: Some(convert::guardianship(link)),
        })
    }
}
