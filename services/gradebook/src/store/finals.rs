//! Final marks of reporting periods.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{PeriodId, StudentId, SubjectId};
use otmetka_platform::outbox::Change;
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db, with_tx};

use super::record_change;
use crate::model::FinalMark;

const FINAL_COLUMNS: &str = "id, school_id, student_id, subject_id, reporting_period_id, value, policy_version, \
     author_id, reason, updated_at";

pub async fn final_mark(
    db: &Db,
    student_id: StudentId,
    subject_id: SubjectId,
    period_id: PeriodId,
) -> Result<Option<FinalMark>> {
    let sql = format!(
        "SELECT {FINAL_COLUMNS} FROM final_marks
         WHERE student_id = $1 AND subject_id = $2 AND reporting_period_id = $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(subject_id).bind(period_id).fetch_optional(pool).await?),
    )
}

/// The final marks of a period in a subject (a school's, as the period is).
pub async fn period_final_marks(
    db: &Db,
    period_id: PeriodId,
    subject_id: SubjectId,
) -> Result<Vec<FinalMark>> {
    let sql = format!(
        "SELECT {FINAL_COLUMNS} FROM final_marks WHERE reporting_period_id = $1 AND subject_id = $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(period_id).bind(subject_id).fetch_all(pool).await?),
    )
}

/// Sets a final mark, replacing an earlier one of the same period.
pub async fn put_final_mark(db: &Db, mark: &FinalMark, change: &Change) -> Result<()> {
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => { sqlx::query(
            "INSERT INTO final_marks (id, school_id, student_id, subject_id, reporting_period_id, value,
                                      policy_version, author_id, reason, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (student_id, subject_id, reporting_period_id) DO UPDATE SET
                 value = excluded.value, policy_version = excluded.policy_version,
                 author_id = excluded.author_id, reason = excluded.reason, updated_at = excluded.updated_at")
            .bind(mark.id).bind(mark.school_id).bind(mark.student_id).bind(mark.subject_id)
            .bind(mark.reporting_period_id).bind(&mark.value).bind(mark.policy_version)
            .bind(mark.author_id).bind(&mark.reason).bind(mark.updated_at)
            .execute(&mut *conn).await?; });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn student_final_marks(
    db: &Db,
    student_id: StudentId,
    page: &Page,
) -> Result<Vec<FinalMark>> {
    let after = page.after_id()?;
    let sql = format!(
        "SELECT {FINAL_COLUMNS} FROM final_marks
         WHERE student_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}
