//! Gradebook's copy of schedule's lessons and reporting periods, written
//! by the calendar feed consumer and read by every write that needs them.

use chrono::NaiveDate;
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::{Error, Result, with_db, with_tx};
use otmetka_proto::schedule::v1 as schedule;
use prost::Message;
use uuid::Uuid;

/// A lesson as the copy keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct CopiedLesson {
    pub id: Uuid,
    pub school_id: Uuid,
    pub class_id: Uuid,
    pub group_id: Option<Uuid>,
    pub subject_id: Uuid,
    pub date: NaiveDate,
    pub lesson_number: i32,
    /// Schedule's message as it came.
    pub lesson: schedule::Lesson,
}

fn unreadable(what: &str) -> Error {
    Error::Internal(anyhow::anyhow!("a copied {what} is unreadable"))
}

fn decode<M: Message + Default>(what: &str, payload: &[u8]) -> Result<M> {
    M::decode(payload).map_err(|_| unreadable(what))
}

pub async fn put_lesson(tx: &mut Tx, lesson: &CopiedLesson) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO calendar_lessons (id, school_id, class_id, group_id, subject_id, date, lesson_number, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET class_id = excluded.class_id, group_id = excluded.group_id,
             subject_id = excluded.subject_id, date = excluded.date,
             lesson_number = excluded.lesson_number, payload = excluded.payload")
        .bind(lesson.id).bind(lesson.school_id).bind(lesson.class_id).bind(lesson.group_id)
        .bind(lesson.subject_id).bind(lesson.date).bind(lesson.lesson_number)
        .bind(lesson.lesson.encode_to_vec())
        .execute(&mut *conn).await?; });
    Ok(())
}

pub async fn delete_lesson(tx: &mut Tx, id: Uuid) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query("DELETE FROM calendar_lessons WHERE id = $1")
        .bind(id).execute(&mut *conn).await?; });
    Ok(())
}

/// A lesson of the school, if the copy has it.
pub async fn lesson(db: &Db, school_id: Uuid, id: Uuid) -> Result<Option<schedule::Lesson>> {
    let payload: Option<Vec<u8>> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT payload FROM calendar_lessons WHERE school_id = $1 AND id = $2")
        .bind(school_id).bind(id).fetch_optional(pool).await?);
    payload.map(|p| decode("lesson", &p)).transpose()
}

/// The subject's lessons of a class (or of one of its groups) within the
/// dates, by date and number.
pub async fn journal_lessons(
    db: &Db,
    class_id: Uuid,
    group_id: Option<Uuid>,
    subject_id: Uuid,
    dates: (NaiveDate, NaiveDate),
) -> Result<Vec<schedule::Lesson>> {
    let payloads: Vec<Vec<u8>> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT payload FROM calendar_lessons
         WHERE class_id = $1 AND subject_id = $2 AND date >= $3 AND date <= $4
           AND ($5 IS NULL OR group_id = $5)
         ORDER BY date, lesson_number, id")
        .bind(class_id).bind(subject_id).bind(dates.0).bind(dates.1).bind(group_id)
        .fetch_all(pool).await?);
    payloads.iter().map(|p| decode("lesson", p)).collect()
}

pub async fn put_period(
    tx: &mut Tx,
    period: &schedule::ReportingPeriod,
    id: Uuid,
    school_id: Uuid,
) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO calendar_periods (id, school_id, payload) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET payload = excluded.payload")
        .bind(id).bind(school_id).bind(period.encode_to_vec())
        .execute(&mut *conn).await?; });
    Ok(())
}

pub async fn delete_period(tx: &mut Tx, id: Uuid) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query("DELETE FROM calendar_periods WHERE id = $1")
        .bind(id).execute(&mut *conn).await?; });
    Ok(())
}

pub async fn period(
    db: &Db,
    school_id: Uuid,
    id: Uuid,
) -> Result<Option<schedule::ReportingPeriod>> {
    let payload: Option<Vec<u8>> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT payload FROM calendar_periods WHERE school_id = $1 AND id = $2")
        .bind(school_id).bind(id).fetch_optional(pool).await?);
    payload.map(|p| decode("reporting period", &p)).transpose()
}

pub async fn periods(db: &Db, school_id: Uuid) -> Result<Vec<schedule::ReportingPeriod>> {
    let payloads: Vec<Vec<u8>> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT payload FROM calendar_periods WHERE school_id = $1 ORDER BY id")
        .bind(school_id).fetch_all(pool).await?);
    payloads
        .iter()
        .map(|p| decode("reporting period", p))
        .collect()
}
