//! Requests to reopen a locked journal, and the deputy head's decisions.

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, PeriodId, PersonId, SchoolId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use crate::model::{ReopenRequest, ReopenRequestId};

const REOPEN_COLUMNS: &str = "id, school_id, class_id, subject_id, reporting_period_id, requester_id, reason, state, \
     decider_id, decision_comment, created_at, decided_at";

pub async fn insert_reopen_request(db: &Db, request: &ReopenRequest) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO reopen_requests (id, school_id, class_id, subject_id, reporting_period_id, requester_id,
                                      reason, state, decision_comment, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9)")
        .bind(request.id).bind(request.school_id).bind(request.class_id).bind(request.subject_id)
        .bind(request.reporting_period_id).bind(request.requester_id).bind(&request.reason)
        .bind(request.state).bind(request.created_at)
        .execute(pool).await?; });
    Ok(())
}

pub async fn get_reopen_request(db: &Db, id: ReopenRequestId) -> Result<Option<ReopenRequest>> {
    let sql = format!("SELECT {REOPEN_COLUMNS} FROM reopen_requests WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Decides a pending request; false if it was decided already.
pub async fn decide_reopen_request(db: &Db, request: &ReopenRequest) -> Result<bool> {
    let updated = with_db!(db, pool => sqlx::query(
        "UPDATE reopen_requests SET state = $2, decider_id = $3, decision_comment = $4, decided_at = $5
         WHERE id = $1 AND state = 'pending'")
        .bind(request.id).bind(request.state).bind(request.decider_id)
        .bind(&request.decision_comment).bind(request.decided_at)
        .execute(pool).await?.rows_affected());
    Ok(updated == 1)
}

/// A school's reopen requests (only `requester`'s, when given), oldest first.
pub async fn list_reopen_requests(
    db: &Db,
    school_id: SchoolId,
    requester: Option<PersonId>,
    page: &Page,
) -> Result<Vec<ReopenRequest>> {
    let after = page.after_id()?;
    let sql = format!(
        "SELECT {REOPEN_COLUMNS} FROM reopen_requests
         WHERE school_id = $1 AND ($2 IS NULL OR requester_id = $2) AND ($3 IS NULL OR id > $3)
         ORDER BY id LIMIT $4"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(requester).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

/// Whether a deputy head reopened this journal (class, subject, period)
/// since `since`.
pub async fn journal_reopened(
    db: &Db,
    class_id: ClassId,
    subject_id: SubjectId,
    period_id: PeriodId,
    since: DateTime<Utc>,
) -> Result<bool> {
    let found: Option<ReopenRequestId> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM reopen_requests
         WHERE class_id = $1 AND subject_id = $2 AND reporting_period_id = $3 AND state = 'approved'
           AND decided_at >= $4
         LIMIT 1")
        .bind(class_id).bind(subject_id).bind(period_id).bind(since).fetch_optional(pool).await?);
    Ok(found.is_some())
}
