//! Guardianships between a school's guardians and students.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{PersonId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use super::exists;
use crate::model::Guardianship;

pub async fn link_guardian(db: &Db, link: &Guardianship) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO guardianships (guardian_id, student_id, school_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(link.guardian_id).bind(link.student_id).bind(link.school_id).bind(link.created_at)
        .execute(pool).await.map_err(exists("guardianship"))?; });
    Ok(())
}

pub async fn unlink_guardian(
    db: &Db,
    guardian_id: PersonId,
    student_id: StudentId,
) -> Result<bool> {
    let result = with_db!(db, pool => sqlx::query(
        "DELETE FROM guardianships WHERE guardian_id = $1 AND student_id = $2")
        .bind(guardian_id).bind(student_id).execute(pool).await?.rows_affected());
    Ok(result > 0)
}

pub async fn is_guardian(db: &Db, guardian_id: PersonId, student_id: StudentId) -> Result<bool> {
    let found: Option<PersonId> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT guardian_id FROM guardianships WHERE guardian_id = $1 AND student_id = $2")
        .bind(guardian_id).bind(student_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

pub async fn guardianships_of(
    db: &Db,
    guardian_id: PersonId,
    page: &Page,
) -> Result<Vec<Guardianship>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM guardianships WHERE guardian_id = $1 AND ($2 IS NULL OR student_id > $2)
         ORDER BY student_id LIMIT $3")
        .bind(guardian_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

pub async fn guardianships_of_student(
    db: &Db,
    student_id: StudentId,
    page: &Page,
) -> Result<Vec<Guardianship>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM guardianships WHERE student_id = $1 AND ($2 IS NULL OR guardian_id > $2)
         ORDER BY guardian_id LIMIT $3")
        .bind(student_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// Every guardian of a student.
pub async fn guardians_of_student(db: &Db, student_id: StudentId) -> Result<Vec<PersonId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT guardian_id FROM guardianships WHERE student_id = $1 ORDER BY guardian_id")
        .bind(student_id).fetch_all(pool).await?))
}
