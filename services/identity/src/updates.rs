//! Changes by field mask: which fields of a person or a school an update
//! may name, and the checks each new value passes.

use otmetka_platform::error::Violations;
use otmetka_platform::text::quote;
use otmetka_platform::{Error, Result};
use uuid::Uuid;

use crate::fields::{
    MAX_PERSON_NAME_CHARS, MAX_SCHOOL_NAME_CHARS, contact_email, optional_text, required_text,
    timezone,
};
use crate::model::{Person, School};

/// A person's new values; only the fields the mask names apply.
pub struct PersonChanges<'a> {
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub middle_name: &'a str,
    pub disabled: bool,
    /// Empty clears it.
    pub email: &'a str,
}

/// Applies the fields `paths` name to `person` for `caller`, who may not
/// disable themselves: nobody could sign in to undo it.
pub fn change_person(
    person: &mut Person,
    paths: &[String],
    changes: &PersonChanges,
    caller: Uuid,
) -> Result<()> {
    require_paths(paths)?;
    let mut violations = Violations::new();
    for path in paths {
        match path.as_str() {
            "family_name" => {
                person.family_name = required_text(
                    "person.family_name",
                    changes.family_name,
                    MAX_PERSON_NAME_CHARS,
                    &mut violations,
                )
            }
            "given_name" => {
                person.given_name = required_text(
                    "person.given_name",
                    changes.given_name,
                    MAX_PERSON_NAME_CHARS,
                    &mut violations,
                )
            }
            "middle_name" => {
                person.middle_name = optional_text(
                    "person.middle_name",
                    changes.middle_name,
                    MAX_PERSON_NAME_CHARS,
                    &mut violations,
                )
            }
            "disabled" => person.disabled = changes.disabled,
            "email" => {
                if let Some(email) = violations.check("person.email", contact_email(changes.email))
                {
                    person.email = email;
                }
            }
            other => violations.add("update_mask", format!("{} cannot be changed", quote(other))),
        }
    }
    if person.id.uuid() == caller && person.disabled {
        violations.add("person.disabled", "you cannot disable yourself");
    }
    violations.into_result()
}

/// A school's new values; only the fields the mask names apply.
pub struct SchoolChanges<'a> {
    pub name: &'a str,
    pub timezone: &'a str,
}

/// Applies the fields `paths` name to `school`.
pub fn change_school(school: &mut School, paths: &[String], changes: &SchoolChanges) -> Result<()> {
    require_paths(paths)?;
    let mut violations = Violations::new();
    for path in paths {
        match path.as_str() {
            "name" => {
                school.name = required_text(
                    "school.name",
                    changes.name,
                    MAX_SCHOOL_NAME_CHARS,
                    &mut violations,
                )
            }
            "timezone" => {
                if timezone("school.timezone", changes.timezone, &mut violations) {
                    school.timezone = changes.timezone.to_owned();
                }
            }
            other => violations.add("update_mask", format!("{} cannot be changed", quote(other))),
        }
    }
    violations.into_result()
}

/// An empty mask is a mistake, not "change everything".
fn require_paths(paths: &[String]) -> Result<()> {
    if paths.is_empty() {
        return Err(Error::invalid(
            "update_mask",
            "must name the fields to change",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use otmetka_platform::ids::{PersonId, SchoolId};

    use super::*;

    fn person() -> Person {
        Person {
            id: PersonId::generate(),
            school_id: Some(SchoolId::generate()),
            kind: "staff".into(),
            family_name: "Петрова".into(),
            given_name: "Анна".into(),
            middle_name: String::new(),
            disabled: false,
            created_at: Utc::now(),
            email: None,
        }
    }

    fn paths(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    const DISABLE: PersonChanges = PersonChanges {
        family_name: "",
        given_name: "",
        middle_name: "",
        disabled: true,
        email: "",
    };

    #[test]
    fn only_the_named_fields_change() {
        let mut changed = person();
        let changes = PersonChanges {
            family_name: " Сидорова ",
            ..DISABLE
        };
        change_person(
            &mut changed,
            &paths(&["family_name"]),
            &changes,
            Uuid::now_v7(),
        )
        .unwrap();
        assert_eq!(changed.family_name, "Сидорова");
        assert_eq!(changed.given_name, "Анна");
        assert!(!changed.disabled);
    }

    #[test]
    fn an_email_is_checked_under_its_field_and_empty_clears_it() {
        let mut changed = person();
        let set = PersonChanges {
            email: "Anna@School.RU",
            ..DISABLE
        };
        change_person(&mut changed, &paths(&["email"]), &set, Uuid::now_v7()).unwrap();
        assert_eq!(changed.email.as_deref(), Some("Anna@school.ru"));
        assert!(!changed.disabled);

        let bad = PersonChanges {
            email: "anna at school",
            ..DISABLE
        };
        let Err(otmetka_platform::Error::InvalidArgument(found)) =
            change_person(&mut changed, &paths(&["email"]), &bad, Uuid::now_v7())
        else {
            panic!("refused");
        };
        assert_eq!(found[0].field, "person.email");
        assert_eq!(changed.email.as_deref(), Some("Anna@school.ru"));

        change_person(&mut changed, &paths(&["email"]), &DISABLE, Uuid::now_v7()).unwrap();
        assert_eq!(changed.email, None);
    }

    #[test]
    fn nobody_disables_themselves() {
        let mut me = person();
        let caller = me.id.uuid();
        assert!(change_person(&mut me, &paths(&["disabled"]), &DISABLE, caller).is_err());
        let mut other = person();
        change_person(&mut other, &paths(&["disabled"]), &DISABLE, caller).unwrap();
        assert!(other.disabled);
    }

    #[test]
    fn a_mask_names_known_fields() {
        let mut school = School {
            id: SchoolId::generate(),
            name: "Школа № 1".into(),
            timezone: "Europe/Moscow".into(),
            created_at: Utc::now(),
        };
        let changes = SchoolChanges {
            name: "",
            timezone: "Asia/Yekaterinburg",
        };
        assert!(change_school(&mut school, &[], &changes).is_err());
        assert!(change_school(&mut school, &paths(&["id"]), &changes).is_err());
        change_school(&mut school, &paths(&["timezone"]), &changes).unwrap();
        assert_eq!(school.timezone, "Asia/Yekaterinburg");
    }
}
