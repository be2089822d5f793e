//! The gRPC face of the gradebook. Access to a student's record is decided
//! by identity (`CheckAccess`, on the caller's own token); a refusal and an
//! unknown student both answer "student not found".

use chrono::{Days, Utc};
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::{parse_date, parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::gradebook::v1::gradebook_service_server::GradebookService;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::model::{FIVE_POINT_SCALE, FivePointValue, Mark, MarkStatus};
use crate::store::{self, MarkFilter};

pub const MAX_COMMENT_CHARS: usize = 1000;
pub const MAX_REQUEST_ID_CHARS: usize = 100;

pub struct GradebookApi {
    db: otmetka_platform::db::Db,
    identity: IdentityServiceClient<Channel>,
}

impl GradebookApi {
    pub fn new(db: otmetka_platform::db::Db, identity: IdentityServiceClient<Channel>) -> Self {
        Self { db, identity }
    }

    /// Asks identity whether the caller may act on the student; returns the
    /// student's school and class on `date`.
    async fn check_access(
        &self,
        ctx: &CallContext,
        action: identity::Action,
        student_id: Uuid,
        subject_id: Option<Uuid>,
        date: Option<chrono::NaiveDate>,
    ) -> Result<(Uuid, Option<Uuid>)> {
        let request = ctx.forward(identity::CheckAccessRequest {
            action: action.into(),
            student_id: student_id.to_string(),
            subject_id: subject_id.map(|id| id.to_string()).unwrap_or_default(),
            date: date.map(|d| d.to_string()).unwrap_or_default(),
            ..Default::default()
        })?;
        let answer = self
            .identity
            .clone()
            .check_access(request)
            .await
            .map_err(|status| match status.code() {
                tonic::Code::NotFound | tonic::Code::InvalidArgument => Error::not_found("student"),
                _ => Error::from(status),
            })?;
        let answer = answer.into_inner();
        let school_id = parse_id("school_id", &answer.school_id)
            .map_err(|_| Error::Internal(anyhow::anyhow!("identity answered without a school")))?;
        let class_id = Uuid::parse_str(&answer.class_id).ok();
        Ok((school_id, class_id))
    }

    async fn create_mark(
        &self,
        ctx: CallContext,
        request: pb::CreateMarkRequest,
    ) -> Result<pb::CreateMarkResponse> {
        let mut violations = Violations::new();
        let student_id = violations.check(
            "student_id",
            parse_id("student_id", &request.student_id).map_err(|_| "must be an id (UUID)".into()),
        );
        let subject_id = violations.check(
            "subject_id",
            parse_id("subject_id", &request.subject_id).map_err(|_| "must be an id (UUID)".into()),
        );
        // A day of slack: the caller's local date may be ahead of UTC.
        let latest = Utc::now().date_naive() + Days::new(1);
        let lesson_date = violations.check(
            "lesson_date",
            parse_date("lesson_date", &request.lesson_date)
                .map_err(|_| "must be a date as YYYY-MM-DD".to_owned())
                .and_then(|date| {
                    if date > latest {
                        Err("must not be in the future".into())
                    } else {
                        Ok(date)
                    }
                }),
        );
        if !request.lesson_id.is_empty() {
            violations.add("lesson_id", "lessons are not linked yet; leave it empty");
        }
        match pb::ScaleKind::try_from(request.scale) {
            Ok(pb::ScaleKind::Unspecified | pb::ScaleKind::FivePoint) => {}
            _ => violations.add("scale", "only the 5-point scale is supported"),
        }
        let status = match pb::MarkStatus::try_from(request.status) {
            Ok(pb::MarkStatus::Unspecified | pb::MarkStatus::Graded) => Some(MarkStatus::Graded),
            Ok(pb::MarkStatus::Exempt) => Some(MarkStatus::Exempt),
            Ok(pb::MarkStatus::NotSubmitted) => Some(MarkStatus::NotSubmitted),
            Ok(pb::MarkStatus::Absent) => Some(MarkStatus::Absent),
            Ok(pb::MarkStatus::Pending) => Some(MarkStatus::Pending),
            Err(_) => {
                violations.add("status", "is not a known status");
                None
            }
        };
        let value = match status {
            Some(MarkStatus::Graded) => violations
                .check("value", FivePointValue::parse(&request.value))
                .map(|value| value.to_string()),
            Some(_) if !request.value.is_empty() => {
                violations.add("value", "must be empty when the status is not graded");
                None
            }
            _ => Some(String::new()),
        };
        let weight = if request.weight == 0 {
            1
        } else {
            request.weight
        };
        if !(1..=10).contains(&weight) {
            violations.add("weight", "must be 1–10");
        }
        if request.comment.chars().count() > MAX_COMMENT_CHARS {
            violations.add(
                "comment",
                format!("must be at most {MAX_COMMENT_CHARS} characters"),
            );
        }
        if request.request_id.chars().count() > MAX_REQUEST_ID_CHARS {
            violations.add(
                "request_id",
                format!("must be at most {MAX_REQUEST_ID_CHARS} characters"),
            );
        }
        violations.into_result()?;
        let (Some(student_id), Some(subject_id), Some(lesson_date), Some(status), Some(value)) =
            (student_id, subject_id, lesson_date, status, value)
        else {
            unreachable!("violations were reported above");
        };

        let (school_id, class_id) = self
            .check_access(
                &ctx,
                identity::Action::WriteMark,
                student_id,
                Some(subject_id),
                Some(lesson_date),
            )
            .await?;
        let now = Utc::now();
        let mark = Mark {
            id: Uuid::now_v7(),
            school_id,
            student_id,
            subject_id,
            class_id,
            lesson_date,
            scale: FIVE_POINT_SCALE.into(),
            value,
            status: status.as_str().into(),
            weight,
            comment: request.comment.trim().to_owned(),
            author_id: ctx.person_id()?,
            request_id: Some(request.request_id).filter(|id| !id.is_empty()),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let stored = store::insert_mark(&self.db, &mark).await?;
        tracing::info!(mark_id = %stored.id, %student_id, %subject_id, "mark posted");
        Ok(pb::CreateMarkResponse {
            mark: Some(to_proto(stored)),
        })
    }

    async fn list_student_marks(
        &self,
        ctx: CallContext,
        request: pb::ListStudentMarksRequest,
    ) -> Result<pb::ListStudentMarksResponse> {
        let student_id = parse_id("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let optional_date = |field: &str, text: &str| {
            if text.is_empty() {
                Ok(None)
            } else {
                parse_date(field, text).map(Some)
            }
        };
        let filter = MarkFilter {
            subject_id: if request.subject_id.is_empty() {
                None
            } else {
                Some(parse_id("subject_id", &request.subject_id)?)
            },
            from: optional_date("from_date", &request.from_date)?,
            to: optional_date("to_date", &request.to_date)?,
        };
        self.check_access(
            &ctx,
            identity::Action::ReadStudentRecord,
            student_id,
            None,
            None,
        )
        .await?;
        let mut marks = store::student_marks(&self.db, student_id, &filter, &page).await?;
        let next_page_token = page.finish(&mut marks, store::page_key);
        Ok(pb::ListStudentMarksResponse {
            marks: marks.into_iter().map(to_proto).collect(),
            next_page_token,
        })
    }
}

fn to_proto(mark: Mark) -> pb::Mark {
    let status = match MarkStatus::parse(&mark.status) {
        Some(MarkStatus::Graded) => pb::MarkStatus::Graded,
        Some(MarkStatus::Exempt) => pb::MarkStatus::Exempt,
        Some(MarkStatus::NotSubmitted) => pb::MarkStatus::NotSubmitted,
        Some(MarkStatus::Absent) => pb::MarkStatus::Absent,
        Some(MarkStatus::Pending) => pb::MarkStatus::Pending,
        None => pb::MarkStatus::Unspecified,
    };
    pb::Mark {
        id: mark.id.to_string(),
        school_id: mark.school_id.to_string(),
        student_id: mark.student_id.to_string(),
        subject_id: mark.subject_id.to_string(),
        lesson_date: mark.lesson_date.to_string(),
        lesson_id: String::new(),
        scale: pb::ScaleKind::FivePoint.into(),
        value: mark.value,
        status: status.into(),
        weight: mark.weight,
        work_type_id: String::new(),
        comment: mark.comment,
        author_id: mark.author_id.to_string(),
        create_time: Some(to_timestamp(mark.created_at)),
        update_time: Some(to_timestamp(mark.updated_at)),
        delete_time: mark.deleted_at.map(to_timestamp),
        seen_time: None,
    }
}

#[tonic::async_trait]
impl GradebookService for GradebookApi {
    async fn create_mark(
        &self,
        request: Request<pb::CreateMarkRequest>,
    ) -> Result<Response<pb::CreateMarkResponse>, Status> {
        let ctx = CallContext::of(&request)?;
        Ok(Response::new(
            self.create_mark(ctx, request.into_inner()).await?,
        ))
    }

    async fn list_student_marks(
        &self,
        request: Request<pb::ListStudentMarksRequest>,
    ) -> Result<Response<pb::ListStudentMarksResponse>, Status> {
        let ctx = CallContext::of(&request)?;
        Ok(Response::new(
            self.list_student_marks(ctx, request.into_inner()).await?,
        ))
    }
}
