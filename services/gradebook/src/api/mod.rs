//! The gRPC face of the gradebook. Every access is decided by identity
//! (`CheckAccess`, on the caller's own token); a refusal and an unknown
//! object give the same answer.

mod attendance;
mod feed;
mod marks;
mod reopen;
mod results;
mod setup;
mod vendor;
mod vendor_attendance;
mod vendor_keys;
mod vendor_ledger;
mod week;

use chrono::{Days, NaiveDate};
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::{AccessClient, StudentPlace};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::gradebook::v1::gradebook_service_server::GradebookService;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::calendar::{Calendar, Period};
use crate::store;

pub const MAX_COMMENT_CHARS: usize = 1000;
pub const MAX_REASON_CHARS: usize = 500;
/// How long a deputy head's approval keeps a locked journal open.
pub const REOPEN_LASTS_DAYS: i64 = 7;

pub struct GradebookApi {
    db: Db,
    identity: IdentityServiceClient<Channel>,
    access: AccessClient,
    calendar: Calendar,
    clock: Clock,
    weeks: week::WeekCache,
    /// Places for vendors' batches being applied.
    vendor_batches: std::sync::Arc<tokio::sync::Semaphore>,
}

impl GradebookApi {
    pub fn new(
        db: Db,
        identity: IdentityServiceClient<Channel>,
        access: AccessClient,
        calendar: Calendar,
        clock: Clock,
        vendor_batches_at_once: usize,
    ) -> Self {
        Self {
            db,
            access,
            identity,
            calendar,
            clock,
            weeks: week::week_cache(),
            vendor_batches: std::sync::Arc::new(tokio::sync::Semaphore::new(
                vendor_batches_at_once.max(1),
            )),
        }
    }

    /// Asks identity; a refusal reads as "`noun` not found".
    async fn check(
        &self,
        ctx: &CallContext,
        request: identity::CheckAccessRequest,
        noun: &str,
    ) -> Result<identity::CheckAccessResponse> {
        self.access
            .check(ctx, request)
            .await?
            .ok_or_else(|| Error::not_found(noun))
    }

