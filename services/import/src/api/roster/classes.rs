//! Classes: the school's classes of a year, listed to the vendor and
//! walked by the lists identity keeps per class.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::optional_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

use super::Years;
use crate::api::walk::{WHOLE_PAGE, every_page};
use crate::api::{ImportApi, scope};
use crate::model::EntityKind;

fn class_name(class: &identity::Class) -> String {
    format!("{}{}", class.grade_level, class.letter)
}

impl ImportApi {
    /// The school's classes of an academic year, in id order.
    pub(in crate::api) async fn classes(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        first_year: Option<i32>,
    ) -> Result<Vec<identity::Class>> {
        let classes = every_page(|page_token| {
            let mut identity = self.identity.clone();
            let request = ctx.forward(identity::ListClassesRequest {
                school_id: school_id.to_string(),
                page_size: WHOLE_PAGE,
                page_token,
            });
            async move {
                let reply = identity.list_classes(request?).await?.into_inner();
                Ok((reply.classes, reply.next_page_token))
            }
        })
        .await?;
        Ok(classes
            .into_iter()
            .filter(|class| first_year.is_none_or(|year| class.academic_year == year))
            .collect())
    }

    /// The classes a per-class list walks: one class if asked for (it must
    /// be the school's), else the year's.
    pub(in crate::api) async fn walked_classes(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        academic_year_id: &str,
        class_id: &str,
    ) -> Result<(Vec<identity::Class>, Years)> {
        let class_id = optional_id("class_id", class_id)?;
        let years = self.years(ctx, school_id).await?;
        let first_year = match class_id {
            Some(_) => None,
            None => Some(years.first_year(academic_year_id, self.clock.today_utc())?),
        };
        let mut classes = self.classes(ctx, school_id, first_year).await?;
        if let Some(class_id) = class_id {
            classes.retain(|class| class.id == class_id.to_string());
            if classes.is_empty() {
                return Err(Error::not_found("class"));
            }
        }
        Ok((classes, years))
    }

    pub(in crate::api) async fn roster_classes(
        &self,
        ctx: CallContext,
        request: pb::ListRosterClassesRequest,
    ) -> Result<pb::ListRosterClassesResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_classes(ctx.forward(identity::ListClassesRequest {
                school_id: request.school_id.clone(),
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let years = self.years(&ctx, scope.school_id).await?;
        let first_year = years.first_year(&request.academic_year_id, self.clock.today_utc())?;
        // A page may hold fewer classes than asked for, even none, while
        // more follow: other years' classes are left out of it.
        let classes: Vec<_> = reply
            .classes
            .into_iter()
            .filter(|class| class.academic_year == first_year)
            .collect();
        let externals = self
            .externals(
                scope,
                EntityKind::Class,
                classes.iter().map(|c| c.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterClassesResponse {
            classes: classes
                .into_iter()
                .map(|class| pb::RosterClass {
                    external_id: externals.of(&class.id),
                    academic_year_id: years.id_of(class.academic_year),
                    grade_level: class.grade_level,
                    name: class_name(&class),
                    letter: class.letter,
                    class_teacher_id: class.class_teacher_id,
                    school_id: class.school_id,
                    id: class.id,
                })
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }
}
