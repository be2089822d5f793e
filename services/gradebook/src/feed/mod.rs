//! Consumers of other services' change feeds.

pub mod calendar;
