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

use otmetka_platform::outbox::record as record_change;
