//! A school's journal setup: grading scales, work types, journal settings
//! and calculation policies.

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::ids::{SchoolId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db, with_tx};
use uuid::Uuid;

use crate::model::{ScaleId, WorkType, WorkTypeId};
use crate::scale::{CustomValue, Scale, ScaleKind};

#[derive(sqlx::FromRow)]
struct ScaleRow {
    id: ScaleId,
    school_id: SchoolId,
    subject_id: Option<SubjectId>,
    #[sqlx(try_from = "String")]
    kind: ScaleKind,
    name: String,
    modifiers: bool,
    custom_values: String,
}

/// A scale as stored: where it applies, and the scale itself.
#[derive(Debug, Clone)]
pub struct StoredScale {
    pub id: ScaleId,
    pub school_id: SchoolId,
    pub subject_id: Option<SubjectId>,
    pub name: String,
    pub scale: Scale,
}

impl TryFrom<ScaleRow> for StoredScale {
    type Error = Error;

    fn try_from(row: ScaleRow) -> Result<Self> {
        let corrupt = |what: &str| Error::Internal(anyhow::anyhow!("scale {}: bad {what}", row.id));
        let custom: Vec<CustomValue> =
            serde_json::from_str(&row.custom_values).map_err(|_| corrupt("values"))?;
        Ok(StoredScale {
            id: row.id,
            school_id: row.school_id,
            subject_id: row.subject_id,
            name: row.name,
            scale: Scale {
                kind: row.kind,
                modifiers: row.modifiers,
                custom,
            },
        })
    }
}

pub async fn insert_scale(db: &Db, scale: &StoredScale, now: DateTime<Utc>) -> Result<()> {
    let custom =
        serde_json::to_string(&scale.scale.custom).map_err(|e| Error::Internal(e.into()))?;
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO grading_scales (id, school_id, subject_id, kind, name, modifiers, custom_values, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(scale.id).bind(scale.school_id).bind(scale.subject_id).bind(scale.scale.kind.as_str())
        .bind(&scale.name).bind(scale.scale.modifiers).bind(&custom).bind(now)
        .execute(pool).await
        .map_err(|error| match Error::from(error) {
            Error::AlreadyExists(_) => Error::AlreadyExists(
                "this subject (or, without one, the school) already has a scale".into()),
            other => other,
        })?; });
    Ok(())
}

pub async fn list_scales(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<StoredScale>> {
    let after = page.after_id()?;
    let rows: Vec<ScaleRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, subject_id, kind, name, modifiers, custom_values FROM grading_scales
         WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?);
    rows.into_iter().map(StoredScale::try_from).collect()
}

/// The scale marks in a subject are read on: the subject's own, else the
/// school's, else the plain 5-point scale.
pub async fn scale_for(db: &Db, school_id: SchoolId, subject_id: SubjectId) -> Result<Scale> {
    let rows: Vec<ScaleRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, subject_id, kind, name, modifiers, custom_values FROM grading_scales
         WHERE school_id = $1 AND (subject_id = $2 OR subject_id IS NULL)
         ORDER BY subject_id IS NULL")
        .bind(school_id).bind(subject_id).fetch_all(pool).await?);
    match rows.into_iter().next() {
        Some(row) => Ok(StoredScale::try_from(row)?.scale),
        None => Ok(Scale::default_five_point()),
    }
}

pub async fn insert_work_type(db: &Db, work_type: &WorkType) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO work_types (id, school_id, name, weight) VALUES ($1, $2, $3, $4)")
        .bind(work_type.id).bind(work_type.school_id).bind(&work_type.name).bind(work_type.weight)
        .execute(pool).await?; });
    Ok(())
}

pub async fn get_work_type(db: &Db, id: WorkTypeId) -> Result<Option<WorkType>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, name, weight FROM work_types WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub async fn list_work_types(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<WorkType>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, name, weight FROM work_types
         WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// A school's work type names by id.
pub async fn work_type_names(db: &Db, school_id: SchoolId) -> Result<Vec<(WorkTypeId, String)>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, name FROM work_types WHERE school_id = $1")
        .bind(school_id).fetch_all(pool).await?))
}

/// Days after a lesson its teacher may still change it, unless the school
/// chose otherwise.
pub const DEFAULT_EDIT_WINDOW_DAYS: i32 = 14;

pub async fn edit_window_days(db: &Db, school_id: Uuid) -> Result<i32> {
    let days: Option<i32> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT edit_window_days FROM journal_settings WHERE school_id = $1")
        .bind(school_id).fetch_optional(pool).await?);
    Ok(days.unwrap_or(DEFAULT_EDIT_WINDOW_DAYS))
}

pub async fn vendors_override_teachers(db: &Db, school_id: Uuid) -> Result<bool> {
    let chosen: Option<bool> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT vendors_override_teachers FROM journal_settings WHERE school_id = $1")
        .bind(school_id).fetch_optional(pool).await?);
    Ok(chosen.unwrap_or(false))
}

pub async fn set_journal_settings(
    db: &Db,
    school_id: Uuid,
    edit_window_days: i32,
    vendors_override_teachers: bool,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO journal_settings (school_id, edit_window_days, vendors_override_teachers) VALUES ($1, $2, $3)
         ON CONFLICT (school_id) DO UPDATE SET edit_window_days = excluded.edit_window_days,
             vendors_override_teachers = excluded.vendors_override_teachers")
        .bind(school_id).bind(edit_window_days).bind(vendors_override_teachers)
        .execute(pool).await?; });
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PolicyRow {
    pub school_id: Uuid,
    #[sqlx(try_from = "String")]
    pub scale: ScaleKind,
    pub version: i64,
    pub thresholds: String,
    pub rounding: String,
    pub created_at: DateTime<Utc>,
}

/// Publishes the next version of a school's policy for a scale; versions
/// are never changed afterwards.
pub async fn insert_policy(db: &Db, mut policy: PolicyRow, author_id: Uuid) -> Result<PolicyRow> {
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM calculation_policies WHERE school_id = $1 AND scale = $2")
            .bind(policy.school_id).bind(policy.scale.as_str()).fetch_one(&mut *conn).await?;
        policy.version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO calculation_policies (school_id, scale, version, thresholds, rounding, author_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(policy.school_id).bind(policy.scale.as_str()).bind(policy.version).bind(&policy.thresholds)
            .bind(&policy.rounding).bind(author_id).bind(policy.created_at)
            .execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(policy)
}

/// A given version of a school's policy for a scale, or the newest (`version` 0).
pub async fn policy(
    db: &Db,
    school_id: Uuid,
    scale: ScaleKind,
    version: i64,
) -> Result<Option<PolicyRow>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT school_id, scale, version, thresholds, rounding, created_at FROM calculation_policies
         WHERE school_id = $1 AND scale = $2 AND ($3 = 0 OR version = $3)
         ORDER BY version DESC LIMIT 1")
        .bind(school_id).bind(scale.as_str()).bind(version).fetch_optional(pool).await?))
}
