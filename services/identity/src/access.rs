//! Gathers how a caller relates to a student or a school, and asks the
//! shared policy. A denial and a missing object give the same answer.

use chrono::NaiveDate;
use otmetka_platform::auth::Principal;
use otmetka_platform::authz::{self, Action, Relations, StaffRole};
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::{Error, Result};
use uuid::Uuid;

use crate::model::{ClientId, Membership, PersonKind};
use crate::store;

/// A student the caller may act on, with where they study on the day.
#[derive(Debug, Clone)]
pub struct StudentAccess {
    pub school_id: SchoolId,
    pub membership: Option<Membership>,
    /// Allowed through a staff relationship, not as the student or a guardian:
    /// such reads are audited.
    pub via_staff: bool,
}

// The caller's id stays a bare UUID in `Principal`: it may be a person's
// or a client's, and each query below names which it asks about.

/// The caller as a person: meaningful only once a client caller is ruled out.
pub(crate) fn as_person(caller: &Principal) -> PersonId {
    PersonId(caller.id)
}

/// The caller as a client: meaningful only for a caller with client scopes.
fn as_client(caller: &Principal) -> ClientId {
    ClientId(caller.id)
}

/// The subjects in the form the shared policy compares them.
pub(crate) fn policy_subjects(subjects: Vec<SubjectId>) -> Vec<Uuid> {
    subjects.into_iter().map(Uuid::from).collect()
}

async fn school_relations(db: &Db, caller: &Principal, school_id: SchoolId) -> Result<Relations> {
    if let Some(scopes) = &caller.client_scopes {
        return Ok(Relations {
            vendor_granted_school: store::clients::is_granted(db, as_client(caller), school_id)
                .await?,
            client_scopes: scopes.clone(),
            ..Relations::default()
        });
    }
    let school_roles = store::staff_roles(db, as_person(caller), school_id)
        .await?
        .iter()
        .filter_map(|role| StaffRole::parse(role))
        .collect();
    Ok(Relations {
        city_operator: caller.city_operator,
        school_roles,
        ..Relations::default()
    })
}

/// Allows city-level administration (schools, clients) to city operators only.
pub fn require_city_operator(caller: &Principal) -> Result<()> {
    let relations = Relations {
        city_operator: caller.city_operator,
        ..Relations::default()
    };
    if authz::allows(&relations, Action::ManageCity) {
        Ok(())
    } else {
        Err(Error::PermissionDenied("city operators only".into()))
    }
}

/// Allows `action` on a school's roster, or answers "school not found".
pub async fn require_school(
    db: &Db,
    caller: &Principal,
    school_id: SchoolId,
    action: Action,
) -> Result<()> {
    let mut relations = school_relations(db, caller, school_id).await?;
    if action == Action::ReadSchool && caller.client_scopes.is_none() {
        relations.school_member = store::is_school_member(db, as_person(caller), school_id).await?;
    }
    let exists = store::get_school(db, school_id).await?.is_some();
    if exists && authz::allows(&relations, action) {
        Ok(())
    } else {
        Err(Error::not_found("school"))
    }
}

/// Allows `action` on a class, or on one group of it (the group must belong
/// to the class), or answers "class not found". Returns the class's school.
pub async fn require_class(
    db: &Db,
    clock: &Clock,
    caller: &Principal,
    class_id: ClassId,
    group_id: Option<GroupId>,
    date: Option<NaiveDate>,
    action: Action,
) -> Result<SchoolId> {
    let not_found = || Error::not_found("class");
    let class = store::get_class(db, class_id)
        .await?
        .ok_or_else(not_found)?;
    if let Some(group_id) = group_id
        && store::group_class(db, group_id).await? != Some(class_id)
    {
        return Err(not_found());
    }
    let mut relations = school_relations(db, caller, class.school_id).await?;
    if caller.client_scopes.is_none() {
        relations.teaches_subjects = policy_subjects(
            store::subjects_taught_in_class(db, as_person(caller), class_id, group_id).await?,
        );
        relations.class_teacher_of = class.class_teacher_id == Some(as_person(caller));
        if action == Action::ReadClass {
            let date = match date {
                Some(date) => date,
                None => school_today(db, clock, class.school_id).await?,
            };
            relations.class_member =
                store::is_class_member(db, as_person(caller), class_id, group_id, date).await?;
        }
    }
    if authz::allows(&relations, action) {
        Ok(class.school_id)
    } else {
        tracing::info!(caller = %caller.id, %class_id, ?action, "access denied");
        Err(not_found())
    }
}

/// Allows `action` on a student's record on `date`, or answers "student not found".
pub async fn require_student(
    db: &Db,
    clock: &Clock,
    caller: &Principal,
    student_id: StudentId,
    date: Option<NaiveDate>,
    action: Action,
) -> Result<StudentAccess> {
    let not_found = || Error::not_found("student");
    let student = store::get_person(db, student_id.into())
        .await?
        .ok_or_else(not_found)?;
    let school_id = match (student.kind(), student.school_id) {
        (Some(PersonKind::Student), Some(school_id)) => school_id,
        _ => return Err(not_found()),
    };
    let date = match date {
        Some(date) => date,
        None => school_today(db, clock, school_id).await?,
    };
    let student_self = caller.id == student_id.uuid();
    // A client (a vendor's system) is nobody's guardian and teaches no
    // one: of its relations only the school's grant can allow anything.
    let client = caller.client_scopes.is_some();
    let (membership, guardian_of) =
        tokio::try_join!(store::membership_on(db, student_id, date), async {
            if student_self || client {
                Ok(false)
            } else {
                store::is_guardian(db, as_person(caller), student_id).await
            }
        },)?;
    // Families are most of the questions, and the policy only ever grants
    // more for more relations: when being the student or their guardian is
    // enough, the staff relations need not be looked up.
    let mut relations = Relations {
        student_self,
        guardian_of,
        ..Relations::default()
    };
    if !authz::allows(&relations, action) {
        relations = Relations {
            student_self,
            guardian_of,
            ..school_relations(db, caller, school_id).await?
        };
        if let (Some(membership), false) = (&membership, client) {
            relations.teaches_subjects = policy_subjects(
                store::taught_subjects(db, as_person(caller), membership.class_id, student_id)
                    .await?,
            );
            relations.class_teacher_of = store::get_class(db, membership.class_id)
                .await?
                .and_then(|class| class.class_teacher_id)
                == Some(as_person(caller));
        }
    }
    if authz::allows(&relations, action) {
        Ok(StudentAccess {
            school_id,
            membership,
            via_staff: !(relations.student_self || relations.guardian_of),
        })
    } else {
        tracing::info!(caller = %caller.id, %student_id, ?action, "access denied");
        Err(not_found())
    }
}

/// Today's date where the school is, on the service's clock.
pub async fn school_today(db: &Db, clock: &Clock, school_id: SchoolId) -> Result<NaiveDate> {
    let school = store::get_school(db, school_id)
        .await?
        .ok_or_else(|| Error::not_found("school"))?;
    let timezone: chrono_tz::Tz = school
        .timezone
        .parse()
        .map_err(|_| Error::Internal(anyhow::anyhow!("school {school_id} has a bad timezone")))?;
    Ok(clock.today_in(&timezone))
}
