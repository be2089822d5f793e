//! The weekly timetable.

use chrono::NaiveDate;
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId};
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{Change, Created, RequestKey, begin_in_school, claim_request, record_change};
use crate::calendar::{DateRange, Slot, clash};
use crate::model::{AcademicYearId, Periodicity, ResourceKind, TimetableEntry, TimetableEntryId};

const ENTRY_COLUMNS: &str = "id, school_id, academic_year_id, class_id, group_id, grade_level, \
     weekday, lesson_number, subject_id, teacher_id, room, periodicity, start_date, end_date, \
     bell_schedule_id, created_at, updated_at";

/// The dates an entry applies on, its empty bounds being the year's.
pub fn entry_dates(entry: &TimetableEntry, year: DateRange) -> DateRange {
    DateRange {
        start: entry.start_date.unwrap_or(year.start),
        end: entry.end_date.unwrap_or(year.end),
    }
}

fn slot(entry: &TimetableEntry, year: DateRange) -> Slot {
    Slot {
        entry_id: entry.id,
        class_id: entry.class_id,
        group_id: entry.group_id,
        teacher_id: entry.teacher_id,
        room: entry.room.clone(),
        weekday: entry.weekday,
        lesson_number: entry.lesson_number,
        periodicity: entry.periodicity().unwrap_or(Periodicity::EveryWeek),
        dates: entry_dates(entry, year),
    }
}

pub async fn get_entry(
    db: &Db,
    school_id: SchoolId,
    id: TimetableEntryId,
) -> Result<Option<TimetableEntry>> {
    let sql =
        format!("SELECT {ENTRY_COLUMNS} FROM timetable_entries WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

#[derive(Debug, Default)]
pub struct EntryFilter {
    pub class_id: Option<ClassId>,
    pub group_id: Option<GroupId>,
    pub teacher_id: Option<PersonId>,
    pub room: Option<String>,
    pub on_date: Option<NaiveDate>,
}

/// The page key of entry lists: weekday and lesson number, then id.
pub fn entry_key(entry: &TimetableEntry) -> String {
    format!(
        "{:02}{:02}\0{}",
        entry.weekday, entry.lesson_number, entry.id
    )
}

/// A year's entries by weekday and lesson number. `on_date` compares with
/// the entry's own bounds; entries without bounds follow the year's.
pub async fn list_entries(
    db: &Db,
    school_id: SchoolId,
    academic_year_id: AcademicYearId,
    filter: &EntryFilter,
    page: &Page,
) -> Result<Vec<TimetableEntry>> {
    let (after_slot, after_id) = match page.after_pair()? {
        Some((slot, id)) => (
            Some(slot.parse::<i32>().map_err(|_| bad_token())?),
            Some(id),
        ),
        None => (None, None),
    };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM timetable_entries
         WHERE school_id = $1 AND academic_year_id = $2
           AND ($3 IS NULL OR class_id = $3)
           AND ($4 IS NULL OR group_id = $4)
           AND ($5 IS NULL OR teacher_id = $5)
           AND ($6 IS NULL OR room = $6)
           AND ($7 IS NULL OR ((start_date IS NULL OR start_date <= $7)
                               AND (end_date IS NULL OR end_date >= $7)))
           AND ($8 IS NULL OR weekday * 100 + lesson_number > $8
                OR (weekday * 100 + lesson_number = $8 AND id > $9))
         ORDER BY weekday, lesson_number, id LIMIT $10"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(academic_year_id).bind(filter.class_id).bind(filter.group_id)
        .bind(filter.teacher_id).bind(&filter.room).bind(filter.on_date)
        .bind(after_slot).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Every entry of a year, or of one class and its groups, for generation.
pub async fn year_entries(
    db: &Db,
    school_id: SchoolId,
    academic_year_id: AcademicYearId,
    class_id: Option<ClassId>,
) -> Result<Vec<TimetableEntry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM timetable_entries
         WHERE school_id = $1 AND academic_year_id = $2 AND ($3 IS NULL OR class_id = $3)
         ORDER BY id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(academic_year_id).bind(class_id).fetch_all(pool).await?),
    )
}

/// Refuses an entry that clashes with another of its slot.
async fn refuse_clash(tx: &mut Tx, entry: &TimetableEntry, year: DateRange) -> Result<()> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM timetable_entries
         WHERE school_id = $1 AND academic_year_id = $2 AND weekday = $3
           AND lesson_number = $4 AND id <> $5"
    );
    let neighbours: Vec<TimetableEntry> = with_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entry.school_id).bind(entry.academic_year_id).bind(entry.weekday)
        .bind(entry.lesson_number).bind(entry.id)
        .fetch_all(&mut *conn).await?);
    let mine = slot(entry, year);
    for neighbour in &neighbours {
        if let Some(why) = clash(&mine, &slot(neighbour, year)) {
            return Err(Error::FailedPrecondition(format!(
                "clashes with timetable entry {}: {}",
                neighbour.id,
                why.describe()
            )));
        }
    }
    Ok(())
}

/// Stores a new entry unless it clashes; `year` gives empty bounds their dates.
pub async fn insert_entry(
    db: &Db,
    entry: &TimetableEntry,
    year: DateRange,
    key: Option<&RequestKey>,
    change: &Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, entry.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        entry.school_id,
        ResourceKind::TimetableEntry,
        entry.id,
        entry.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    refuse_clash(&mut tx, entry, year).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO timetable_entries (id, school_id, academic_year_id, class_id, group_id,
                 grade_level, weekday, lesson_number, subject_id, teacher_id, room, periodicity,
                 start_date, end_date, bell_schedule_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
            .bind(entry.id).bind(entry.school_id).bind(entry.academic_year_id)
            .bind(entry.class_id).bind(entry.group_id).bind(entry.grade_level)
            .bind(entry.weekday).bind(entry.lesson_number).bind(entry.subject_id)
            .bind(entry.teacher_id).bind(&entry.room).bind(&entry.periodicity)
            .bind(entry.start_date).bind(entry.end_date).bind(entry.bell_schedule_id)
            .bind(entry.created_at).bind(entry.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

pub async fn update_entry(
    db: &Db,
    entry: &TimetableEntry,
    year: DateRange,
    change: &Change,
) -> Result<()> {
    let mut tx = begin_in_school(db, entry.school_id).await?;
    refuse_clash(&mut tx, entry, year).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE timetable_entries SET class_id = $3, group_id = $4, grade_level = $5,
                 weekday = $6, lesson_number = $7, subject_id = $8, teacher_id = $9, room = $10,
                 periodicity = $11, start_date = $12, end_date = $13, bell_schedule_id = $14,
                 updated_at = $15
             WHERE school_id = $1 AND id = $2")
            .bind(entry.school_id).bind(entry.id).bind(entry.class_id).bind(entry.group_id)
            .bind(entry.grade_level).bind(entry.weekday).bind(entry.lesson_number)
            .bind(entry.subject_id).bind(entry.teacher_id).bind(&entry.room)
            .bind(&entry.periodicity).bind(entry.start_date).bind(entry.end_date)
            .bind(entry.bell_schedule_id).bind(entry.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_entry(db: &Db, entry: &TimetableEntry, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, entry.school_id).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM timetable_entries WHERE school_id = $1 AND id = $2")
            .bind(entry.school_id).bind(entry.id).execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}
