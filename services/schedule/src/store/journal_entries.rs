//! What gradebook holds on each lesson (live marks and attendance records
//! that name it), as gradebook's change feed tells.

use otmetka_platform::db::Tx;
use otmetka_platform::feed::{EntityType, entity_name};
use otmetka_platform::ids::{LessonId, SchoolId};
use otmetka_platform::{Result, with_tx};
use uuid::Uuid;

/// Records that the entity now hangs on `lesson_id` (`None`: on no lesson,
/// or it is gone) and returns the lesson it hung on before.
pub async fn put(
    tx: &mut Tx,
    entity: EntityType,
    // A mark's or an attendance record's: gradebook's ids, of either kind.
    entity_id: Uuid,
    school_id: SchoolId,
    lesson_id: Option<LessonId>,
) -> Result<Option<LessonId>> {
    let entity = entity_name(entity);
    let before: Option<LessonId> = with_tx!(&mut *tx, conn => sqlx::query_scalar(
        "SELECT lesson_id FROM journal_entries WHERE entity_type = $1 AND entity_id = $2")
        .bind(&entity).bind(entity_id).fetch_optional(&mut *conn).await?);
    match lesson_id {
        Some(lesson_id) => with_tx!(&mut *tx, conn => { sqlx::query(
            "INSERT INTO journal_entries (entity_type, entity_id, school_id, lesson_id)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (entity_type, entity_id) DO UPDATE SET lesson_id = excluded.lesson_id")
            .bind(&entity).bind(entity_id).bind(school_id).bind(lesson_id)
            .execute(&mut *conn).await?; }),
        None => with_tx!(&mut *tx, conn => { sqlx::query(
            "DELETE FROM journal_entries WHERE entity_type = $1 AND entity_id = $2")
            .bind(&entity).bind(entity_id).execute(&mut *conn).await?; }),
    }
    Ok(before)
}

/// Whether marks, and whether attendance records, hang on the lesson.
pub async fn held_on(tx: &mut Tx, lesson_id: LessonId) -> Result<(bool, bool)> {
    let held: Vec<String> = with_tx!(tx, conn => sqlx::query_scalar(
        "SELECT DISTINCT entity_type FROM journal_entries WHERE lesson_id = $1")
        .bind(lesson_id).fetch_all(&mut *conn).await?);
    let holds = |entity| held.contains(&entity_name(entity));
    Ok((holds(EntityType::Mark), holds(EntityType::Attendance)))
}
