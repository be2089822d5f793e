//! Who may write to whom: the facts of a conversation in a school (about a
//! student, or staff among themselves), judged by the shared policy's
//! `allows_correspondence`. A refusal reads as a person who does not exist.

use std::collections::HashMap;

use chrono::NaiveDate;
use otmetka_platform::auth::Principal;
use otmetka_platform::authz::{self, Relations, StaffRole};
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use otmetka_platform::{Error, Result};

use crate::access::{as_person, policy_subjects, school_today};
use crate::model::{Membership, Person, PersonKind};
use crate::store;

/// A person the caller may write to, as a conversation shows them.
#[derive(Debug, Clone)]
pub struct Correspondent {
    pub person_id: PersonId,
    pub display_name: String,
    /// How they take part: the student, a guardian of the student, or staff.
    pub kind: PersonKind,
    pub relations: Relations,
}

impl Correspondent {
    fn of(person: &Person, relations: Relations) -> Self {
        let kind = if relations.student_self {
            PersonKind::Student
        } else if relations.guardian_of {
            PersonKind::Guardian
        } else {
            PersonKind::Staff
        };
        Self {
            person_id: person.id,
            display_name: person.full_name(),
            kind,
            relations,
        }
    }
}

/// The student a conversation is about, checked to study at the school,
/// with their class today.
struct Subject {
    student_id: StudentId,
    membership: Option<Membership>,
}

async fn conversation_subject(
    db: &Db,
    school_id: SchoolId,
    student_id: Option<StudentId>,
    today: NaiveDate,
    not_found: impl Fn() -> Error,
) -> Result<Option<Subject>> {
    let Some(student_id) = student_id else {
        return Ok(None);
    };
    let student = store::get_person(db, student_id.into())
        .await?
        .ok_or_else(&not_found)?;
    if student.kind() != Some(PersonKind::Student) || student.school_id != Some(school_id) {
        return Err(not_found());
    }
    Ok(Some(Subject {
        student_id,
        membership: store::membership_on(db, student_id, today).await?,
    }))
}

fn parse_roles(roles: &[String]) -> Vec<StaffRole> {
    roles
        .iter()
        .filter_map(|role| StaffRole::parse(role))
        .collect()
}

/// How `person` relates to a conversation in `school_id`: to the student
/// it is about, or, without one, to the school.
async fn relations_of(
    db: &Db,
    person: PersonId,
    school_id: SchoolId,
    subject: Option<&Subject>,
) -> Result<Relations> {
    let mut relations = Relations {
        school_roles: parse_roles(&store::staff_roles(db, person, school_id).await?),
        ..Relations::default()
    };
    let Some(subject) = subject else {
        return Ok(relations);
    };
    relations.student_self = person.uuid() == subject.student_id.uuid();
    relations.guardian_of =
        !relations.student_self && store::is_guardian(db, person, subject.student_id).await?;
    if let Some(membership) = &subject.membership {
        relations.teaches_subjects = policy_subjects(
            store::taught_subjects(db, person, membership.class_id, subject.student_id).await?,
        );
        relations.class_teacher_of = store::get_class(db, membership.class_id)
            .await?
            .and_then(|class| class.class_teacher_id)
            == Some(person);
    }
    Ok(relations)
}

/// Allows the caller to write to `person_id` in a school, about a student
/// of that school if one is named, or answers "person not found", so that
/// nobody learns whether a person they may not write to exists.
pub async fn require_correspondent(
    db: &Db,
    clock: &Clock,
    caller: &Principal,
    school_id: SchoolId,
    person_id: PersonId,
    student_id: Option<StudentId>,
) -> Result<Correspondent> {
    let not_found = || Error::not_found("person");
    if caller.client_scopes.is_some() {
        return Err(not_found());
    }
    let person = store::get_person(db, person_id)
        .await?
        .filter(|person| !person.disabled)
        .ok_or_else(not_found)?;
    let today = school_today(db, clock, school_id).await?;
    let subject = conversation_subject(db, school_id, student_id, today, not_found).await?;
    let (mine, theirs) = tokio::try_join!(
        relations_of(db, as_person(caller), school_id, subject.as_ref()),
        relations_of(db, person_id, school_id, subject.as_ref()),
    )?;
    if !authz::allows_correspondence(&mine, &theirs) {
        tracing::info!(caller = %caller.id, %person_id, %school_id, "correspondence denied");
        return Err(not_found());
    }
    Ok(Correspondent::of(&person, theirs))
}

