//! Who is signed in, by name, the children a guardian may look after and
//! the roles a member of staff holds: what every page's header, child
//! switcher and staff start page show.

use std::time::Duration;

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::memo::ReadCache;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::Serialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::views::{PersonKind, StaffRole};

/// A person as others read their name.
#[derive(Serialize, ToSchema, Clone)]
pub struct PersonName {
    pub person_id: String,
    pub family_name: String,
    pub given_name: String,
    /// Patronymic (отчество); empty when there is none.
    pub middle_name: String,
}

impl PersonName {
    /// "Иванова Мария" — family name first, as school lists write it.
    pub fn short(&self) -> String {
        [self.family_name.as_str(), self.given_name.as_str()]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// "Иванова Мария Петровна": every part there is.
    pub fn full(&self) -> String {
        [&self.family_name, &self.given_name, &self.middle_name]
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl From<identity::Person> for PersonName {
    fn from(person: identity::Person) -> Self {
        Self {
            person_id: person.id,
            family_name: person.family_name,
            given_name: person.given_name,
            middle_name: person.middle_name,
        }
    }
}

/// The signed-in person.
#[derive(Serialize, ToSchema, Clone)]
pub struct MeView {
    #[serde(flatten)]
    pub name: PersonName,
    pub kind: Option<PersonKind>,
    /// A guardian's children, by family name; empty for anyone else.
    pub children: Vec<PersonName>,
    /// A member of staff's roles, by school name; empty for anyone else.
    pub roles: Vec<StaffRoleView>,
    /// The person administers the city's schools.
    pub city_operator: bool,
}

/// A staff role held in one school.
#[derive(Serialize, ToSchema, Clone)]
pub struct StaffRoleView {
    pub school_id: String,
    pub school_name: String,
    pub role: StaffRole,
}

/// `GET /api/v1/me`: the signed-in person's name and kind, a guardian's
/// children by name, a member of staff's roles by school.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, description = "The signed-in person", body = MeView)))]
pub async fn me(caller: Caller) -> impl IntoResponse {
    caller
        .answer(async { load_me(&caller).await.map(Json) })
        .await
}

/// How long who a person is (name, children, roles) is kept: every page's
/// header and switchers show it, and asking identity on every view doubled
/// a page's cost. The gateway forgets them all when it links a child or
/// changes a role itself; a change made elsewhere shows within this time.
/// Only what is shown is kept: every read of a child's records is still
/// checked by the service that holds them.
const KNOWN_FOR: Duration = Duration::from_secs(10);
/// About how many people one gateway remembers.
const KNOWN_KEPT: usize = 100_000;

/// Who the people signed in here lately are, by person.
#[derive(Clone)]
pub struct KnownPeople(ReadCache<uuid::Uuid, MeView>);

impl KnownPeople {
    pub fn new() -> Self {
        Self(ReadCache::new(KNOWN_FOR, KNOWN_KEPT))
    }

    /// Forgets everyone, and every read under way: call after a link or a
    /// role has changed.
    pub fn forget(&self) {
        self.0.invalidate();
    }
}

pub async fn load_me(caller: &Caller) -> Result<MeView> {
    let known = &caller.state.people.0;
    if let Some(me) = known.get(&caller.session.person_id) {
        return Ok(me);
    }
    let ticket = known.ticket();
    let me = ask_who(caller).await?;
    known.put(caller.session.person_id, me.clone(), ticket);
    Ok(me)
}

/// Who the signed-in person is, as identity says now.
async fn ask_who(caller: &Caller) -> Result<MeView> {
    let person_id = caller.session.person_id.to_string();
    let me = person(caller, &person_id).await?;
    let kind = PersonKind::from_proto(me.kind);
    let children = if kind == Some(PersonKind::Guardian) {
        children_of(caller, &person_id).await?
    } else {
        Vec::new()
    };
    let (roles, city_operator) = if kind == Some(PersonKind::Staff) {
        staff_roles(caller, &person_id).await?
    } else {
        (Vec::new(), false)
    };
    Ok(MeView {
        name: me.into(),
        kind,
        children,
        roles,
        city_operator,
    })
}

async fn staff_roles(caller: &Caller, person_id: &str) -> Result<(Vec<StaffRoleView>, bool)> {
    let message = identity::ListStaffRolesRequest {
        person_id: person_id.to_owned(),
    };
    let reply = caller
        .identity()
        .list_staff_roles(caller.request(message)?)
        .await?
        .into_inner();
    let roles = reply
        .roles
        .into_iter()
        .filter_map(|grant| {
            Some(StaffRoleView {
                role: StaffRole::from_proto(grant.role)?,
                school_id: grant.school_id,
                school_name: grant.school_name,
            })
        })
        .collect();
    Ok((roles, reply.city_operator))
}

/// One person the caller may see.
pub async fn person(caller: &Caller, id: &str) -> Result<identity::Person> {
    let message = identity::GetPersonRequest { id: id.to_owned() };
    caller
        .identity()
        .get_person(caller.request(message)?)
        .await?
        .into_inner()
        .person
        .ok_or_else(|| Error::not_found("person"))
}

/// A guardian has a handful of children: one call each is cheaper than a
/// batch RPC nobody else needs.
async fn children_of(caller: &Caller, guardian_id: &str) -> Result<Vec<PersonName>> {
    let message = identity::ListGuardianshipsRequest {
        guardian_id: guardian_id.to_owned(),
        page_size: 100,
        ..Default::default()
    };
    let links = caller
        .identity()
        .list_guardianships(caller.request(message)?)
        .await?
        .into_inner()
        .guardianships;
    let mut children = Vec::with_capacity(links.len());
    for link in links {
        children.push(person(caller, &link.student_id).await?.into());
    }
    children.sort_by(|a: &PersonName, b| {
        (&a.family_name, &a.given_name).cmp(&(&b.family_name, &b.given_name))
    });
    Ok(children)
}

/// A school's names as its families read them: staff and subjects by id,
/// and the school's timezone for writing times of day.
pub struct SchoolNames {
    pub timezone: chrono_tz::Tz,
    staff: std::collections::HashMap<String, String>,
    subjects: std::collections::HashMap<String, String>,
}

impl SchoolNames {
    /// A staff member's name, "Соколова Елена Викторовна"; empty if unknown.
    pub fn staff(&self, person_id: &str) -> &str {
        self.staff.get(person_id).map_or("", String::as_str)
    }

    pub fn subject(&self, subject_id: &str) -> &str {
        self.subjects.get(subject_id).map_or("", String::as_str)
    }

    /// (id, name) of every staff member, by name: what a form offers.
    pub fn staff_by_name(&self) -> Vec<(String, String)> {
        by_name(&self.staff)
    }

    /// (id, name) of every subject, by name.
    pub fn subjects_by_name(&self) -> Vec<(String, String)> {
        by_name(&self.subjects)
    }
}

fn by_name(names: &std::collections::HashMap<String, String>) -> Vec<(String, String)> {
    let mut listed: Vec<(String, String)> = names
        .iter()
        .map(|(id, name)| (id.clone(), name.clone()))
        .collect();
    listed.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    listed
}

/// Whoever may read the school (identity decides) learns its names.
pub async fn school_names(caller: &Caller, school_id: &str) -> Result<SchoolNames> {
    let message = identity::GetSchoolDirectoryRequest {
        school_id: school_id.to_owned(),
    };
    let directory = caller
        .identity()
        .get_school_directory(caller.request(message)?)
        .await?
        .into_inner();
    let full_name = |entry: &identity::DirectoryEntry| {
        [&entry.family_name, &entry.given_name, &entry.middle_name]
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Ok(SchoolNames {
        timezone: directory
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::Moscow),
        staff: directory
            .staff
            .iter()
            .map(|entry| (entry.person_id.clone(), full_name(entry)))
            .collect(),
        subjects: directory
            .subjects
            .into_iter()
            .map(|subject| (subject.id, subject.name))
            .collect(),
    })
}
