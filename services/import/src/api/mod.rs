//! The gRPC face of import: who the vendor is, then the roster pull
//! (`roster`, and `calendar` for periods and lessons), the id mappings
//! (`mappings`), the push of marks and attendance (`push`), the listing of
//! stored record keys (`records`) and the change feed (`changes`). RPCs not
//! built yet answer UNIMPLEMENTED from the
//! generated stubs.

mod calendar;
mod changes;
mod enrollments;
mod existing;
mod mappings;
mod push;
mod records;
mod roster;
mod walk;

use std::time::{Duration, Instant};

use otmetka_platform::authz::SCOPE_ROSTER_READ;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::{CallContext, Deadline};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as pb;
use otmetka_proto::import::v1::import_service_server::ImportService;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};
use tracing::Instrument;
use uuid::Uuid;

use crate::limits::{Limiter, PushLimits};
use crate::store::Scope;

/// Import reads every roster fact from identity and schedule on the
/// vendor's own token rather than with a service token of its own: their
/// policy then decides each call exactly as for any other caller (grant,
/// scope, revoked client), a withdrawn grant takes effect on the next call,
/// and import holds no right that a bug could lend to the wrong vendor.
/// Pushed marks go to gradebook on the same token, for the same reasons.
#[derive(Clone)]
pub struct ImportApi {
    db: Db,
    identity: IdentityServiceClient<Channel>,
    schedule: ScheduleServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
    /// How long answering one pushed message may take (the server's limit
    /// for a request): a stream lives longer than any one request.
    message_timeout: Duration,
    limiter: Limiter,
    clock: Clock,
}

impl ImportApi {
    pub fn new(
        db: Db,
        identity: IdentityServiceClient<Channel>,
        schedule: ScheduleServiceClient<Channel>,
        gradebook: GradebookServiceClient<Channel>,
        message_timeout: Duration,
        push_limits: PushLimits,
        clock: Clock,
    ) -> Self {
        Self {
            db,
            identity,
            schedule,
            gradebook,
            message_timeout,
            limiter: Limiter::new(push_limits, push::MAX_OPERATIONS as u32),
            clock,
        }
    }
}

/// The calling vendor, if its token may read rosters. People are refused
/// outright: this API is for vendors' systems only. Whether a school granted
/// the vendor is asked per school, of identity.
fn roster_reader(ctx: &CallContext) -> Result<Uuid> {
    if !ctx.principal.is_client() {
        return Err(Error::PermissionDenied(
            "only vendor clients use the import API".into(),
        ));
    }
    if !ctx.principal.has_scope(SCOPE_ROSTER_READ) {
        return Err(Error::PermissionDenied(format!(
            "the token lacks the scope {SCOPE_ROSTER_READ}"
        )));
    }
    Ok(ctx.principal.id)
}

/// The vendor and school of a request about one school.
fn scope(ctx: &CallContext, school_id: &str) -> Result<Scope> {
    let vendor_id = roster_reader(ctx)?;
    let school_id = otmetka_platform::time::parse_id("school_id", school_id)?;
    Ok(Scope {
        vendor_id,
        school_id,
    })
}

type Reply<T> = Result<Response<T>, Status>;

/// Messages answered ahead of the vendor reading them.
const RECEIPTS_AHEAD: usize = 2;

macro_rules! vendor_call {
    ($self:ident, $request:ident, $method:ident) => {{
        let ctx = CallContext::of(&$request).map_err(Status::from)?;
        $self
            .$method(ctx, $request.into_inner())
            .await
            .map(Response::new)
            .map_err(Status::from)
    }};
}

