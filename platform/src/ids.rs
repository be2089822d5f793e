//! Typed ids: one newtype over a UUID for each kind of thing the services
//! name, so that a student's id cannot be passed where a lesson's is
//! expected. Stored as the UUID itself (`#[sqlx(transparent)]`), kept in
//! JSON as its text, and written on the wire as its text: a typed id
//! changes neither a column nor a contract.
//!
//! The ids here are the ones several services share; a service declares
//! the ids only it knows with [`typed_id!`](crate::typed_id).

/// Declares id newtypes over `uuid::Uuid`, each with the parsing of
/// [`crate::time::parse_id`] (the same field-named INVALID_ARGUMENT).
/// The declaring crate needs `serde` and `sqlx` among its dependencies.
#[macro_export]
macro_rules! typed_id {
    ($($(#[$attr:meta])* $name:ident;)+) => {$(
        $(#[$attr])*
        #[derive(
            Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub ::uuid::Uuid);

        impl $name {
            /// A new, time-ordered id (UUIDv7).
            pub fn generate() -> Self {
                Self(::uuid::Uuid::now_v7())
            }

            pub fn uuid(self) -> ::uuid::Uuid {
                self.0
            }

            /// Parses a contract's id, naming `field` on failure.
            pub fn parse(field: &str, text: &str) -> $crate::Result<Self> {
                $crate::time::parse_id(field, text).map(Self)
            }

            /// Parses an optional id: empty text means none.
            pub fn parse_optional(field: &str, text: &str) -> $crate::Result<Option<Self>> {
                $crate::time::optional_id(field, text).map(|id| id.map(Self))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::uuid::Error;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                ::uuid::Uuid::parse_str(text).map(Self)
            }
        }

        impl From<::uuid::Uuid> for $name {
            fn from(id: ::uuid::Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for ::uuid::Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    )+};
}

typed_id! {
    /// A school (identity's tenant).
    SchoolId;
    /// A person in the role of a student.
    StudentId;
    /// A person in any role: a teacher, a guardian, a staff member.
    PersonId;
    /// A class (identity's).
    ClassId;
    /// A subject (identity's).
    SubjectId;
    /// A group within a class, such as one half for languages (identity's).
    GroupId;
    /// A lesson (schedule's).
    LessonId;
    /// A reporting period: a term, a half-year or the year (schedule's).
    PeriodId;
}

/// A student is a person: what they do (upload a file, hand in work) is
/// recorded as a person's.
impl From<StudentId> for PersonId {
    fn from(id: StudentId) -> Self {
        Self(id.0)
    }
}

/// The text of an optional id, empty for none, as the contracts write it.
pub fn optional_text<T: std::fmt::Display>(id: Option<T>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_their_uuid() {
        let uuid = uuid::Uuid::now_v7();
        let id = StudentId(uuid);
        assert_eq!(id.to_string(), uuid.to_string());
        assert_eq!(id.to_string().parse::<StudentId>().unwrap(), id);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            serde_json::to_string(&uuid).unwrap()
        );
        assert_eq!(
            StudentId::parse("student_id", &uuid.to_string()).unwrap(),
            id
        );
        assert_eq!(LessonId::parse_optional("lesson_id", "").unwrap(), None);
        assert_eq!(PersonId::from(id).uuid(), uuid);
        assert_eq!(optional_text(None::<LessonId>), "");
    }

    #[test]
    fn a_bad_id_names_its_field() {
        let error = SubjectId::parse("subject_id", "nope").unwrap_err();
        let expected = crate::time::parse_id("subject_id", "nope").unwrap_err();
        assert_eq!(format!("{error:?}"), format!("{expected:?}"));
    }
}
