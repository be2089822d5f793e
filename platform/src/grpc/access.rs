//! Asking identity's one policy (`CheckAccess`) from another service, with a
//! short memory.
//!
//! A family opening the diary makes several calls about the same child in a
//! few seconds, and each service on the way asks the same question. An
//! allowed answer (with the student's school and class) is kept for
//! [`ANSWER_TTL`] per caller and question, so a repeated question costs no
//! round trip. Losing access (disabling a person, unlinking a guardian,
//! withdrawing a grant) thus takes effect within the TTL, far inside the
//! promise of one token lifetime. Refusals are not kept: a guardian who
//! has just redeemed an access code sees the child at once. Staff reads of a
//! student's record are audited by identity when it answers, so repeated
//! reads within the TTL make one audit entry.

use std::time::Duration;

use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::grpc::CallContext;
use crate::memo::Memo;

/// How long an answer is reused.
pub const ANSWER_TTL: Duration = Duration::from_secs(10);
/// About how many answers are kept at most.
const ANSWERS_KEPT: usize = 100_000;

/// The question, as asked by one caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Question {
    caller: Uuid,
    /// A client and a person never share an id, but keep them apart anyway.
    client: bool,
    action: i32,
    student_id: String,
    subject_id: String,
    date: String,
    school_id: String,
    class_id: String,
    group_id: String,
    person_id: String,
}

impl Question {
    fn of(ctx: &CallContext, request: &identity::CheckAccessRequest) -> Self {
        Self {
            caller: ctx.principal.id,
            client: ctx.principal.is_client(),
            action: request.action,
            student_id: request.student_id.clone(),
            subject_id: request.subject_id.clone(),
            date: request.date.clone(),
            school_id: request.school_id.clone(),
            class_id: request.class_id.clone(),
            group_id: request.group_id.clone(),
            person_id: request.person_id.clone(),
        }
    }
}

type Allowed = identity::CheckAccessResponse;

/// Identity's `CheckAccess`, with recent allowances remembered.
#[derive(Clone)]
pub struct AccessClient {
    identity: IdentityServiceClient<Channel>,
    allowed: Memo<Question, Allowed>,
    /// Benchmarks only: every question is allowed (see [`AccessClient::unchecked`]).
    #[cfg(feature = "unchecked-access")]
    unchecked: bool,
}

impl AccessClient {
    pub fn new(identity: IdentityServiceClient<Channel>) -> Self {
        Self {
            identity,
            allowed: Memo::new(ANSWER_TTL, ANSWERS_KEPT),
            #[cfg(feature = "unchecked-access")]
            unchecked: false,
        }
    }

    /// For benchmarks that measure what the checks cost, never for serving:
    /// a client that allows every question. Only where a student, class or
    /// group is (their school and class, which the caller needs to store
    /// anything) is still identity's answer, asked once per student, class
    /// or school and kept for good, whoever asks and whatever about.
    /// Builds without the `unchecked-access` feature (every production
    /// build) do not have it.
    #[cfg(feature = "unchecked-access")]
    pub fn unchecked(identity: IdentityServiceClient<Channel>) -> Self {
        Self {
            identity,
            allowed: Memo::new(Duration::from_secs(24 * 3600), ANSWERS_KEPT),
            unchecked: true,
        }
    }

    /// Asks on the caller's own token: the answer when allowed, `None` when
    /// refused (identity's NOT_FOUND or INVALID_ARGUMENT); other failures
    /// are errors and are not remembered.
    pub async fn check(
        &self,
        ctx: &CallContext,
        request: identity::CheckAccessRequest,
    ) -> Result<Option<Allowed>> {
        #[allow(unused_mut)]
        let mut question = Question::of(ctx, &request);
        #[cfg(feature = "unchecked-access")]
        if self.unchecked {
            if request.student_id.is_empty() && request.class_id.is_empty() {
                return Ok(Some(Allowed {
                    school_id: request.school_id.clone(),
                    ..Default::default()
                }));
            }
            // Only the object decides where it is.
            question = Question {
                caller: Uuid::nil(),
                client: false,
                action: 0,
                subject_id: String::new(),
                date: String::new(),
                ..question
            };
        }
        if let Some(answer) = self.allowed.get(&question) {
            return Ok(Some(answer));
        }
        let answer = self.check_now(ctx, request).await?;
        if let Some(answer) = &answer {
            self.allowed.insert(question, answer.clone());
        }
        Ok(answer)
    }

    /// Asks without the memory, for a decision that must follow a lost
    /// relationship at once (a guardian reading a thread about a child).
    pub async fn check_now(
        &self,
        ctx: &CallContext,
        request: identity::CheckAccessRequest,
    ) -> Result<Option<Allowed>> {
        match self
            .identity
            .clone()
            .check_access(ctx.forward(request)?)
            .await
        {
            Ok(reply) => Ok(Some(reply.into_inner())),
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::NotFound | tonic::Code::InvalidArgument
                ) =>
            {
                Ok(None)
            }
            Err(status) => Err(status.into()),
        }
    }
}

/// Where a student is on the day a student question was asked about, as
/// identity answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentPlace {
    pub school_id: Uuid,
    /// `None` when the student is in no class that day.
    pub class_id: Option<Uuid>,
    /// The groups of that class the student belongs to.
    pub group_ids: Vec<Uuid>,
}

impl StudentPlace {
    pub fn of(answer: &Allowed) -> Result<Self> {
        let school_id = Uuid::parse_str(&answer.school_id)
            .map_err(|_| Error::Internal(anyhow::anyhow!("identity answered without a school")))?;
        Ok(Self {
            school_id,
            class_id: Uuid::parse_str(&answer.class_id).ok(),
            group_ids: answer
                .group_ids
                .iter()
                .filter_map(|id| Uuid::parse_str(id).ok())
                .collect(),
        })
    }
}
