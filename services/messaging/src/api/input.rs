//! Reading the parts of a request several resources share: lists of ids
//! and instants, each refusal noted under its field.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use otmetka_platform::error::Violations;
use otmetka_platform::time::from_timestamp;

use crate::model::Listed;

/// At most `max` distinct ids; each one that is not an id, or is named
/// twice, is noted under `field[index]`.
pub fn ids_of<T>(field: &str, ids: &[String], max: usize, violations: &mut Violations) -> Listed<T>
where
    T: std::str::FromStr + Copy + Eq + std::hash::Hash,
{
    if ids.len() > max {
        violations.add(field, format!("names at most {max}"));
        return Listed(Vec::new());
    }
    let mut seen = HashSet::new();
    let mut parsed = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        match id.parse() {
            Ok(id) if seen.insert(id) => parsed.push(id),
            Ok(_) => violations.add(format!("{field}[{index}]"), "is named twice"),
            Err(_) => violations.add(format!("{field}[{index}]"), "must be an id"),
        }
    }
    Listed(parsed)
}

/// The instant, if one was sent.
pub fn time_of(
    field: &str,
    timestamp: Option<&prost_types::Timestamp>,
    violations: &mut Violations,
) -> Option<DateTime<Utc>> {
    let parsed = from_timestamp(field, timestamp?).ok();
    if parsed.is_none() {
        violations.add(field, "is not a valid time");
    }
    parsed
}
