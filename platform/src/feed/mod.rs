//! Change feeds between services, the backbone of "calls go one way".
//!
//! A service that others depend on writes every change to its outbox in the
//! same transaction as the change ([`crate::outbox`]) and serves it to
//! platform services as `otmetka.common.v1.ChangeFeedService`
//! ([`producer::ChangeFeed`]). A service that needs another's data keeps
//! its own copy, applied by a [`consumer::Consumer`]: the effect of each
//! change and the consumer's cursor commit in one transaction of the
//! consumer's own database, so each change takes effect once, across
//! crashes and restarts. A change that cannot be applied is parked with the
//! reason ([`parked`]); the consumer goes on, and an operator retries it.
//!
//! Each consuming service's migrations create, on both backends:
//! `feed_cursors (consumer PRIMARY KEY, cursor, updated_at)` and
//! `feed_parked (id PRIMARY KEY, consumer, cursor, envelope, reason,
//! attempts, parked_at)`.

pub mod consumer;
#[cfg(test)]
mod consumer_tests;
pub mod parked;
pub mod producer;
pub mod source;

pub use consumer::{ApplyChange, Consumer, ConsumerHandle, ConsumerOptions, Refusal};
pub use otmetka_proto::common::v1::{ChangeEnvelope, ChangeType, EntityType};
pub use producer::ChangeFeed;
pub use source::{ChangeSource, FeedPage, RemoteFeed};

/// The outbox's name of an entity type (`mark`, `reporting_period` …):
/// what `resource_type` holds.
pub fn entity_name(entity: EntityType) -> String {
    entity
        .as_str_name()
        .trim_start_matches("ENTITY_TYPE_")
        .to_ascii_lowercase()
}

/// The entity type an outbox `resource_type` names.
pub fn entity_type(name: &str) -> Option<EntityType> {
    EntityType::from_str_name(&format!("ENTITY_TYPE_{}", name.to_ascii_uppercase()))
        .filter(|entity| *entity != EntityType::Unspecified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_names_round_trip() {
        for entity in [
            EntityType::Mark,
            EntityType::FinalMark,
            EntityType::ReportingPeriod,
            EntityType::Lesson,
        ] {
            assert_eq!(entity_type(&entity_name(entity)), Some(entity));
        }
        assert_eq!(entity_name(EntityType::ReportingPeriod), "reporting_period");
        assert_eq!(entity_type("unspecified"), None);
        assert_eq!(entity_type("nonsense"), None);
    }
}
