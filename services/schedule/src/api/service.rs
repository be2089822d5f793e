//! The tonic service: each method hands its call to the handler of its
//! resource.

use std::future::Future;

use otmetka_platform::Result;
use otmetka_platform::grpc::{CallContext, Reply, handle};
use otmetka_proto::schedule::v1 as pb;
use otmetka_proto::schedule::v1::schedule_service_server::ScheduleService;
use tonic::{Request, Streaming};

use super::{
    ScheduleApi, attachments, bells, changes, diary, generation, holidays, homework, homework_list,
    lesson_edits, lessons, periods, reviews, submissions, timetable, years,
};

impl ScheduleApi {
    /// Serves a call that may change what a class's week shows; once it has
    /// ended, whether it succeeded or not, no week read before it is served
    /// again.
    async fn write<M, R, F, Fut>(&self, request: Request<M>, handler: F) -> Reply<R>
    where
        F: FnOnce(CallContext, M) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        let answer = handle(request, handler).await;
        self.class_weeks.invalidate();
        answer
    }
}

#[tonic::async_trait]
impl ScheduleService for ScheduleApi {
    async fn create_academic_year(
        &self,
        request: Request<pb::CreateAcademicYearRequest>,
    ) -> Reply<pb::CreateAcademicYearResponse> {
        self.write(request, |c, m| years::create_year(self, c, m))
            .await
    }
    async fn get_academic_year(
        &self,
        request: Request<pb::GetAcademicYearRequest>,
    ) -> Reply<pb::GetAcademicYearResponse> {
        handle(request, |c, m| years::get_year(self, c, m)).await
    }
    async fn list_academic_years(
        &self,
        request: Request<pb::ListAcademicYearsRequest>,
    ) -> Reply<pb::ListAcademicYearsResponse> {
        handle(request, |c, m| years::list_years(self, c, m)).await
    }
    async fn update_academic_year(
        &self,
        request: Request<pb::UpdateAcademicYearRequest>,
    ) -> Reply<pb::UpdateAcademicYearResponse> {
        self.write(request, |c, m| years::update_year(self, c, m))
            .await
    }
    async fn delete_academic_year(
        &self,
        request: Request<pb::DeleteAcademicYearRequest>,
    ) -> Reply<pb::DeleteAcademicYearResponse> {
        self.write(request, |c, m| years::delete_year(self, c, m))
            .await
    }
    async fn create_reporting_period(
        &self,
        request: Request<pb::CreateReportingPeriodRequest>,
    ) -> Reply<pb::CreateReportingPeriodResponse> {
        self.write(request, |c, m| periods::create_period(self, c, m))
            .await
    }
    async fn get_reporting_period(
        &self,
        request: Request<pb::GetReportingPeriodRequest>,
    ) -> Reply<pb::GetReportingPeriodResponse> {
        handle(request, |c, m| periods::get_period(self, c, m)).await
    }
    async fn list_reporting_periods(
        &self,
        request: Request<pb::ListReportingPeriodsRequest>,
    ) -> Reply<pb::ListReportingPeriodsResponse> {
        handle(request, |c, m| periods::list_periods(self, c, m)).await
    }
    async fn update_reporting_period(
        &self,
        request: Request<pb::UpdateReportingPeriodRequest>,
    ) -> Reply<pb::UpdateReportingPeriodResponse> {
        self.write(request, |c, m| periods::update_period(self, c, m))
            .await
    }
    async fn delete_reporting_period(
        &self,
        request: Request<pb::DeleteReportingPeriodRequest>,
    ) -> Reply<pb::DeleteReportingPeriodResponse> {
        self.write(request, |c, m| periods::delete_period(self, c, m))
            .await
    }
    async fn close_reporting_period(
        &self,
        request: Request<pb::CloseReportingPeriodRequest>,
    ) -> Reply<pb::CloseReportingPeriodResponse> {
        self.write(request, |c, m| periods::close_period(self, c, m))
            .await
    }
    async fn reopen_reporting_period(
        &self,
        request: Request<pb::ReopenReportingPeriodRequest>,
    ) -> Reply<pb::ReopenReportingPeriodResponse> {
        self.write(request, |c, m| periods::reopen_period(self, c, m))
            .await
    }
    async fn create_bell_schedule(
        &self,
        request: Request<pb::CreateBellScheduleRequest>,
    ) -> Reply<pb::CreateBellScheduleResponse> {
        self.write(request, |c, m| bells::create_bells(self, c, m))
            .await
    }
    async fn get_bell_schedule(
        &self,
        request: Request<pb::GetBellScheduleRequest>,
    ) -> Reply<pb::GetBellScheduleResponse> {
        handle(request, |c, m| bells::get_bells(self, c, m)).await
    }
    async fn list_bell_schedules(
        &self,
        request: Request<pb::ListBellSchedulesRequest>,
    ) -> Reply<pb::ListBellSchedulesResponse> {
        handle(request, |c, m| bells::list_bells(self, c, m)).await
    }
    async fn update_bell_schedule(
        &self,
        request: Request<pb::UpdateBellScheduleRequest>,
    ) -> Reply<pb::UpdateBellScheduleResponse> {
        self.write(request, |c, m| bells::update_bells(self, c, m))
            .await
    }
    async fn delete_bell_schedule(
        &self,
        request: Request<pb::DeleteBellScheduleRequest>,
    ) -> Reply<pb::DeleteBellScheduleResponse> {
        self.write(request, |c, m| bells::delete_bells(self, c, m))
            .await
    }
    async fn create_holiday(
        &self,
        request: Request<pb::CreateHolidayRequest>,
    ) -> Reply<pb::CreateHolidayResponse> {
        self.write(request, |c, m| holidays::create_holiday(self, c, m))
            .await
    }
    async fn get_holiday(
        &self,
        request: Request<pb::GetHolidayRequest>,
    ) -> Reply<pb::GetHolidayResponse> {
        handle(request, |c, m| holidays::get_holiday(self, c, m)).await
    }
    async fn list_holidays(
        &self,
        request: Request<pb::ListHolidaysRequest>,
    ) -> Reply<pb::ListHolidaysResponse> {
        handle(request, |c, m| holidays::list_holidays(self, c, m)).await
    }
    async fn update_holiday(
        &self,
        request: Request<pb::UpdateHolidayRequest>,
    ) -> Reply<pb::UpdateHolidayResponse> {
        self.write(request, |c, m| holidays::update_holiday(self, c, m))
            .await
    }
    async fn delete_holiday(
        &self,
        request: Request<pb::DeleteHolidayRequest>,
    ) -> Reply<pb::DeleteHolidayResponse> {
        self.write(request, |c, m| holidays::delete_holiday(self, c, m))
            .await
    }
    async fn create_timetable_entry(
        &self,
        request: Request<pb::CreateTimetableEntryRequest>,
    ) -> Reply<pb::CreateTimetableEntryResponse> {
        self.write(request, |c, m| timetable::create_entry(self, c, m))
            .await
    }
    async fn get_timetable_entry(
        &self,
        request: Request<pb::GetTimetableEntryRequest>,
    ) -> Reply<pb::GetTimetableEntryResponse> {
        handle(request, |c, m| timetable::get_entry(self, c, m)).await
    }
    async fn list_timetable_entries(
        &self,
        request: Request<pb::ListTimetableEntriesRequest>,
    ) -> Reply<pb::ListTimetableEntriesResponse> {
        handle(request, |c, m| timetable::list_entries(self, c, m)).await
    }
    async fn update_timetable_entry(
        &self,
        request: Request<pb::UpdateTimetableEntryRequest>,
    ) -> Reply<pb::UpdateTimetableEntryResponse> {
        self.write(request, |c, m| timetable::update_entry(self, c, m))
            .await
    }
    async fn delete_timetable_entry(
        &self,
        request: Request<pb::DeleteTimetableEntryRequest>,
    ) -> Reply<pb::DeleteTimetableEntryResponse> {
        self.write(request, |c, m| timetable::delete_entry(self, c, m))
            .await
    }
    async fn generate_lessons(
        &self,
        request: Request<pb::GenerateLessonsRequest>,
    ) -> Reply<pb::GenerateLessonsResponse> {
        self.write(request, |c, m| generation::generate_lessons(self, c, m))
            .await
    }
    async fn create_lesson(
        &self,
        request: Request<pb::CreateLessonRequest>,
    ) -> Reply<pb::CreateLessonResponse> {
        self.write(request, |c, m| lessons::create_lesson(self, c, m))
            .await
    }
    async fn get_lesson(
        &self,
        request: Request<pb::GetLessonRequest>,
    ) -> Reply<pb::GetLessonResponse> {
        handle(request, |c, m| lessons::get_lesson(self, c, m)).await
    }
    async fn list_lessons(
        &self,
        request: Request<pb::ListLessonsRequest>,
    ) -> Reply<pb::ListLessonsResponse> {
        handle(request, |c, m| lessons::list_lessons(self, c, m)).await
    }
    async fn delete_lesson(
        &self,
        request: Request<pb::DeleteLessonRequest>,
    ) -> Reply<pb::DeleteLessonResponse> {
        self.write(request, |c, m| lessons::delete_lesson(self, c, m))
            .await
    }
    async fn set_lesson_topic(
        &self,
        request: Request<pb::SetLessonTopicRequest>,
    ) -> Reply<pb::SetLessonTopicResponse> {
        self.write(request, |c, m| lesson_edits::set_topic(self, c, m))
            .await
    }
    async fn substitute_lesson_teacher(
        &self,
        request: Request<pb::SubstituteLessonTeacherRequest>,
    ) -> Reply<pb::SubstituteLessonTeacherResponse> {
        self.write(request, |c, m| lesson_edits::substitute_teacher(self, c, m))
            .await
    }
    async fn cancel_lesson(
        &self,
        request: Request<pb::CancelLessonRequest>,
    ) -> Reply<pb::CancelLessonResponse> {
        self.write(request, |c, m| lesson_edits::cancel_lesson(self, c, m))
            .await
    }
    async fn restore_lesson(
        &self,
        request: Request<pb::RestoreLessonRequest>,
    ) -> Reply<pb::RestoreLessonResponse> {
        self.write(request, |c, m| lesson_edits::restore_lesson(self, c, m))
            .await
    }
    async fn change_lesson_room(
        &self,
        request: Request<pb::ChangeLessonRoomRequest>,
    ) -> Reply<pb::ChangeLessonRoomResponse> {
        self.write(request, |c, m| lesson_edits::change_room(self, c, m))
            .await
    }
    async fn upload_attachment(
        &self,
        request: Request<Streaming<pb::UploadAttachmentRequest>>,
    ) -> Reply<pb::UploadAttachmentResponse> {
        self.write(request, |c, m| attachments::upload(self, c, m))
            .await
    }
    async fn download_attachment(
        &self,
        request: Request<pb::DownloadAttachmentRequest>,
    ) -> Reply<attachments::DownloadStream> {
        handle(request, |c, m| attachments::download(self, c, m)).await
    }
    async fn create_homework(
        &self,
        request: Request<pb::CreateHomeworkRequest>,
    ) -> Reply<pb::CreateHomeworkResponse> {
        self.write(request, |c, m| homework::create_homework(self, c, m))
            .await
    }
    async fn get_homework(
        &self,
        request: Request<pb::GetHomeworkRequest>,
    ) -> Reply<pb::GetHomeworkResponse> {
        handle(request, |c, m| homework::get_homework(self, c, m)).await
    }
    async fn list_homework(
        &self,
        request: Request<pb::ListHomeworkRequest>,
    ) -> Reply<pb::ListHomeworkResponse> {
        handle(request, |c, m| homework_list::list_homework(self, c, m)).await
    }
    async fn update_homework(
        &self,
        request: Request<pb::UpdateHomeworkRequest>,
    ) -> Reply<pb::UpdateHomeworkResponse> {
        self.write(request, |c, m| homework::update_homework(self, c, m))
            .await
    }
    async fn delete_homework(
        &self,
        request: Request<pb::DeleteHomeworkRequest>,
    ) -> Reply<pb::DeleteHomeworkResponse> {
        self.write(request, |c, m| homework::delete_homework(self, c, m))
            .await
    }
    async fn create_submission(
        &self,
        request: Request<pb::CreateSubmissionRequest>,
    ) -> Reply<pb::CreateSubmissionResponse> {
        self.write(request, |c, m| submissions::create_submission(self, c, m))
            .await
    }
    async fn get_submission(
        &self,
        request: Request<pb::GetSubmissionRequest>,
    ) -> Reply<pb::GetSubmissionResponse> {
        handle(request, |c, m| submissions::get_submission(self, c, m)).await
    }
    async fn list_submissions(
        &self,
        request: Request<pb::ListSubmissionsRequest>,
    ) -> Reply<pb::ListSubmissionsResponse> {
        handle(request, |c, m| submissions::list_submissions(self, c, m)).await
    }
    async fn update_submission(
        &self,
        request: Request<pb::UpdateSubmissionRequest>,
    ) -> Reply<pb::UpdateSubmissionResponse> {
        self.write(request, |c, m| submissions::update_submission(self, c, m))
            .await
    }
    async fn return_submission(
        &self,
        request: Request<pb::ReturnSubmissionRequest>,
    ) -> Reply<pb::ReturnSubmissionResponse> {
        self.write(request, |c, m| reviews::return_submission(self, c, m))
            .await
    }
    async fn mark_submission(
        &self,
        request: Request<pb::MarkSubmissionRequest>,
    ) -> Reply<pb::MarkSubmissionResponse> {
        self.write(request, |c, m| reviews::mark_submission(self, c, m))
            .await
    }
    async fn get_student_week(
        &self,
        request: Request<pb::GetStudentWeekRequest>,
    ) -> Reply<pb::GetStudentWeekResponse> {
        handle(request, |c, m| diary::student_week(self, c, m)).await
    }
    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Reply<pb::ListChangesResponse> {
        handle(request, |c, m| changes::list_changes(self, c, m)).await
    }
}
