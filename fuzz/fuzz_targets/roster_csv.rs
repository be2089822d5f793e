//! Identity's roster import: a OneRoster CSV file read into rows, and the
//! rows' roles and class names read as identity keeps them.
//!
//! Input: one byte choosing the file (users, classes, enrollments), then
//! the file.
//!
//! The checks live in `otmetka_fuzz_checks::roster_csv`, which the stable replay
//! test runs as well.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| otmetka_fuzz_checks::roster_csv(data));
