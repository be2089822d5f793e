//! What messaging asks identity, always on the caller's own token so that
//! identity's one policy decides: whom the caller may write to, whether
//! they still act for a student, and their own name.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::AccessClient;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;

use crate::model::ParticipantRole;

/// A person the caller may write to, named as identity names them.
#[derive(Debug, Clone)]
pub struct Correspondent {
    pub display_name: String,
    pub role: ParticipantRole,
}

#[derive(Clone)]
pub struct Identity {
    client: IdentityServiceClient<Channel>,
    access: AccessClient,
}

impl Identity {
    pub fn new(client: IdentityServiceClient<Channel>) -> Self {
        Self {
            access: AccessClient::new(client.clone()),
            client,
        }
    }

    /// Whether the caller may write to `person_id` in the school (about
    /// `student_id`, if named); `None` when not, which the caller must not
    /// be able to tell from a person who does not exist.
    pub async fn correspondent(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        person_id: PersonId,
        student_id: Option<StudentId>,
    ) -> Result<Option<Correspondent>> {
        let answer = self
            .access
            .check(
                ctx,
                identity::CheckAccessRequest {
                    action: identity::Action::MessagePerson.into(),
                    school_id: school_id.to_string(),
                    person_id: person_id.to_string(),
                    student_id: student_id.map(|id| id.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
            )
            .await?;
        Ok(answer.map(|answer| Correspondent {
            role: match answer.person_kind() {
                identity::PersonKind::Student => ParticipantRole::Student,
                identity::PersonKind::Guardian => ParticipantRole::Guardian,
                identity::PersonKind::Staff | identity::PersonKind::Unspecified => {
                    ParticipantRole::Staff
                }
            },
            display_name: answer.person_display_name,
        }))
    }

    /// Whether the caller is the student or one of their guardians now:
    /// asked afresh each time, so that a guardianship that has ended reads
    /// nothing more.
    pub async fn acts_for(&self, ctx: &CallContext, student_id: StudentId) -> Result<bool> {
        let answer = self
            .access
            .check_now(
                ctx,
                identity::CheckAccessRequest {
                    action: identity::Action::ActAsFamily.into(),
                    student_id: student_id.to_string(),
                    ..Default::default()
                },
            )
            .await?;
        Ok(answer.is_some())
    }

    /// Whether the caller may announce to the school (no class or group),
    /// to a class, or to a group; the school it belongs to when they may.
    pub async fn announces_in(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        class_id: Option<ClassId>,
        group_id: Option<GroupId>,
    ) -> Result<Option<SchoolId>> {
        let answer = self
            .access
            .check(
                ctx,
                identity::CheckAccessRequest {
                    action: identity::Action::Announce.into(),
                    school_id: school_id.to_string(),
                    class_id: class_id.map(|id| id.to_string()).unwrap_or_default(),
                    group_id: group_id.map(|id| id.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
            )
            .await?;
        Ok(answer.and_then(|answer| answer.school_id.parse().ok()))
    }

    /// The caller's own full name.
    pub async fn my_name(&self, ctx: &CallContext) -> Result<String> {
        let person = self
            .client
            .clone()
            .get_person(ctx.forward(identity::GetPersonRequest {
                id: ctx.principal.id.to_string(),
            })?)
            .await?
            .into_inner()
            .person
            .ok_or_else(|| Error::not_found("person"))?;
        Ok([person.family_name, person.given_name, person.middle_name]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" "))
    }
}
