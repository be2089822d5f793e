//! The roster pull: a granted school's classes, groups, subjects, students
//! and teachers, read from identity (and academic years from schedule) on
//! the vendor's token, each item with the vendor's external id where it
//! mapped one.
//!
//! Lists identity pages itself pass its page tokens through. Groups and
//! students are kept per class there, so those lists walk the school's
//! classes in id order with a key of their own ("class_id\0item_id").

mod classes;
mod groups;
mod people;
mod schools;
mod subjects;
mod years;

use std::collections::HashMap;

use otmetka_platform::Result;
use uuid::Uuid;

pub(super) use self::years::Years;
use super::ImportApi;
use crate::model::EntityKind;
use crate::store::{self, Scope};

/// A vendor's external ids of some platform ids.
pub(super) struct Externals(HashMap<Uuid, String>);

impl Externals {
    pub(super) fn of(&self, id: &str) -> String {
        Uuid::parse_str(id)
            .ok()
            .and_then(|id| self.0.get(&id).cloned())
            .unwrap_or_default()
    }
}

impl ImportApi {
    pub(super) async fn externals<'a>(
        &self,
        scope: Scope,
        kind: EntityKind,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Externals> {
        let ids: Vec<Uuid> = ids
            .into_iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        Ok(Externals(
            store::external_ids(&self.db, scope, kind, &ids).await?,
        ))
    }
}
