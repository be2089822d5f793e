//! What each vendor pushed per day (`push_usage`), its daily quota's count
//! over all replicas.

use chrono::NaiveDate;
use otmetka_platform::db::Db;
use otmetka_platform::{Result, with_db};
use uuid::Uuid;

/// Adds to what the vendor pushed on `day`; returns the day's total.
pub async fn add_pushed_records(
    db: &Db,
    vendor_id: Uuid,
    day: NaiveDate,
    records: i64,
) -> Result<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "INSERT INTO push_usage (vendor_id, day, records) VALUES ($1, $2, $3)
         ON CONFLICT (vendor_id, day) DO UPDATE SET records = push_usage.records + excluded.records
         RETURNING records")
        .bind(vendor_id).bind(day).bind(records).fetch_one(pool).await?))
}
