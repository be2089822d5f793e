//! Academic years: a year's dates bound everything dated within it.

use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{
    Change, Created, RequestKey, after_date, begin_in_school, claim_request, record_change,
};
use crate::calendar::DateRange;
use crate::model::{AcademicYear, AcademicYearId, ResourceKind};

const YEAR_COLUMNS: &str = "id, school_id, name, start_date, end_date, created_at, updated_at";

pub async fn get_year(
    db: &Db,
    school_id: SchoolId,
    id: AcademicYearId,
) -> Result<Option<AcademicYear>> {
    let sql = format!("SELECT {YEAR_COLUMNS} FROM academic_years WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// A school's years, newest first.
pub async fn list_years(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<AcademicYear>> {
    let (after_date, after_id) = after_date(page)?;
    let sql = format!(
        "SELECT {YEAR_COLUMNS} FROM academic_years
         WHERE school_id = $1
           AND ($2 IS NULL OR start_date < $2 OR (start_date = $2 AND id < $3))
         ORDER BY start_date DESC, id DESC LIMIT $4"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(after_date).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Refuses a year overlapping another of the school.
async fn refuse_overlapping_year(tx: &mut Tx, year: &AcademicYear) -> Result<()> {
    let other: Option<String> = with_tx!(tx, conn => sqlx::query_scalar(
        "SELECT name FROM academic_years
         WHERE school_id = $1 AND id <> $2 AND start_date <= $3 AND end_date >= $4 LIMIT 1")
        .bind(year.school_id).bind(year.id).bind(year.end_date).bind(year.start_date)
        .fetch_optional(&mut *conn).await?);
    match other {
        Some(other) => Err(Error::FailedPrecondition(format!(
            "the dates overlap academic year {other:?}"
        ))),
        None => Ok(()),
    }
}

pub async fn insert_year(
    db: &Db,
    year: &AcademicYear,
    key: Option<&RequestKey>,
    change: &Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, year.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        year.school_id,
        ResourceKind::AcademicYear,
        year.id,
        year.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    refuse_overlapping_year(&mut tx, year).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO academic_years (id, school_id, name, start_date, end_date, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(year.id).bind(year.school_id).bind(&year.name).bind(year.start_date)
            .bind(year.end_date).bind(year.created_at).bind(year.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

/// What of a year lies outside `dates` (or exists at all, for `None`).
async fn year_dependents(
    tx: &mut Tx,
    year_id: AcademicYearId,
    dates: Option<DateRange>,
) -> Result<Vec<&'static str>> {
    let (start, end) = match dates {
        Some(dates) => (Some(dates.start), Some(dates.end)),
        None => (None, None),
    };
    let mut found = Vec::new();
    for (what, sql) in [
        (
            "reporting periods",
            "SELECT COUNT(*) FROM reporting_periods WHERE academic_year_id = $1
            AND ($2 IS NULL OR start_date < $2 OR end_date > $3)",
        ),
        (
            "holidays",
            "SELECT COUNT(*) FROM holidays WHERE academic_year_id = $1
            AND ($2 IS NULL OR start_date < $2 OR end_date > $3)",
        ),
        (
            "timetable entries",
            "SELECT COUNT(*) FROM timetable_entries WHERE academic_year_id = $1
            AND ($2 IS NULL OR start_date < $2 OR end_date > $3)",
        ),
        (
            "lessons",
            "SELECT COUNT(*) FROM lessons WHERE academic_year_id = $1
            AND ($2 IS NULL OR date < $2 OR date > $3)",
        ),
    ] {
        let count: i64 = with_tx!(&mut *tx, conn => sqlx::query_scalar(sql)
            .bind(year_id).bind(start).bind(end).fetch_one(&mut *conn).await?);
        if count > 0 {
            found.push(what);
        }
    }
    Ok(found)
}

pub async fn update_year(db: &Db, year: &AcademicYear, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, year.school_id).await?;
    refuse_overlapping_year(&mut tx, year).await?;
    let outside = year_dependents(
        &mut tx,
        year.id,
        Some(DateRange {
            start: year.start_date,
            end: year.end_date,
        }),
    )
    .await?;
    if !outside.is_empty() {
        return Err(Error::FailedPrecondition(format!(
            "the year has {} outside the new dates",
            outside.join(", ")
        )));
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE academic_years SET name = $3, start_date = $4, end_date = $5, updated_at = $6
             WHERE school_id = $1 AND id = $2")
            .bind(year.school_id).bind(year.id).bind(&year.name).bind(year.start_date)
            .bind(year.end_date).bind(year.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_year(db: &Db, year: &AcademicYear, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, year.school_id).await?;
    let dependents = year_dependents(&mut tx, year.id, None).await?;
    if !dependents.is_empty() {
        return Err(Error::FailedPrecondition(format!(
            "the year still has {}",
            dependents.join(", ")
        )));
    }
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM academic_years WHERE school_id = $1 AND id = $2")
            .bind(year.school_id).bind(year.id).execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}
