//! The properties the fuzz targets check, one function per target.
//!
//! Each function takes the raw bytes a fuzzer made, reads them as the
//! target's input and panics when a property fails. Two things run them:
//! the cargo-fuzz targets in `fuzz/fuzz_targets/` (nightly, coverage-guided,
//! with AddressSanitizer), and this crate's replay test on stable Rust,
//! which feeds each target its seed corpus and a fixed number of
//! deterministic mutations of it as part of `cargo test --workspace`. See
//! `docs/fuzzing.md`.

mod mark_value;
mod oneroster;
mod page_token;
mod roster_csv;
mod session_cookie;
mod vendor_record;

pub use mark_value::mark_value;
pub use oneroster::oneroster;
pub use page_token::page_token;
pub use roster_csv::roster_csv;
pub use session_cookie::session_cookie;
pub use vendor_record::vendor_record;

/// A target's checks: the fuzzer's bytes in, a panic when a property fails.
pub type Check = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/<name>.rs` and
/// `fuzz/corpus/<name>/` name it.
pub const TARGETS: [(&str, Check); 6] = [
    ("mark_value", mark_value),
    ("roster_csv", roster_csv),
    ("oneroster", oneroster),
    ("vendor_record", vendor_record),
    ("page_token", page_token),
    ("session_cookie", session_cookie),
];
