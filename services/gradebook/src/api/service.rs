//! The tonic service: each method hands its call to the handler of its
//! resource.

use std::future::Future;

use otmetka_platform::Result;
use otmetka_platform::grpc::{CallContext, Reply, handle};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::gradebook::v1::gradebook_service_server::GradebookService;
use tonic::Request;

use super::GradebookApi;

impl GradebookApi {
    /// Serves a call that may change what a student's week shows; once it
    /// has ended, whether it succeeded or not, no week read before it is
    /// served again.
    async fn write<M, R, F, Fut>(&self, request: Request<M>, handler: F) -> Reply<R>
    where
        F: FnOnce(CallContext, M) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        let answer = handle(request, handler).await;
        self.weeks.invalidate();
        answer
    }
}

#[tonic::async_trait]
impl GradebookService for GradebookApi {
    async fn create_mark(
        &self,
        request: Request<pb::CreateMarkRequest>,
    ) -> Reply<pb::CreateMarkResponse> {
        self.write(request, |c, m| self.create_mark(c, m)).await
    }
    async fn get_mark(&self, request: Request<pb::GetMarkRequest>) -> Reply<pb::GetMarkResponse> {
        handle(request, |c, m| self.get_mark(c, m)).await
    }
    async fn list_student_marks(
        &self,
        request: Request<pb::ListStudentMarksRequest>,
    ) -> Reply<pb::ListStudentMarksResponse> {
        handle(request, |c, m| self.list_student_marks(c, m)).await
    }
    async fn update_mark(
        &self,
        request: Request<pb::UpdateMarkRequest>,
    ) -> Reply<pb::UpdateMarkResponse> {
        self.write(request, |c, m| self.update_mark(c, m)).await
    }
    async fn delete_mark(
        &self,
        request: Request<pb::DeleteMarkRequest>,
    ) -> Reply<pb::DeleteMarkResponse> {
        self.write(request, |c, m| self.delete_mark(c, m)).await
    }
    async fn list_mark_revisions(
        &self,
        request: Request<pb::ListMarkRevisionsRequest>,
    ) -> Reply<pb::ListMarkRevisionsResponse> {
        handle(request, |c, m| self.list_mark_revisions(c, m)).await
    }
    async fn mark_seen(
        &self,
        request: Request<pb::MarkSeenRequest>,
    ) -> Reply<pb::MarkSeenResponse> {
        self.write(request, |c, m| self.mark_seen(c, m)).await
    }
    async fn create_grading_scale(
        &self,
        request: Request<pb::CreateGradingScaleRequest>,
    ) -> Reply<pb::CreateGradingScaleResponse> {
        handle(request, |c, m| self.create_grading_scale(c, m)).await
    }
    async fn list_grading_scales(
        &self,
        request: Request<pb::ListGradingScalesRequest>,
    ) -> Reply<pb::ListGradingScalesResponse> {
        handle(request, |c, m| self.list_grading_scales(c, m)).await
    }
    async fn create_work_type(
        &self,
        request: Request<pb::CreateWorkTypeRequest>,
    ) -> Reply<pb::CreateWorkTypeResponse> {
        self.write(request, |c, m| self.create_work_type(c, m))
            .await
    }
    async fn list_work_types(
        &self,
        request: Request<pb::ListWorkTypesRequest>,
    ) -> Reply<pb::ListWorkTypesResponse> {
        handle(request, |c, m| self.list_work_types(c, m)).await
    }
    async fn get_journal_settings(
        &self,
        request: Request<pb::GetJournalSettingsRequest>,
    ) -> Reply<pb::GetJournalSettingsResponse> {
        handle(request, |c, m| self.get_journal_settings(c, m)).await
    }
    async fn update_journal_settings(
        &self,
        request: Request<pb::UpdateJournalSettingsRequest>,
    ) -> Reply<pb::UpdateJournalSettingsResponse> {
        handle(request, |c, m| self.update_journal_settings(c, m)).await
    }
    async fn set_attendance(
        &self,
        request: Request<pb::SetAttendanceRequest>,
    ) -> Reply<pb::SetAttendanceResponse> {
        self.write(request, |c, m| self.set_attendance(c, m)).await
    }
    async fn list_student_attendance(
        &self,
        request: Request<pb::ListStudentAttendanceRequest>,
    ) -> Reply<pb::ListStudentAttendanceResponse> {
        handle(request, |c, m| self.list_student_attendance(c, m)).await
    }
    async fn get_student_week_record(
        &self,
        request: Request<pb::GetStudentWeekRecordRequest>,
    ) -> Reply<pb::GetStudentWeekRecordResponse> {
        handle(request, |c, m| self.get_student_week_record(c, m)).await
    }
    async fn get_journal(
        &self,
        request: Request<pb::GetJournalRequest>,
    ) -> Reply<pb::GetJournalResponse> {
        handle(request, |c, m| self.get_journal(c, m)).await
    }
    async fn find_journal_students(
        &self,
        request: Request<pb::FindJournalStudentsRequest>,
    ) -> Reply<pb::FindJournalStudentsResponse> {
        handle(request, |c, m| self.find_journal_students(c, m)).await
    }
    async fn get_student_averages(
        &self,
        request: Request<pb::GetStudentAveragesRequest>,
    ) -> Reply<pb::GetStudentAveragesResponse> {
        handle(request, |c, m| self.get_student_averages(c, m)).await
    }
    async fn compute_what_if(
        &self,
        request: Request<pb::ComputeWhatIfRequest>,
    ) -> Reply<pb::ComputeWhatIfResponse> {
        handle(request, |c, m| self.compute_what_if(c, m)).await
    }
    async fn create_calculation_policy(
        &self,
        request: Request<pb::CreateCalculationPolicyRequest>,
    ) -> Reply<pb::CreateCalculationPolicyResponse> {
        handle(request, |c, m| self.create_calculation_policy(c, m)).await
    }
    async fn get_calculation_policy(
        &self,
        request: Request<pb::GetCalculationPolicyRequest>,
    ) -> Reply<pb::GetCalculationPolicyResponse> {
        handle(request, |c, m| self.get_calculation_policy(c, m)).await
    }
    async fn set_final_mark(
        &self,
        request: Request<pb::SetFinalMarkRequest>,
    ) -> Reply<pb::SetFinalMarkResponse> {
        handle(request, |c, m| self.set_final_mark(c, m)).await
    }
    async fn list_final_marks(
        &self,
        request: Request<pb::ListFinalMarksRequest>,
    ) -> Reply<pb::ListFinalMarksResponse> {
        handle(request, |c, m| self.list_final_marks(c, m)).await
    }
    async fn request_reopen(
        &self,
        request: Request<pb::RequestReopenRequest>,
    ) -> Reply<pb::RequestReopenResponse> {
        handle(request, |c, m| self.request_reopen(c, m)).await
    }
    async fn decide_reopen(
        &self,
        request: Request<pb::DecideReopenRequest>,
    ) -> Reply<pb::DecideReopenResponse> {
        handle(request, |c, m| self.decide_reopen(c, m)).await
    }
    async fn list_reopen_requests(
        &self,
        request: Request<pb::ListReopenRequestsRequest>,
    ) -> Reply<pb::ListReopenRequestsResponse> {
        handle(request, |c, m| self.list_reopen_requests(c, m)).await
    }
    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Reply<pb::ListChangesResponse> {
        handle(request, |c, m| self.list_changes(c, m)).await
    }
    async fn apply_vendor_records(
        &self,
        request: Request<pb::ApplyVendorRecordsRequest>,
    ) -> Reply<pb::ApplyVendorRecordsResponse> {
        self.write(request, |c, m| self.apply_vendor_records(c, m))
            .await
    }
    async fn list_vendor_records(
        &self,
        request: Request<pb::ListVendorRecordsRequest>,
    ) -> Reply<pb::ListVendorRecordsResponse> {
        handle(request, |c, m| self.list_vendor_records(c, m)).await
    }
    async fn list_vendor_record_keys(
        &self,
        request: Request<pb::ListVendorRecordKeysRequest>,
    ) -> Reply<pb::ListVendorRecordKeysResponse> {
        handle(request, |c, m| self.list_vendor_record_keys(c, m)).await
    }
}
