//! Vendors' id mappings (`id_mappings`): one-to-one per vendor, school and
//! entity type.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use otmetka_platform::db::{BeginWrite, Db, placeholders};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};
use uuid::Uuid;

use crate::model::{EntityKind, IdMapping, PutOutcome};

/// Whose mappings: one vendor in one school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub vendor_id: Uuid,
    pub school_id: Uuid,
}

/// A mapping to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMapping {
    pub kind: EntityKind,
    pub external_id: String,
    pub platform_id: Uuid,
}

/// Stores the mappings in one transaction, in order: an external id mapped
/// again gets the new platform id, and a platform id mapped again loses its
/// older external id.
pub async fn put_mappings(
    db: &Db,
    scope: Scope,
    mappings: &[NewMapping],
    now: DateTime<Utc>,
) -> Result<Vec<PutOutcome>> {
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut outcomes = Vec::with_capacity(mappings.len());
        for mapping in mappings {
            let kind = mapping.kind.as_str();
            let current: Option<Uuid> = sqlx::query_scalar(
                "SELECT platform_id FROM id_mappings
                 WHERE vendor_id = $1 AND school_id = $2 AND entity_type = $3 AND external_id = $4")
                .bind(scope.vendor_id).bind(scope.school_id).bind(kind).bind(&mapping.external_id)
                .fetch_optional(&mut *tx).await?;
            if current == Some(mapping.platform_id) {
                outcomes.push(PutOutcome::Unchanged);
                continue;
            }
            sqlx::query(
                "DELETE FROM id_mappings
                 WHERE vendor_id = $1 AND school_id = $2 AND entity_type = $3 AND platform_id = $4")
                .bind(scope.vendor_id).bind(scope.school_id).bind(kind).bind(mapping.platform_id)
                .execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO id_mappings (vendor_id, school_id, entity_type, external_id, platform_id, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (vendor_id, school_id, entity_type, external_id)
                 DO UPDATE SET platform_id = excluded.platform_id, updated_at = excluded.updated_at")
                .bind(scope.vendor_id).bind(scope.school_id).bind(kind).bind(&mapping.external_id)
                .bind(mapping.platform_id).bind(now)
                .execute(&mut *tx).await?;
            outcomes.push(if current.is_some() { PutOutcome::Updated } else { PutOutcome::Created });
        }
        tx.commit().await?;
        Ok(outcomes)
    })
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct MappingFilter {
    pub kind: Option<EntityKind>,
    pub external_ids: Vec<String>,
    pub platform_ids: Vec<Uuid>,
}

/// Mappings in (entity type, platform id) order; the page key is
/// "entity_type\0platform_id", unique within a vendor and school.
pub async fn list_mappings(
    db: &Db,
    scope: Scope,
    filter: &MappingFilter,
    page: &Page,
) -> Result<Vec<IdMapping>> {
    let (after_kind, after_id) = match page.after_pair()? {
        Some((kind, id)) => (Some(kind.to_owned()), Some(id)),
        None => (None, None),
    };
    let mut sql = String::from(
        "SELECT school_id, entity_type, external_id, platform_id, updated_at FROM id_mappings
         WHERE vendor_id = $1 AND school_id = $2 AND ($3 IS NULL OR entity_type = $3)
           AND ($4 IS NULL OR entity_type > $4 OR (entity_type = $4 AND platform_id > $5))",
    );
    let mut next = 7;
    if !filter.external_ids.is_empty() {
        let list = placeholders(next, filter.external_ids.len());
        sql.push_str(&format!(" AND external_id IN ({list})"));
        next += filter.external_ids.len();
    }
    if !filter.platform_ids.is_empty() {
        let list = placeholders(next, filter.platform_ids.len());
        sql.push_str(&format!(" AND platform_id IN ({list})"));
    }
    sql.push_str(" ORDER BY entity_type, platform_id LIMIT $6");
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(scope.vendor_id).bind(scope.school_id)
            .bind(filter.kind.map(EntityKind::as_str))
            .bind(after_kind).bind(after_id).bind(page.fetch_limit());
        for external_id in &filter.external_ids {
            query = query.bind(external_id);
        }
        for platform_id in &filter.platform_ids {
            query = query.bind(*platform_id);
        }
        query.fetch_all(pool).await?
    }))
}

/// Removes the mappings of these external ids; returns how many there were.
pub async fn delete_mappings(
    db: &Db,
    scope: Scope,
    kind: EntityKind,
    external_ids: &[String],
) -> Result<u64> {
    let sql = format!(
        "DELETE FROM id_mappings
         WHERE vendor_id = $1 AND school_id = $2 AND entity_type = $3 AND external_id IN ({})",
        placeholders(4, external_ids.len())
    );
    Ok(with_db!(db, pool => {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.vendor_id).bind(scope.school_id).bind(kind.as_str());
        for external_id in external_ids {
            query = query.bind(external_id);
        }
        query.execute(pool).await?.rows_affected()
    }))
}

/// The platform ids of these external ids, where mapped.
pub async fn platform_ids(
    db: &Db,
    scope: Scope,
    kind: EntityKind,
    external_ids: &[String],
) -> Result<HashMap<String, Uuid>> {
    let filter = MappingFilter {
        kind: Some(kind),
        external_ids: external_ids.to_vec(),
        ..MappingFilter::default()
    };
    let rows = all_mappings(db, scope, &filter).await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.external_id, row.platform_id))
        .collect())
}

/// The external ids of these platform ids, where mapped.
pub async fn external_ids(
    db: &Db,
    scope: Scope,
    kind: EntityKind,
    platform_ids: &[Uuid],
) -> Result<HashMap<Uuid, String>> {
    let filter = MappingFilter {
        kind: Some(kind),
        platform_ids: platform_ids.to_vec(),
        ..MappingFilter::default()
    };
    let rows = all_mappings(db, scope, &filter).await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.platform_id, row.external_id))
        .collect())
}

/// Every mapping the filter names (its id lists bound the result).
async fn all_mappings(db: &Db, scope: Scope, filter: &MappingFilter) -> Result<Vec<IdMapping>> {
    if filter.external_ids.is_empty() && filter.platform_ids.is_empty() {
        return Ok(Vec::new());
    }
    let size = filter.external_ids.len() + filter.platform_ids.len();
    let page = Page {
        size: u32::try_from(size).unwrap_or(u32::MAX),
        after: None,
    };
    list_mappings(db, scope, filter, &page).await
}