    /// Allows `action` on a student (on `date`, today by default) and says
    /// where they study.
    async fn student(
        &self,
        ctx: &CallContext,
        action: identity::Action,
        student_id: Uuid,
        subject_id: Option<Uuid>,
        date: Option<NaiveDate>,
    ) -> Result<StudentPlace> {
        let answer = self
            .check(
                ctx,
                identity::CheckAccessRequest {
                    action: action.into(),
                    student_id: student_id.to_string(),
                    subject_id: subject_id.map(|id| id.to_string()).unwrap_or_default(),
                    date: date.map(|d| d.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
                "student",
            )
            .await?;
        StudentPlace::of(&answer)
    }

    /// Allows a school-wide `action`, or answers "school not found".
    async fn school(
        &self,
        ctx: &CallContext,
        action: identity::Action,
        school_id: Uuid,
    ) -> Result<()> {
        self.check(
            ctx,
            identity::CheckAccessRequest {
                action: action.into(),
                school_id: school_id.to_string(),
                ..Default::default()
            },
            "school",
        )
        .await
        .map(drop)
    }

    /// Allows a class `action` (teaching `subject_id` to the class or one of
    /// its groups); returns the class's school.
    async fn class(
        &self,
        ctx: &CallContext,
        action: identity::Action,
        class_id: Uuid,
        group_id: Option<Uuid>,
        subject_id: Option<Uuid>,
    ) -> Result<Uuid> {
        let answer = self
            .check(
                ctx,
                identity::CheckAccessRequest {
                    action: action.into(),
                    class_id: class_id.to_string(),
                    group_id: group_id.map(|id| id.to_string()).unwrap_or_default(),
                    subject_id: subject_id.map(|id| id.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
                "class",
            )
            .await?;
        Uuid::parse_str(&answer.school_id)
            .map_err(|_| Error::Internal(anyhow::anyhow!("identity answered without a school")))
    }

    /// The periods of a student's class that contain `date`.
    async fn periods_on(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        class_id: Uuid,
        date: NaiveDate,
    ) -> Result<Vec<Period>> {
        let grade = self.calendar.grade_level(ctx, class_id).await?;
        let periods = self.calendar.periods(school_id, grade).await?;
        Ok(periods
            .iter()
            .filter(|period| period.contains(date))
            .cloned()
            .collect())
    }

    /// Refuses changes to a journal day that is locked — its period is
    /// closed, or it is older than the school's edit window — unless the
    /// deputy head reopened that journal (class, subject, period) lately.
    async fn ensure_open(
        &self,
        ctx: &CallContext,
        place: &StudentPlace,
        subject_id: Uuid,
        date: NaiveDate,
    ) -> Result<()> {
        let window = store::edit_window_days(&self.db, place.school_id).await?;
        self.ensure_open_within(ctx, place, subject_id, date, window)
            .await
    }

    /// [`Self::ensure_open`] with the school's edit window already read.
    async fn ensure_open_within(
        &self,
        ctx: &CallContext,
        place: &StudentPlace,
        subject_id: Uuid,
        date: NaiveDate,
        window: i32,
    ) -> Result<()> {
        let today = self.clock.today_utc();
        let outside_window = date + Days::new(window.max(0) as u64) < today;
        let periods = match place.class_id {
            Some(class_id) => {
                self.periods_on(ctx, place.school_id, class_id, date)
                    .await?
            }
            None => Vec::new(),
        };
        let closed = periods.iter().find(|period| period.closed);
        if !outside_window && closed.is_none() {
            return Ok(());
        }
        // The reopenable journal is the closed period's, or else the term's.
        let journal = closed.or_else(|| periods.iter().find(|period| !period.is_year));
        if let (Some(class_id), Some(period)) = (place.class_id, journal) {
            let since = self.clock.now() - chrono::Duration::days(REOPEN_LASTS_DAYS);
            if store::journal_reopened(&self.db, class_id, subject_id, period.id, since).await? {
                return Ok(());
            }
        }
        Err(Error::FailedPrecondition(match closed {
            Some(period) => format!(
                "the journal of «{}» is closed; ask the deputy head to reopen it",
                period.name
            ),
            None => format!(
                "{date} is outside the school's edit window of {window} days; ask the deputy head to reopen the journal"
            ),
        }))
    }

    /// A lesson the student attends, in the subject; NOT_FOUND otherwise.
    async fn lesson_of(&self, place: &StudentPlace, lesson_id: Uuid) -> Result<schedule::Lesson> {
        let lesson = self.calendar.lesson(place.school_id, lesson_id).await?;
        let attends = Some(lesson.class_id.as_str())
            == place.class_id.map(|c| c.to_string()).as_deref()
            && (lesson.group_id.is_empty()
                || place
                    .group_ids
                    .iter()
                    .any(|group| group.to_string() == lesson.group_id));
        if attends {
            Ok(lesson)
        } else {
            Err(Error::invalid(
                "lesson_id",
                "the student does not attend this lesson",
            ))
        }
    }
}

/// Requires a non-empty reason of bounded length.
fn reason(field: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid(
            field,
            format!("is required (1–{MAX_REASON_CHARS} characters)"),
        ));
    }
    Ok(text.to_owned())
}

type Reply<T> = std::result::Result<Response<T>, Status>;

/// Runs a handler with the caller's context.
macro_rules! handle {
    ($self:ident, $request:ident, $method:ident) => {{
        let ctx = CallContext::of(&$request)?;
        Ok(Response::new(
            $self.$method(ctx, $request.into_inner()).await?,
        ))
    }};
}

/// Runs a handler that may change what a student's week shows; once it has
/// ended, no week read before it is served again.
macro_rules! handle_week_write {
    ($self:ident, $request:ident, $method:ident) => {{
        let answer: Reply<_> = async { handle!($self, $request, $method) }.await;
        $self.weeks.invalidate();
        answer
    }};
}

#[tonic::async_trait]
impl GradebookService for GradebookApi {
    async fn create_mark(
        &self,
        request: Request<pb::CreateMarkRequest>,
    ) -> Reply<pb::CreateMarkResponse> {
        handle_week_write!(self, request, create_mark)
    }
    async fn get_mark(&self, request: Request<pb::GetMarkRequest>) -> Reply<pb::GetMarkResponse> {
        handle!(self, request, get_mark)
    }
    async fn list_student_marks(
        &self,
        request: Request<pb::ListStudentMarksRequest>,
    ) -> Reply<pb::ListStudentMarksResponse> {
        handle!(self, request, list_student_marks)
    }
    async fn update_mark(
        &self,
        request: Request<pb::UpdateMarkRequest>,
    ) -> Reply<pb::UpdateMarkResponse> {
        handle_week_write!(self, request, update_mark)
    }
    async fn delete_mark(
        &self,
        request: Request<pb::DeleteMarkRequest>,
    ) -> Reply<pb::DeleteMarkResponse> {
        handle_week_write!(self, request, delete_mark)
    }
    async fn list_mark_revisions(
        &self,
        request: Request<pb::ListMarkRevisionsRequest>,
    ) -> Reply<pb::ListMarkRevisionsResponse> {
        handle!(self, request, list_mark_revisions)
    }
    async fn mark_seen(
        &self,
        request: Request<pb::MarkSeenRequest>,
    ) -> Reply<pb::MarkSeenResponse> {
        handle_week_write!(self, request, mark_seen)
    }
    async fn create_grading_scale(
        &self,
        request: Request<pb::CreateGradingScaleRequest>,
    ) -> Reply<pb::CreateGradingScaleResponse> {
        handle!(self, request, create_grading_scale)
    }
    async fn list_grading_scales(
        &self,
        request: Request<pb::ListGradingScalesRequest>,
    ) -> Reply<pb::ListGradingScalesResponse> {
        handle!(self, request, list_grading_scales)
    }
    async fn create_work_type(
        &self,
        request: Request<pb::CreateWorkTypeRequest>,
    ) -> Reply<pb::CreateWorkTypeResponse> {
        handle_week_write!(self, request, create_work_type)
    }
    async fn list_work_types(
        &self,
        request: Request<pb::ListWorkTypesRequest>,
    ) -> Reply<pb::ListWorkTypesResponse> {
        handle!(self, request, list_work_types)
    }
    async fn get_journal_settings(
        &self,
        request: Request<pb::GetJournalSettingsRequest>,
    ) -> Reply<pb::GetJournalSettingsResponse> {
        handle!(self, request, get_journal_settings)
    }
    async fn update_journal_settings(
        &self,
        request: Request<pb::UpdateJournalSettingsRequest>,
    ) -> Reply<pb::UpdateJournalSettingsResponse> {
        handle!(self, request, update_journal_settings)
    }
    async fn set_attendance(
        &self,
        request: Request<pb::SetAttendanceRequest>,
    ) -> Reply<pb::SetAttendanceResponse> {
        handle_week_write!(self, request, set_attendance)
    }
    async fn list_student_attendance(
        &self,
        request: Request<pb::ListStudentAttendanceRequest>,
    ) -> Reply<pb::ListStudentAttendanceResponse> {
        handle!(self, request, list_student_attendance)
    }
    async fn get_student_week_record(
        &self,
        request: Request<pb::GetStudentWeekRecordRequest>,
    ) -> Reply<pb::GetStudentWeekRecordResponse> {
        handle!(self, request, get_student_week_record)
    }
    async fn get_journal(
        &self,
        request: Request<pb::GetJournalRequest>,
    ) -> Reply<pb::GetJournalResponse> {
        handle!(self, request, get_journal)
    }
    async fn get_student_averages(
        &self,
        request: Request<pb::GetStudentAveragesRequest>,
    ) -> Reply<pb::GetStudentAveragesResponse> {
        handle!(self, request, get_student_averages)
    }
    async fn compute_what_if(
        &self,
        request: Request<pb::ComputeWhatIfRequest>,
    ) -> Reply<pb::ComputeWhatIfResponse> {
        handle!(self, request, compute_what_if)
    }
    async fn create_calculation_policy(
        &self,
        request: Request<pb::CreateCalculationPolicyRequest>,
    ) -> Reply<pb::CreateCalculationPolicyResponse> {
        handle!(self, request, create_calculation_policy)
    }
    async fn get_calculation_policy(
        &self,
        request: Request<pb::GetCalculationPolicyRequest>,
    ) -> Reply<pb::GetCalculationPolicyResponse> {
        handle!(self, request, get_calculation_policy)
    }
    async fn set_final_mark(
        &self,
        request: Request<pb::SetFinalMarkRequest>,
    ) -> Reply<pb::SetFinalMarkResponse> {
        handle!(self, request, set_final_mark)
    }
    async fn list_final_marks(
        &self,
        request: Request<pb::ListFinalMarksRequest>,
    ) -> Reply<pb::ListFinalMarksResponse> {
        handle!(self, request, list_final_marks)
    }
    async fn request_reopen(
        &self,
        request: Request<pb::RequestReopenRequest>,
    ) -> Reply<pb::RequestReopenResponse> {
        handle!(self, request, request_reopen)
    }
    async fn decide_reopen(
        &self,
        request: Request<pb::DecideReopenRequest>,
    ) -> Reply<pb::DecideReopenResponse> {
        handle!(self, request, decide_reopen)
    }
    async fn list_reopen_requests(
        &self,
        request: Request<pb::ListReopenRequestsRequest>,
    ) -> Reply<pb::ListReopenRequestsResponse> {
        handle!(self, request, list_reopen_requests)
    }
    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Reply<pb::ListChangesResponse> {
        handle!(self, request, list_changes)
    }
    async fn apply_vendor_records(
        &self,
        request: Request<pb::ApplyVendorRecordsRequest>,
    ) -> Reply<pb::ApplyVendorRecordsResponse> {
        handle_week_write!(self, request, apply_vendor_records)
    }
    async fn list_vendor_records(
        &self,
        request: Request<pb::ListVendorRecordsRequest>,
    ) -> Reply<pb::ListVendorRecordsResponse> {
        handle!(self, request, list_vendor_records)
    }
    async fn list_vendor_record_keys(
        &self,
        request: Request<pb::ListVendorRecordKeysRequest>,
    ) -> Reply<pb::ListVendorRecordKeysResponse> {
        handle!(self, request, list_vendor_record_keys)
    }
}
