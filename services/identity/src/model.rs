//! The roster as identity stores it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKind {
    Student,
    Guardian,
    Staff,
}

impl PersonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Student => "student",
            PersonKind::Guardian => "guardian",
            PersonKind::Staff => "staff",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [PersonKind::Student, PersonKind::Guardian, PersonKind::Staff]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct School {
    pub id: Uuid,
    pub name: String,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Person {
    pub id: Uuid,
    pub school_id: Option<Uuid>,
    pub kind: String,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl Person {
    pub fn kind(&self) -> Option<PersonKind> {
        PersonKind::parse(&self.kind)
    }

    /// What name search matches: the full name, lowercased (Unicode-aware).
    pub fn search_name(family: &str, given: &str, middle: &str) -> String {
        format!("{family} {given} {middle}").trim().to_lowercase()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Class {
    pub id: Uuid,
    pub school_id: Uuid,
    pub grade_level: i32,
    pub letter: String,
    pub academic_year: i32,
    pub class_teacher_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subject {
    pub id: Uuid,
    pub school_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Membership {
    pub student_id: Uuid,
    pub class_id: Uuid,
    pub school_id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Guardianship {
    pub guardian_id: Uuid,
    pub student_id: Uuid,
    pub school_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct TeachingAssignment {
    pub id: Uuid,
    pub school_id: Uuid,
    pub teacher_id: Uuid,
    pub class_id: Uuid,
    pub subject_id: Uuid,
    /// Set when the assignment covers one group of the class only.
    pub group_id: Option<Uuid>,
}

/// A group within a class, with its students.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: Uuid,
    pub school_id: Uuid,
    pub class_id: Uuid,
    pub name: String,
    pub student_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credential {
    pub person_id: Uuid,
    pub password_hash: String,
    pub must_change: bool,
}
