//! The OneRoster loader's reading of a set: manifest.csv, each CSV file, and
//! the id mappings and mark operations planned from them.
//!
//! Input: manifest.csv, then the set's files in the order of
//! `ROSTER_FILES` and `GRADEBOOK_FILES`, separated by the byte 0x1E.
//!
//! The checks live in `otmetka_fuzz_checks::oneroster`, which the stable replay
//! test runs as well.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| otmetka_fuzz_checks::oneroster(data));