/// Everyone the caller may write to in a school (about a student, if
/// named): the school's staff, the student and their guardians, each
/// judged by the same rule as [`require_correspondent`], from facts read
/// for all of them at once. A family finds the class teacher, the
/// student's teachers and the rest of the staff first, then itself; staff
/// find the student and their guardians first.
pub async fn correspondents(
    db: &Db,
    clock: &Clock,
    caller: &Principal,
    school_id: SchoolId,
    student_id: Option<StudentId>,
) -> Result<Vec<Correspondent>> {
    if caller.client_scopes.is_some() {
        return Err(Error::not_found("school"));
    }
    let me = as_person(caller);
    let today = school_today(db, clock, school_id).await?;
    let subject = conversation_subject(db, school_id, student_id, today, || {
        Error::not_found("student")
    })
    .await?;
    let mine = relations_of(db, me, school_id, subject.as_ref()).await?;
    // Someone who is neither the student's family nor staff of the school
    // learns nothing, not even that the student is there.
    if !(mine.student_self || mine.guardian_of || !mine.school_roles.is_empty()) {
        return Err(Error::not_found(if subject.is_some() {
            "student"
        } else {
            "school"
        }));
    }

    let mut roles: HashMap<PersonId, Vec<String>> = HashMap::new();
    for (person_id, role) in store::school_staff_roles(db, school_id).await? {
        roles.entry(person_id).or_default().push(role);
    }
    let mut people: Vec<Person> = store::school_staff(db, school_id).await?;
    let mut taught: HashMap<PersonId, Vec<_>> = HashMap::new();
    let mut guardians = Vec::new();
    let mut class_teacher = None;
    if let Some(subject) = &subject {
        guardians = store::guardians_of_student(db, subject.student_id).await?;
        for person_id in std::iter::once(subject.student_id.into()).chain(guardians.clone()) {
            if let Some(person) = store::get_person(db, person_id).await?
                && !person.disabled
            {
                people.push(person);
            }
        }
        if let Some(membership) = &subject.membership {
            for (teacher_id, subject_id) in
                store::teachers_of_student(db, membership.class_id, subject.student_id).await?
            {
                taught.entry(teacher_id).or_default().push(subject_id);
            }
            class_teacher = store::get_class(db, membership.class_id)
                .await?
                .and_then(|class| class.class_teacher_id);
        }
    }
    let mut found: Vec<Correspondent> = Vec::new();
    for person in people {
        if person.id == me || found.iter().any(|known| known.person_id == person.id) {
            continue;
        }
        let theirs = Relations {
            school_roles: parse_roles(roles.get(&person.id).map_or(&[][..], Vec::as_slice)),
            student_self: subject
                .as_ref()
                .is_some_and(|subject| subject.student_id.uuid() == person.id.uuid()),
            guardian_of: guardians.contains(&person.id),
            teaches_subjects: policy_subjects(taught.remove(&person.id).unwrap_or_default()),
            class_teacher_of: class_teacher == Some(person.id),
            ..Relations::default()
        };
        if authz::allows_correspondence(&mine, &theirs) {
            found.push(Correspondent::of(&person, theirs));
        }
    }
    // Staff look for the family first; a family for the teachers.
    let family_writes = mine.student_self || mine.guardian_of;
    found.sort_by_cached_key(|correspondent| {
        let relations = &correspondent.relations;
        let family = match correspondent.kind {
            PersonKind::Student => Some(0),
            PersonKind::Guardian => Some(1),
            PersonKind::Staff => None,
        };
        let staff = if relations.class_teacher_of {
            0
        } else if !relations.teaches_subjects.is_empty() {
            1
        } else {
            2
        };
        let place = match (family, family_writes) {
            (Some(place), false) => place,
            (Some(place), true) => 3 + place,
            (None, false) => 2 + staff,
            (None, true) => staff,
        };
        (place, correspondent.display_name.to_lowercase())
    });
    Ok(found)
}
