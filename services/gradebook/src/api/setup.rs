//! A school's journal setup: grading scales, work types, the edit window.

use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{SchoolId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::text::TextRule;
use otmetka_platform::time::parse_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;

use super::GradebookApi;
use crate::convert;
use crate::model::{ScaleId, WorkType, WorkTypeId};
use crate::scale::{CustomValue, Scale, ScaleKind};
use crate::store::{self, StoredScale};

const MAX_NAME_CHARS: usize = 100;

fn name(field: &str, text: &str, violations: &mut Violations) -> String {
    TextRule::line(MAX_NAME_CHARS)
        .required()
        .check(field, text, violations)
        .to_owned()
}

impl GradebookApi {
    pub(super) async fn create_grading_scale(
        &self,
        ctx: CallContext,
        request: pb::CreateGradingScaleRequest,
    ) -> Result<pb::CreateGradingScaleResponse> {
        let wanted = request
            .grading_scale
            .ok_or_else(|| Error::invalid("grading_scale", "is required"))?;
        let school_id = parse_id("grading_scale.school_id", &wanted.school_id)?;
        let mut violations = Violations::new();
        let subject_id = violations.check(
            "grading_scale.subject_id",
            SubjectId::parse_optional("subject_id", &wanted.subject_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let kind = match pb::ScaleKind::try_from(wanted.kind) {
            Ok(pb::ScaleKind::Unspecified) | Err(_) => {
                violations.add("grading_scale.kind", "is required");
                None
            }
            Ok(_) => convert::scale_kind_from(wanted.kind, ScaleKind::FivePoint),
        };
        let scale_name = name("grading_scale.name", &wanted.name, &mut violations);
        violations.into_result()?;
        let scale = Scale {
            kind: kind.expect("checked above"),
            modifiers: wanted.allow_modifiers,
            custom: wanted
                .values
                .into_iter()
                .map(|value| CustomValue {
                    value: value.value,
                    points: value.points,
                })
                .collect(),
        };
        scale.validate().map_err(|(field, description)| {
            Error::invalid(format!("grading_scale.{field}"), description)
        })?;
        self.school(&ctx, identity::Action::ManageSchedule, school_id)
            .await?;
        let stored = StoredScale {
            id: ScaleId::generate(),
            school_id: SchoolId(school_id),
            subject_id: subject_id.flatten(),
            name: scale_name,
            scale,
        };
        store::insert_scale(&self.db, &stored, self.clock.now()).await?;
        Ok(pb::CreateGradingScaleResponse {
            grading_scale: Some(convert::grading_scale(stored)),
        })
    }

    pub(super) async fn list_grading_scales(
        &self,
        ctx: CallContext,
        request: pb::ListGradingScalesRequest,
    ) -> Result<pb::ListGradingScalesResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        self.school(&ctx, identity::Action::ReadSchool, school_id)
            .await?;
        let mut scales = store::list_scales(&self.db, SchoolId(school_id), &page).await?;
        let next_page_token = page.finish(&mut scales, |scale| scale.id.to_string());
        Ok(pb::ListGradingScalesResponse {
            grading_scales: scales.into_iter().map(convert::grading_scale).collect(),
            next_page_token,
        })
    }

    pub(super) async fn create_work_type(
        &self,
        ctx: CallContext,
        request: pb::CreateWorkTypeRequest,
    ) -> Result<pb::CreateWorkTypeResponse> {
        let wanted = request
            .work_type
            .ok_or_else(|| Error::invalid("work_type", "is required"))?;
        let school_id = parse_id("work_type.school_id", &wanted.school_id)?;
        let mut violations = Violations::new();
        let work_type_name = name("work_type.name", &wanted.name, &mut violations);
        if !(1..=10).contains(&wanted.weight) {
            violations.add("work_type.weight", "must be 1–10");
        }
        violations.into_result()?;
        self.school(&ctx, identity::Action::ManageSchedule, school_id)
            .await?;
        let work_type = WorkType {
            id: WorkTypeId::generate(),
            school_id: SchoolId(school_id),
            name: work_type_name,
            weight: wanted.weight,
        };
        store::insert_work_type(&self.db, &work_type).await?;
        Ok(pb::CreateWorkTypeResponse {
            work_type: Some(convert::work_type(work_type)),
        })
    }

    pub(super) async fn list_work_types(
        &self,
        ctx: CallContext,
        request: pb::ListWorkTypesRequest,
    ) -> Result<pb::ListWorkTypesResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        self.school(&ctx, identity::Action::ReadSchool, school_id)
            .await?;
        let mut work_types = store::list_work_types(&self.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut work_types, |w| w.id.to_string());
        Ok(pb::ListWorkTypesResponse {
            work_types: work_types.into_iter().map(convert::work_type).collect(),
            next_page_token,
        })
    }

    pub(super) async fn get_journal_settings(
        &self,
        ctx: CallContext,
        request: pb::GetJournalSettingsRequest,
    ) -> Result<pb::GetJournalSettingsResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        self.school(&ctx, identity::Action::ReadSchool, school_id)
            .await?;
        Ok(pb::GetJournalSettingsResponse {
            settings: Some(pb::JournalSettings {
                school_id: school_id.to_string(),
                edit_window_days: store::edit_window_days(&self.db, school_id).await?,
                vendors_override_teachers: store::vendors_override_teachers(&self.db, school_id)
                    .await?,
            }),
        })
    }

    pub(super) async fn update_journal_settings(
        &self,
        ctx: CallContext,
        request: pb::UpdateJournalSettingsRequest,
    ) -> Result<pb::UpdateJournalSettingsResponse> {
        let settings = request
            .settings
            .ok_or_else(|| Error::invalid("settings", "is required"))?;
        let school_id = parse_id("settings.school_id", &settings.school_id)?;
        if !(0..=365).contains(&settings.edit_window_days) {
            return Err(Error::invalid("settings.edit_window_days", "must be 0–365"));
        }
        self.school(&ctx, identity::Action::ManageSchedule, school_id)
            .await?;
        store::set_journal_settings(
            &self.db,
            school_id,
            settings.edit_window_days,
            settings.vendors_override_teachers,
        )
        .await?;
        Ok(pb::UpdateJournalSettingsResponse {
            settings: Some(settings),
        })
    }
}
