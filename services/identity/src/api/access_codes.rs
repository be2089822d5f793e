//! Access codes: a school links a guardian to a student through a code it
//! hands out.

use chrono::{DateTime, Utc};
use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::PersonId;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::access_codes::{self, AccessCode};
use crate::audit::{self, AuditEvent, AuditKind};
use crate::fields::{PersonNames, normalize_login};
use crate::model::{AccessCodeId, Person, PersonKind};
use crate::{attempts, convert, passwords, store};

fn code_to_proto(code: &AccessCode) -> pb::AccessCode {
    let time = |t: Option<DateTime<Utc>>| t.map(to_timestamp);
    pb::AccessCode {
        id: code.id.to_string(),
        school_id: code.school_id.to_string(),
        student_id: code.student_id.to_string(),
        create_time: Some(to_timestamp(code.created_at)),
        expire_time: Some(to_timestamp(code.expires_at)),
        redeem_time: time(code.redeemed_at),
        revoke_time: time(code.revoked_at),
        redeemer_id: code
            .redeemed_by
            .map(|id| id.to_string())
            .unwrap_or_default(),
    }
}

impl IdentityApi {
    pub(super) async fn issue_access_code(
        &self,
        ctx: CallContext,
        request: pb::IssueAccessCodeRequest,
    ) -> Result<pb::IssueAccessCodeResponse> {
        let db = &self.state.db;
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let school_id = student
            .school_id
            .ok_or_else(|| Error::invalid("student_id", "belongs to no school"))?;
        let now = Utc::now();
        let code = access_codes::generate();
        let stored = AccessCode {
            id: AccessCodeId::generate(),
            school_id,
            student_id: student.as_student(),
            issued_by: PersonId(ctx.person_id()?),
            created_at: now,
            expires_at: now
                + chrono::Duration::from_std(self.state.settings.access_code_ttl)
                    .map_err(anyhow::Error::from)?,
            redeemed_at: None,
            redeemed_by: None,
            revoked_at: None,
        };
        store::access_codes::insert(db, &stored, &access_codes::hash(&code)).await?;
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::AccessCodeIssued,
                school_id: Some(school_id),
                actor_id: Some(ctx.principal.id),
                object_id: Some(student.id.into()),
                source_address: ctx.client_address,
            },
        )
        .await?;
        Ok(pb::IssueAccessCodeResponse {
            access_code: Some(code_to_proto(&stored)),
            code,
        })
    }

    pub(super) async fn list_access_codes(
        &self,
        ctx: CallContext,
        request: pb::ListAccessCodesRequest,
    ) -> Result<pb::ListAccessCodesResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ManageRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut codes = store::access_codes::list(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut codes, |code| code.id.to_string());
        Ok(pb::ListAccessCodesResponse {
            access_codes: codes.iter().map(code_to_proto).collect(),
            next_page_token,
        })
    }

    pub(super) async fn revoke_access_code(
        &self,
        ctx: CallContext,
        request: pb::RevokeAccessCodeRequest,
    ) -> Result<pb::RevokeAccessCodeResponse> {
        let db = &self.state.db;
        let id = AccessCodeId::parse("id", &request.id)?;
        let not_found = || Error::not_found("access code");
        let code = store::access_codes::get(db, id)
            .await?
            .ok_or_else(not_found)?;
        require_school(db, &ctx.principal, code.school_id, Action::ManageRoster)
            .await
            .map_err(|_| not_found())?;
        if !store::access_codes::revoke(db, id, Utc::now()).await? {
            return Err(Error::FailedPrecondition(
                "the code was already used or revoked".into(),
            ));
        }
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::AccessCodeRevoked,
                school_id: Some(code.school_id),
                actor_id: Some(ctx.principal.id),
                object_id: Some(code.student_id.into()),
                source_address: ctx.client_address,
            },
        )
        .await?;
        Ok(pb::RevokeAccessCodeResponse {})
    }

    /// Links the caller as guardian of the code's student. Wrong codes count
    /// against the person and the source address; past the limit, even a
    /// right code is refused until the window passes.
    pub(super) async fn redeem_access_code(
        &self,
        ctx: CallContext,
        request: pb::RedeemAccessCodeRequest,
    ) -> Result<pb::RedeemAccessCodeResponse> {
        let db = &self.state.db;
        let guardian_id = PersonId(ctx.person_id()?);
        let person = guardian_id.to_string();
        let now = Utc::now();
        attempts::check(db, attempts::CODE_ADDRESS, &ctx.client_address, now).await?;
        attempts::check(db, attempts::CODE_PERSON, &person, now).await?;
        let spent =
            store::access_codes::redeem(db, &access_codes::hash(&request.code), guardian_id, now)
                .await?;
        let Some(code) = spent else {
            attempts::fail(db, attempts::CODE_PERSON, &person, now).await?;
            attempts::fail(db, attempts::CODE_ADDRESS, &ctx.client_address, now).await?;
            audit::record(
                db,
                AuditEvent {
                    kind: AuditKind::AccessCodeFailed,
                    school_id: None,
                    actor_id: Some(ctx.principal.id),
                    object_id: None,
                    source_address: ctx.client_address,
                },
            )
            .await?;
            return Err(Error::invalid("code", "is not a valid, unused access code"));
        };
        attempts::clear(db, attempts::CODE_PERSON, &person).await?;
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::AccessCodeRedeemed,
                school_id: Some(code.school_id),
                actor_id: Some(ctx.principal.id),
                object_id: Some(code.student_id.into()),
                source_address: ctx.client_address,
            },
        )
        .await?;
        let link = crate::model::Guardianship {
            guardian_id,
            student_id: code.student_id,
            school_id: code.school_id,
            created_at: now,
        };
        Ok(pb::RedeemAccessCodeResponse {
            guardianship: Some(convert::guardianship(link)),
        })
    }

    /// Signs up a guardian who has only an access code.
    pub(super) async fn register_guardian(
        &self,
        request: pb::RegisterGuardianRequest,
        source: String,
    ) -> Result<pb::RegisterGuardianResponse> {
        let mut violations = Violations::new();
        let names = PersonNames::check(
            &request.family_name,
            &request.given_name,
            &request.middle_name,
            &mut violations,
        );
        let login = violations.check("login", normalize_login(&request.login));
        violations.check("password", passwords::check_policy(&request.password));
        violations.into_result()?;
        let password = request.password;
        let hash = tokio::task::spawn_blocking(move || passwords::hash(&password))
            .await
            .map_err(anyhow::Error::from)??;
        let login = login.unwrap_or_default();
        let sign_in = access_codes::SignIn::Credentials {
            login: &login,
            password_hash: &hash,
        };
        let (person, link) = self
            .register_with_code(&request.code, names, None, sign_in, source)
            .await?;
        Ok(pb::RegisterGuardianResponse {
            // Told only to the person who registered.
            person: Some(convert::person(person, convert::Email::Shown)),
            guardianship: Some(convert::guardianship(link)),
        })
    }

    /// Creates a guardian from an access code: the code's school and child,
    /// `sign_in` as their way in, `email` as their contact e-mail. Wrong
    /// codes count against the source address (there is no person yet).
    pub(super) async fn register_with_code(
        &self,
        code: &str,
        names: PersonNames,
        email: Option<String>,
        sign_in: access_codes::SignIn<'_>,
        source: String,
    ) -> Result<(Person, crate::model::Guardianship)> {
        let db = &self.state.db;
        let now = Utc::now();
        attempts::check(db, attempts::CODE_ADDRESS, &source, now).await?;
        let guardian = Person {
            id: PersonId::generate(),
            school_id: None,
            kind: PersonKind::Guardian.as_str().into(),
            family_name: names.family_name,
            given_name: names.given_name,
            middle_name: names.middle_name,
            disabled: false,
            created_at: now,
            email,
        };
        let spent = store::access_codes::register_guardian(
            db,
            &access_codes::hash(code),
            &guardian,
            sign_in,
            now,
        )
        .await?;
        let Some(code) = spent else {
            attempts::fail(db, attempts::CODE_ADDRESS, &source, now).await?;
            audit::record(
                db,
                AuditEvent {
                    kind: AuditKind::AccessCodeFailed,
                    school_id: None,
                    actor_id: None,
                    object_id: None,
                    source_address: source,
                },
            )
            .await?;
            return Err(Error::invalid("code", "is not a valid, unused access code"));
        };
        audit::record(
            db,
            AuditEvent {
                kind: AuditKind::AccessCodeRedeemed,
                school_id: Some(code.school_id),
                actor_id: Some(guardian.id.into()),
                object_id: Some(code.student_id.into()),
                source_address: source,
            },
        )
        .await?;
        let person = Person {
            school_id: Some(code.school_id),
            ..guardian
        };
        let link = crate::model::Guardianship {
            guardian_id: person.id,
            student_id: code.student_id,
            school_id: code.school_id,
            created_at: now,
        };
        Ok((person, link))
    }
}
