//! Schools, found by a case-insensitive part of their name.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use super::{contains_pattern, exists};
use crate::model::School;

pub async fn insert_school(db: &Db, school: &School) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO schools (id, name, search_name, timezone, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(school.id).bind(&school.name).bind(school.name.to_lowercase()).bind(&school.timezone)
        .bind(school.created_at)
        .execute(pool).await.map_err(exists("school with this name"))?; });
    Ok(())
}

pub async fn get_school(db: &Db, id: SchoolId) -> Result<Option<School>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT id, name, timezone, created_at FROM schools WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Schools by id; `member` limits them to those where the person holds a staff role.
pub async fn list_schools(
    db: &Db,
    page: &Page,
    name_query: &str,
    member: Option<PersonId>,
) -> Result<Vec<School>> {
    let after = page.after_id()?;
    let pattern = contains_pattern(name_query);
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, name, timezone, created_at FROM schools
         WHERE ($1 IS NULL OR id > $1)
           AND search_name LIKE $2 ESCAPE '\\'
           AND ($3 IS NULL OR id IN (SELECT school_id FROM staff_roles WHERE person_id = $3))
         ORDER BY id LIMIT $4")
        .bind(after).bind(&pattern).bind(member).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

pub async fn update_school(db: &Db, school: &School) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE schools SET name = $2, search_name = $3, timezone = $4 WHERE id = $1")
        .bind(school.id).bind(&school.name).bind(school.name.to_lowercase()).bind(&school.timezone)
        .execute(pool).await.map_err(exists("school with this name"))?; });
    Ok(())
}
