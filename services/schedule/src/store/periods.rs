//! Reporting periods, checked against the other periods of their year.

use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::{PeriodId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{
    Change, Created, RequestKey, after_date, begin_in_school, claim_request, record_change,
};
use crate::calendar::period_conflict;
use crate::model::{AcademicYearId, ReportingPeriod, ResourceKind};

const PERIOD_COLUMNS: &str = "id, school_id, academic_year_id, kind, number, name, grade_levels, \
     start_date, end_date, closed, closed_at, closed_by, reopened_at, reopened_by, reopen_reason, \
     created_at, updated_at";

pub async fn get_period(
    db: &Db,
    school_id: SchoolId,
    id: PeriodId,
) -> Result<Option<ReportingPeriod>> {
    let sql =
        format!("SELECT {PERIOD_COLUMNS} FROM reporting_periods WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

#[derive(Debug, Default)]
pub struct PeriodFilter {
    pub academic_year_id: Option<AcademicYearId>,
    /// A `GradeLevels::like_pattern`.
    pub grade_level_pattern: Option<String>,
    pub kind: Option<&'static str>,
}

/// Periods by start date.
pub async fn list_periods(
    db: &Db,
    school_id: SchoolId,
    filter: &PeriodFilter,
    page: &Page,
) -> Result<Vec<ReportingPeriod>> {
    let (after_date, after_id) = after_date(page)?;
    let sql = format!(
        "SELECT {PERIOD_COLUMNS} FROM reporting_periods
         WHERE school_id = $1
           AND ($2 IS NULL OR academic_year_id = $2)
           AND ($3 IS NULL OR grade_levels LIKE $3)
           AND ($4 IS NULL OR kind = $4)
           AND ($5 IS NULL OR start_date > $5 OR (start_date = $5 AND id > $6))
         ORDER BY start_date, id LIMIT $7"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(filter.academic_year_id).bind(&filter.grade_level_pattern)
        .bind(filter.kind).bind(after_date).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Refuses a period that clashes with another of its year.
async fn refuse_conflicting_period(tx: &mut Tx, period: &ReportingPeriod) -> Result<()> {
    let sql = format!(
        "SELECT {PERIOD_COLUMNS} FROM reporting_periods
         WHERE school_id = $1 AND academic_year_id = $2 AND id <> $3"
    );
    let others: Vec<ReportingPeriod> = with_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(period.school_id).bind(period.academic_year_id).bind(period.id)
        .fetch_all(&mut *conn).await?);
    match period_conflict(period, &others) {
        Some(why) => Err(Error::FailedPrecondition(why)),
        None => Ok(()),
    }
}

pub async fn insert_period(
    db: &Db,
    period: &ReportingPeriod,
    key: Option<&RequestKey>,
    change: &Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, period.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        period.school_id,
        ResourceKind::ReportingPeriod,
        period.id,
        period.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    refuse_conflicting_period(&mut tx, period).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO reporting_periods (id, school_id, academic_year_id, kind, number, name,
                 grade_levels, start_date, end_date, closed, closed_at, closed_by, reopened_at,
                 reopened_by, reopen_reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
            .bind(period.id).bind(period.school_id).bind(period.academic_year_id)
            .bind(&period.kind).bind(period.number).bind(&period.name).bind(&period.grade_levels)
            .bind(period.start_date).bind(period.end_date).bind(period.closed)
            .bind(period.closed_at).bind(period.closed_by).bind(period.reopened_at)
            .bind(period.reopened_by).bind(&period.reopen_reason).bind(period.created_at)
            .bind(period.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

/// Saves a changed period; its dates, kind and grade levels are checked
/// against the year's other periods.
pub async fn update_period(db: &Db, period: &ReportingPeriod, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, period.school_id).await?;
    refuse_conflicting_period(&mut tx, period).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE reporting_periods SET number = $3, name = $4, grade_levels = $5,
                 start_date = $6, end_date = $7, closed = $8, closed_at = $9, closed_by = $10,
                 reopened_at = $11, reopened_by = $12, reopen_reason = $13, updated_at = $14
             WHERE school_id = $1 AND id = $2")
            .bind(period.school_id).bind(period.id).bind(period.number).bind(&period.name)
            .bind(&period.grade_levels).bind(period.start_date).bind(period.end_date)
            .bind(period.closed).bind(period.closed_at).bind(period.closed_by)
            .bind(period.reopened_at).bind(period.reopened_by).bind(&period.reopen_reason)
            .bind(period.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_period(db: &Db, period: &ReportingPeriod, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, period.school_id).await?;
    let deleted = with_tx!(&mut tx, conn => sqlx::query(
        "DELETE FROM reporting_periods WHERE school_id = $1 AND id = $2 AND NOT closed")
        .bind(period.school_id).bind(period.id).execute(&mut *conn).await?.rows_affected());
    if deleted == 0 {
        return Err(Error::FailedPrecondition(
            "the period is closed: reopen it first".into(),
        ));
    }
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}
