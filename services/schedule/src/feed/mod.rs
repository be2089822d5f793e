//! Consumers of other services' change feeds.

pub mod lesson_flags;
