//! Changing people: names, and disabling, which ends their sessions.

use chrono::Utc;
use otmetka_platform::authz::{Action, SCOPE_SESSIONS_READ};
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::time::{parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::{IdentityApi, required_text};
use crate::access::require_school;
use crate::audit::AuditKind;
use crate::{convert, store};

const MAX_REVOCATIONS_PAGE: i32 = 500;

impl IdentityApi {
    pub(super) async fn update_person(
        &self,
        ctx: CallContext,
        request: pb::UpdatePersonRequest,
    ) -> Result<pb::UpdatePersonResponse> {
        let db = &self.state.db;
        let changes = request
            .person
            .ok_or_else(|| Error::invalid("person", "is required"))?;
        let id = parse_id("person.id", &changes.id)?;
        let not_found = || Error::not_found("person");
        let mut person = store::get_person(db, id).await?.ok_or_else(not_found)?;
        let school_id = person.school_id.ok_or_else(not_found)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster)
            .await
            .map_err(|_| not_found())?;
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        if paths.is_empty() {
            return Err(Error::invalid(
                "update_mask",
                "must name the fields to change",
            ));
        }
        let mut violations = Violations::new();
        let was_disabled = person.disabled;
        for path in &paths {
            match path.as_str() {
                "family_name" => {
                    person.family_name = required_text(
                        "person.family_name",
                        &changes.family_name,
                        100,
                        &mut violations,
                    )
                }
                "given_name" => {
                    person.given_name = required_text(
                        "person.given_name",
                        &changes.given_name,
                        100,
                        &mut violations,
                    )
                }
                "middle_name" => person.middle_name = changes.middle_name.trim().to_owned(),
                "disabled" => person.disabled = changes.disabled,
                other => violations.add("update_mask", format!("{other:?} cannot be changed")),
            }
        }
        if id == ctx.principal.id && person.disabled {
            violations.add("person.disabled", "you cannot disable yourself");
        }
        violations.into_result()?;
        let newly_disabled = person.disabled && !was_disabled;
        store::update_person(db, &person, newly_disabled).await?;
        if newly_disabled {
            self.audit(&ctx, AuditKind::PersonDisabled, school_id, id)
                .await?;
        }
        Ok(pb::UpdatePersonResponse {
            person: Some(convert::person(person)),
        })
    }

    pub(super) async fn import_roster(
        &self,
        ctx: CallContext,
        request: pb::ImportRosterRequest,
    ) -> Result<pb::ImportRosterResponse> {
        let db = &self.state.db;
        let school_id = parse_id("school_id", &request.school_id)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster).await?;
        let mut files = std::collections::HashMap::new();
        for file in request.files {
            if files.insert(file.name.clone(), file.content).is_some() {
                return Err(Error::invalid(
                    "files",
                    format!("{:?} is given twice", file.name),
                ));
            }
        }
        let report =
            crate::roster_import::import(db, school_id, &files, request.validate_only).await?;
        if !request.validate_only {
            self.audit(&ctx, AuditKind::RosterImported, school_id, school_id)
                .await?;
        }
        Ok(pb::ImportRosterResponse {
            created: report.created as i32,
            updated: report.updated as i32,
            unchanged: report.unchanged as i32,
            errors: report
                .errors
                .into_iter()
                .map(|error| pb::RosterRowError {
                    file: error.file.into(),
                    line: error.line as i64,
                    field: error.field,
                    description: error.description,
                })
                .collect(),
        })
    }

    pub(super) async fn update_school(
        &self,
        ctx: CallContext,
        request: pb::UpdateSchoolRequest,
    ) -> Result<pb::UpdateSchoolResponse> {
        crate::access::require_city_operator(&ctx.principal)?;
        let db = &self.state.db;
        let changes = request
            .school
            .ok_or_else(|| Error::invalid("school", "is required"))?;
        let id = parse_id("school.id", &changes.id)?;
        let mut school = store::get_school(db, id)
            .await?
            .ok_or_else(|| Error::not_found("school"))?;
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        if paths.is_empty() {
            return Err(Error::invalid(
                "update_mask",
                "must name the fields to change",
            ));
        }
        let mut violations = Violations::new();
        for path in &paths {
            match path.as_str() {
                "name" => {
                    school.name = required_text("school.name", &changes.name, 200, &mut violations)
                }
                "timezone" if changes.timezone.parse::<chrono_tz::Tz>().is_ok() => {
                    school.timezone = changes.timezone.clone()
                }
                "timezone" => violations.add(
                    "school.timezone",
                    "must be an IANA timezone such as Europe/Moscow",
                ),
                other => violations.add("update_mask", format!("{other:?} cannot be changed")),
            }
        }
        violations.into_result()?;
        store::update_school(db, &school).await?;
        Ok(pb::UpdateSchoolResponse {
            school: Some(convert::school(school)),
        })
    }

    pub(super) async fn create_group(
        &self,
        ctx: CallContext,
        request: pb::CreateGroupRequest,
    ) -> Result<pb::CreateGroupResponse> {
        let db = &self.state.db;
        let class_id = parse_id("class_id", &request.class_id)?;
        let not_found = || Error::not_found("class");
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(not_found)?;
        require_school(db, &ctx.principal, class.school_id, Action::ManageRoster)
            .await
            .map_err(|_| not_found())?;
        let mut violations = Violations::new();
        let name = required_text("name", &request.name, 100, &mut violations);
        let today = crate::access::school_today(db, class.school_id).await?;
        let mut student_ids = Vec::new();
        for text in &request.student_ids {
            let Ok(student_id) = parse_id("student_ids", text) else {
                violations.add("student_ids", format!("{text:?} is not an id"));
                continue;
            };
            let in_class = store::membership_on(db, student_id, today)
                .await?
                .is_some_and(|m| m.class_id == class_id);
            if in_class {
                student_ids.push(student_id);
            } else {
                violations.add(
                    "student_ids",
                    format!("{text} is not a student of the class"),
                );
            }
        }
        violations.into_result()?;
        let group = crate::model::Group {
            id: uuid::Uuid::now_v7(),
            school_id: class.school_id,
            class_id,
            name,
            student_ids,
        };
        store::insert_group(db, &group).await?;
        Ok(pb::CreateGroupResponse {
            group: Some(convert::group(group)),
        })
    }

    pub(super) async fn list_groups(
        &self,
        ctx: CallContext,
        request: pb::ListGroupsRequest,
    ) -> Result<pb::ListGroupsResponse> {
        let db = &self.state.db;
        let class_id = parse_id("class_id", &request.class_id)?;
        let page = otmetka_platform::paging::Page::parse(request.page_size, &request.page_token)?;
        let not_found = || Error::not_found("class");
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(not_found)?;
        require_school(db, &ctx.principal, class.school_id, Action::ReadRoster)
            .await
            .map_err(|_| not_found())?;
        let mut groups = store::list_groups(db, class_id, &page).await?;
        let next_page_token = page.finish(&mut groups, |group| group.id.to_string());
        Ok(pb::ListGroupsResponse {
            groups: groups.into_iter().map(convert::group).collect(),
            next_page_token,
        })
    }

    pub(super) async fn list_session_revocations(
        &self,
        ctx: CallContext,
        request: pb::ListSessionRevocationsRequest,
    ) -> Result<pb::ListSessionRevocationsResponse> {
        if !ctx.principal.has_scope(SCOPE_SESSIONS_READ) {
            return Err(Error::PermissionDenied(
                "only the gateway reads session revocations".into(),
            ));
        }
        let after = if request.after_id.is_empty() {
            None
        } else {
            Some(parse_id("after_id", &request.after_id)?)
        };
        let limit = match request.page_size {
            0 => MAX_REVOCATIONS_PAGE,
            n => n.clamp(1, MAX_REVOCATIONS_PAGE),
        };
        // Nothing older than a refresh token matters: its sessions are over anyway.
        let since = Utc::now()
            - chrono::Duration::from_std(self.state.settings.refresh_token_ttl)
                .map_err(anyhow::Error::from)?;
        let rows =
            store::session_revocations(&self.state.db, after, since, i64::from(limit)).await?;
        Ok(pb::ListSessionRevocationsResponse {
            revocations: rows
                .into_iter()
                .map(|row| pb::SessionRevocation {
                    id: row.id.to_string(),
                    person_id: row.person_id.to_string(),
                    revoke_time: Some(to_timestamp(row.created_at)),
                })
                .collect(),
        })
    }
}
