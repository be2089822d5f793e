//! Subjects of a school.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{SchoolId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use super::exists;
use crate::model::Subject;

/// Every subject of a school, by name.
pub async fn school_subjects(db: &Db, school_id: SchoolId) -> Result<Vec<Subject>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM subjects WHERE school_id = $1 ORDER BY name, id")
        .bind(school_id).fetch_all(pool).await?))
}

pub async fn insert_subject(db: &Db, subject: &Subject) -> Result<()> {
    with_db!(db, pool => { sqlx::query("INSERT INTO subjects (id, school_id, name) VALUES ($1, $2, $3)")
        .bind(subject.id).bind(subject.school_id).bind(&subject.name)
        .execute(pool).await.map_err(exists("subject with this name"))?; });
    Ok(())
}

pub async fn get_subject(db: &Db, id: SubjectId) -> Result<Option<Subject>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT * FROM subjects WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list_subjects(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<Subject>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM subjects WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

pub async fn find_subject(db: &Db, school_id: SchoolId, name: &str) -> Result<Option<SubjectId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM subjects WHERE school_id = $1 AND name = $2")
        .bind(school_id).bind(name).fetch_optional(pool).await?))
}
