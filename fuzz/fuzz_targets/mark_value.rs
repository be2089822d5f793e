//! A mark's value read on each kind of scale, and a custom scale's own
//! values checked before it is stored.
//!
//! Input: one byte choosing the scale (kind, signs allowed), then text; on a
//! custom scale the lines after the first are the scale's values.
//!
//! The checks live in `otmetka_fuzz_checks::mark_value`, which the stable replay
//! test runs as well.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| otmetka_fuzz_checks::mark_value(data));
