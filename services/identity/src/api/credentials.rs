//! School-issued credentials: issuing, signing in, refreshing, changing.

use chrono::Utc;
use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::PersonId;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::audit::{self, AuditEvent, AuditKind};
use crate::fields::normalize_login;
use crate::{attempts, passwords, store, tokens};

async fn hash_password(password: String) -> Result<String> {
    Ok(
        tokio::task::spawn_blocking(move || passwords::hash(&password))
            .await
            .map_err(anyhow::Error::from)??,
    )
}

impl IdentityApi {
    pub(super) async fn set_credentials(
        &self,
        ctx: CallContext,
        request: pb::SetCredentialsRequest,
    ) -> Result<pb::SetCredentialsResponse> {
        let db = &self.state.db;
        let person_id = PersonId::parse("person_id", &request.person_id)?;
        let not_found = || Error::not_found("person");
        let person = store::get_person(db, person_id)
            .await?
            .ok_or_else(not_found)?;
        let school_id = person.school_id.ok_or_else(not_found)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster)
            .await
            .map_err(|_| not_found())?;
        let mut violations = Violations::new();
        let login = violations.check("login", normalize_login(&request.login));
        violations.check("password", passwords::check_policy(&request.password));
        violations.into_result()?;
        let hash = hash_password(request.password).await?;
        // Issued by the school: the person must choose their own at first login.
        store::set_credentials(db, person_id, &login.unwrap_or_default(), &hash, true).await?;
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::CredentialsIssued,
                school_id: Some(school_id),
                actor_id: Some(ctx.principal.id),
                object_id: Some(person_id.into()),
                source_address: ctx.client_address,
            },
        )
        .await?;
        Ok(pb::SetCredentialsResponse {})
    }

    /// Signs in with a login and password. Guessing is bounded per login and
    /// per source address; an unknown login costs the same time as a wrong
    /// password and counts the same, so neither reveals which logins exist.
    pub(super) async fn login(
        &self,
        request: pb::LoginRequest,
        source: String,
    ) -> Result<pb::LoginResponse> {
        let db = &self.state.db;
        let refused = || Error::Unauthenticated("login or password is wrong".into());
        let login = normalize_login(&request.login).map_err(|_| refused())?;
        let now = Utc::now();
        attempts::check(db, attempts::LOGIN_ADDRESS, &source, now).await?;
        attempts::check(db, attempts::LOGIN, &login, now).await?;

        let credential = store::credential_by_login(db, &login).await?;
        let password = request.password;
        let (credential, verified) = tokio::task::spawn_blocking(move || match credential {
            Some(credential) => {
                let verified = passwords::verify(&password, &credential.password_hash);
                (Some(credential), verified)
            }
            None => {
                passwords::verify_nothing(&password);
                (None, false)
            }
        })
        .await
        .map_err(anyhow::Error::from)?;
        let person = match &credential {
            Some(credential) => store::get_person(db, credential.person_id).await?,
            None => None,
        };
        let (Some(credential), Some(person), true) = (credential, person, verified) else {
            attempts::fail(db, attempts::LOGIN, &login, now).await?;
            attempts::fail(db, attempts::LOGIN_ADDRESS, &source, now).await?;
            audit::record(
                db,
                AuditEvent {
                    kind: AuditKind::LoginFailed,
                    school_id: None,
                    actor_id: None,
                    object_id: None,
                    source_address: source,
                },
            )
            .await?;
            return Err(refused());
        };
        if person.disabled {
            return Err(refused());
        }
        attempts::clear(db, attempts::LOGIN, &login).await?;
        self.sign_in(&person, credential.must_change, source).await
    }

    /// Access and refresh tokens for `person`, and the audited login.
    pub(super) async fn sign_in(
        &self,
        person: &crate::model::Person,
        password_change_required: bool,
        source: String,
    ) -> Result<pb::LoginResponse> {
        let db = &self.state.db;
        let now = Utc::now();
        let city_operator = store::is_city_operator(db, person.id).await?;
        let (access_token, access_expires) = self
            .state
            .keys
            .issue_access_token(
                person.id,
                city_operator,
                self.state.settings.access_token_ttl,
                now,
            )
            .await?;
        let (refresh_token, refresh_hash) = tokens::new_refresh_token();
        let refresh_expires = now
            + chrono::Duration::from_std(self.state.settings.refresh_token_ttl)
                .map_err(anyhow::Error::from)?;
        store::insert_refresh_token(db, &refresh_hash, person.id, now, refresh_expires).await?;
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::Login,
                school_id: person.school_id,
                actor_id: Some(person.id.into()),
                object_id: None,
                source_address: source,
            },
        )
        .await?;
        Ok(pb::LoginResponse {
            access_token,
            access_token_expire_time: Some(to_timestamp(access_expires)),
            refresh_token,
            refresh_token_expire_time: Some(to_timestamp(refresh_expires)),
            person_id: person.id.to_string(),
            password_change_required,
        })
    }

    pub(super) async fn refresh_access_token(
        &self,
        request: pb::RefreshAccessTokenRequest,
    ) -> Result<pb::RefreshAccessTokenResponse> {
        let db = &self.state.db;
        let refused = || Error::Unauthenticated("refresh token is not valid".into());
        let now = Utc::now();
        let hash = tokens::hash_refresh_token(&request.refresh_token);
        let person_id = store::refresh_token_owner(db, &hash, now)
            .await?
            .ok_or_else(refused)?;
        let person = store::get_person(db, person_id)
            .await?
            .ok_or_else(refused)?;
        if person.disabled {
            return Err(refused());
        }
        let city_operator = store::is_city_operator(db, person_id).await?;
        let (access_token, expires) = self
            .state
            .keys
            .issue_access_token(
                person_id,
                city_operator,
                self.state.settings.access_token_ttl,
                now,
            )
            .await?;
        Ok(pb::RefreshAccessTokenResponse {
            access_token,
            access_token_expire_time: Some(to_timestamp(expires)),
        })
    }

    /// The caller replaces their own password; the current one proves it is them.
    pub(super) async fn change_password(
        &self,
        ctx: CallContext,
        request: pb::ChangePasswordRequest,
    ) -> Result<pb::ChangePasswordResponse> {
        let db = &self.state.db;
        let person_id = PersonId(ctx.person_id()?);
        let mut violations = Violations::new();
        violations.check(
            "new_password",
            passwords::check_policy(&request.new_password),
        );
        if request.new_password == request.current_password {
            violations.add("new_password", "must differ from the current password");
        }
        violations.into_result()?;
        self.verify_own_password(person_id, request.current_password, "current_password")
            .await?;
        let hash = hash_password(request.new_password).await?;
        store::change_password(db, person_id, &hash).await?;
        let school_id = store::get_person(db, person_id)
            .await?
            .and_then(|person| person.school_id);
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::PasswordChanged,
                school_id,
                actor_id: Some(person_id.into()),
                object_id: Some(person_id.into()),
                source_address: ctx.client_address,
            },
        )
        .await?;
        Ok(pb::ChangePasswordResponse {})
    }

    /// The caller proves again that they are who their session says.
    pub(super) async fn confirm_password(
        &self,
        ctx: CallContext,
        request: pb::ConfirmPasswordRequest,
    ) -> Result<pb::ConfirmPasswordResponse> {
        let person_id = PersonId(ctx.person_id()?);
        self.verify_own_password(person_id, request.password, "password")
            .await?;
        Ok(pb::ConfirmPasswordResponse {})
    }

    /// Checks `password` against the person's own, counting a failure
    /// against the person like a failed sign-in; a wrong one is refused
    /// under `field`.
    async fn verify_own_password(
        &self,
        person_id: PersonId,
        password: String,
        field: &str,
    ) -> Result<()> {
        let db = &self.state.db;
        let subject = person_id.to_string();
        let now = Utc::now();
        attempts::check(db, attempts::LOGIN, &subject, now).await?;
        let credential = store::credential_of(db, person_id).await?.ok_or_else(|| {
            Error::FailedPrecondition("this account has no school-issued password".into())
        })?;
        let stored = credential.password_hash.clone();
        let verified = tokio::task::spawn_blocking(move || passwords::verify(&password, &stored))
            .await
            .map_err(anyhow::Error::from)?;
        if !verified {
            attempts::fail(db, attempts::LOGIN, &subject, now).await?;
            return Err(Error::invalid(field, "is not the current password"));
        }
        Ok(())
    }
}
