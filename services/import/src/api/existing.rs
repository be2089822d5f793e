//! Whether platform ids a vendor maps are entities of their type in the
//! school, asked of the service that owns them on the vendor's token.

use std::collections::HashSet;

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use uuid::Uuid;

use super::ImportApi;
use super::walk::{WHOLE_PAGE, every_page};
use crate::model::EntityKind;

impl ImportApi {
    /// Which of `candidates` are entities of `kind` in the school, asked of
    /// the service that owns them on the vendor's token.
    pub(super) async fn existing(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        kind: EntityKind,
        candidates: &[Uuid],
    ) -> Result<HashSet<Uuid>> {
        let school = school_id.to_string();
        let identity = &self.identity;
        let schedule = &self.schedule;
        let ids: Vec<String> = match kind {
            EntityKind::School => vec![school],
            EntityKind::Class => self
                .classes(ctx, school_id, None)
                .await?
                .into_iter()
                .map(|class| class.id)
                .collect(),
            EntityKind::Group => {
                let mut ids = Vec::new();
                for class in self.classes(ctx, school_id, None).await? {
                    let groups = every_page(|page_token| {
                        let mut identity = identity.clone();
                        let request = ctx.forward(identity::ListGroupsRequest {
                            class_id: class.id.clone(),
                            page_size: WHOLE_PAGE,
                            page_token,
                        });
                        async move {
                            let reply = identity.list_groups(request?).await?.into_inner();
                            Ok((reply.groups, reply.next_page_token))
                        }
                    })
                    .await?;
                    ids.extend(groups.into_iter().map(|group| group.id));
                }
                ids
            }
            EntityKind::Subject => {
                every_page(|page_token| {
                    let mut identity = identity.clone();
                    let request = ctx.forward(identity::ListSubjectsRequest {
                        school_id: school.clone(),
                        page_size: WHOLE_PAGE,
                        page_token,
                    });
                    async move {
                        let reply = identity.list_subjects(request?).await?.into_inner();
                        let ids = reply.subjects.into_iter().map(|s| s.id).collect();
                        Ok((ids, reply.next_page_token))
                    }
                })
                .await?
            }
            EntityKind::Student | EntityKind::Teacher => {
                let person_kind = if kind == EntityKind::Student {
                    identity::PersonKind::Student
                } else {
                    identity::PersonKind::Staff
                };
                every_page(|page_token| {
                    let mut identity = identity.clone();
                    let request = ctx.forward(identity::ListPersonsRequest {
                        school_id: school.clone(),
                        kind: person_kind.into(),
                        name_query: String::new(),
                        page_size: WHOLE_PAGE,
                        page_token,
                    });
                    async move {
                        let reply = identity.list_persons(request?).await?.into_inner();
                        let ids = reply.persons.into_iter().map(|p| p.id).collect();
                        Ok((ids, reply.next_page_token))
                    }
                })
                .await?
            }
            EntityKind::Enrollment => {
                let mut ids = every_page(|page_token| {
                    let mut identity = identity.clone();
                    let request = ctx.forward(identity::ListTeachingAssignmentsRequest {
                        school_id: school.clone(),
                        page_size: WHOLE_PAGE,
                        page_token,
                        ..Default::default()
                    });
                    async move {
                        let reply = identity
                            .list_teaching_assignments(request?)
                            .await?
                            .into_inner();
                        let ids = reply
                            .teaching_assignments
                            .into_iter()
                            .map(|a| a.id)
                            .collect();
                        Ok((ids, reply.next_page_token))
                    }
                })
                .await?;
                for class in self.classes(ctx, school_id, None).await? {
                    let memberships = every_page(|page_token| {
                        let mut identity = identity.clone();
                        let request = ctx.forward(identity::ListClassMembershipsRequest {
                            class_id: class.id.clone(),
                            page_size: WHOLE_PAGE,
                            page_token,
                        });
                        async move {
                            let reply = identity
                                .list_class_memberships(request?)
                                .await?
                                .into_inner();
                            let ids = reply.memberships.into_iter().map(|m| m.id).collect();
                            Ok((ids, reply.next_page_token))
                        }
                    })
                    .await?;
                    ids.extend(memberships);
                }
                ids
            }
            EntityKind::ReportingPeriod => {
                every_page(|page_token| {
                    let mut schedule = schedule.clone();
                    let request = ctx.forward(schedule::ListReportingPeriodsRequest {
                        school_id: school.clone(),
                        page_size: WHOLE_PAGE,
                        page_token,
                        ..Default::default()
                    });
                    async move {
                        let reply = schedule
                            .list_reporting_periods(request?)
                            .await?
                            .into_inner();
                        let ids = reply.reporting_periods.into_iter().map(|p| p.id).collect();
                        Ok((ids, reply.next_page_token))
                    }
                })
                .await?
            }
            // Lessons are too many to list: each is looked up.
            EntityKind::Lesson => {
                let mut found = Vec::new();
                for id in candidates {
                    let request = ctx.forward(schedule::GetLessonRequest {
                        school_id: school.clone(),
                        id: id.to_string(),
                    })?;
                    match schedule.clone().get_lesson(request).await {
                        Ok(_) => found.push(id.to_string()),
                        Err(status) if status.code() == tonic::Code::NotFound => {}
                        Err(status) => return Err(status.into()),
                    }
                }
                found
            }
        };
        Ok(ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .filter(|id| candidates.contains(id))
            .collect())
    }
}
