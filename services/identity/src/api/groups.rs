//! Groups: the part of a class that learns a subject apart.

use otmetka_platform::authz::Action;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, GroupId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::text::quote;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;

use super::IdentityApi;
use crate::access::{require_school, school_today};
use crate::fields::{MAX_NAME_CHARS, required_text};
use crate::model::Group;
use crate::{convert, store};

impl IdentityApi {
    pub(super) async fn create_group(
        &self,
        ctx: CallContext,
        request: pb::CreateGroupRequest,
    ) -> Result<pb::CreateGroupResponse> {
        let db = &self.state.db;
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let not_found = || Error::not_found("class");
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(not_found)?;
        require_school(db, &ctx.principal, class.school_id, Action::ManageRoster)
            .await
            .map_err(|_| not_found())?;
        let mut violations = Violations::new();
        let name = required_text("name", &request.name, MAX_NAME_CHARS, &mut violations);
        let today = school_today(db, &self.state.settings.clock, class.school_id).await?;
        let mut student_ids = Vec::new();
        for text in &request.student_ids {
            let Ok(student_id) = StudentId::parse("student_ids", text) else {
                violations.add("student_ids", format!("{} is not an id", quote(text)));
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
        let group = Group {
            id: GroupId::generate(),
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
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
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
}
