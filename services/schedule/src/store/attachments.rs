//! What is known of stored files, and which homework or submission each
//! belongs to.

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::{Error, Result, with_db};
use uuid::Uuid;

use super::{Created, RequestKey, claim_request, plain_write_tx};
use crate::model::{Attachment, ResourceKind};

pub(crate) const ATTACHMENT_COLUMNS: &str = "id, school_id, file_name, content_type, size_bytes, \
     sha256, uploaded_by, created_at, homework_id, submission_id";

/// The file an earlier upload with the same key stored, if any.
pub async fn earlier_upload(db: &Db, key: &RequestKey, school_id: Uuid) -> Result<Option<Uuid>> {
    let earlier: Option<(String, Uuid, Uuid)> = with_db!(db, pool => sqlx::query_as(
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
    plain_write_tx!(db, tx => {
        claim_request!(tx, key, file.school_id, ResourceKind::Attachment, file.id, file.created_at);
        sqlx::query(
            "INSERT INTO attachments (id, school_id, file_name, content_type, size_bytes, sha256,
                                      uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(file.id).bind(file.school_id).bind(&file.file_name).bind(&file.content_type)
            .bind(file.size_bytes).bind(&file.sha256).bind(file.uploaded_by).bind(file.created_at)
            .execute(&mut *tx).await?;
        Ok(Created::New)
    })
}

pub async fn get_attachment(db: &Db, school_id: Uuid, id: Uuid) -> Result<Option<Attachment>> {
    let sql =
        format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
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
