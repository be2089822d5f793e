//! Vendors' id mappings: put (validated against the school's roster, one
//! result per mapping), list and delete.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

use super::{ImportApi, scope};
use crate::model::{EntityKind, IdMapping, PutOutcome, Unmappable, check_external_id};
use crate::store::{self, MappingFilter, NewMapping, Scope};

/// Most mappings, external ids or platform ids one request may name.
const MAX_BATCH: usize = 1000;

fn rejection(field: String, code: &str, message: impl Into<String>) -> pb::RecordError {
    pb::RecordError {
        field,
        code: code.into(),
        message: message.into(),
        // Mapping codes are only strings: they are not record refusals.
        refusal: 0,
    }
}

/// Checks one mapping of a PutIdMappings request on its own: what it maps,
/// or why it is rejected.
fn parse_mapping(
    index: usize,
    school_id: Uuid,
    mapping: &pb::IdMapping,
) -> Result<NewMapping, pb::RecordError> {
    let field = |name: &str| format!("mappings[{index}].{name}");
    if !mapping.school_id.is_empty() && mapping.school_id != school_id.to_string() {
        return Err(rejection(
            field("school_id"),
            "invalid_argument",
            "must be empty or the request's school_id",
        ));
    }
    let kind = EntityKind::from_proto(mapping.entity_type).map_err(|why| match why {
        Unmappable::ReadOnly => rejection(
            field("entity_type"),
            "entity_type_read_only",
            "marks and attendance take their ids from pushed records",
        ),
        Unmappable::Unspecified => rejection(
            field("entity_type"),
            "invalid_argument",
            "must be an entity type",
        ),
    })?;
    check_external_id(&mapping.external_id)
        .map_err(|why| rejection(field("external_id"), "invalid_argument", why))?;
    let platform_id = Uuid::parse_str(&mapping.platform_id).map_err(|_| {
        rejection(
            field("platform_id"),
            "invalid_argument",
            "must be an id (UUID)",
        )
    })?;
    Ok(NewMapping {
        kind,
        external_id: mapping.external_id.clone(),
        platform_id,
    })
}

/// Rejects a mapping whose external id or platform id an earlier mapping
/// of the same request already maps: which one should win is unknowable.
fn reject_duplicates(parsed: &mut [Result<NewMapping, pb::RecordError>]) {
    let mut external = HashSet::new();
    let mut platform = HashSet::new();
    for (index, item) in parsed.iter_mut().enumerate() {
        let Ok(mapping) = item else { continue };
        let first_external = external.insert((mapping.kind, mapping.external_id.clone()));
        let first_platform = platform.insert((mapping.kind, mapping.platform_id));
        if !(first_external && first_platform) {
            *item = Err(rejection(
                format!("mappings[{index}]"),
                "duplicate_in_request",
                "an earlier mapping of this request maps the same external or platform id",
            ));
        }
    }
}

fn mapping_to_proto(mapping: IdMapping) -> pb::IdMapping {
    pb::IdMapping {
        school_id: mapping.school_id.to_string(),
        entity_type: EntityKind::parse(&mapping.entity_type)
            .map(|kind| kind.to_proto())
            .unwrap_or_default()
            .into(),
        external_id: mapping.external_id,
        platform_id: mapping.platform_id.to_string(),
        update_time: Some(to_timestamp(mapping.updated_at)),
    }
}

fn status_of(outcome: PutOutcome) -> pb::MappingStatus {
    match outcome {
        PutOutcome::Created => pb::MappingStatus::Created,
        PutOutcome::Updated => pb::MappingStatus::Updated,
        PutOutcome::Unchanged => pb::MappingStatus::Unchanged,
    }
}

/// 1–`MAX_BATCH` items, or a violation naming `field`.
fn check_batch(field: &str, count: usize, required: bool, violations: &mut Violations) {
    if required && count == 0 {
        violations.add(field, "is required");
    } else if count > MAX_BATCH {
        violations.add(field, format!("must hold at most {MAX_BATCH} items"));
    }
}

