//! The tonic service: each method hands its call to the handler of its
//! resource.

use otmetka_platform::grpc::{Reply, handle};
use otmetka_proto::import::v1 as pb;
use otmetka_proto::import::v1::import_service_server::ImportService;
use tonic::codegen::BoxStream;
use tonic::{Request, Streaming};

use super::ImportApi;

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
    ) -> Reply<BoxStream<pb::PushRecordsResponse>> {
        handle(request, |c, m| self.open_push(c, m)).await
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
