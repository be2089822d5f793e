//! What a browser sends the gateway: the session cookie among the request's
//! cookies, JSON bodies and query strings.
//!
//! Input: one byte of flags (Secure cookies; the cookie's path), then text
//! used at once as the Cookie headers (one a line), a JSON body and a query
//! string.
//!
//! The checks live in `otmetka_fuzz_checks::session_cookie`, which the stable replay
//! test runs as well.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| otmetka_fuzz_checks::session_cookie(data));
