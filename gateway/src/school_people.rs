//! The people a school registered, of one kind, by name: what the staff
//! list and the forms that pick a guardian or a teacher read.

use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;

use crate::caller::{Caller, path_id};
use crate::roster::MAX_PAGES;

/// Every person of `kind` the school registered, disabled ones too, by
/// family name. Whoever may read the school's roster.
pub async fn load_people(
    caller: &Caller,
    school_id: &str,
    kind: identity::PersonKind,
) -> Result<Vec<identity::Person>> {
    let school_id = path_id("school", school_id)?;
    let mut people = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListPersonsRequest {
            school_id: school_id.clone(),
            kind: kind.into(),
            name_query: String::new(),
            page_size: 500,
            page_token,
        };
        let reply = caller
            .identity()
            .list_persons(caller.request(message)?)
            .await?
            .into_inner();
        people.extend(reply.persons);
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    people.sort_by(|a, b| {
        (&a.family_name, &a.given_name, &a.middle_name, &a.id).cmp(&(
            &b.family_name,
            &b.given_name,
            &b.middle_name,
            &b.id,
        ))
    });
    Ok(people)
}

/// A person the school registered, as one of `kind`; anyone else (another
/// school's, another kind) reads as `what` not found.
pub async fn school_person(
    caller: &Caller,
    school_id: &str,
    person_id: &str,
    kind: identity::PersonKind,
    what: &str,
) -> Result<identity::Person> {
    let school_id = path_id("school", school_id)?;
    let message = identity::GetPersonRequest {
        id: path_id(what, person_id)?,
    };
    caller
        .identity()
        .get_person(caller.request(message)?)
        .await?
        .into_inner()
        .person
        .filter(|person| person.school_id == school_id && person.kind == i32::from(kind))
        .ok_or_else(|| otmetka_platform::Error::not_found(what))
}
