//! The gRPC face of identity, one file per resource: each handler parses
//! the request, authorizes it with the shared policy, calls the store and
//! answers in contract form; `service` routes tonic's methods to them.

use std::sync::Arc;

use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;
use uuid::Uuid;

use crate::access::require_school;
use crate::audit::{self, AuditEvent, AuditKind};
use crate::model::{Person, PersonKind};
use crate::{State, store};

mod access;
mod access_codes;
mod assignments;
mod audience;
mod audit_events;
mod classes;
mod clients;
mod contacts;
mod credentials;
mod external;
mod families;
mod groups;
mod guardians;
mod keys;
mod memberships;
mod people;
mod roster;
mod schools;
mod service;
mod sessions;
mod staff;
mod subjects;

pub(crate) use clients::SERVICE as SERVICE_KIND;

pub struct IdentityApi {
    state: Arc<State>,
}

impl IdentityApi {
    pub fn new(state: Arc<State>) -> Self {
        Self { state }
    }
}

/// The contract's person kind, if it names one.
fn person_kind(kind: i32) -> Option<PersonKind> {
    match pb::PersonKind::try_from(kind) {
        Ok(pb::PersonKind::Student) => Some(PersonKind::Student),
        Ok(pb::PersonKind::Guardian) => Some(PersonKind::Guardian),
        Ok(pb::PersonKind::Staff) => Some(PersonKind::Staff),
        _ => None,
    }
}

impl IdentityApi {
    /// The school and page of a list of the school's things, once the
    /// caller may `action` there.
    pub(super) async fn school_page(
        &self,
        ctx: &CallContext,
        action: Action,
        school_id: &str,
        page_size: i32,
        page_token: &str,
    ) -> Result<(SchoolId, Page)> {
        let school_id = SchoolId::parse("school_id", school_id)?;
        let page = Page::parse(page_size, page_token)?;
        require_school(&self.state.db, &ctx.principal, school_id, action).await?;
        Ok((school_id, page))
    }

    /// Records what the caller did at the city's level (no school), to
    /// `object_id` when the action has one.
    pub(super) async fn audit_city(
        &self,
        ctx: &CallContext,
        kind: AuditKind,
        object_id: Option<Uuid>,
    ) -> Result<()> {
        audit::record(
            &self.state.db,
            AuditEvent {
                kind,
                school_id: None,
                actor_id: Some(ctx.principal.id),
                object_id,
                source_address: ctx.client_address.clone(),
            },
        )
        .await
    }

    /// Records what the caller did to `object_id` in a school.
    pub(super) async fn audit(
        &self,
        ctx: &CallContext,
        kind: AuditKind,
        school_id: SchoolId,
        object_id: impl Into<Uuid>,
    ) -> Result<()> {
        audit::record(
            &self.state.db,
            AuditEvent {
                kind,
                school_id: Some(school_id),
                actor_id: Some(ctx.principal.id),
                object_id: Some(object_id.into()),
                source_address: ctx.client_address.clone(),
            },
        )
        .await
    }

    /// A person of `kind` in a school the caller manages, for a request field.
    pub(super) async fn managed_person(
        &self,
        ctx: &CallContext,
        field: &str,
        id: &str,
        kind: PersonKind,
    ) -> Result<Person> {
        let id = PersonId::parse(field, id)?;
        let person = store::get_person(&self.state.db, id)
            .await?
            .filter(|person| person.kind() == Some(kind))
            .ok_or_else(|| Error::not_found(kind.as_str()))?;
        let school_id = person
            .school_id
            .ok_or_else(|| Error::not_found(kind.as_str()))?;
        let managed = require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await;
        if managed.is_err() {
            // A person the caller may not even see reads as no person at
            // all, so a refusal never tells a stranger that someone exists.
            return Err(if self.may_see(ctx, &person).await? {
                Error::PermissionDenied(format!(
                    "you do not manage the roster of this {}",
                    kind.as_str()
                ))
            } else {
                Error::not_found(kind.as_str())
            });
        }
        Ok(person)
    }

    /// Whether the caller may see a person: themselves, their ward, anyone
    /// of a school whose roster they read, anyone for a city operator.
    pub(super) async fn may_see(&self, ctx: &CallContext, person: &Person) -> Result<bool> {
        let db = &self.state.db;
        Ok(ctx.principal.id == person.id.uuid()
            || ctx.principal.city_operator
            || store::is_guardian(db, PersonId(ctx.principal.id), StudentId(person.id.uuid()))
                .await?
            || match person.school_id {
                Some(school_id) => {
                    require_school(db, &ctx.principal, school_id, Action::ReadRoster)
                        .await
                        .is_ok()
                }
                None => false,
            })
    }
}