#[tonic::async_trait]
impl ImportService for ImportApi {
    async fn list_granted_schools(
        &self,
        request: Request<pb::ListGrantedSchoolsRequest>,
    ) -> Reply<pb::ListGrantedSchoolsResponse> {
        vendor_call!(self, request, granted_schools)
    }
    async fn list_roster_classes(
        &self,
        request: Request<pb::ListRosterClassesRequest>,
    ) -> Reply<pb::ListRosterClassesResponse> {
        vendor_call!(self, request, roster_classes)
    }
    async fn list_roster_groups(
        &self,
        request: Request<pb::ListRosterGroupsRequest>,
    ) -> Reply<pb::ListRosterGroupsResponse> {
        vendor_call!(self, request, roster_groups)
    }
    async fn list_roster_subjects(
        &self,
        request: Request<pb::ListRosterSubjectsRequest>,
    ) -> Reply<pb::ListRosterSubjectsResponse> {
        vendor_call!(self, request, roster_subjects)
    }
    async fn list_roster_students(
        &self,
        request: Request<pb::ListRosterStudentsRequest>,
    ) -> Reply<pb::ListRosterStudentsResponse> {
        vendor_call!(self, request, roster_students)
    }
    async fn list_roster_teachers(
        &self,
        request: Request<pb::ListRosterTeachersRequest>,
    ) -> Reply<pb::ListRosterTeachersResponse> {
        vendor_call!(self, request, roster_teachers)
    }
    async fn list_roster_enrollments(
        &self,
        request: Request<pb::ListRosterEnrollmentsRequest>,
    ) -> Reply<pb::ListRosterEnrollmentsResponse> {
        vendor_call!(self, request, roster_enrollments)
    }
    async fn list_roster_periods(
        &self,
        request: Request<pb::ListRosterPeriodsRequest>,
    ) -> Reply<pb::ListRosterPeriodsResponse> {
        vendor_call!(self, request, roster_periods)
    }
    async fn list_roster_lessons(
        &self,
        request: Request<pb::ListRosterLessonsRequest>,
    ) -> Reply<pb::ListRosterLessonsResponse> {
        vendor_call!(self, request, roster_lessons)
    }
    async fn put_id_mappings(
        &self,
        request: Request<pb::PutIdMappingsRequest>,
    ) -> Reply<pb::PutIdMappingsResponse> {
        vendor_call!(self, request, put_mappings)
    }
    async fn list_id_mappings(
        &self,
        request: Request<pb::ListIdMappingsRequest>,
    ) -> Reply<pb::ListIdMappingsResponse> {
        vendor_call!(self, request, list_mappings)
    }
    async fn push_records(
        &self,
        request: Request<Streaming<pb::PushRecordsRequest>>,
    ) -> Reply<tonic::codegen::BoxStream<pb::PushRecordsResponse>> {
        let ctx = CallContext::of(&request).map_err(Status::from)?;
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied("only vendor clients push records".into()).into());
        }
        let permit = self.limiter.open_stream(ctx.principal.id)?;
        let mut incoming = request.into_inner();
        let (sender, receiver) = tokio::sync::mpsc::channel(RECEIPTS_AHEAD);
        let api = self.clone();
        // Messages are answered in order, one at a time: a vendor resending
        // from its last receipt then knows exactly what was applied.
        tokio::spawn(
            async move {
                let _permit = permit;
                for carried in 0.. {
                    let message = match incoming.message().await {
                        Ok(Some(message)) => message,
                        Ok(None) => break,
                        Err(status) => {
                            let _ = sender.send(Err(status)).await;
                            break;
                        }
                    };
                    let ctx = CallContext {
                        deadline: Some(Deadline(Instant::now() + api.message_timeout)),
                        ..ctx.clone()
                    };
                    let answer = api
                        .push_batch(&ctx, carried, message)
                        .await
                        .map_err(Status::from);
                    let failed = answer.is_err();
                    if sender.send(answer).await.is_err() || failed {
                        break;
                    }
                }
            }
            .instrument(tracing::Span::current()),
        );
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
    async fn get_receipts(
        &self,
        request: Request<pb::GetReceiptsRequest>,
    ) -> Reply<pb::GetReceiptsResponse> {
        vendor_call!(self, request, get_receipts)
    }
    async fn list_records(
        &self,
        request: Request<pb::ListRecordsRequest>,
    ) -> Reply<pb::ListRecordsResponse> {
        vendor_call!(self, request, list_records)
    }
    async fn delete_id_mappings(
        &self,
        request: Request<pb::DeleteIdMappingsRequest>,
    ) -> Reply<pb::DeleteIdMappingsResponse> {
        vendor_call!(self, request, delete_mappings)
    }
    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Reply<pb::ListChangesResponse> {
        vendor_call!(self, request, list_changes)
    }
}
