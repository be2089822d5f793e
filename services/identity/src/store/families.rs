//! Students' families and subjects' names, many at once, for notifications.

use otmetka_platform::db::{Db, placeholders};
use otmetka_platform::ids::{PersonId, StudentId, SubjectId};
use otmetka_platform::{Result, with_db};

use super::people::PERSON_COLUMNS;
use crate::model::{Person, Subject};

/// The students among `ids`.
pub async fn students_by_ids(db: &Db, ids: &[StudentId]) -> Result<Vec<Person>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE kind = 'student' AND id IN ({})",
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

/// A guardian of a student, with the guardian's person.
#[derive(Debug, sqlx::FromRow)]
pub struct GuardianOf {
    pub student_id: StudentId,
    pub guardian_id: PersonId,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: String,
}

/// The guardians of the students `ids` whose accounts are not disabled,
/// by student, then name.
pub async fn guardians_of_students(db: &Db, ids: &[StudentId]) -> Result<Vec<GuardianOf>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT g.student_id, g.guardian_id, p.family_name, p.given_name, p.middle_name
         FROM guardianships g JOIN persons p ON p.id = g.guardian_id
         WHERE NOT p.disabled AND g.student_id IN ({})
         ORDER BY g.student_id, p.search_name, p.id",
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

/// The subjects among `ids`.
pub async fn subjects_by_ids(db: &Db, ids: &[SubjectId]) -> Result<Vec<Subject>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT * FROM subjects WHERE id IN ({})",
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
