//! Academic years, reporting periods, bell schedules and holidays.

use chrono::NaiveDate;
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db, with_tx};
use uuid::Uuid;

use super::{Change, Created, RequestKey, begin_in_school, claim_request, record_change};
use crate::calendar::{DateRange, period_conflict};
use crate::model::{
    AcademicYear, BellSchedule, ChangeType, Holiday, ReportingPeriod, ResourceKind,
};

/// A page key of "date\0id" lists.
pub fn date_key(date: NaiveDate, id: Uuid) -> String {
    format!("{date}\0{id}")
}

/// The previous page's (date, id), for lists in that order.
fn after_date(page: &Page) -> Result<(Option<NaiveDate>, Option<Uuid>)> {
    match page.after_pair()? {
        Some((date, id)) => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?;
            Ok((Some(date), Some(id)))
        }
        None => Ok((None, None)),
    }
}

const YEAR_COLUMNS: &str = "id, school_id, name, start_date, end_date, created_at, updated_at";

pub async fn get_year(db: &Db, school_id: Uuid, id: Uuid) -> Result<Option<AcademicYear>> {
    let sql = format!("SELECT {YEAR_COLUMNS} FROM academic_years WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// A school's years, newest first.
pub async fn list_years(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<AcademicYear>> {
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
    year_id: Uuid,
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

const PERIOD_COLUMNS: &str = "id, school_id, academic_year_id, kind, number, name, grade_levels, \
     start_date, end_date, closed, closed_at, closed_by, reopened_at, reopened_by, reopen_reason, \
     created_at, updated_at";

pub async fn get_period(db: &Db, school_id: Uuid, id: Uuid) -> Result<Option<ReportingPeriod>> {
    let sql =
        format!("SELECT {PERIOD_COLUMNS} FROM reporting_periods WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

#[derive(Debug, Default)]
pub struct PeriodFilter {
    pub academic_year_id: Option<Uuid>,
    /// A `GradeLevels::like_pattern`.
    pub grade_level_pattern: Option<String>,
    pub kind: Option<&'static str>,
}

/// Periods by start date.
pub async fn list_periods(
    db: &Db,
    school_id: Uuid,
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

const BELL_COLUMNS: &str = "id, school_id, name, slots, is_default, created_at, updated_at";

pub async fn get_bells(db: &Db, school_id: Uuid, id: Uuid) -> Result<Option<BellSchedule>> {
    let sql = format!("SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// A school's bell schedules in creation order (ids are UUIDv7).
pub async fn list_bells(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<BellSchedule>> {
    let sql = format!(
        "SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1 AND ($2 IS NULL OR id > $2)
         ORDER BY id LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(page.after_id()?).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Every bell schedule of a school (a handful), for generation.
pub async fn all_bells(db: &Db, school_id: Uuid) -> Result<Vec<BellSchedule>> {
    let sql = format!("SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).fetch_all(pool).await?),
    )
}

/// Makes `bells` the only default of its school, recording the others' change.
async fn take_default(
    tx: &mut Tx,
    bells: &BellSchedule,
    encode: &impl Fn(&BellSchedule, ChangeType) -> Change,
) -> Result<()> {
    let sql = format!(
        "SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1 AND is_default AND id <> $2"
    );
    let former: Vec<BellSchedule> = with_tx!(&mut *tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(bells.school_id).bind(bells.id).fetch_all(&mut *conn).await?);
    for old in former {
        let old = BellSchedule {
            is_default: false,
            updated_at: bells.updated_at,
            ..old
        };
        with_tx!(&mut *tx, conn => {
            sqlx::query(
                "UPDATE bell_schedules SET is_default = $2, updated_at = $3 WHERE id = $1")
                .bind(old.id).bind(false).bind(old.updated_at).execute(&mut *conn).await?;
        });
        record_change(tx, &encode(&old, ChangeType::Updated)).await?;
    }
    Ok(())
}

/// Stores a new bell schedule; the school's first becomes its default.
/// `encode` makes the outbox row of a schedule as finally stored.
pub async fn insert_bells(
    db: &Db,
    bells: &BellSchedule,
    key: Option<&RequestKey>,
    encode: impl Fn(&BellSchedule, ChangeType) -> Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, bells.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        bells.school_id,
        ResourceKind::BellSchedule,
        bells.id,
        bells.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    let has_default: Option<Uuid> = with_tx!(&mut tx, conn => sqlx::query_scalar(
        "SELECT id FROM bell_schedules WHERE school_id = $1 AND is_default")
        .bind(bells.school_id).fetch_optional(&mut *conn).await?);
    let bells = BellSchedule {
        is_default: bells.is_default || has_default.is_none(),
        ..bells.clone()
    };
    if bells.is_default {
        take_default(&mut tx, &bells, &encode).await?;
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO bell_schedules (id, school_id, name, slots, is_default, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(bells.id).bind(bells.school_id).bind(&bells.name).bind(&bells.slots)
            .bind(bells.is_default).bind(bells.created_at).bind(bells.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, &encode(&bells, ChangeType::Created)).await?;
    tx.commit().await?;
    Ok(Created::New)
}

pub async fn update_bells(
    db: &Db,
    bells: &BellSchedule,
    was_default: bool,
    encode: impl Fn(&BellSchedule, ChangeType) -> Change,
) -> Result<()> {
    if was_default && !bells.is_default {
        return Err(Error::FailedPrecondition(
            "a school keeps one default bell schedule: make another one the default instead".into(),
        ));
    }
    let mut tx = begin_in_school(db, bells.school_id).await?;
    if bells.is_default {
        take_default(&mut tx, bells, &encode).await?;
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE bell_schedules SET name = $3, slots = $4, is_default = $5, updated_at = $6
             WHERE school_id = $1 AND id = $2")
            .bind(bells.school_id).bind(bells.id).bind(&bells.name).bind(&bells.slots)
            .bind(bells.is_default).bind(bells.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, &encode(bells, ChangeType::Updated)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_bells(db: &Db, bells: &BellSchedule, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, bells.school_id).await?;
    let named: i64 = with_tx!(&mut tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM timetable_entries WHERE bell_schedule_id = $1")
        .bind(bells.id).fetch_one(&mut *conn).await?);
    if named > 0 {
        return Err(Error::FailedPrecondition(format!(
            "{named} timetable entries use this bell schedule"
        )));
    }
    if bells.is_default {
        let others: i64 = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM bell_schedules WHERE school_id = $1 AND id <> $2")
            .bind(bells.school_id).bind(bells.id).fetch_one(&mut *conn).await?);
        let by_default: i64 = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM timetable_entries WHERE school_id = $1 AND bell_schedule_id IS NULL")
            .bind(bells.school_id).fetch_one(&mut *conn).await?);
        if others > 0 || by_default > 0 {
            return Err(Error::FailedPrecondition(
                "this is the school's default bell schedule: make another one the default first"
                    .into(),
            ));
        }
    }
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM bell_schedules WHERE school_id = $1 AND id = $2")
            .bind(bells.school_id).bind(bells.id).execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

const HOLIDAY_COLUMNS: &str = "id, school_id, academic_year_id, kind, name, start_date, end_date, \
     grade_levels, created_at, updated_at";

pub async fn get_holiday(db: &Db, school_id: Uuid, id: Uuid) -> Result<Option<Holiday>> {
    let sql = format!("SELECT {HOLIDAY_COLUMNS} FROM holidays WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

#[derive(Debug, Default)]
pub struct HolidayFilter {
    pub academic_year_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Holidays overlapping the filter's dates, by start date.
pub async fn list_holidays(
    db: &Db,
    school_id: Uuid,
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
pub async fn holidays_within(db: &Db, school_id: Uuid, dates: DateRange) -> Result<Vec<Holiday>> {
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
