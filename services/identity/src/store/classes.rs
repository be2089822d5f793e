//! Classes, including those a roster load finds or renames by name.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use super::exists;
use crate::model::Class;

pub async fn insert_class(db: &Db, class: &Class) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO classes (id, school_id, grade_level, letter, academic_year, class_teacher_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(class.id).bind(class.school_id).bind(class.grade_level).bind(&class.letter)
        .bind(class.academic_year).bind(class.class_teacher_id).bind(class.created_at)
        .execute(pool).await.map_err(exists("class with this grade and letter"))?; });
    Ok(())
}

pub async fn get_class(db: &Db, id: ClassId) -> Result<Option<Class>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT * FROM classes WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list_classes(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<Class>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM classes WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

pub async fn find_class(
    db: &Db,
    school_id: SchoolId,
    academic_year: i32,
    grade_level: i32,
    letter: &str,
) -> Result<Option<ClassId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM classes WHERE school_id = $1 AND academic_year = $2 AND grade_level = $3 AND letter = $4")
        .bind(school_id).bind(academic_year).bind(grade_level).bind(letter).fetch_optional(pool).await?))
}

pub async fn rename_class(db: &Db, id: ClassId, grade_level: i32, letter: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query("UPDATE classes SET grade_level = $2, letter = $3 WHERE id = $1")
        .bind(id).bind(grade_level).bind(letter).execute(pool).await?; });
    Ok(())
}

pub async fn set_class_teacher(db: &Db, class_id: ClassId, teacher_id: PersonId) -> Result<()> {
    with_db!(db, pool => { sqlx::query("UPDATE classes SET class_teacher_id = $2 WHERE id = $1")
        .bind(class_id).bind(teacher_id).execute(pool).await?; });
    Ok(())
}
