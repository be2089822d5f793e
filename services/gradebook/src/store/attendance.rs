//! Attendance: one record per student and lesson, replaced on each change.

use chrono::NaiveDate;
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{ClassId, LessonId, StudentId, SubjectId};
use otmetka_platform::outbox::Change;
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Result, with_db, with_tx};

use super::record_change;
use crate::model::{Attendance, AttendanceId};

const ATTENDANCE_COLUMNS: &str = "id, school_id, student_id, class_id, lesson_id, subject_id, lesson_date, kind, \
     late_minutes, reason, author_id, updated_at";

/// Records attendance in the open transaction, replacing the student's
/// earlier record of the lesson.
pub(super) async fn put_attendance_row(
    tx: &mut Tx,
    record: &Attendance,
    change: &Change,
) -> Result<()> {
    with_tx!(&mut *tx, conn => { sqlx::query(
        "INSERT INTO attendance (id, school_id, student_id, class_id, lesson_id, subject_id, lesson_date,
                                 kind, late_minutes, reason, author_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (student_id, lesson_id) DO UPDATE SET
             kind = excluded.kind, late_minutes = excluded.late_minutes, reason = excluded.reason,
             author_id = excluded.author_id, updated_at = excluded.updated_at")
        .bind(record.id).bind(record.school_id).bind(record.student_id).bind(record.class_id)
        .bind(record.lesson_id).bind(record.subject_id).bind(record.lesson_date).bind(record.kind)
        .bind(record.late_minutes).bind(&record.reason).bind(record.author_id).bind(record.updated_at)
        .execute(&mut *conn).await?; });
    record_change(tx, change).await
}

pub async fn attendance_at(
    db: &Db,
    student_id: StudentId,
    lesson_id: LessonId,
) -> Result<Option<Attendance>> {
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE student_id = $1 AND lesson_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(lesson_id).fetch_optional(pool).await?),
    )
}

/// Records attendance, replacing the student's earlier record of the lesson.
pub async fn put_attendance(db: &Db, record: &Attendance, change: &Change) -> Result<()> {
    let mut tx = db.begin_write().await?;
    put_attendance_row(&mut tx, record, change).await?;
    tx.commit().await?;
    Ok(())
}

/// A student's attendance over a span of days, in lesson order; the page
/// key is "date\0id".
pub async fn student_attendance(
    db: &Db,
    student_id: StudentId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: &Page,
) -> Result<Vec<Attendance>> {
    let (after_date, after_id) = match page.after_pair()? {
        Some((date, id)) => (
            Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?),
            Some(id),
        ),
        None => (None, None),
    };
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance
         WHERE student_id = $1 AND ($2 IS NULL OR lesson_date >= $2) AND ($3 IS NULL OR lesson_date <= $3)
           AND ($4 IS NULL OR lesson_date > $4 OR (lesson_date = $4 AND id > $5))
         ORDER BY lesson_date, id LIMIT $6"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(from).bind(to).bind(after_date).bind(after_id)
        .bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

/// Every attendance record of a student over a span of days, in lesson order.
pub async fn student_attendance_between(
    db: &Db,
    student_id: StudentId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Attendance>> {
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance
         WHERE student_id = $1 AND lesson_date >= $2 AND lesson_date <= $3
         ORDER BY lesson_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(from).bind(to).fetch_all(pool).await?),
    )
}

pub async fn class_subject_attendance(
    db: &Db,
    class_id: ClassId,
    subject_id: SubjectId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Attendance>> {
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance
         WHERE class_id = $1 AND subject_id = $2 AND lesson_date >= $3 AND lesson_date <= $4
         ORDER BY lesson_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(class_id).bind(subject_id).bind(from).bind(to).fetch_all(pool).await?),
    )
}

/// Attendance records by id, where they exist.
pub async fn get_attendances(db: &Db, ids: &[AttendanceId]) -> Result<Vec<Attendance>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await?
    }))
}
