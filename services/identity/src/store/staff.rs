//! Staff roles, and the school membership of students and guardians that
//! lets them read a school's public face.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Result, with_db};

pub async fn staff_roles(db: &Db, person_id: PersonId, school_id: SchoolId) -> Result<Vec<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT role FROM staff_roles WHERE person_id = $1 AND school_id = $2 ORDER BY role")
        .bind(person_id).bind(school_id).fetch_all(pool).await?))
}

/// Every staff role of a person with its school's id and name, by school
/// name, then role.
pub async fn roles_of(db: &Db, person_id: PersonId) -> Result<Vec<(SchoolId, String, String)>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT s.id, s.name, r.role FROM staff_roles r JOIN schools s ON s.id = r.school_id
         WHERE r.person_id = $1 ORDER BY s.name, r.role")
        .bind(person_id).fetch_all(pool).await?))
}

pub async fn grant_staff_role(
    db: &Db,
    person_id: PersonId,
    school_id: SchoolId,
    role: &str,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO staff_roles (school_id, person_id, role) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING")
        .bind(school_id).bind(person_id).bind(role).execute(pool).await?; });
    Ok(())
}

pub async fn revoke_staff_role(
    db: &Db,
    person_id: PersonId,
    school_id: SchoolId,
    role: &str,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "DELETE FROM staff_roles WHERE school_id = $1 AND person_id = $2 AND role = $3")
        .bind(school_id).bind(person_id).bind(role).execute(pool).await?; });
    Ok(())
}

/// The person studies at the school, or is a guardian of one of its students.
pub async fn is_school_member(db: &Db, person_id: PersonId, school_id: SchoolId) -> Result<bool> {
    let found: Option<i32> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT 1 FROM persons WHERE id = $1 AND school_id = $2 AND kind = 'student'
         UNION ALL
         SELECT 1 FROM guardianships WHERE guardian_id = $1 AND school_id = $2
         LIMIT 1")
        .bind(person_id).bind(school_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

/// Every staff role held in a school, by person.
pub async fn school_staff_roles(db: &Db, school_id: SchoolId) -> Result<Vec<(PersonId, String)>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT person_id, role FROM staff_roles WHERE school_id = $1 ORDER BY person_id, role")
        .bind(school_id).fetch_all(pool).await?))
}
