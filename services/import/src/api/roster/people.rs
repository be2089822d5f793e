//! People: students, kept per class in identity, and teachers, the
//! school's staff.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use uuid::Uuid;

use super::Externals;
use crate::api::walk::{across_classes, class_key, wanted};
use crate::api::{ImportApi, scope};
use crate::model::EntityKind;

fn person(
    person: identity::Person,
    school_id: Uuid,
    externals: &Externals,
    class_id: String,
) -> pb::RosterPerson {
    pb::RosterPerson {
        external_id: externals.of(&person.id),
        id: person.id,
        school_id: school_id.to_string(),
        family_name: person.family_name,
        given_name: person.given_name,
        middle_name: person.middle_name,
        class_id,
        // Identity does not tell vendors people's logins.
        username: String::new(),
    }
}

impl ImportApi {
    pub(in crate::api) async fn roster_students(
        &self,
        ctx: CallContext,
        request: pb::ListRosterStudentsRequest,
    ) -> Result<pb::ListRosterStudentsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let (classes, _) = self
            .walked_classes(&ctx, scope.school_id, "", &request.class_id)
            .await?;
        let mut students = across_classes(
            &classes,
            page.after_pair()?,
            wanted(&page),
            |class, page_token, page_size| {
                let mut identity = self.identity.clone();
                let request = ctx.forward(identity::ListClassStudentsRequest {
                    class_id: class.id.clone(),
                    date: String::new(),
                    page_size,
                    page_token,
                });
                async move {
                    let reply = identity.list_class_students(request?).await?.into_inner();
                    Ok((reply.students, reply.next_page_token))
                }
            },
        )
        .await?;
        let next_page_token = page.finish(&mut students, |(index, student)| {
            class_key(&classes[*index].id, &student.id)
        });
        let externals = self
            .externals(
                scope,
                EntityKind::Student,
                students.iter().map(|(_, s)| s.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterStudentsResponse {
            students: students
                .into_iter()
                .map(|(index, student)| {
                    person(
                        student,
                        scope.school_id,
                        &externals,
                        classes[index].id.clone(),
                    )
                })
                .collect(),
            next_page_token,
        })
    }

    pub(in crate::api) async fn roster_teachers(
        &self,
        ctx: CallContext,
        request: pb::ListRosterTeachersRequest,
    ) -> Result<pb::ListRosterTeachersResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_persons(ctx.forward(identity::ListPersonsRequest {
                school_id: request.school_id,
                kind: identity::PersonKind::Staff.into(),
                name_query: String::new(),
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let externals = self
            .externals(
                scope,
                EntityKind::Teacher,
                reply.persons.iter().map(|p| p.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterTeachersResponse {
            teachers: reply
                .persons
                .into_iter()
                .map(|teacher| person(teacher, scope.school_id, &externals, String::new()))
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }
}
