//! The tonic service: each method hands its call to the handler of its
//! resource; the push stream alone keeps a shape of its own.

use std::time::Instant;

use otmetka_platform::Error;
use otmetka_platform::grpc::{CallContext, Deadline, Reply, handle};
use otmetka_proto::import::v1 as pb;
use otmetka_proto::import::v1::import_service_server::ImportService;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};
use tracing::Instrument;

use super::ImportApi;

/// Messages answered ahead of the vendor reading them.
const RECEIPTS_AHEAD: usize = 2;

#[tonic::async_trait]
impl ImportService for ImportApi {
    async fn list_granted_schools(
        &self,
        request: Request<pb::ListGrantedSchoolsRequest>,
    ) -> Reply<pb::ListGrantedSchoolsResponse> {
        handle(request, |c, m| self.granted_schools(c, m)).await
    }
    async fn list_roster_classes(
        &self,
        request: Request<pb::ListRosterClassesRequest>,
    ) -> Reply<pb::ListRosterClassesResponse> {
        handle(request, |c, m| self.roster_classes(c, m)).await
    }
    async fn list_roster_groups(
        &self,
        request: Request<pb::ListRosterGroupsRequest>,
    ) -> Reply<pb::ListRosterGroupsResponse> {
        handle(request, |c, m| self.roster_groups(c, m)).await
    }
    async fn list_roster_subjects(
        &self,
        request: Request<pb::ListRosterSubjectsRequest>,
    ) -> Reply<pb::ListRosterSubjectsResponse> {
        handle(request, |c, m| self.roster_subjects(c, m)).await
    }
    async fn list_roster_students(
        &self,
        request: Request<pb::ListRosterStudentsRequest>,
    ) -> Reply<pb::ListRosterStudentsResponse> {
        handle(request, |c, m| self.roster_students(c, m)).await
    }
    async fn list_roster_teachers(
        &self,
        request: Request<pb::ListRosterTeachersRequest>,
    ) -> Reply<pb::ListRosterTeachersResponse> {
        handle(request, |c, m| self.roster_teachers(c, m)).await
    }
    async fn list_roster_enrollments(
        &self,
        request: Request<pb::ListRosterEnrollmentsRequest>,
    ) -> Reply<pb::ListRosterEnrollmentsResponse> {
        handle(request, |c, m| self.roster_enrollments(c, m)).await
    }
    async fn list_roster_periods(
        &self,
        request: Request<pb::ListRosterPeriodsRequest>,
    ) -> Reply<pb::ListRosterPeriodsResponse> {
        handle(request, |c, m| self.roster_periods(c, m)).await
    }
    async fn list_roster_lessons(
        &self,
        request: Request<pb::ListRosterLessonsRequest>,
    ) -> Reply<pb::ListRosterLessonsResponse> {
        handle(request, |c, m| self.roster_lessons(c, m)).await
    }
    async fn put_id_mappings(
        &self,
        request: Request<pb::PutIdMappingsRequest>,
    ) -> Reply<pb::PutIdMappingsResponse> {
        handle(request, |c, m| self.put_mappings(c, m)).await
    }
    async fn list_id_mappings(
        &self,
        request: Request<pb::ListIdMappingsRequest>,
    ) -> Reply<pb::ListIdMappingsResponse> {
        handle(request, |c, m| self.list_mappings(c, m)).await
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
        handle(request, |c, m| self.get_receipts(c, m)).await
    }
    async fn list_records(
        &self,
        request: Request<pb::ListRecordsRequest>,
    ) -> Reply<pb::ListRecordsResponse> {
        handle(request, |c, m| self.list_records(c, m)).await
    }
    async fn delete_id_mappings(
        &self,
        request: Request<pb::DeleteIdMappingsRequest>,
    ) -> Reply<pb::DeleteIdMappingsResponse> {
        handle(request, |c, m| self.delete_mappings(c, m)).await
    }
    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Reply<pb::ListChangesResponse> {
        handle(request, |c, m| self.list_changes(c, m)).await
    }
}
