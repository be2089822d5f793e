//! The administrator fills in the roster: subjects, the teachers the
//! timetable plan needs, and classes with their teaching assignments.

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use otmetka_proto::identity::v1 as identity;

use super::plan::{Hour, SUBJECTS, Staffing, curriculum, staff, week_of_class};
use super::{Caller, PASSWORD, Services, all, person};
use crate::progress;

const LETTERS: [&str; 6] = ["А", "Б", "В", "Г", "Д", "Е"];

/// The school's subjects, teachers and classes, indexed as in the plan.
pub(super) struct Roster {
    pub(super) subject_ids: Vec<String>,
    pub(super) teacher_ids: Vec<String>,
    pub(super) class_ids: Vec<String>,
    pub(super) weeks: Vec<Vec<Hour>>,
    pub(super) staffing: Staffing,
}

/// Creates the subjects, the teachers and the classes the plan for
/// `classes` classes calls for.
pub(super) async fn fill(
    services: &Services,
    admin: &Caller,
    school_id: &str,
    n: usize,
    classes: usize,
    year_start: NaiveDate,
) -> anyhow::Result<Roster> {
    let subject_ids = all(SUBJECTS.to_vec(), n, |(name, _)| {
        let mut identity = services.identity.clone();
        let request = admin.request(identity::CreateSubjectRequest {
            school_id: school_id.to_owned(),
            name: name.into(),
        });
        async move {
            Ok(identity
                .create_subject(request)
                .await?
                .into_inner()
                .subject
                .context("a subject")?
                .id)
        }
    })
    .await?;
    let curriculum = curriculum();
    let weeks: Vec<Vec<Hour>> = (0..classes)
        .map(|class| week_of_class(&curriculum, class))
        .collect();
    let staffing = staff(&weeks);
    let teacher_ids = all((0..staffing.teachers.len()).collect(), n, |index| {
        let mut identity = services.identity.clone();
        let create = admin.request(person(school_id, identity::PersonKind::Staff, index + 7));
        let school_id = school_id.to_owned();
        async move {
            let teacher = identity
                .create_person(create)
                .await?
                .into_inner()
                .person
                .context("a teacher")?
                .id;
            identity
                .grant_staff_role(admin.request(identity::GrantStaffRoleRequest {
                    person_id: teacher.clone(),
                    school_id,
                    role: identity::StaffRole::Teacher.into(),
                }))
                .await?;
            identity
                .set_credentials(admin.request(identity::SetCredentialsRequest {
                    person_id: teacher.clone(),
                    login: format!("bench-teacher-{index}"),
                    password: PASSWORD.into(),
                }))
                .await?;
            Ok(teacher)
        }
    })
    .await?;
    progress(&format!(
        "{} subjects, {} teachers",
        subject_ids.len(),
        teacher_ids.len()
    ));

    let class_ids = all((0..classes).collect(), n, |class| {
        let mut identity = services.identity.clone();
        let grade = (class % 11) as i32 + 1;
        let letter = LETTERS[(class / 11) % LETTERS.len()];
        let request = admin.request(identity::CreateClassRequest {
            school_id: school_id.to_owned(),
            grade_level: grade,
            letter: letter.into(),
            academic_year: year_start.year(),
            class_teacher_id: teacher_ids[staffing.of_class[class][0]].clone(),
        });
        async move {
            Ok(identity
                .create_class(request)
                .await?
                .into_inner()
                .class
                .context("a class")?
                .id)
        }
    })
    .await?;
    let assignments: Vec<(usize, usize)> = (0..classes)
        .flat_map(|class| (0..SUBJECTS.len()).map(move |subject| (class, subject)))
        .filter(|&(class, subject)| staffing.of_class[class][subject] != usize::MAX)
        .collect();
    all(assignments, n, |(class, subject)| {
        let mut identity = services.identity.clone();
        let request = admin.request(identity::CreateTeachingAssignmentRequest {
            teacher_id: teacher_ids[staffing.of_class[class][subject]].clone(),
            class_id: class_ids[class].clone(),
            subject_id: subject_ids[subject].clone(),
            group_id: String::new(),
        });
        async move {
            identity.create_teaching_assignment(request).await?;
            Ok(())
        }
    })
    .await?;
    progress(&format!("{} classes with their teachers", class_ids.len()));
    Ok(Roster {
        subject_ids,
        teacher_ids,
        class_ids,
        weeks,
        staffing,
    })
}
