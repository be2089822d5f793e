//! Holidays and vacations.

use chrono::NaiveDate;
use otmetka_platform::db::Db;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db, with_tx};

use super::{
    Change, Created, RequestKey, after_date, begin_in_school, claim_request, record_change,
};
use crate::calendar::DateRange;
use crate::model::{AcademicYearId, Holiday, HolidayId, ResourceKind};

const HOLIDAY_COLUMNS: &str = "id, school_id, academic_year_id, kind, name, start_date, end_date, \
     grade_levels, created_at, updated_at";

pub async fn get_holiday(db: &Db, school_id: SchoolId, id: HolidayId) -> Result<Option<Holiday>> {
    let sql = format!("SELECT {HOLIDAY_COLUMNS} FROM holidays WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

#[derive(Debug, Default)]
pub struct HolidayFilter {
    pub academic_year_id: Option<AcademicYearId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Holidays overlapping the filter's dates, by start date.
pub async fn list_holidays(
    db: &Db,
    school_id: SchoolId,
    filter: &HolidayFilter,
    page: &Page,
) -> Result<Vec<Holiday>> {
    let (after_date, after_id) = after_date(page)?;
    let sql = format!(
        "SELECT {HOLIDAY_COLUMNS} FROM holidays
         WHERE school_id = $1
           AND ($2 IS NULL OR academic_year_id = $2)
           AND ($3 IS NULL OR end_date >= $3)
           AND ($4 IS NULL OR start_date <= $4)
           AND ($5 IS NULL OR start_date > $5 OR (start_date = $5 AND id > $6))
         ORDER BY start_date, id LIMIT $7"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(filter.academic_year_id).bind(filter.from).bind(filter.to)
        .bind(after_date).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Every holiday of a school overlapping `dates`, for generation and the diary.
pub async fn holidays_within(
    db: &Db,
    school_id: SchoolId,
    dates: DateRange,
) -> Result<Vec<Holiday>> {
    let sql = format!(
        "SELECT {HOLIDAY_COLUMNS} FROM holidays
         WHERE school_id = $1 AND end_date >= $2 AND start_date <= $3 ORDER BY start_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(dates.start).bind(dates.end).fetch_all(pool).await?),
    )
}

pub async fn insert_holiday(
    db: &Db,
    holiday: &Holiday,
    key: Option<&RequestKey>,
    change: &Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, holiday.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        holiday.school_id,
        ResourceKind::Holiday,
        holiday.id,
        holiday.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO holidays (id, school_id, academic_year_id, kind, name, start_date, end_date,
                                   grade_levels, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(holiday.id).bind(holiday.school_id).bind(holiday.academic_year_id)
            .bind(&holiday.kind).bind(&holiday.name).bind(holiday.start_date).bind(holiday.end_date)
            .bind(&holiday.grade_levels).bind(holiday.created_at).bind(holiday.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

pub async fn update_holiday(db: &Db, holiday: &Holiday, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, holiday.school_id).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE holidays SET kind = $3, name = $4, start_date = $5, end_date = $6,
                                 grade_levels = $7, updated_at = $8
             WHERE school_id = $1 AND id = $2")
            .bind(holiday.school_id).bind(holiday.id).bind(&holiday.kind).bind(&holiday.name)
            .bind(holiday.start_date).bind(holiday.end_date).bind(&holiday.grade_levels)
            .bind(holiday.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_holiday(db: &Db, holiday: &Holiday, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, holiday.school_id).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM holidays WHERE school_id = $1 AND id = $2")
            .bind(holiday.school_id).bind(holiday.id).execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}
