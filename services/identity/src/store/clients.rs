//! Machine clients and vendors' grants (`clients`, `vendor_grants`).

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db};

use crate::clients::{Client, VendorGrant};
use crate::model::{ClientId, School};

pub async fn insert(db: &Db, client: &Client) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO clients (id, name, kind, secret_hash, allowed_scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(client.id).bind(&client.name).bind(&client.kind).bind(&client.secret_hash)
        .bind(&client.allowed_scopes).bind(client.created_at)
        .execute(pool).await?; });
    Ok(())
}

/// Creates or refreshes a configured service client (its secret comes from
/// the deployment's secrets, so a changed secret replaces the stored hash).
pub async fn upsert_service(db: &Db, client: &Client) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO clients (id, name, kind, secret_hash, allowed_scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash,
             allowed_scopes = excluded.allowed_scopes, revoked_at = NULL")
        .bind(client.id).bind(&client.name).bind(&client.kind).bind(&client.secret_hash)
        .bind(&client.allowed_scopes).bind(client.created_at)
        .execute(pool).await?; });
    Ok(())
}

pub async fn get(db: &Db, id: ClientId) -> Result<Option<Client>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT * FROM clients WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list(db: &Db, page: &Page) -> Result<Vec<Client>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM clients WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2")
        .bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// The clients of `kind` that may still sign in.
pub async fn list_of_kind(db: &Db, kind: &str, page: &Page) -> Result<Vec<Client>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM clients WHERE kind = $1 AND revoked_at IS NULL AND ($2 IS NULL OR id > $2)
         ORDER BY id LIMIT $3")
        .bind(kind).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

pub async fn revoke(db: &Db, id: ClientId, now: DateTime<Utc>) -> Result<bool> {
    let changed = with_db!(db, pool => sqlx::query(
        "UPDATE clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id).bind(now).execute(pool).await?.rows_affected());
    Ok(changed == 1)
}

pub async fn grant(db: &Db, grant: &VendorGrant) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO vendor_grants (client_id, school_id, granted_by, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING")
        .bind(grant.client_id).bind(grant.school_id).bind(grant.granted_by).bind(grant.created_at)
        .execute(pool).await?; });
    Ok(())
}

pub async fn withdraw(db: &Db, client_id: ClientId, school_id: SchoolId) -> Result<bool> {
    let changed = with_db!(db, pool => sqlx::query(
        "DELETE FROM vendor_grants WHERE client_id = $1 AND school_id = $2")
        .bind(client_id).bind(school_id).execute(pool).await?.rows_affected());
    Ok(changed == 1)
}

pub async fn grants_of_school(
    db: &Db,
    school_id: SchoolId,
    page: &Page,
) -> Result<Vec<VendorGrant>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT client_id, school_id, granted_by, created_at FROM vendor_grants
         WHERE school_id = $1 AND ($2 IS NULL OR client_id > $2) ORDER BY client_id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// A live vendor client's grants with their schools, in school id order.
pub async fn grants_of_client(
    db: &Db,
    client_id: ClientId,
    page: &Page,
) -> Result<Vec<(VendorGrant, School)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        grant: VendorGrant,
        name: String,
        timezone: String,
        school_created_at: DateTime<Utc>,
    }
    let after = page.after_id()?;
    let rows: Vec<Row> = with_db!(db, pool => sqlx::query_as(
        "SELECT g.client_id, g.school_id, g.granted_by, g.created_at,
                s.name, s.timezone, s.created_at AS school_created_at
         FROM vendor_grants g JOIN clients c ON c.id = g.client_id JOIN schools s ON s.id = g.school_id
         WHERE g.client_id = $1 AND c.revoked_at IS NULL AND c.kind = 'vendor'
           AND ($2 IS NULL OR g.school_id > $2)
         ORDER BY g.school_id LIMIT $3")
        .bind(client_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|row| {
            let school = School {
                id: row.grant.school_id,
                name: row.name,
                timezone: row.timezone,
                created_at: row.school_created_at,
            };
            (row.grant, school)
        })
        .collect())
}

/// Whether a live vendor client holds a grant for the school.
pub async fn is_granted(db: &Db, client_id: ClientId, school_id: SchoolId) -> Result<bool> {
    let found: Option<ClientId> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT g.client_id FROM vendor_grants g JOIN clients c ON c.id = g.client_id
         WHERE g.client_id = $1 AND g.school_id = $2 AND c.revoked_at IS NULL AND c.kind = 'vendor'")
        .bind(client_id).bind(school_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}
