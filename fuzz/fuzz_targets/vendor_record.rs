//! A vendor's push: the bytes of a message decoded as import's push stream
//! and as gradebook's vendor call decode them, and every record checked as
//! each service checks it before looking anything up.
//!
//! Input: a protobuf message, read both as `import.v1.PushRecordsRequest`
//! and as `gradebook.v1.ApplyVendorRecordsRequest`.
//!
//! The checks live in `otmetka_fuzz_checks::vendor_record`, which the stable replay
//! test runs as well.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| otmetka_fuzz_checks::vendor_record(data));
