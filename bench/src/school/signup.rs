//! Students, 25 to 28 a class, each with a guardian who signs up with the
//! access code the school hands out.

use anyhow::Context;
use chrono::NaiveDate;
use otmetka_proto::identity::v1 as identity;

use super::plan::name;
use super::{Caller, Family, PASSWORD, Services, all, person};
use crate::progress;

/// Enrols the students into `class_ids` and signs up their guardians;
/// returns every family with its class.
pub(super) async fn enrol(
    services: &Services,
    admin: &Caller,
    school_id: &str,
    n: usize,
    class_ids: &[String],
    year_start: NaiveDate,
) -> anyhow::Result<Vec<(usize, Family)>> {
    let students: Vec<(usize, usize)> = (0..class_ids.len())
        .flat_map(|class| (0..25 + (class * 7) % 4).map(move |seat| (class, seat)))
        .collect();
    let enrolled = all(
        students.into_iter().enumerate().collect(),
        n,
        |(index, (class, _))| {
            let mut identity = services.identity.clone();
            let create = admin.request(person(school_id, identity::PersonKind::Student, index));
            let class_id = class_ids[class].clone();
            let school_id = school_id.to_owned();
            async move {
                let student = identity
                    .create_person(create)
                    .await?
                    .into_inner()
                    .person
                    .context("a student")?
                    .id;
                identity
                    .enroll_student(admin.request(identity::EnrollStudentRequest {
                        student_id: student.clone(),
                        class_id,
                        start_date: year_start.to_string(),
                    }))
                    .await?;
                let code = identity
                    .issue_access_code(admin.request(identity::IssueAccessCodeRequest {
                        student_id: student.clone(),
                    }))
                    .await?
                    .into_inner()
                    .code;
                let (family, given) = name(index + 3);
                let login = format!("bench-parent-{index}");
                identity
                    .register_guardian(identity::RegisterGuardianRequest {
                        code,
                        family_name: family.into(),
                        given_name: given.into(),
                        middle_name: String::new(),
                        login: login.clone(),
                        password: PASSWORD.into(),
                    })
                    .await
                    .with_context(|| format!("registering a guardian in {school_id}"))?;
                Ok((
                    class,
                    Family {
                        guardian_login: login,
                        student_id: student,
                    },
                ))
            }
        },
    )
    .await?;
    progress(&format!(
        "{} students, each with a guardian signed up",
        enrolled.len()
    ));
    Ok(enrolled)
}
