//! The gRPC face of the schedule: parse and validate, ask identity whether
//! the caller may, call the store, convert.

mod access;
mod attachments;
mod calendar;
mod changes;
mod convert;
mod diary;
mod homework;
mod input;
mod lessons;
mod submissions;
mod timetable;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as pb;
use otmetka_proto::schedule::v1::schedule_service_server::ScheduleService;
use prost::Message;
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};
use uuid::Uuid;

use crate::files::FileStore;
use crate::model::{ChangeType, ResourceKind};
use crate::store::{Change, Created};

pub use access::Identity;
pub use timetable::encode_lesson;

pub struct ScheduleApi {
    db: Db,
    identity: Identity,
    gradebook: GradebookServiceClient<Channel>,
    files: Arc<dyn FileStore>,
    attachments: AttachmentLimits,
    class_weeks: diary::ClassWeeks,
}

/// What uploads may be.
#[derive(Debug, Clone, Copy)]
pub struct AttachmentLimits {
    pub max_bytes: u64,
}

impl ScheduleApi {
    pub fn new(
        db: Db,
        identity: IdentityServiceClient<Channel>,
        gradebook: GradebookServiceClient<Channel>,
        files: Arc<dyn FileStore>,
        attachments: AttachmentLimits,
    ) -> Self {
        Self {
            db,
            identity: Identity::new(identity),
            gradebook,
            files,
            attachments,
            class_weeks: diary::class_weeks(),
        }
    }
}

/// The outbox row of a change to one resource, made by the caller. The
/// payload is the contract's `Change` with what the shared outbox has no
/// column for: the event id, the actor and the resource itself (as it was
/// before, for deletions).
pub fn change(
    actor_id: Uuid,
    school_id: Uuid,
    change_type: ChangeType,
    resource_id: Uuid,
    resource: pb::change::Resource,
    at: DateTime<Utc>,
) -> Change {
    let kind = match &resource {
        pb::change::Resource::AcademicYear(_) => ResourceKind::AcademicYear,
        pb::change::Resource::ReportingPeriod(_) => ResourceKind::ReportingPeriod,
        pb::change::Resource::BellSchedule(_) => ResourceKind::BellSchedule,
        pb::change::Resource::TimetableEntry(_) => ResourceKind::TimetableEntry,
        pb::change::Resource::Holiday(_) => ResourceKind::Holiday,
        pb::change::Resource::Lesson(_) => ResourceKind::Lesson,
        pb::change::Resource::Homework(_) => ResourceKind::Homework,
        pb::change::Resource::Submission(_) => ResourceKind::Submission,
    };
    let payload = pb::Change {
        id: Uuid::now_v7().to_string(),
        actor_id: actor_id.to_string(),
        resource: Some(resource),
        ..Default::default()
    }
    .encode_to_vec();
    Change {
        created_at: at,
        ..Change::new(
            school_id,
            kind.as_str(),
            resource_id,
            change_type.outbox_kind(),
            Some(payload),
        )
    }
}

/// The id a create ends with: the new one, or the one an earlier request
/// with the same key made.
pub fn created_id(created: Created, new: Uuid) -> Uuid {
    match created {
        Created::New => new,
        Created::Earlier(id) => id,
    }
}

/// The row a create made or found, which must exist now.
pub fn stored<T>(row: Option<T>) -> Result<T> {
    row.ok_or_else(|| Error::Internal(anyhow::anyhow!("a row just written is gone")))
}

type Reply<T> = std::result::Result<Response<T>, Status>;

macro_rules! serve {
    ($self:ident, $request:ident, $method:path) => {{
        let ctx = CallContext::of(&$request).map_err(Status::from)?;
        $method($self, ctx, $request.into_inner())
            .await
            .map(Response::new)
            .map_err(Status::from)
    }};
}

/// Serves a call that may change what a class's week shows; once it has
/// ended, no week read before it is served again.
macro_rules! serve_write {
    ($self:ident, $request:ident, $method:path) => {{
        let answer = serve!($self, $request, $method);
        $self.class_weeks.invalidate();
        answer
    }};
}

