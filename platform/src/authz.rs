//! The authorization policy: which relationship allows which action.
//!
//! The policy is a pure function written once. Identity gathers the facts (how
//! the caller relates to the object) and decides with it; every other service
//! asks identity (`CheckAccess`) rather than deciding on its own, so a rule
//! changes in one place. Anything not allowed here is denied.

use uuid::Uuid;

/// Scopes a vendor client may hold.
pub const SCOPE_ROSTER_READ: &str = "roster.read";
pub const SCOPE_MARKS_WRITE: &str = "marks.write";
pub const SCOPE_ATTENDANCE_WRITE: &str = "attendance.write";
pub const SCOPE_CHANGES_READ: &str = "changes.read";
pub const VENDOR_SCOPES: [&str; 4] = [
    SCOPE_ROSTER_READ,
    SCOPE_MARKS_WRITE,
    SCOPE_ATTENDANCE_WRITE,
    SCOPE_CHANGES_READ,
];

/// The gateway's right to sign people in by identities it verified.
pub const SCOPE_EXTERNAL_LOGIN: &str = "identity.external_login";
/// The gateway's right to learn whose sessions must end.
pub const SCOPE_SESSIONS_READ: &str = "identity.sessions.read";
/// The gateway's client's scopes.
pub const GATEWAY_SCOPES: [&str; 2] = [SCOPE_EXTERNAL_LOGIN, SCOPE_SESSIONS_READ];
/// A platform service's right to read every school's change feed of
/// another service (vendors' `changes.read` reaches granted schools only).
pub const SCOPE_ALL_CHANGES_READ: &str = "platform.changes.read";
/// The scopes of a platform service that consumes other services' feeds.
pub const FEED_READER_SCOPES: [&str; 1] = [SCOPE_ALL_CHANGES_READ];
/// The notifying service's right to learn every student's guardians.
pub const SCOPE_FAMILIES_READ: &str = "platform.families.read";
/// Messaging's client's scopes: it reads the journal's feeds and tells
/// families what they say.
pub const NOTIFIER_SCOPES: [&str; 2] = [SCOPE_ALL_CHANGES_READ, SCOPE_FAMILIES_READ];
/// Scopes any platform service client may hold.
pub const SERVICE_SCOPES: [&str; 4] = [
    SCOPE_EXTERNAL_LOGIN,
    SCOPE_SESSIONS_READ,
    SCOPE_ALL_CHANGES_READ,
    SCOPE_FAMILIES_READ,
];

/// A staff role held in one school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StaffRole {
    Teacher,
    DeputyHead,
    Director,
    SchoolAdmin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        StaffRole::Teacher,
        StaffRole::DeputyHead,
        StaffRole::Director,
        StaffRole::SchoolAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Teacher => "teacher",
            StaffRole::DeputyHead => "deputy_head",
            StaffRole::Director => "director",
            StaffRole::SchoolAdmin => "school_admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// How the caller relates to the object of a request (a student, or a school).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// The caller is a city operator (department of education).
    pub city_operator: bool,
    /// The caller is the student.
    pub student_self: bool,
    /// The caller is a guardian of the student.
    pub guardian_of: bool,
    /// Subjects the caller teaches to the student's class (teaches-class-subject).
    pub teaches_subjects: Vec<Uuid>,
    /// The caller is the class teacher of the student's class.
    pub class_teacher_of: bool,
    /// The caller's staff roles in the object's school (staff-of-school).
    pub school_roles: Vec<StaffRole>,
    /// The caller studies at the object's school or is a guardian of one of
    /// its students.
    pub school_member: bool,
    /// The caller studies in the object class (or group) on the day, or is a
    /// guardian of a student who does.
    pub class_member: bool,
    /// The caller is a vendor client the object's school has granted access
    /// (vendor-granted-school).
    pub vendor_granted_school: bool,
    /// A client caller's token scopes; empty for people.
    pub client_scopes: Vec<String>,
}

