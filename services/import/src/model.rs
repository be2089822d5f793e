//! What import keeps: vendors' id mappings, and the kinds of entity they map.

use chrono::{DateTime, Utc};
use otmetka_platform::text::TextRule;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

/// A kind of platform entity a vendor may map its own ids to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    School,
    Class,
    Group,
    Subject,
    Student,
    Teacher,
    Enrollment,
    ReportingPeriod,
    Lesson,
}

/// Why an entity type cannot be mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmappable {
    Unspecified,
    /// Marks and attendance get their platform ids from pushed records.
    ReadOnly,
}

impl EntityKind {
    pub const ALL: [EntityKind; 9] = [
        EntityKind::School,
        EntityKind::Class,
        EntityKind::Group,
        EntityKind::Subject,
        EntityKind::Student,
        EntityKind::Teacher,
        EntityKind::Enrollment,
        EntityKind::ReportingPeriod,
        EntityKind::Lesson,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::School => "school",
            EntityKind::Class => "class",
            EntityKind::Group => "group",
            EntityKind::Subject => "subject",
            EntityKind::Student => "student",
            EntityKind::Teacher => "teacher",
            EntityKind::Enrollment => "enrollment",
            EntityKind::ReportingPeriod => "reporting_period",
            EntityKind::Lesson => "lesson",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The contract's entity type, if it is one that can be mapped.
    pub fn from_proto(value: i32) -> Result<Self, Unmappable> {
        use pb::EntityType as T;
        match T::try_from(value).unwrap_or(T::Unspecified) {
            T::Unspecified => Err(Unmappable::Unspecified),
            T::Mark | T::Attendance => Err(Unmappable::ReadOnly),
            T::School => Ok(EntityKind::School),
            T::Class => Ok(EntityKind::Class),
            T::Group => Ok(EntityKind::Group),
            T::Subject => Ok(EntityKind::Subject),
            T::Student => Ok(EntityKind::Student),
            T::Teacher => Ok(EntityKind::Teacher),
            T::Enrollment => Ok(EntityKind::Enrollment),
            T::ReportingPeriod => Ok(EntityKind::ReportingPeriod),
            T::Lesson => Ok(EntityKind::Lesson),
        }
    }

    pub fn to_proto(self) -> pb::EntityType {
        use pb::EntityType as T;
        match self {
            EntityKind::School => T::School,
            EntityKind::Class => T::Class,
            EntityKind::Group => T::Group,
            EntityKind::Subject => T::Subject,
            EntityKind::Student => T::Student,
            EntityKind::Teacher => T::Teacher,
            EntityKind::Enrollment => T::Enrollment,
            EntityKind::ReportingPeriod => T::ReportingPeriod,
            EntityKind::Lesson => T::Lesson,
        }
    }
}

/// Vendors' own ids are free text of this many characters at most.
pub const MAX_EXTERNAL_ID_CHARS: usize = 128;

/// Checks a vendor's external id: non-empty, at most 128 characters, no
/// control characters (they would only hide a mistake).
pub fn check_external_id(text: &str) -> Result<(), String> {
    EXTERNAL_ID
        .read(text)
        .map(|_| ())
        .map_err(|problem| problem.to_string())
}

/// The rule of [`check_external_id`]: kept exactly as sent, one line.
pub const EXTERNAL_ID: TextRule = TextRule::line(MAX_EXTERNAL_ID_CHARS).required().untrimmed();

/// One stored mapping.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdMapping {
    pub school_id: Uuid,
    pub entity_type: String,
    pub external_id: String,
    pub platform_id: Uuid,
    pub updated_at: DateTime<Utc>,
}

/// What storing one mapping did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Created,
    Updated,
    Unchanged,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_text_and_contract() {
        for kind in EntityKind::ALL {
            assert_eq!(EntityKind::parse(kind.as_str()), Some(kind));
            assert_eq!(EntityKind::from_proto(kind.to_proto().into()), Ok(kind));
        }
        assert_eq!(
            EntityKind::from_proto(pb::EntityType::Mark.into()),
            Err(Unmappable::ReadOnly)
        );
        assert_eq!(EntityKind::from_proto(0), Err(Unmappable::Unspecified));
        assert_eq!(EntityKind::from_proto(999), Err(Unmappable::Unspecified));
    }

    #[test]
    fn external_ids_are_bounded_printable_text() {
        assert!(check_external_id("STU-0001").is_ok());
        assert!(check_external_id("ученик/5а/1").is_ok());
        assert!(check_external_id("").is_err());
        assert!(check_external_id("a\u{0}b").is_err());
        assert!(check_external_id(&"я".repeat(128)).is_ok());
        assert!(check_external_id(&"я".repeat(129)).is_err());
    }
}