#[tonic::async_trait]
impl ScheduleService for ScheduleApi {
    async fn create_academic_year(
        &self,
        request: Request<pb::CreateAcademicYearRequest>,
    ) -> Reply<pb::CreateAcademicYearResponse> {
        serve_write!(self, request, calendar::create_year)
    }
    async fn get_academic_year(
        &self,
        request: Request<pb::GetAcademicYearRequest>,
    ) -> Reply<pb::GetAcademicYearResponse> {
        serve!(self, request, calendar::get_year)
    }
    async fn list_academic_years(
        &self,
        request: Request<pb::ListAcademicYearsRequest>,
    ) -> Reply<pb::ListAcademicYearsResponse> {
        serve!(self, request, calendar::list_years)
    }
    async fn update_academic_year(
        &self,
        request: Request<pb::UpdateAcademicYearRequest>,
    ) -> Reply<pb::UpdateAcademicYearResponse> {
        serve_write!(self, request, calendar::update_year)
    }
    async fn delete_academic_year(
        &self,
        request: Request<pb::DeleteAcademicYearRequest>,
    ) -> Reply<pb::DeleteAcademicYearResponse> {
        serve_write!(self, request, calendar::delete_year)
    }
    async fn create_reporting_period(
        &self,
        request: Request<pb::CreateReportingPeriodRequest>,
    ) -> Reply<pb::CreateReportingPeriodResponse> {
        serve_write!(self, request, calendar::create_period)
    }
    async fn get_reporting_period(
        &self,
        request: Request<pb::GetReportingPeriodRequest>,
    ) -> Reply<pb::GetReportingPeriodResponse> {
        serve!(self, request, calendar::get_period)
    }
    async fn list_reporting_periods(
        &self,
        request: Request<pb::ListReportingPeriodsRequest>,
    ) -> Reply<pb::ListReportingPeriodsResponse> {
        serve!(self, request, calendar::list_periods)
    }
    async fn update_reporting_period(
        &self,
        request: Request<pb::UpdateReportingPeriodRequest>,
    ) -> Reply<pb::UpdateReportingPeriodResponse> {
        serve_write!(self, request, calendar::update_period)
    }
    async fn delete_reporting_period(
        &self,
        request: Request<pb::DeleteReportingPeriodRequest>,
    ) -> Reply<pb::DeleteReportingPeriodResponse> {
        serve_write!(self, request, calendar::delete_period)
    }
    async fn close_reporting_period(
        &self,
        request: Request<pb::CloseReportingPeriodRequest>,
    ) -> Reply<pb::CloseReportingPeriodResponse> {
        serve_write!(self, request, calendar::close_period)
    }
    async fn reopen_reporting_period(
        &self,
        request: Request<pb::ReopenReportingPeriodRequest>,
    ) -> Reply<pb::ReopenReportingPeriodResponse> {
        serve_write!(self, request, calendar::reopen_period)
    }
    async fn create_bell_schedule(
        &self,
        request: Request<pb::CreateBellScheduleRequest>,
    ) -> Reply<pb::CreateBellScheduleResponse> {
        serve_write!(self, request, calendar::create_bells)
    }
    async fn get_bell_schedule(
        &self,
        request: Request<pb::GetBellScheduleRequest>,
    ) -> Reply<pb::GetBellScheduleResponse> {
        serve!(self, request, calendar::get_bells)
    }
    async fn list_bell_schedules(
        &self,
        request: Request<pb::ListBellSchedulesRequest>,
    ) -> Reply<pb::ListBellSchedulesResponse> {
        serve!(self, request, calendar::list_bells)
    }
    async fn update_bell_schedule(
        &self,
        request: Request<pb::UpdateBellScheduleRequest>,
    ) -> Reply<pb::UpdateBellScheduleResponse> {
        serve_write!(self, request, calendar::update_bells)
    }
    async fn delete_bell_schedule(
        &self,
        request: Request<pb::DeleteBellScheduleRequest>,
    ) -> Reply<pb::DeleteBellScheduleResponse> {
        serve_write!(self, request, calendar::delete_bells)
    }
    async fn create_holiday(
        &self,
        request: Request<pb::CreateHolidayRequest>,
    ) -> Reply<pb::CreateHolidayResponse> {
        serve_write!(self, request, calendar::create_holiday)
    }
    async fn get_holiday(
        &self,
        request: Request<pb::GetHolidayRequest>,
    ) -> Reply<pb::GetHolidayResponse> {
        serve!(self, request, calendar::get_holiday)
    }
    async fn list_holidays(
        &self,
        request: Request<pb::ListHolidaysRequest>,
    ) -> Reply<pb::ListHolidaysResponse> {
        serve!(self, request, calendar::list_holidays)
    }
    async fn update_holiday(
        &self,
        request: Request<pb::UpdateHolidayRequest>,
    ) -> Reply<pb::UpdateHolidayResponse> {
        serve_write!(self, request, calendar::update_holiday)
    }
    async fn delete_holiday(
        &self,
        request: Request<pb::DeleteHolidayRequest>,
    ) -> Reply<pb::DeleteHolidayResponse> {
        serve_write!(self, request, calendar::delete_holiday)
    }
    async fn create_timetable_entry(
        &self,
        request: Request<pb::CreateTimetableEntryRequest>,
    ) -> Reply<pb::CreateTimetableEntryResponse> {
        serve_write!(self, request, timetable::create_entry)
    }
    async fn get_timetable_entry(
        &self,
        request: Request<pb::GetTimetableEntryRequest>,
    ) -> Reply<pb::GetTimetableEntryResponse> {
        serve!(self, request, timetable::get_entry)
    }
    async fn list_timetable_entries(
        &self,
        request: Request<pb::ListTimetableEntriesRequest>,
    ) -> Reply<pb::ListTimetableEntriesResponse> {
        serve!(self, request, timetable::list_entries)
    }
    async fn update_timetable_entry(
        &self,
        request: Request<pb::UpdateTimetableEntryRequest>,
    ) -> Reply<pb::UpdateTimetableEntryResponse> {
        serve_write!(self, request, timetable::update_entry)
    }
    async fn delete_timetable_entry(
        &self,
        request: Request<pb::DeleteTimetableEntryRequest>,
    ) -> Reply<pb::DeleteTimetableEntryResponse> {
        serve_write!(self, request, timetable::delete_entry)
    }
    async fn generate_lessons(
        &self,
        request: Request<pb::GenerateLessonsRequest>,
    ) -> Reply<pb::GenerateLessonsResponse> {
        serve_write!(self, request, timetable::generate_lessons)
    }
    async fn create_lesson(
        &self,
        request: Request<pb::CreateLessonRequest>,
    ) -> Reply<pb::CreateLessonResponse> {
        serve_write!(self, request, lessons::create_lesson)
    }
    async fn get_lesson(
        &self,
        request: Request<pb::GetLessonRequest>,
    ) -> Reply<pb::GetLessonResponse> {
        serve!(self, request, lessons::get_lesson)
    }
    async fn list_lessons(
        &self,
        request: Request<pb::ListLessonsRequest>,
    ) -> Reply<pb::ListLessonsResponse> {
        serve!(self, request, lessons::list_lessons)
    }
    async fn delete_lesson(
        &self,
        request: Request<pb::DeleteLessonRequest>,
    ) -> Reply<pb::DeleteLessonResponse> {
        serve_write!(self, request, lessons::delete_lesson)
    }
    async fn set_lesson_topic(
        &self,
        request: Request<pb::SetLessonTopicRequest>,
    ) -> Reply<pb::SetLessonTopicResponse> {
        serve_write!(self, request, lessons::set_topic)
    }
    async fn substitute_lesson_teacher(
        &self,
        request: Request<pb::SubstituteLessonTeacherRequest>,
    ) -> Reply<pb::SubstituteLessonTeacherResponse> {
        serve_write!(self, request, lessons::substitute_teacher)
    }
    async fn cancel_lesson(
        &self,
        request: Request<pb::CancelLessonRequest>,
    ) -> Reply<pb::CancelLessonResponse> {
        serve_write!(self, request, lessons::cancel_lesson)
    }
    async fn restore_lesson(
        &self,
        request: Request<pb::RestoreLessonRequest>,
    ) -> Reply<pb::RestoreLessonResponse> {
        serve_write!(self, request, lessons::restore_lesson)
    }
    async fn change_lesson_room(
        &self,
        request: Request<pb::ChangeLessonRoomRequest>,
    ) -> Reply<pb::ChangeLessonRoomResponse> {
        serve_write!(self, request, lessons::change_room)
    }
    async fn upload_attachment(
        &self,
        request: Request<Streaming<pb::UploadAttachmentRequest>>,
    ) -> Reply<pb::UploadAttachmentResponse> {
        serve_write!(self, request, attachments::upload)
    }
    async fn download_attachment(
        &self,
        request: Request<pb::DownloadAttachmentRequest>,
    ) -> Reply<attachments::DownloadStream> {
        serve!(self, request, attachments::download)
    }
    async fn create_homework(
        &self,
        request: Request<pb::CreateHomeworkRequest>,
    ) -> Reply<pb::CreateHomeworkResponse> {
        serve_write!(self, request, homework::create_homework)
    }
    async fn get_homework(
        &self,
        request: Request<pb::GetHomeworkRequest>,
    ) -> Reply<pb::GetHomeworkResponse> {
        serve!(self, request, homework::get_homework)
    }
    async fn list_homework(
        &self,
        request: Request<pb::ListHomeworkRequest>,
    ) -> Reply<pb::ListHomeworkResponse> {
        serve!(self, request, homework::list_homework)
    }
    async fn update_homework(
        &self,
        request: Request<pb::UpdateHomeworkRequest>,
    ) -> Reply<pb::UpdateHomeworkResponse> {
        serve_write!(self, request, homework::update_homework)
    }
    async fn delete_homework(
        &self,
        request: Request<pb::DeleteHomeworkRequest>,
    ) -> Reply<pb::DeleteHomeworkResponse> {
        serve_write!(self, request, homework::delete_homework)
    }
    async fn create_submission(
        &self,
        request: Request<pb::CreateSubmissionRequest>,
    ) -> Reply<pb::CreateSubmissionResponse> {
        serve_write!(self, request, submissions::create_submission)
    }
    async fn get_submission(
        &self,
        request: Request<pb::GetSubmissionRequest>,
    ) -> Reply<pb::GetSubmissionResponse> {
        serve!(self, request, submissions::get_submission)
    }
    async fn list_submissions(
        &self,
        request: Request<pb::ListSubmissionsRequest>,
    ) -> Reply<pb::ListSubmissionsResponse> {
        serve!(self, request, submissions::list_submissions)
    }
    async fn update_submission(
        &self,
        request: Request<pb::UpdateSubmissionRequest>,
    ) -> Reply<pb::UpdateSubmissionResponse> {
        serve_write!(self, request, submissions::update_submission)
    }
    async fn return_submission(
        &self,
        request: Request<pb::ReturnSubmissionRequest>,
    ) -> Reply<pb::ReturnSubmissionResponse> {
        serve_write!(self, request, submissions::return_submission)
    }
    async fn mark_submission(
        &self,
        request: Request<pb::MarkSubmissionRequest>,
    ) -> Reply<pb::MarkSubmissionResponse> {
        serve_write!(self, request, submissions::mark_submission)
    }
    async fn get_student_week(
        &self,
        request: Request<pb::GetStudentWeekRequest>,
    ) -> Reply<pb::GetStudentWeekResponse> {
        serve!(self, request, diary::student_week)
    }
    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Reply<pb::ListChangesResponse> {
        serve!(self, request, changes::list_changes)
    }
}