impl Relations {
    fn has_school_role(&self, role: StaffRole) -> bool {
        self.school_roles.contains(&role)
    }

    /// A granted vendor whose token carries `scope`.
    fn granted_vendor_with(&self, scope: &str) -> bool {
        self.vendor_granted_school && self.client_scopes.iter().any(|s| s == scope)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read a student's marks, attendance and homework.
    ReadStudentRecord,
    /// Post or correct a mark in a subject.
    WriteMark { subject_id: Uuid },
    /// Record attendance at a lesson of a subject.
    WriteAttendance { subject_id: Uuid },
    /// Read a school's calendar: years, periods, bells, holidays, timetable.
    ReadSchool,
    /// Read a school's roster (classes, subjects, people).
    ReadRoster,
    /// Change a school's calendar, bell schedules, timetable and lessons.
    ManageSchedule,
    /// Close or reopen a reporting period (locks the journal).
    ClosePeriod,
    /// Teach a class (or a group of it) a subject: lesson topics, homework.
    TeachClass { subject_id: Uuid },
    /// Read a class's (or group's) lessons and homework.
    ReadClass,
    /// Act as the student's family: the student or a guardian (e.g. mark a
    /// mark as seen).
    ActAsFamily,
    /// Read every student record of a school at once (the change feed).
    ReadSchoolRecords,
    /// Change a school's roster, credentials and assignments.
    ManageRoster,
    /// Read a school's audit trail.
    ReadAudit,
    /// Create schools.
    ManageCity,
    /// Publish news and announcements to a school, or to a class or a
    /// group of it.
    Announce,
}

/// Decides `action` for a caller with `relations` to the object.
pub fn allows(relations: &Relations, action: Action) -> bool {
    match action {
        Action::ReadStudentRecord => {
            relations.student_self
                || relations.guardian_of
                || !relations.teaches_subjects.is_empty()
                || relations.class_teacher_of
                || relations.has_school_role(StaffRole::DeputyHead)
                || relations.has_school_role(StaffRole::Director)
        }
        Action::WriteMark { subject_id } => {
            relations.teaches_subjects.contains(&subject_id)
                || relations.granted_vendor_with(SCOPE_MARKS_WRITE)
        }
        Action::WriteAttendance { subject_id } => {
            relations.teaches_subjects.contains(&subject_id)
                || relations.granted_vendor_with(SCOPE_ATTENDANCE_WRITE)
        }
        Action::ReadSchool => allows(relations, Action::ReadRoster) || relations.school_member,
        Action::ReadRoster => {
            relations.city_operator
                || !relations.school_roles.is_empty()
                || relations.granted_vendor_with(SCOPE_ROSTER_READ)
        }
        Action::ManageSchedule => {
            relations.has_school_role(StaffRole::SchoolAdmin)
                || relations.has_school_role(StaffRole::DeputyHead)
        }
        Action::ClosePeriod => {
            relations.has_school_role(StaffRole::DeputyHead)
                || relations.has_school_role(StaffRole::Director)
        }
        Action::TeachClass { subject_id } => {
            relations.teaches_subjects.contains(&subject_id)
                || relations.class_teacher_of
                || relations.has_school_role(StaffRole::DeputyHead)
        }
        Action::ReadClass => relations.class_member || allows(relations, Action::ReadRoster),
        Action::ActAsFamily => relations.student_self || relations.guardian_of,
        Action::ReadSchoolRecords => {
            relations.city_operator
                || relations.has_school_role(StaffRole::DeputyHead)
                || relations.has_school_role(StaffRole::Director)
                || relations.granted_vendor_with(SCOPE_CHANGES_READ)
        }
        Action::ManageRoster => {
            relations.city_operator || relations.has_school_role(StaffRole::SchoolAdmin)
        }
        Action::ReadAudit => {
            relations.city_operator || relations.has_school_role(StaffRole::SchoolAdmin)
        }
        Action::ManageCity => relations.city_operator,
        Action::Announce => {
            relations.class_teacher_of
                || relations.has_school_role(StaffRole::SchoolAdmin)
                || relations.has_school_role(StaffRole::DeputyHead)
                || relations.has_school_role(StaffRole::Director)
        }
    }
}

/// Whether two people may write to each other in one school, each
/// described by their relations to the conversation's object: the student
/// it is about, or, with no student, the school. A family (the student,
/// their guardians) writes with the student's teachers and class teacher,
/// with the school's management and among itself; staff write with staff.
/// Either may start: the rule is symmetric.
pub fn allows_correspondence(caller: &Relations, correspondent: &Relations) -> bool {
    fn family(person: &Relations) -> bool {
        person.student_self || person.guardian_of
    }
    fn teaches_or_manages(person: &Relations) -> bool {
        !person.teaches_subjects.is_empty()
            || person.class_teacher_of
            || person.has_school_role(StaffRole::DeputyHead)
            || person.has_school_role(StaffRole::Director)
    }
    fn staff(person: &Relations) -> bool {
        !person.school_roles.is_empty()
    }
    let people = caller.client_scopes.is_empty() && correspondent.client_scopes.is_empty();
    people
        && ((family(caller) && (family(correspondent) || teaches_or_manages(correspondent)))
            || (teaches_or_manages(caller) && family(correspondent))
            || (staff(caller) && staff(correspondent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Uuid {
        Uuid::from_u128(7)
    }

    /// Every kind of caller, by how they relate to one student.
    fn callers() -> Vec<(&'static str, Relations)> {
        vec![
            ("stranger", Relations::default()),
            (
                "student",
                Relations {
                    student_self: true,
                    ..Default::default()
                },
            ),
            (
                "own guardian",
                Relations {
                    guardian_of: true,
                    ..Default::default()
                },
            ),
            (
                "member of the school",
                Relations {
                    school_member: true,
                    ..Default::default()
                },
            ),
            (
                "member of the class",
                Relations {
                    school_member: true,
                    class_member: true,
                    ..Default::default()
                },
            ),
            (
                "subject teacher",
                Relations {
                    teaches_subjects: vec![subject()],
                    school_roles: vec![StaffRole::Teacher],
                    ..Default::default()
                },
            ),
            (
                "other teacher of the school",
                Relations {
                    school_roles: vec![StaffRole::Teacher],
                    ..Default::default()
                },
            ),
            (
                "class teacher",
                Relations {
                    class_teacher_of: true,
                    school_roles: vec![StaffRole::Teacher],
                    ..Default::default()
                },
            ),
            (
                "deputy head",
                Relations {
                    school_roles: vec![StaffRole::DeputyHead],
                    ..Default::default()
                },
            ),
            (
                "director",
                Relations {
                    school_roles: vec![StaffRole::Director],
                    ..Default::default()
                },
            ),
            (
                "school admin",
                Relations {
                    school_roles: vec![StaffRole::SchoolAdmin],
                    ..Default::default()
                },
            ),
            (
                "city operator",
                Relations {
                    city_operator: true,
                    ..Default::default()
                },
            ),
            (
                "granted vendor",
                Relations {
                    vendor_granted_school: true,
                    client_scopes: VENDOR_SCOPES.map(str::to_owned).to_vec(),
                    ..Default::default()
                },
            ),
            (
                "vendor without a grant",
                Relations {
                    client_scopes: VENDOR_SCOPES.map(str::to_owned).to_vec(),
                    ..Default::default()
                },
            ),
            (
                "granted vendor without scopes",
                Relations {
                    vendor_granted_school: true,
                    ..Default::default()
                },
            ),
        ]
    }

    #[test]
    fn the_matrix() {
        let actions = [
            Action::ReadStudentRecord,
            Action::WriteMark {
                subject_id: subject(),
            },
            Action::WriteAttendance {
                subject_id: subject(),
            },
            Action::ReadSchool,
            Action::ReadRoster,
            Action::ManageSchedule,
            Action::ClosePeriod,
            Action::TeachClass {
                subject_id: subject(),
            },
            Action::ReadClass,
            Action::ActAsFamily,
            Action::ReadSchoolRecords,
            Action::ManageRoster,
            Action::ReadAudit,
            Action::ManageCity,
            Action::Announce,
        ];
        // Columns in the order of `actions`: record, mark, attendance, school, roster,
        // schedule, close, teach, class, family, school records, manage
        // roster, audit, city, announce.
        let o = false;
        let x = true;
        let expected: [(&str, [bool; 15]); 15] = [
            ("stranger", [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o]),
            ("student", [x, o, o, o, o, o, o, o, o, x, o, o, o, o, o]),
            (
                "own guardian",
                [x, o, o, o, o, o, o, o, o, x, o, o, o, o, o],
            ),
            (
                "member of the school",
                [o, o, o, x, o, o, o, o, o, o, o, o, o, o, o],
            ),
            (
                "member of the class",
                [o, o, o, x, o, o, o, o, x, o, o, o, o, o, o],
            ),
            (
                "subject teacher",
                [x, x, x, x, x, o, o, x, x, o, o, o, o, o, o],
            ),
            (
                "other teacher of the school",
                [o, o, o, x, x, o, o, o, x, o, o, o, o, o, o],
            ),
            (
                "class teacher",
                [x, o, o, x, x, o, o, x, x, o, o, o, o, o, x],
            ),
            ("deputy head", [x, o, o, x, x, x, x, x, x, o, x, o, o, o, x]),
            ("director", [x, o, o, x, x, o, x, o, x, o, x, o, o, o, x]),
            (
                "school admin",
                [o, o, o, x, x, x, o, o, x, o, o, x, x, o, x],
            ),
            (
                "city operator",
                [o, o, o, x, x, o, o, o, x, o, x, x, x, x, o],
            ),
            (
                "granted vendor",
                [o, x, x, x, x, o, o, o, x, o, x, o, o, o, o],
            ),
            (
                "vendor without a grant",
                [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o],
            ),
            (
                "granted vendor without scopes",
                [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o],
            ),
        ];
        let callers = callers();
        assert_eq!(callers.len(), expected.len());
        for ((name, relations), (expected_name, cells)) in callers.iter().zip(expected) {
            assert_eq!(*name, expected_name);
            for (action, allowed) in actions.into_iter().zip(cells) {
                assert_eq!(allows(relations, action), allowed, "{name} × {action:?}");
            }
        }
    }

    #[test]
    fn correspondence_matrix() {
        // Rows and columns in the order of `callers()`: who may write to whom
        // about one student.
        let o = false;
        let x = true;
        let expected: [[bool; 15]; 15] = [
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // stranger
            [o, x, x, o, o, x, o, x, x, x, o, o, o, o, o], // student
            [o, x, x, o, o, x, o, x, x, x, o, o, o, o, o], // own guardian
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // member of the school
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // member of the class
            [o, x, x, o, o, x, x, x, x, x, x, o, o, o, o], // subject teacher
            [o, o, o, o, o, x, x, x, x, x, x, o, o, o, o], // other teacher
            [o, x, x, o, o, x, x, x, x, x, x, o, o, o, o], // class teacher
            [o, x, x, o, o, x, x, x, x, x, x, o, o, o, o], // deputy head
            [o, x, x, o, o, x, x, x, x, x, x, o, o, o, o], // director
            [o, o, o, o, o, x, x, x, x, x, x, o, o, o, o], // school admin
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // city operator
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // granted vendor
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // vendor without a grant
            [o, o, o, o, o, o, o, o, o, o, o, o, o, o, o], // vendor without scopes
        ];
        let callers = callers();
        assert_eq!(callers.len(), expected.len());
        for ((name, caller), row) in callers.iter().zip(expected) {
            for ((other, correspondent), allowed) in callers.iter().zip(row) {
                assert_eq!(
                    allows_correspondence(caller, correspondent),
                    allowed,
                    "{name} writes to {other}"
                );
            }
        }
    }

    #[test]
    fn teaching_one_subject_does_not_allow_marks_in_another() {
        let relations = Relations {
            teaches_subjects: vec![subject()],
            ..Default::default()
        };
        assert!(!allows(
            &relations,
            Action::WriteMark {
                subject_id: Uuid::from_u128(8)
            }
        ));
    }

    #[test]
    fn staff_roles_round_trip_their_names() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(StaffRole::parse("janitor"), None);
    }

    fn any_relations() -> impl proptest::strategy::Strategy<Value = Relations> {
        use proptest::prelude::*;
        let subjects = proptest::sample::subsequence(vec![subject(), Uuid::from_u128(8)], 0..=2);
        let roles = proptest::sample::subsequence(StaffRole::ALL.to_vec(), 0..=4);
        let scopes = proptest::sample::subsequence(
            vec![
                SCOPE_MARKS_WRITE.to_owned(),
                SCOPE_ROSTER_READ.to_owned(),
                SCOPE_ATTENDANCE_WRITE.to_owned(),
            ],
            0..=3,
        );
        (any::<[bool; 7]>(), subjects, roles, scopes).prop_map(
            |(flags, subjects, roles, scopes)| Relations {
                city_operator: flags[0],
                student_self: flags[1],
                guardian_of: flags[2],
                teaches_subjects: subjects,
                class_teacher_of: flags[3],
                school_roles: roles,
                school_member: flags[4],
                class_member: flags[5],
                vendor_granted_school: flags[6],
                client_scopes: scopes,
            },
        )
    }

    fn union(a: &Relations, b: &Relations) -> Relations {
        let joined = |x: &[Uuid], y: &[Uuid]| x.iter().chain(y).copied().collect();
        Relations {
            city_operator: a.city_operator || b.city_operator,
            student_self: a.student_self || b.student_self,
            guardian_of: a.guardian_of || b.guardian_of,
            teaches_subjects: joined(&a.teaches_subjects, &b.teaches_subjects),
            class_teacher_of: a.class_teacher_of || b.class_teacher_of,
            school_roles: a
                .school_roles
                .iter()
                .chain(&b.school_roles)
                .copied()
                .collect(),
            school_member: a.school_member || b.school_member,
            class_member: a.class_member || b.class_member,
            vendor_granted_school: a.vendor_granted_school || b.vendor_granted_school,
            client_scopes: a
                .client_scopes
                .iter()
                .chain(&b.client_scopes)
                .cloned()
                .collect(),
        }
    }

    proptest::proptest! {
        /// Identity stops gathering relations once those it has allow the
        /// action; that is sound only because more relations never allow less.
        #[test]
        fn more_relations_never_allow_less(a in any_relations(), b in any_relations()) {
            let actions = [
                Action::ReadStudentRecord,
                Action::WriteMark { subject_id: subject() },
                Action::WriteAttendance { subject_id: subject() },
                Action::ReadSchool,
                Action::ReadRoster,
                Action::ManageSchedule,
                Action::ClosePeriod,
                Action::TeachClass { subject_id: subject() },
                Action::ReadClass,
                Action::ActAsFamily,
                Action::ReadSchoolRecords,
                Action::ManageRoster,
                Action::ReadAudit,
                Action::ManageCity,
                Action::Announce,
            ];
            let both = union(&a, &b);
            for action in actions {
                if allows(&a, action) {
                    proptest::prop_assert!(allows(&both, action), "{action:?}");
                }
            }
        }

        /// Whoever may write to someone may be written to by them.
        #[test]
        fn correspondence_is_symmetric(a in any_relations(), b in any_relations()) {
            proptest::prop_assert_eq!(allows_correspondence(&a, &b), allows_correspondence(&b, &a));
        }
    }
}
