//! The gradebook's queries, written once for both backends.

use chrono::NaiveDate;
use otmetka_platform::db::Db;
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db};
use uuid::Uuid;

use crate::model::Mark;

const MARK_COLUMNS: &str = "id, school_id, student_id, subject_id, class_id, lesson_date, scale, value, \
     status, weight, comment, author_id, request_id, created_at, updated_at, deleted_at";

/// Stores `mark`, or returns the author's earlier mark with the same request id.
pub async fn insert_mark(db: &Db, mark: &Mark) -> Result<Mark> {
    let inserted = with_db!(db, pool => sqlx::query(
        "INSERT INTO marks (id, school_id, student_id, subject_id, class_id, lesson_date, scale, value,
                            status, weight, comment, author_id, request_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (author_id, request_id) DO NOTHING")
        .bind(mark.id).bind(mark.school_id).bind(mark.student_id).bind(mark.subject_id)
        .bind(mark.class_id).bind(mark.lesson_date).bind(&mark.scale).bind(&mark.value)
        .bind(&mark.status).bind(mark.weight).bind(&mark.comment).bind(mark.author_id)
        .bind(&mark.request_id).bind(mark.created_at).bind(mark.updated_at)
        .execute(pool).await?.rows_affected());
    if inserted == 1 {
        return Ok(mark.clone());
    }
    let sql = format!("SELECT {MARK_COLUMNS} FROM marks WHERE author_id = $1 AND request_id = $2");
    let earlier: Mark = with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(mark.author_id).bind(&mark.request_id).fetch_one(pool).await?);
    if earlier.student_id != mark.student_id || earlier.subject_id != mark.subject_id {
        return Err(Error::invalid(
            "request_id",
            "was already used for another mark",
        ));
    }
    Ok(earlier)
}

/// Filters of a student's mark list.
#[derive(Debug, Default)]
pub struct MarkFilter {
    pub subject_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A student's marks, newest lesson first; the page key is "date\0id".
pub async fn student_marks(
    db: &Db,
    student_id: Uuid,
    filter: &MarkFilter,
    page: &Page,
) -> Result<Vec<Mark>> {
    let (after_date, after_id) = match page.after_pair()? {
        Some((date, id)) => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?;
            (Some(date), Some(id))
        }
        None => (None, None),
    };
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM marks
         WHERE student_id = $1 AND deleted_at IS NULL
           AND ($2 IS NULL OR subject_id = $2)
           AND ($3 IS NULL OR lesson_date >= $3)
           AND ($4 IS NULL OR lesson_date <= $4)
           AND ($5 IS NULL OR lesson_date < $5 OR (lesson_date = $5 AND id < $6))
         ORDER BY lesson_date DESC, id DESC LIMIT $7"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(student_id).bind(filter.subject_id).bind(filter.from).bind(filter.to)
        .bind(after_date).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

pub fn page_key(mark: &Mark) -> String {
    format!("{}\0{}", mark.lesson_date, mark.id)
}
