//! Where people are written to: who reads a person's contact e-mail, the
//! e-mail a provider vouches for at sign-in, and the contacts the notifying
//! service e-mails.

use std::collections::HashMap;

use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;
use uuid::Uuid;

use super::IdentityApi;
use super::families::{parse_ids, require_notifier};
use crate::access::require_school;
use crate::convert::{self, Email};
use crate::fields::contact_email;
use crate::model::Person;
use crate::store;

/// The most people one request names.
const MAX_CONTACTS_ASKED: usize = 500;

/// A caller as a reader of contact e-mails: everyone reads their own, and
/// whoever may update a person (manages the roster of the person's school)
/// reads theirs. Others read the person without it: an address is for
/// writing to the person, not for passing around a class.
pub(super) struct EmailReader {
    caller: Uuid,
    manages: Option<SchoolId>,
}

impl EmailReader {
    /// The person in contract form, with their e-mail if this reader may read it.
    pub(super) fn person(&self, person: Person) -> pb::Person {
        let shown = person.id.uuid() == self.caller
            || (person.school_id.is_some() && person.school_id == self.manages);
        let email = if shown { Email::Shown } else { Email::Withheld };
        convert::person(person, email)
    }
}

/// The e-mail a provider's verified claim gives, as identity keeps it. One
/// identity cannot keep is dropped with a warning: the provider vouched
/// for the person, and a strange address must not stop them signing in.
pub(super) fn claimed_email(issuer: &str, claim: &str) -> Option<String> {
    match contact_email(claim) {
        Ok(email) => email,
        Err(reason) => {
            tracing::warn!(issuer, %reason, "verified e-mail claim ignored");
            None
        }
    }
}

impl IdentityApi {
    /// The caller as a reader of contact e-mails, among them those of the
    /// people of `school_id` if the caller manages its roster.
    pub(super) async fn email_reader(
        &self,
        ctx: &CallContext,
        school_id: Option<SchoolId>,
    ) -> Result<EmailReader> {
        let manages = match school_id {
            Some(school_id) => {
                let db = &self.state.db;
                match require_school(db, &ctx.principal, school_id, Action::ManageRoster).await {
                    Ok(()) => Some(school_id),
                    Err(Error::NotFound(_)) => None,
                    Err(other) => return Err(other),
                }
            }
            None => None,
        };
        Ok(EmailReader {
            caller: ctx.principal.id,
            manages,
        })
    }

    pub(super) async fn list_contacts(
        &self,
        ctx: CallContext,
        request: pb::ListContactsRequest,
    ) -> Result<pb::ListContactsResponse> {
        require_notifier(&ctx)?;
        const MAX: usize = MAX_CONTACTS_ASKED;
        let ids = parse_ids("person_ids", &request.person_ids, MAX, PersonId::parse)?;
        let mut found: HashMap<PersonId, Person> =
            store::enabled_persons_by_ids(&self.state.db, &ids)
                .await?
                .into_iter()
                .map(|person| (person.id, person))
                .collect();
        // In the order asked, each person once.
        let contacts = ids
            .iter()
            .filter_map(|id| found.remove(id))
            .map(|person| pb::Contact {
                person_id: person.id.to_string(),
                display_name: person.full_name(),
                email: person.email.unwrap_or_default(),
            })
            .collect();
        Ok(pb::ListContactsResponse { contacts })
    }
}