impl ImportApi {
    /// Mappings are kept for schools that granted the vendor roster reads:
    /// identity's policy decides, on the vendor's token.
    async fn require_granted(&self, ctx: &CallContext, scope: Scope) -> Result<()> {
        let request = identity::CheckAccessRequest {
            action: identity::Action::ReadRoster.into(),
            school_id: scope.school_id.to_string(),
            ..Default::default()
        };
        match self
            .identity
            .clone()
            .check_access(ctx.forward(request)?)
            .await
        {
            Ok(_) => Ok(()),
            Err(status) if status.code() == tonic::Code::NotFound => {
                Err(Error::not_found("school"))
            }
            Err(status) => Err(status.into()),
        }
    }

    pub(super) async fn put_mappings(
        &self,
        ctx: CallContext,
        request: pb::PutIdMappingsRequest,
    ) -> Result<pb::PutIdMappingsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let mut violations = Violations::new();
        check_batch("mappings", request.mappings.len(), true, &mut violations);
        violations.into_result()?;
        self.require_granted(&ctx, scope).await?;

        let mut parsed: Vec<_> = request
            .mappings
            .iter()
            .enumerate()
            .map(|(index, mapping)| parse_mapping(index, scope.school_id, mapping))
            .collect();
        reject_duplicates(&mut parsed);
        let mut candidates: HashMap<EntityKind, Vec<Uuid>> = HashMap::new();
        for mapping in parsed.iter().flatten() {
            candidates
                .entry(mapping.kind)
                .or_default()
                .push(mapping.platform_id);
        }
        let mut existing = HashMap::new();
        for (kind, ids) in &candidates {
            existing.insert(
                *kind,
                self.existing(&ctx, scope.school_id, *kind, ids).await?,
            );
        }
        for (index, item) in parsed.iter_mut().enumerate() {
            if let Ok(mapping) = item
                && !existing[&mapping.kind].contains(&mapping.platform_id)
            {
                *item = Err(rejection(
                    format!("mappings[{index}].platform_id"),
                    "platform_id_not_found",
                    format!("no {} with this id in the school", mapping.kind.as_str()),
                ));
            }
        }

