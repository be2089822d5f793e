//! A list request's page size and page token.
//!
//! Input: four bytes of page size (little-endian), then the token.
//!
//! The checks live in `otmetka_fuzz_checks::page_token`, which the stable replay
//! test runs as well.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| otmetka_fuzz_checks::page_token(data));
