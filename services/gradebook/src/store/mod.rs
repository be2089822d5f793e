//! The gradebook's queries, written once for both backends. Every change
//! of a mark, attendance record or final mark writes its history and its
//! change-feed row in the same transaction.

mod attendance;
pub mod calendar;
mod finals;
mod marks;
mod reopen;
mod settings;
mod vendor_records;

pub use attendance::*;
pub use finals::*;
pub use marks::*;
pub use reopen::*;
pub use settings::*;
pub use vendor_records::*;

use otmetka_platform::db::Tx;
use otmetka_platform::outbox::Change;
use otmetka_platform::{Result, with_tx};

/// Records `change` in the open write transaction, so the feed carries it
/// exactly when the change itself commits.
async fn record_change(tx: &mut Tx, change: &Change) -> Result<()> {
    with_tx!(tx, conn => { sqlx::query(
        "INSERT INTO changes (school_id, resource_type, resource_id, kind, payload, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(change.school_id).bind(&change.resource_type).bind(change.resource_id)
        .bind(&change.kind).bind(&change.payload).bind(change.created_at)
        .execute(&mut *conn).await?; });
    Ok(())
}
