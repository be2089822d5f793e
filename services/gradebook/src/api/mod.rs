//! The gRPC face of the gradebook. Every access is decided by identity
//! (`CheckAccess`, on the caller's own token); a refusal and an unknown
//! object give the same answer.

mod attendance;
mod feed;
mod mark_checks;
mod marks;
mod reopen;
mod results;
mod service;
mod setup;
pub(crate) mod vendor;
mod week;

use chrono::{Days, NaiveDate};
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::{AccessClient, StudentPlace};
use otmetka_platform::ids::{ClassId, LessonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::text::TextRule;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::calendar::{Calendar, Period};
use crate::store;

pub const MAX_COMMENT_CHARS: usize = 1000;
pub const MAX_REASON_CHARS: usize = 500;
/// A mark's comment or a decision's comment: text that may run to several lines.
pub const COMMENT: TextRule = TextRule::text(MAX_COMMENT_CHARS);
/// Why a mark, an attendance record or a journal changed.
pub const REASON: TextRule = TextRule::text(MAX_REASON_CHARS);
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
        student_id: StudentId,
        subject_id: Option<SubjectId>,
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
        class_id: ClassId,
        group_id: Option<Uuid>,
        subject_id: Option<SubjectId>,
    ) -> Result<SchoolId> {
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
        answer
            .school_id
            .parse()
            .map_err(|_| Error::Internal(anyhow::anyhow!("identity answered without a school")))
    }

    /// The periods of a student's class that contain `date`.
    async fn periods_on(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        class_id: ClassId,
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
        subject_id: SubjectId,
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
        subject_id: SubjectId,
        date: NaiveDate,
        window: i32,
    ) -> Result<()> {
        let today = self.clock.today_utc();
        let outside_window = date + Days::new(window.max(0) as u64) < today;
        let periods = match place.class_id {
            Some(class_id) => {
                self.periods_on(ctx, SchoolId(place.school_id), ClassId(class_id), date)
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
            let class_id = ClassId(class_id);
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
    async fn lesson_of(
        &self,
        place: &StudentPlace,
        lesson_id: LessonId,
    ) -> Result<schedule::Lesson> {
        let lesson = self
            .calendar
            .lesson(SchoolId(place.school_id), lesson_id)
            .await?;
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
    Ok(REASON.required().parse(field, text)?.to_owned())
}
