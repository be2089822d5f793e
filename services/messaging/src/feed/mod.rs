//! Consumers of other services' change feeds.

pub mod journal;
