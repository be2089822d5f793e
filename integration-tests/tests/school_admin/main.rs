//! The school administrator's staff, teaching assignments, guardians,
//! vendor grants and audit trail: the JSON routes, where a teacher of the
//! school is refused what the administrator may do and another school's
//! administrator finds nothing.

mod api;
mod groups;
mod logins;
mod pages;
mod roster_files;
mod roster_pages;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{PERSON_PASSWORD, SchoolBuilder};
use otmetka_proto::identity::v1 as identity;

/// A school with an administrator and a teacher, each signed in as a
/// browser (`{logins}-admin`, `{logins}-teacher`).
pub struct Staffed {
    pub builder: SchoolBuilder,
    pub school_id: String,
    pub admin_id: String,
    pub teacher_id: String,
    pub admin: reqwest::Client,
    pub teacher: reqwest::Client,
}

pub async fn staffed(sandbox: &Sandbox, name: &str, logins: &str) -> Staffed {
    let mut builder = SchoolBuilder::new(sandbox, name).await.unwrap();
    let admin_id = builder
        .staff("Администраторова", identity::StaffRole::SchoolAdmin)
        .await;
    let teacher_id = builder
        .staff("Учителева", identity::StaffRole::Teacher)
        .await;
    builder
        .token_of(&admin_id, &format!("{logins}-admin"))
        .await;
    builder
        .token_of(&teacher_id, &format!("{logins}-teacher"))
        .await;
    let admin = sandbox
        .browser(&format!("{logins}-admin"), PERSON_PASSWORD)
        .await
        .unwrap();
    let teacher = sandbox
        .browser(&format!("{logins}-teacher"), PERSON_PASSWORD)
        .await
        .unwrap();
    Staffed {
        school_id: builder.school_id.clone(),
        builder,
        admin_id,
        teacher_id,
        admin,
        teacher,
    }
}
