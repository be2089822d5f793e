//! Students' families, people's contacts, subjects' names and schools'
//! timezones, many at once, for notifications.

use otmetka_platform::db::{Db, placeholders};
use otmetka_platform::ids::{PersonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::{Result, with_db};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, Sqlite};

use super::people::PERSON_COLUMNS;
use crate::model::{Person, Subject};

/// The rows `select` finds with `column` among `ids`; `select` ends where
/// the condition on `column` goes.
async fn rows_among<T, I>(db: &Db, select: &str, column: &str, ids: &[I]) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, PgRow> + for<'r> sqlx::FromRow<'r, SqliteRow> + Send + Unpin,
    I: for<'q> sqlx::Encode<'q, Postgres>
        + sqlx::Type<Postgres>
        + for<'q> sqlx::Encode<'q, Sqlite>
        + sqlx::Type<Sqlite>
        + Copy
        + Send
        + Sync,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{select} {column} IN ({})", placeholders(1, ids.len()));
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await?
    }))
}

/// The students among `ids`.
pub async fn students_by_ids(db: &Db, ids: &[StudentId]) -> Result<Vec<Person>> {
    let select = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE kind = 'student' AND");
    rows_among(db, &select, "id", ids).await
}

/// The people among `ids` whose accounts are not disabled.
pub async fn enabled_persons_by_ids(db: &Db, ids: &[PersonId]) -> Result<Vec<Person>> {
    let select = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE NOT disabled AND");
    rows_among(db, &select, "id", ids).await
}

/// A guardian of a student, with the guardian's person.
#[derive(Debug, sqlx::FromRow)]
pub struct GuardianOf {
    pub student_id: StudentId,
    pub guardian_id: PersonId,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: String,
}

/// The guardians of the students `ids` whose accounts are not disabled.
pub async fn guardians_of_students(db: &Db, ids: &[StudentId]) -> Result<Vec<GuardianOf>> {
    let select = "SELECT g.student_id, g.guardian_id, p.family_name, p.given_name, p.middle_name
         FROM guardianships g JOIN persons p ON p.id = g.guardian_id WHERE NOT p.disabled AND";
    rows_among(db, select, "g.student_id", ids).await
}

/// The subjects among `ids`.
pub async fn subjects_by_ids(db: &Db, ids: &[SubjectId]) -> Result<Vec<Subject>> {
    rows_among(db, "SELECT * FROM subjects WHERE", "id", ids).await
}

/// A school's timezone.
#[derive(Debug, sqlx::FromRow)]
pub struct SchoolTimezone {
    pub id: SchoolId,
    pub timezone: String,
}

/// The timezones of the schools among `ids`.
pub async fn school_timezones(db: &Db, ids: &[SchoolId]) -> Result<Vec<SchoolTimezone>> {
    rows_among(db, "SELECT id, timezone FROM schools WHERE", "id", ids).await
}
