//! What is known of stored files, and which homework or submission each
//! belongs to.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Error, Result, with_db, with_tx};
use uuid::Uuid;

use super::{Created, RequestKey, claim_request};
use crate::model::{Attachment, AttachmentId, HomeworkId, ResourceKind, SubmissionId};

pub(crate) const ATTACHMENT_COLUMNS: &str = "id, school_id, file_name, content_type, size_bytes, \
     sha256, uploaded_by, created_at, homework_id, submission_id";

/// What a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Homework(HomeworkId),
    Submission(SubmissionId),
}

/// Which kind of thing files belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    Homework,
    Submission,
}

impl OwnerKind {
    pub(crate) fn column(self) -> &'static str {
        match self {
            OwnerKind::Homework => "homework_id",
            OwnerKind::Submission => "submission_id",
        }
    }
}

impl Owner {
    pub(crate) fn column(self) -> &'static str {
        match self {
            Owner::Homework(_) => OwnerKind::Homework.column(),
            Owner::Submission(_) => OwnerKind::Submission.column(),
        }
    }

    pub(crate) fn id(self) -> Uuid {
        match self {
            Owner::Homework(id) => id.uuid(),
            Owner::Submission(id) => id.uuid(),
        }
    }
}

/// Makes the files `ids` (in that order) the ones of `owner`: files no
/// longer named are let go (and expire a day later), newly named ones must
/// be the school's, unattached, and uploaded by `uploader`. `field` names
/// the request field for refusals.
pub async fn attach_files(
    tx: &mut Tx,
    school_id: SchoolId,
    owner: Owner,
    ids: &[AttachmentId],
    uploader: PersonId,
    now: DateTime<Utc>,
    field: &str,
) -> Result<()> {
    let column = owner.column();
    with_tx!(&mut *tx, conn => {
        let mut release = sqlx::QueryBuilder::new(format!(
            "UPDATE attachments SET {column} = NULL, attached_at = "
        ));
        release
            .push_bind(now)
            .push(" WHERE school_id = ")
            .push_bind(school_id)
            .push(format!(" AND {column} = "))
            .push_bind(owner.id());
        if !ids.is_empty() {
            release.push(" AND id NOT IN (");
            let mut list = release.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            release.push(")");
        }
        release.build().execute(&mut *conn).await?;
    });
    for id in ids {
        let sql = format!(
            "UPDATE attachments SET {column} = $1, attached_at = $2
             WHERE school_id = $3 AND id = $4
               AND ({column} = $1 OR (homework_id IS NULL AND submission_id IS NULL
                                      AND uploaded_by = $5))"
        );
        let claimed = with_tx!(&mut *tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.id()).bind(now).bind(school_id).bind(*id).bind(uploader)
            .execute(&mut *conn).await?.rows_affected());
        if claimed == 0 {
            return Err(Error::invalid(
                field,
                format!("{id} is not a file you uploaded, or it belongs elsewhere"),
            ));
        }
    }
    Ok(())
}

/// Lets go of every file of `owner`.
pub async fn release_files(
    tx: &mut Tx,
    school_id: SchoolId,
    owner: Owner,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = format!(
        "UPDATE attachments SET {column} = NULL, attached_at = $1
         WHERE school_id = $2 AND {column} = $3",
        column = owner.column()
    );
    with_tx!(tx, conn => {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now).bind(school_id).bind(owner.id()).execute(&mut *conn).await?;
    });
    Ok(())
}

/// The file an earlier upload with the same key stored, if any.
pub async fn earlier_upload(
    db: &Db,
    key: &RequestKey,
    school_id: SchoolId,
) -> Result<Option<AttachmentId>> {
    let earlier: Option<(String, SchoolId, AttachmentId)> = with_db!(db, pool => sqlx::query_as(
        "SELECT resource_kind, school_id, resource_id FROM create_requests
         WHERE actor_id = $1 AND request_id = $2")
        .bind(key.actor_id).bind(&key.request_id).fetch_optional(pool).await?);
    match earlier {
        None => Ok(None),
        Some((kind, school, id))
            if ResourceKind::parse(&kind) == Some(ResourceKind::Attachment)
                && school == school_id =>
        {
            Ok(Some(id))
        }
        Some(_) => Err(Error::invalid(
            "header.request_id",
            "was already used for another kind of request",
        )),
    }
}

pub async fn insert_attachment(
    db: &Db,
    file: &Attachment,
    key: Option<&RequestKey>,
) -> Result<Created> {
    let mut tx = db.begin_write().await?;
    let claim = claim_request(
        &mut tx,
        key,
        file.school_id,
        ResourceKind::Attachment,
        file.id,
        file.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO attachments (id, school_id, file_name, content_type, size_bytes, sha256,
                                      uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(file.id).bind(file.school_id).bind(&file.file_name).bind(&file.content_type)
            .bind(file.size_bytes).bind(&file.sha256).bind(file.uploaded_by).bind(file.created_at)
            .execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(Created::New)
}

pub async fn get_attachment(
    db: &Db,
    school_id: SchoolId,
    id: AttachmentId,
) -> Result<Option<Attachment>> {
    let sql =
        format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// The files of some homework or submissions (`kind` says which ids
/// `owners` are), in upload order.
pub async fn files_of<OwnerId: Copy + Into<Uuid>>(
    db: &Db,
    school_id: SchoolId,
    kind: OwnerKind,
    owners: &[OwnerId],
) -> Result<Vec<Attachment>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let column = kind.column();
    Ok(with_db!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE school_id = "));
        query.push_bind(school_id).push(format!(" AND {column} IN ("));
        let mut list = query.separated(", ");
        for id in owners {
            list.push_bind(Into::<Uuid>::into(*id));
        }
        query.push(") ORDER BY id");
        query.build_query_as().fetch_all(pool).await?
    }))
}

/// Unattached files let go before `before`, oldest first.
pub async fn expired_files(db: &Db, before: DateTime<Utc>, limit: i64) -> Result<Vec<Attachment>> {
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments
         WHERE homework_id IS NULL AND submission_id IS NULL
           AND COALESCE(attached_at, created_at) < $1
         ORDER BY created_at LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(before).bind(limit).fetch_all(pool).await?),
    )
}

/// Forgets an expired file unless it was attached meanwhile; says whether
/// it did, and so whether its bytes may go.
pub async fn forget_expired(db: &Db, file: &Attachment, before: DateTime<Utc>) -> Result<bool> {
    let deleted = with_db!(db, pool => sqlx::query(
        "DELETE FROM attachments
         WHERE school_id = $1 AND id = $2 AND homework_id IS NULL AND submission_id IS NULL
           AND COALESCE(attached_at, created_at) < $3")
        .bind(file.school_id).bind(file.id).bind(before)
        .execute(pool).await?.rows_affected());
    Ok(deleted > 0)
}
