//! Turns a vendor's external ids into platform ids through its mappings, a
//! batch at a time, with one answer per reference: pushed records name
//! students, subjects and lessons by the vendor's own ids, and a reference
//! that is not mapped rejects that record alone.

use std::collections::{BTreeMap, HashMap};

use otmetka_platform::Result;
use otmetka_platform::db::Db;
use otmetka_platform::refusal::RecordRefusal;
use uuid::Uuid;

use crate::model::EntityKind;
use crate::store::{self, Scope};

/// A vendor's id of an entity of some kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub kind: EntityKind,
    pub external_id: String,
}

/// A reference that no mapping resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved(pub Reference);

impl Unresolved {
    /// The refusal of a record whose reference is not mapped.
    pub fn refusal(&self) -> RecordRefusal {
        RecordRefusal::UnresolvedReference
    }

    pub fn message(&self) -> String {
        format!(
            "no {} is mapped to external id {:?}",
            self.0.kind.as_str(),
            self.0.external_id
        )
    }
}

/// Resolves `references` of `vendor_id` in `school_id`, one query per kind
/// of entity; the answers are in the order of the references.
pub async fn resolve(
    db: &Db,
    vendor_id: Uuid,
    school_id: Uuid,
    references: &[Reference],
) -> Result<Vec<Result<Uuid, Unresolved>>> {
    let scope = Scope {
        vendor_id,
        school_id,
    };
    let mut found = HashMap::new();
    for (kind, external_ids) in by_kind(references) {
        for (external_id, platform_id) in
            store::platform_ids(db, scope, kind, &external_ids).await?
        {
            found.insert((kind, external_id), platform_id);
        }
    }
    Ok(answer(references, &found))
}

/// The distinct external ids of each kind.
fn by_kind(references: &[Reference]) -> BTreeMap<EntityKind, Vec<String>> {
    let mut kinds: BTreeMap<EntityKind, Vec<String>> = BTreeMap::new();
    for reference in references {
        let ids = kinds.entry(reference.kind).or_default();
        if !ids.contains(&reference.external_id) {
            ids.push(reference.external_id.clone());
        }
    }
    kinds
}

fn answer(
    references: &[Reference],
    found: &HashMap<(EntityKind, String), Uuid>,
) -> Vec<Result<Uuid, Unresolved>> {
    references
        .iter()
        .map(|reference| {
            found
                .get(&(reference.kind, reference.external_id.clone()))
                .copied()
                .ok_or_else(|| Unresolved(reference.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(kind: EntityKind, id: &str) -> Reference {
        Reference {
            kind,
            external_id: id.into(),
        }
    }

    #[test]
    fn each_kind_is_asked_once_for_distinct_ids() {
        let kinds = by_kind(&[
            reference(EntityKind::Student, "s1"),
            reference(EntityKind::Subject, "math"),
            reference(EntityKind::Student, "s1"),
            reference(EntityKind::Student, "s2"),
        ]);
        assert_eq!(kinds.len(), 2);
        assert_eq!(kinds[&EntityKind::Student], ["s1", "s2"]);
        assert_eq!(kinds[&EntityKind::Subject], ["math"]);
    }

    #[test]
    fn answers_follow_the_references_and_name_what_is_missing() {
        let student = Uuid::now_v7();
        let found = HashMap::from([((EntityKind::Student, "s1".to_owned()), student)]);
        let references = [
            reference(EntityKind::Student, "s1"),
            // The same external id of another kind is another entity.
            reference(EntityKind::Teacher, "s1"),
            reference(EntityKind::Student, "s1"),
        ];
        let answers = answer(&references, &found);
        assert_eq!(answers[0], Ok(student));
        assert_eq!(answers[2], Ok(student));
        let missing = answers[1].clone().unwrap_err();
        assert_eq!(missing.refusal(), RecordRefusal::UnresolvedReference);
        assert_eq!(missing.0, reference(EntityKind::Teacher, "s1"));
        assert!(missing.message().contains("teacher"));
    }

    /// A vendor's mappings as stored, on an SQLite file of its own.
    #[tokio::test]
    async fn stored_mappings_resolve_and_replace_each_other() {
        use otmetka_platform::config::SecretUrl;
        use otmetka_platform::db::DbSettings;

        use crate::model::PutOutcome::{Created, Unchanged, Updated};
        use crate::store::NewMapping;

        let dir = tempfile::tempdir().unwrap();
        let settings = DbSettings {
            url: SecretUrl::new(format!("sqlite://{}/import.db", dir.path().display())),
            schema: "import".into(),
            max_connections: 2,
        };
        let db = Db::open(&settings, crate::MIGRATIONS).await.unwrap();
        let scope = Scope {
            vendor_id: Uuid::now_v7(),
            school_id: Uuid::now_v7(),
        };
        let (anna, boris) = (Uuid::now_v7(), Uuid::now_v7());
        let put = |external: &str, platform_id| NewMapping {
            kind: EntityKind::Student,
            external_id: external.into(),
            platform_id,
        };
        let now = chrono::Utc::now();
        let outcomes = store::put_mappings(&db, scope, &[put("s1", anna), put("s2", boris)], now)
            .await
            .unwrap();
        assert_eq!(outcomes, [Created, Created]);
        let lookup = [
            reference(EntityKind::Student, "s2"),
            reference(EntityKind::Student, "s3"),
            reference(EntityKind::Student, "s1"),
        ];
        let answers = resolve(&db, scope.vendor_id, scope.school_id, &lookup)
            .await
            .unwrap();
        assert_eq!(answers[0], Ok(boris));
        assert!(answers[1].is_err());
        assert_eq!(answers[2], Ok(anna));
        // Another vendor sees none of them.
        let other = resolve(&db, Uuid::now_v7(), scope.school_id, &lookup[..1])
            .await
            .unwrap();
        assert!(other[0].is_err());

        // "s1" now names Boris, whose "s2" goes; again changes nothing.
        let outcomes = store::put_mappings(&db, scope, &[put("s1", boris), put("s1", boris)], now)
            .await
            .unwrap();
        assert_eq!(outcomes, [Updated, Unchanged]);
        let answers = resolve(&db, scope.vendor_id, scope.school_id, &lookup)
            .await
            .unwrap();
        assert!(answers[0].is_err());
        assert_eq!(answers[2], Ok(boris));
        let deleted = store::delete_mappings(&db, scope, EntityKind::Student, &["s1".into()])
            .await
            .unwrap();
        assert_eq!(deleted, 1);
        db.close().await;
    }
}
