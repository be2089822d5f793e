//! Marks as the gradebook keeps them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A value on the 5-point scale: 1–5, optionally with "+" or "−".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FivePointValue {
    points: u8,
    modifier: Modifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    Plus,
    Minus,
}

impl FivePointValue {
    /// Parses "5", "4-", "4−" (Unicode minus) or "3+".
    pub fn parse(text: &str) -> Result<Self, String> {
        let refuse =
            || format!("{text:?} is not a mark on the 5-point scale (1–5, optionally with + or -)");
        let text = text.trim();
        let mut chars = text.chars();
        let points = chars
            .next()
            .and_then(|c| c.to_digit(10))
            .filter(|points| (1..=5).contains(points))
            .ok_or_else(refuse)? as u8;
        let modifier = match chars.as_str() {
            "" => Modifier::None,
            "+" => Modifier::Plus,
            "-" | "−" => Modifier::Minus,
            _ => return Err(refuse()),
        };
        Ok(Self { points, modifier })
    }
}

impl std::fmt::Display for FivePointValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let suffix = match self.modifier {
            Modifier::None => "",
            Modifier::Plus => "+",
            Modifier::Minus => "-",
        };
        write!(f, "{}{suffix}", self.points)
    }
}

/// What a journal cell holds instead of, or as, a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkStatus {
    Graded,
    Exempt,
    NotSubmitted,
    Absent,
    Pending,
}

impl MarkStatus {
    pub const ALL: [MarkStatus; 5] = [
        MarkStatus::Graded,
        MarkStatus::Exempt,
        MarkStatus::NotSubmitted,
        MarkStatus::Absent,
        MarkStatus::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarkStatus::Graded => "graded",
            MarkStatus::Exempt => "exempt",
            MarkStatus::NotSubmitted => "not_submitted",
            MarkStatus::Absent => "absent",
            MarkStatus::Pending => "pending",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

pub const FIVE_POINT_SCALE: &str = "five_point";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mark {
    pub id: Uuid,
    pub school_id: Uuid,
    pub student_id: Uuid,
    pub subject_id: Uuid,
    pub class_id: Option<Uuid>,
    pub lesson_date: NaiveDate,
    pub scale: String,
    pub value: String,
    pub status: String,
    pub weight: i32,
    pub comment: String,
    pub author_id: Uuid,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_journal_notation() {
        assert_eq!(FivePointValue::parse("5").unwrap().to_string(), "5");
        assert_eq!(FivePointValue::parse("4-").unwrap().to_string(), "4-");
        assert_eq!(FivePointValue::parse("4−").unwrap().to_string(), "4-");
        assert_eq!(FivePointValue::parse(" 3+ ").unwrap().to_string(), "3+");
    }

    #[test]
    fn refuses_what_is_not_on_the_scale() {
        for bad in ["", "0", "6", "7", "55", "5++", "+5", "пять", "4.5"] {
            assert!(FivePointValue::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn whatever_parses_prints_back_the_same(text in "\\PC{0,4}") {
            if let Ok(value) = FivePointValue::parse(&text) {
                let printed = value.to_string();
                prop_assert_eq!(FivePointValue::parse(&printed), Ok(value));
                prop_assert!(('1'..='5').contains(&printed.chars().next().unwrap()));
            }
        }
    }

    #[test]
    fn statuses_round_trip() {
        for status in MarkStatus::ALL {
            assert_eq!(MarkStatus::parse(status.as_str()), Some(status));
        }
    }
}
