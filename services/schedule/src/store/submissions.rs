//! Students' submissions for homework, with their files. Each write is
//! about one row of its own, so none takes the school's lock.

use otmetka_platform::db::Db;
use otmetka_platform::ids::{SchoolId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{Change, Created, Owner, RequestKey, attach_files, claim_request, record_change};
use crate::model::{
    AttachmentId, HomeworkId, ResourceKind, Submission, SubmissionId, SubmissionStatus,
};

const SUBMISSION_COLUMNS: &str = "id, school_id, homework_id, student_id, text, status, \
     submitted_at, late, teacher_comment, mark_id, reviewed_by, reviewed_at, created_at, updated_at";

pub async fn get_submission(
    db: &Db,
    school_id: SchoolId,
    id: SubmissionId,
) -> Result<Option<Submission>> {
    let sql =
        format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// Hands in a submission with its files (uploaded by the student).
pub async fn insert_submission(
    db: &Db,
    submission: &Submission,
    files: &[AttachmentId],
    key: Option<&RequestKey>,
    change: &Change,
) -> Result<Created> {
    let school_id = submission.school_id;
    let now = submission.created_at;
    let mut tx = db.begin_write().await?;
    let claim = claim_request(
        &mut tx,
        key,
        school_id,
        ResourceKind::Submission,
        submission.id,
        now,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO submissions (id, school_id, homework_id, student_id, text, status,
                 submitted_at, late, teacher_comment, mark_id, reviewed_by, reviewed_at,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
            .bind(submission.id).bind(school_id).bind(submission.homework_id)
            .bind(submission.student_id).bind(&submission.text).bind(&submission.status)
            .bind(submission.submitted_at).bind(submission.late)
            .bind(&submission.teacher_comment).bind(submission.mark_id)
            .bind(submission.reviewed_by).bind(submission.reviewed_at)
            .bind(submission.created_at).bind(submission.updated_at)
            .execute(&mut *conn).await
            .map_err(|error| match Error::from(error) {
                Error::AlreadyExists(_) => Error::AlreadyExists(
                    "a submission of yours for this homework; update it instead".into()),
                other => other,
            })?;
    });
    attach_files(
        &mut tx,
        school_id,
        Owner::Submission(submission.id),
        files,
        submission.student_id.into(),
        now,
        "submission.attachment_ids",
    )
    .await?;
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

/// Saves a changed submission if it is still in `from` (another writer may
/// have moved it on); with `files`, they become its files.
pub async fn save_submission(
    db: &Db,
    submission: &Submission,
    from: SubmissionStatus,
    files: Option<&[AttachmentId]>,
    change: &Change,
) -> Result<()> {
    let school_id = submission.school_id;
    let now = submission.updated_at;
    let mut tx = db.begin_write().await?;
    let saved = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE submissions SET text = $3, status = $4, submitted_at = $5, late = $6,
             teacher_comment = $7, mark_id = $8, reviewed_by = $9, reviewed_at = $10,
             updated_at = $11
         WHERE school_id = $1 AND id = $2 AND status = $12")
        .bind(school_id).bind(submission.id).bind(&submission.text)
        .bind(&submission.status).bind(submission.submitted_at).bind(submission.late)
        .bind(&submission.teacher_comment).bind(submission.mark_id)
        .bind(submission.reviewed_by).bind(submission.reviewed_at).bind(now)
        .bind(from.as_str())
        .execute(&mut *conn).await?.rows_affected());
    if saved == 0 {
        return Err(Error::FailedPrecondition(
            "the submission changed meanwhile; read it again".into(),
        ));
    }
    if let Some(files) = files {
        attach_files(
            &mut tx,
            school_id,
            Owner::Submission(submission.id),
            files,
            submission.student_id.into(),
            now,
            "submission.attachment_ids",
        )
        .await?;
    }
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Which submissions a list is about.
#[derive(Debug, Clone, Default)]
pub struct SubmissionFilter {
    pub homework_id: Option<HomeworkId>,
    pub student_id: Option<StudentId>,
    pub status: Option<SubmissionStatus>,
}

/// Submissions, newest first.
pub async fn list_submissions(
    db: &Db,
    school_id: SchoolId,
    filter: &SubmissionFilter,
    page: &Page,
) -> Result<Vec<Submission>> {
    let sql = format!(
        "SELECT {SUBMISSION_COLUMNS} FROM submissions
         WHERE school_id = $1 AND ($2 IS NULL OR homework_id = $2)
           AND ($3 IS NULL OR student_id = $3) AND ($4 IS NULL OR status = $4)
           AND ($5 IS NULL OR id < $5)
         ORDER BY id DESC LIMIT $6"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(filter.homework_id).bind(filter.student_id)
        .bind(filter.status.map(SubmissionStatus::as_str)).bind(page.after_id()?)
        .bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}
/// A student's submissions for some homework, for the diary.
pub async fn student_submissions(
    db: &Db,
    school_id: SchoolId,
    student_id: StudentId,
    homework_ids: &[HomeworkId],
) -> Result<Vec<Submission>> {
    if homework_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_db!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE school_id = "));
        query.push_bind(school_id).push(" AND student_id = ").push_bind(student_id)
            .push(" AND homework_id IN (");
        let mut list = query.separated(", ");
        for id in homework_ids {
            list.push_bind(*id);
        }
        query.push(")");
        query.build_query_as().fetch_all(pool).await?
    }))
}
