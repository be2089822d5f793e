//! Teaching assignments, and the subjects they let a teacher teach.

use chrono::Utc;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use super::exists;
use crate::model::{TeachingAssignment, TeachingAssignmentId};

pub async fn insert_assignment(db: &Db, assignment: &TeachingAssignment) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO teaching_assignments (id, school_id, teacher_id, class_id, subject_id, group_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(assignment.id).bind(assignment.school_id).bind(assignment.teacher_id)
        .bind(assignment.class_id).bind(assignment.subject_id).bind(assignment.group_id).bind(Utc::now())
        .execute(pool).await.map_err(exists("teaching assignment"))?; });
    Ok(())
}

pub async fn get_assignment(
    db: &Db,
    id: TeachingAssignmentId,
) -> Result<Option<TeachingAssignment>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, teacher_id, class_id, subject_id, group_id FROM teaching_assignments WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub async fn delete_assignment(db: &Db, id: TeachingAssignmentId) -> Result<()> {
    with_db!(db, pool => { sqlx::query("DELETE FROM teaching_assignments WHERE id = $1")
        .bind(id).execute(pool).await?; });
    Ok(())
}

pub async fn list_assignments(
    db: &Db,
    school_id: SchoolId,
    class_id: Option<ClassId>,
    teacher_id: Option<PersonId>,
    page: &Page,
) -> Result<Vec<TeachingAssignment>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, teacher_id, class_id, subject_id, group_id FROM teaching_assignments
         WHERE school_id = $1 AND ($2 IS NULL OR class_id = $2) AND ($3 IS NULL OR teacher_id = $3)
           AND ($4 IS NULL OR id > $4)
         ORDER BY id LIMIT $5")
        .bind(school_id).bind(class_id).bind(teacher_id).bind(after).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

pub async fn has_assignment(db: &Db, assignment: &TeachingAssignment) -> Result<bool> {
    let found: Option<TeachingAssignmentId> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM teaching_assignments
         WHERE teacher_id = $1 AND class_id = $2 AND subject_id = $3
           AND (group_id = $4 OR (group_id IS NULL AND $4 IS NULL))")
        .bind(assignment.teacher_id).bind(assignment.class_id).bind(assignment.subject_id)
        .bind(assignment.group_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

/// Subjects the teacher teaches to this student in their class: the whole
/// class, or a group the student is in.
pub async fn taught_subjects(
    db: &Db,
    teacher_id: PersonId,
    class_id: ClassId,
    student_id: StudentId,
) -> Result<Vec<SubjectId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT subject_id FROM teaching_assignments
         WHERE teacher_id = $1 AND class_id = $2
           AND (group_id IS NULL OR group_id IN (SELECT group_id FROM group_members WHERE student_id = $3))")
        .bind(teacher_id).bind(class_id).bind(student_id).fetch_all(pool).await?))
}

/// Subjects the teacher teaches to a class, or to one group of it: a
/// whole-class assignment covers its groups too.
pub async fn subjects_taught_in_class(
    db: &Db,
    teacher_id: PersonId,
    class_id: ClassId,
    group_id: Option<GroupId>,
) -> Result<Vec<SubjectId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT subject_id FROM teaching_assignments
         WHERE teacher_id = $1 AND class_id = $2 AND (group_id IS NULL OR group_id = $3)")
        .bind(teacher_id).bind(class_id).bind(group_id).fetch_all(pool).await?))
}

/// Who teaches a student which subject: the assignments of the student's
/// class to the whole class or to a group the student belongs to.
pub async fn teachers_of_student(
    db: &Db,
    class_id: ClassId,
    student_id: StudentId,
) -> Result<Vec<(PersonId, SubjectId)>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT teacher_id, subject_id FROM teaching_assignments
         WHERE class_id = $1
           AND (group_id IS NULL OR group_id IN (SELECT group_id FROM group_members WHERE student_id = $2))
         ORDER BY teacher_id, subject_id")
        .bind(class_id).bind(student_id).fetch_all(pool).await?))
}
