//! Loading a school's roster from OneRoster files.

use std::collections::HashMap;

use otmetka_platform::authz::Action;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::text::quote;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::require_school;
use crate::audit::AuditKind;
use crate::roster_import;

impl IdentityApi {
    pub(super) async fn import_roster(
        &self,
        ctx: CallContext,
        request: pb::ImportRosterRequest,
    ) -> Result<pb::ImportRosterResponse> {
        let db = &self.state.db;
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster).await?;
        let mut files = HashMap::new();
        for file in request.files {
            if files.insert(file.name.clone(), file.content).is_some() {
                return Err(Error::invalid(
                    "files",
                    format!("{} is given twice", quote(&file.name)),
                ));
            }
        }
        let report = roster_import::import(
            db,
            &self.state.settings.clock,
            school_id,
            &files,
            request.validate_only,
        )
        .await?;
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
}