        let accepted: Vec<NewMapping> = parsed.iter().flatten().cloned().collect();
        let now = Utc::now();
        let mut outcomes = store::put_mappings(&self.db, scope, &accepted, now)
            .await?
            .into_iter();
        let results = parsed
            .into_iter()
            .zip(request.mappings)
            .map(|(item, sent)| match item {
                Ok(mapping) => pb::IdMappingResult {
                    mapping: Some(pb::IdMapping {
                        school_id: scope.school_id.to_string(),
                        entity_type: mapping.kind.to_proto().into(),
                        external_id: mapping.external_id,
                        platform_id: mapping.platform_id.to_string(),
                        update_time: Some(to_timestamp(now)),
                    }),
                    status: status_of(outcomes.next().unwrap_or(PutOutcome::Unchanged)).into(),
                    error: None,
                },
                Err(error) => pb::IdMappingResult {
                    mapping: Some(sent),
                    status: pb::MappingStatus::Rejected.into(),
                    error: Some(error),
                },
            })
            .collect();
        Ok(pb::PutIdMappingsResponse { results })
    }

    pub(super) async fn list_mappings(
        &self,
        ctx: CallContext,
        request: pb::ListIdMappingsRequest,
    ) -> Result<pb::ListIdMappingsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let mut violations = Violations::new();
        let kind = match EntityKind::from_proto(request.entity_type) {
            Ok(kind) => Some(kind),
            Err(Unmappable::Unspecified) => None,
            Err(Unmappable::ReadOnly) => {
                violations.add("entity_type", "marks and attendance have no mappings");
                None
            }
        };
        check_batch(
            "external_ids",
            request.external_ids.len(),
            false,
            &mut violations,
        );
        if let Some(problem) = request
            .external_ids
            .iter()
            .find_map(|id| check_external_id(id).err())
        {
            violations.add("external_ids", problem);
        }
        check_batch(
            "platform_ids",
            request.platform_ids.len(),
            false,
            &mut violations,
        );
        let platform_ids: Vec<Uuid> = request
            .platform_ids
            .iter()
            .filter_map(|id| {
                violations.check(
                    "platform_ids",
                    Uuid::parse_str(id).map_err(|_| "must be ids (UUIDs)".to_owned()),
                )
            })
            .collect();
        violations.into_result()?;
        self.require_granted(&ctx, scope).await?;
        let filter = MappingFilter {
            kind,
            external_ids: request.external_ids,
            platform_ids,
        };
        let mut mappings = store::list_mappings(&self.db, scope, &filter, &page).await?;
        let next_page_token = page.finish(&mut mappings, |mapping| {
            format!("{}\0{}", mapping.entity_type, mapping.platform_id)
        });
        Ok(pb::ListIdMappingsResponse {
            mappings: mappings.into_iter().map(mapping_to_proto).collect(),
            next_page_token,
        })
    }

    pub(super) async fn delete_mappings(
        &self,
        ctx: CallContext,
        request: pb::DeleteIdMappingsRequest,
    ) -> Result<pb::DeleteIdMappingsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let mut violations = Violations::new();
        let kind = match EntityKind::from_proto(request.entity_type) {
            Ok(kind) => Some(kind),
            Err(_) => {
                violations.add("entity_type", "must be an entity type that can be mapped");
                None
            }
        };
        check_batch(
            "external_ids",
            request.external_ids.len(),
            true,
            &mut violations,
        );
        if let Some(problem) = request
            .external_ids
            .iter()
            .find_map(|id| check_external_id(id).err())
        {
            violations.add("external_ids", problem);
        }
        violations.into_result()?;
        let kind = kind.ok_or_else(|| Error::invalid("entity_type", "is required"))?;
        self.require_granted(&ctx, scope).await?;
        let deleted = store::delete_mappings(&self.db, scope, kind, &request.external_ids).await?;
        Ok(pb::DeleteIdMappingsResponse {
            deleted_count: i32::try_from(deleted).unwrap_or(i32::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(kind: pb::EntityType, external: &str, platform: &str) -> pb::IdMapping {
        pb::IdMapping {
            entity_type: kind.into(),
            external_id: external.into(),
            platform_id: platform.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_bad_mapping_names_its_field_and_code() {
        let school = Uuid::now_v7();
        let id = Uuid::now_v7().to_string();
        let code = |index, mapping: &pb::IdMapping| {
            parse_mapping(index, school, mapping)
                .map(|_| ())
                .map_err(|e| (e.field, e.code))
        };
        assert_eq!(code(0, &sent(pb::EntityType::Student, "s1", &id)), Ok(()));
        assert_eq!(
            code(2, &sent(pb::EntityType::Mark, "m1", &id)),
            Err((
                "mappings[2].entity_type".into(),
                "entity_type_read_only".into()
            ))
        );
        assert_eq!(
            code(1, &sent(pb::EntityType::Student, "", &id)),
            Err(("mappings[1].external_id".into(), "invalid_argument".into()))
        );
        assert_eq!(
            code(0, &sent(pb::EntityType::Student, "s1", "nope")),
            Err(("mappings[0].platform_id".into(), "invalid_argument".into()))
        );
        let elsewhere = pb::IdMapping {
            school_id: Uuid::now_v7().to_string(),
            ..sent(pb::EntityType::Student, "s1", &id)
        };
        assert_eq!(
            code(0, &elsewhere),
            Err(("mappings[0].school_id".into(), "invalid_argument".into()))
        );
    }

    #[test]
    fn the_second_claim_on_an_id_in_one_request_is_rejected() {
        let school = Uuid::now_v7();
        let (a, b) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        let mut parsed: Vec<_> = [
            sent(pb::EntityType::Student, "s1", &a),
            sent(pb::EntityType::Student, "s1", &b),
            sent(pb::EntityType::Student, "s2", &a),
            // Another kind is another namespace.
            sent(pb::EntityType::Teacher, "s1", &a),
        ]
        .iter()
        .enumerate()
        .map(|(index, mapping)| parse_mapping(index, school, mapping))
        .collect();
        reject_duplicates(&mut parsed);
        let codes: Vec<_> = parsed
            .iter()
            .map(|item| item.as_ref().err().map(|e| e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                None,
                Some("duplicate_in_request"),
                Some("duplicate_in_request"),
                None
            ]
        );
    }
}
