//! The roster in contract form.

use otmetka_platform::time::to_timestamp;
use otmetka_proto::identity::v1 as pb;

use crate::model::{
    Class, Group, Guardianship, Membership, MembershipId, Person, PersonKind, School, Subject,
    TeachingAssignment,
};

pub fn school(school: School) -> pb::School {
    pb::School {
        id: school.id.to_string(),
        name: school.name,
        timezone: school.timezone,
        create_time: Some(to_timestamp(school.created_at)),
    }
}

pub fn class(class: Class) -> pb::Class {
    pb::Class {
        id: class.id.to_string(),
        school_id: class.school_id.to_string(),
        grade_level: class.grade_level,
        letter: class.letter,
        academic_year: class.academic_year,
        class_teacher_id: class
            .class_teacher_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        create_time: Some(to_timestamp(class.created_at)),
    }
}

pub fn subject(subject: Subject) -> pb::Subject {
    pb::Subject {
        id: subject.id.to_string(),
        school_id: subject.school_id.to_string(),
        name: subject.name,
    }
}

pub fn person_kind(kind: Option<PersonKind>) -> pb::PersonKind {
    match kind {
        Some(PersonKind::Student) => pb::PersonKind::Student,
        Some(PersonKind::Guardian) => pb::PersonKind::Guardian,
        Some(PersonKind::Staff) => pb::PersonKind::Staff,
        None => pb::PersonKind::Unspecified,
    }
}

/// Whether a person's contact e-mail goes out with them: only to the person
/// themself and to those who may update them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Email {
    Shown,
    Withheld,
}

pub fn person(person: Person, email: Email) -> pb::Person {
    pb::Person {
        id: person.id.to_string(),
        school_id: person
            .school_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        kind: person_kind(person.kind()).into(),
        family_name: person.family_name,
        given_name: person.given_name,
        middle_name: person.middle_name,
        disabled: person.disabled,
        create_time: Some(to_timestamp(person.created_at)),
        email: match email {
            Email::Shown => person.email.unwrap_or_default(),
            Email::Withheld => String::new(),
        },
    }
}

pub fn membership(id: MembershipId, membership: Membership) -> pb::ClassMembership {
    pb::ClassMembership {
        id: id.to_string(),
        student_id: membership.student_id.to_string(),
        class_id: membership.class_id.to_string(),
        school_id: membership.school_id.to_string(),
        start_date: membership.start_date.to_string(),
        end_date: membership
            .end_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    }
}

pub fn guardianship(link: Guardianship) -> pb::Guardianship {
    pb::Guardianship {
        guardian_id: link.guardian_id.to_string(),
        student_id: link.student_id.to_string(),
        school_id: link.school_id.to_string(),
        create_time: Some(to_timestamp(link.created_at)),
    }
}

pub fn assignment(assignment: TeachingAssignment) -> pb::TeachingAssignment {
    pb::TeachingAssignment {
        id: assignment.id.to_string(),
        school_id: assignment.school_id.to_string(),
        teacher_id: assignment.teacher_id.to_string(),
        class_id: assignment.class_id.to_string(),
        subject_id: assignment.subject_id.to_string(),
        group_id: assignment
            .group_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    }
}

pub fn group(group: Group) -> pb::Group {
    pb::Group {
        id: group.id.to_string(),
        school_id: group.school_id.to_string(),
        class_id: group.class_id.to_string(),
        name: group.name,
        student_ids: group.student_ids.iter().map(|id| id.to_string()).collect(),
    }
}
