//! The roster as identity stores it.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId, SubjectId};

otmetka_platform::typed_id! {
    /// A student's membership of a class over a span of dates.
    MembershipId;
    /// A teacher's assignment to teach a subject to a class (or a group).
    TeachingAssignmentId;
    /// A one-time code that links a guardian to a student.
    AccessCodeId;
    /// A machine client: a vendor's system or a platform service.
    ClientId;
    /// A recorded audit event.
    AuditEventId;
    /// A person's ending of their sessions, which services poll for.
    SessionRevocationId;
}

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
    pub id: SchoolId,
    pub name: String,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Person {
    pub id: PersonId,
    pub school_id: Option<SchoolId>,
    pub kind: String,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// Where notifications are e-mailed, as [`crate::fields::contact_email`] keeps it.
    pub email: Option<String>,
}

impl Person {
    pub fn kind(&self) -> Option<PersonKind> {
        PersonKind::parse(&self.kind)
    }

    /// The person's id as a student's, once their kind is known to be one.
    pub fn as_student(&self) -> StudentId {
        StudentId(self.id.uuid())
    }

    /// The full name as people read it: family, given and middle names.
    pub fn full_name(&self) -> String {
        full_name(&self.family_name, &self.given_name, &self.middle_name)
    }

    /// What name search matches: the full name, lowercased (Unicode-aware).
    pub fn search_name(family: &str, given: &str, middle: &str) -> String {
        format!("{family} {given} {middle}").trim().to_lowercase()
    }
}

/// Family, given and middle names as people read them, the empty left out.
pub fn full_name(family: &str, given: &str, middle: &str) -> String {
    [family, given, middle]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Class {
    pub id: ClassId,
    pub school_id: SchoolId,
    pub grade_level: i32,
    pub letter: String,
    pub academic_year: i32,
    pub class_teacher_id: Option<PersonId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subject {
    pub id: SubjectId,
    pub school_id: SchoolId,
    pub name: String,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Membership {
    pub student_id: StudentId,
    pub class_id: ClassId,
    pub school_id: SchoolId,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Guardianship {
    pub guardian_id: PersonId,
    pub student_id: StudentId,
    pub school_id: SchoolId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct TeachingAssignment {
    pub id: TeachingAssignmentId,
    pub school_id: SchoolId,
    pub teacher_id: PersonId,
    pub class_id: ClassId,
    pub subject_id: SubjectId,
    /// Set when the assignment covers one group of the class only.
    pub group_id: Option<GroupId>,
}

/// A group within a class, with its students.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: GroupId,
    pub school_id: SchoolId,
    pub class_id: ClassId,
    pub name: String,
    pub student_ids: Vec<StudentId>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credential {
    pub person_id: PersonId,
    pub password_hash: String,
    pub must_change: bool,
}
