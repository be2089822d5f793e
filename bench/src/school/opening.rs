//! The city operator opens the school and appoints its administrator.

use anyhow::Context;
use otmetka_proto::identity::v1 as identity;

use super::{Caller, PASSWORD, Services, person};

/// Opens the school; returns its id and its administrator, signed in.
pub(super) async fn open(
    services: &Services,
    city_login: &str,
    city_password: &str,
) -> anyhow::Result<(String, Caller)> {
    let city = Caller::sign_in(&services.identity, city_login, city_password).await?;
    let school_id = services
        .identity
        .clone()
        .create_school(city.request(identity::CreateSchoolRequest {
            name: "Школа № 57 (нагрузочный тест)".into(),
            timezone: "Europe/Moscow".into(),
        }))
        .await?
        .into_inner()
        .school
        .context("a school")?
        .id;
    let admin_id = services
        .identity
        .clone()
        .create_person(city.request(person(&school_id, identity::PersonKind::Staff, 0)))
        .await?
        .into_inner()
        .person
        .context("a person")?
        .id;
    let mut id = services.identity.clone();
    id.grant_staff_role(city.request(identity::GrantStaffRoleRequest {
        person_id: admin_id.clone(),
        school_id: school_id.clone(),
        role: identity::StaffRole::SchoolAdmin.into(),
    }))
    .await?;
    id.set_credentials(city.request(identity::SetCredentialsRequest {
        person_id: admin_id,
        login: "bench-admin".into(),
        password: PASSWORD.into(),
    }))
    .await?;
    let admin = Caller::sign_in(&services.identity, "bench-admin", PASSWORD).await?;
    Ok((school_id, admin))
}
