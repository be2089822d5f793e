//! Groups of a class and their students.

use chrono::Utc;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, GroupId, SchoolId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db, with_tx};

use super::exists;
use crate::model::Group;

/// Creates a group with its students, together.
pub async fn insert_group(db: &Db, group: &Group) -> Result<()> {
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        sqlx::query("INSERT INTO class_groups (id, school_id, class_id, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(group.id).bind(group.school_id).bind(group.class_id).bind(&group.name).bind(Utc::now())
            .execute(&mut *conn).await.map_err(exists("group with this name"))?;
        for student_id in &group.student_ids {
            sqlx::query("INSERT INTO group_members (group_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(group.id).bind(student_id).execute(&mut *conn).await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    id: GroupId,
    school_id: SchoolId,
    class_id: ClassId,
    name: String,
}

/// A class's groups with their students, in id order.
pub async fn list_groups(db: &Db, class_id: ClassId, page: &Page) -> Result<Vec<Group>> {
    let after = page.after_id()?;
    let rows: Vec<GroupRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, class_id, name FROM class_groups WHERE class_id = $1 AND ($2 IS NULL OR id > $2)
         ORDER BY id LIMIT $3")
        .bind(class_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?);
    let members: Vec<(GroupId, StudentId)> = with_db!(db, pool => sqlx::query_as(
        "SELECT m.group_id, m.student_id FROM group_members m JOIN class_groups g ON g.id = m.group_id
         WHERE g.class_id = $1 ORDER BY m.student_id")
        .bind(class_id).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|row| Group {
            student_ids: members
                .iter()
                .filter(|(group, _)| *group == row.id)
                .map(|(_, student)| *student)
                .collect(),
            id: row.id,
            school_id: row.school_id,
            class_id: row.class_id,
            name: row.name,
        })
        .collect())
}

pub async fn group_class(db: &Db, group_id: GroupId) -> Result<Option<ClassId>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar("SELECT class_id FROM class_groups WHERE id = $1")
        .bind(group_id).fetch_optional(pool).await?),
    )
}

pub async fn find_group(db: &Db, class_id: ClassId, name: &str) -> Result<Option<GroupId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM class_groups WHERE class_id = $1 AND name = $2")
        .bind(class_id).bind(name).fetch_optional(pool).await?))
}

pub async fn group_students(db: &Db, group_id: GroupId) -> Result<Vec<StudentId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT student_id FROM group_members WHERE group_id = $1 ORDER BY student_id")
        .bind(group_id).fetch_all(pool).await?))
}

pub async fn add_group_students(
    db: &Db,
    group_id: GroupId,
    student_ids: &[StudentId],
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        for student_id in student_ids {
            sqlx::query("INSERT INTO group_members (group_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(group_id).bind(student_id).execute(&mut *conn).await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

/// The groups of the class that the student belongs to.
pub async fn student_groups(
    db: &Db,
    student_id: StudentId,
    class_id: ClassId,
) -> Result<Vec<GroupId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT m.group_id FROM group_members m JOIN class_groups g ON g.id = m.group_id
         WHERE m.student_id = $1 AND g.class_id = $2 ORDER BY m.group_id")
        .bind(student_id).bind(class_id).fetch_all(pool).await?))
}
