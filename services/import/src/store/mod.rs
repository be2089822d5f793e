//! Every query of import, written once for both backends, one module per
//! resource: vendors' id mappings and their push usage.

mod mappings;
mod push_usage;

pub use mappings::*;
pub use push_usage::*;
