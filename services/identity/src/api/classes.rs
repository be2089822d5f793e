//! Classes of a school, each with its class teacher.

use chrono::Utc;
use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::{require_class, require_school};
use crate::fields::{MAX_CLASS_LETTER_CHARS, required_text};
use crate::model::Class;
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn create_class(
        &self,
        ctx: CallContext,
        request: pb::CreateClassRequest,
    ) -> Result<pb::CreateClassResponse> {
        let db = &self.state.db;
        let school_id = SchoolId::parse("school_id", &request.school_id)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster).await?;
        let mut violations = Violations::new();
        if !(0..=11).contains(&request.grade_level) {
            violations.add("grade_level", "must be 0–11");
        }
        let letter = required_text(
            "letter",
            &request.letter,
            MAX_CLASS_LETTER_CHARS,
            &mut violations,
        );
        if !(2000..=2100).contains(&request.academic_year) {
            violations.add(
                "academic_year",
                "must be the first calendar year of the academic year, e.g. 2026",
            );
        }
        let class_teacher_id = violations.check(
            "class_teacher_id",
            PersonId::parse_optional("class_teacher_id", &request.class_teacher_id)
                .map_err(|e| e.to_string()),
        );
        violations.into_result()?;
        let class_teacher_id = class_teacher_id.flatten();
        if let Some(teacher) = class_teacher_id {
            self.require_staff(school_id, teacher, "class_teacher_id")
                .await?;
        }
        let class = Class {
            id: ClassId::generate(),
            school_id,
            grade_level: request.grade_level,
            letter: letter.to_uppercase(),
            academic_year: request.academic_year,
            class_teacher_id,
            created_at: Utc::now(),
        };
        store::insert_class(db, &class).await?;
        Ok(pb::CreateClassResponse {
            class: Some(convert::class(class)),
        })
    }

    pub(super) async fn get_class(
        &self,
        ctx: CallContext,
        request: pb::GetClassRequest,
    ) -> Result<pb::GetClassResponse> {
        let id = ClassId::parse("id", &request.id)?;
        let class = store::get_class(&self.state.db, id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        // Staff of the school, and the class's students and their guardians.
        require_class(
            &self.state.db,
            &self.state.settings.clock,
            &ctx.principal,
            id,
            None,
            None,
            Action::ReadClass,
        )
        .await?;
        Ok(pb::GetClassResponse {
            class: Some(convert::class(class)),
        })
    }

    pub(super) async fn list_classes(
        &self,
        ctx: CallContext,
        request: pb::ListClassesRequest,
    ) -> Result<pb::ListClassesResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut classes = store::list_classes(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut classes, |class| class.id.to_string());
        Ok(pb::ListClassesResponse {
            classes: classes.into_iter().map(convert::class).collect(),
            next_page_token,
        })
    }
}
