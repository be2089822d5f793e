//! Marks: posting, correcting, withdrawing, their history, and «seen».

use chrono::Days;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, LessonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::outbox::{Change, ChangeKind};
use otmetka_platform::paging::Page;
use otmetka_platform::text::TextRule;
use otmetka_platform::time::{optional_date, parse_date, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;

use super::mark_checks::{check_comment, check_weight, read_value};
use super::{GradebookApi, reason};
use crate::convert;
use crate::model::{Mark, MarkId, WorkTypeId};
use crate::scale::ScaleKind;
use crate::store::{self, MarkFilter};
use otmetka_platform::grpc::access::StudentPlace;

pub const MAX_REQUEST_ID_CHARS: usize = 100;
pub const MARK: &str = "mark";

/// The change-feed row of a mark's new state (a withdrawn mark is kept,
/// with who withdrew it and when).
pub fn mark_change(mark: &Mark, kind: ChangeKind) -> Change {
    let payload = convert::mark(mark.clone()).encode_to_vec();
    Change::new(
        mark.school_id.uuid(),
        MARK,
        mark.id.uuid(),
        kind,
        Some(payload),
    )
}

impl GradebookApi {
    pub(super) async fn create_mark(
        &self,
        ctx: CallContext,
        request: pb::CreateMarkRequest,
    ) -> Result<pb::CreateMarkResponse> {
        let mut violations = Violations::new();
        let student_id = violations.check(
            "student_id",
            StudentId::parse("student_id", &request.student_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let subject_id = violations.check(
            "subject_id",
            SubjectId::parse("subject_id", &request.subject_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        // A day of slack: the school's local date may be ahead of UTC.
        let latest = self.clock.today_utc() + Days::new(1);
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
        let lesson_id = violations.check(
            "lesson_id",
            LessonId::parse_optional("lesson_id", &request.lesson_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let work_type_id = violations.check(
            "work_type_id",
            WorkTypeId::parse_optional("work_type_id", &request.work_type_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let requested_scale = convert::scale_kind_from(request.scale, ScaleKind::FivePoint);
        if requested_scale.is_none() {
            violations.add("scale", "is not a known scale");
        }
        let status = convert::mark_status_from(request.status);
        if status.is_none() {
            violations.add("status", "is not a known status");
        }
        if request.weight != 0 {
            check_weight(request.weight, &mut violations);
        }
        check_comment(&request.comment, &mut violations);
        TextRule::line(MAX_REQUEST_ID_CHARS).untrimmed().check(
            "request_id",
            &request.request_id,
            &mut violations,
        );
        violations.into_result()?;
        let (
            Some(student_id),
            Some(subject_id),
            Some(lesson_date),
            Some(lesson_id),
            Some(work_type_id),
        ) = (student_id, subject_id, lesson_date, lesson_id, work_type_id)
        else {
            unreachable!("violations were reported above");
        };

        let place = self
            .student(
                &ctx,
                identity::Action::WriteMark,
                student_id,
                Some(subject_id),
                Some(lesson_date),
            )
            .await?;
        let author_id = ctx.person_id()?;
        let school_id = SchoolId(place.school_id);
        let scale = store::scale_for(&self.db, school_id, subject_id).await?;
        let mut violations = Violations::new();
        if request.scale != 0 && requested_scale != Some(scale.kind) {
            violations.add(
                "scale",
                format!("this subject uses the {} scale", scale.kind.as_str()),
            );
        }
        let reading = read_value(&scale, status, &request.value, &mut violations);
        let weight = self
            .weight_of(school_id, work_type_id, request.weight, &mut violations)
            .await?;
        if let Some(lesson_id) = lesson_id {
            self.check_lesson(&place, lesson_id, subject_id, lesson_date, &mut violations)
                .await?;
        }
        violations.into_result()?;
        let reading = reading.expect("checked above");
        self.ensure_open(&ctx, &place, subject_id, lesson_date)
            .await?;

        let now = self.clock.now();
        let mark = Mark {
            id: MarkId::generate(),
            school_id,
            student_id,
            subject_id,
            class_id: place.class_id.map(ClassId),
            lesson_date,
            lesson_id,
            scale: scale.kind,
            value: reading.value,
            status: reading.status,
            weight,
            work_type_id,
            comment: request.comment.trim().to_owned(),
            author_id,
            request_id: Some(request.request_id).filter(|id| !id.is_empty()),
            revision: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            seen_at: None,
            source_vendor_id: None,
            revised_by: author_id,
        };
        let stored =
            store::insert_mark(&self.db, &mark, &mark_change(&mark, ChangeKind::Created)).await?;
        tracing::info!(mark_id = %stored.id, %student_id, %subject_id, "mark posted");
        Ok(pb::CreateMarkResponse {
            mark: Some(convert::mark(stored)),
        })
    }

    async fn readable_mark(&self, ctx: &CallContext, id: &str) -> Result<Mark> {
        let id = MarkId::parse("id", id)?;
        let mark = store::get_mark(&self.db, id)
            .await?
            .ok_or_else(|| Error::not_found(MARK))?;
        self.student(
            ctx,
            identity::Action::ReadStudentRecord,
            mark.student_id,
            None,
            Some(mark.lesson_date),
        )
        .await
        .map_err(|_| Error::not_found(MARK))?;
        Ok(mark)
    }

    /// A mark the caller may change, with where its student studied that day.
    /// Only people change marks here; vendors' changes come through import.
    async fn writable_mark(&self, ctx: &CallContext, id: &str) -> Result<(Mark, StudentPlace)> {
        ctx.person_id()?;
        let id = MarkId::parse("id", id)?;
        let mark = store::get_mark(&self.db, id)
            .await?
            .ok_or_else(|| Error::not_found(MARK))?;
        let place = self
            .student(
                ctx,
                identity::Action::WriteMark,
                mark.student_id,
                Some(mark.subject_id),
                Some(mark.lesson_date),
            )
            .await
            .map_err(|_| Error::not_found(MARK))?;
        Ok((mark, place))
    }

    pub(super) async fn get_mark(
        &self,
        ctx: CallContext,
        request: pb::GetMarkRequest,
    ) -> Result<pb::GetMarkResponse> {
        let mark = self.readable_mark(&ctx, &request.id).await?;
        Ok(pb::GetMarkResponse {
            mark: Some(convert::mark(mark)),
        })
    }

    pub(super) async fn update_mark(
        &self,
        ctx: CallContext,
        request: pb::UpdateMarkRequest,
    ) -> Result<pb::UpdateMarkResponse> {
        let reason = reason("reason", &request.reason)?;
        let (before, place) = self.writable_mark(&ctx, &request.id).await?;
        if before.deleted_at.is_some() {
            return Err(Error::FailedPrecondition(
                "the mark was withdrawn; post a new one".into(),
            ));
        }
        let scale = store::scale_for(&self.db, before.school_id, before.subject_id).await?;
        let mut violations = Violations::new();
        let status = convert::mark_status_from(request.status);
        if status.is_none() {
            violations.add("status", "is not a known status");
        }
        let reading = read_value(&scale, status, &request.value, &mut violations);
        let weight = if request.weight == 0 {
            before.weight
        } else {
            request.weight
        };
        check_weight(weight, &mut violations);
        check_comment(&request.comment, &mut violations);
        violations.into_result()?;
        let reading = reading.expect("checked above");
        let mut after = before.clone();
        after.value = reading.value;
        after.status = reading.status;
        after.scale = scale.kind;
        after.weight = weight;
        after.comment = request.comment.trim().to_owned();
        if after == before {
            return Ok(pb::UpdateMarkResponse {
                mark: Some(convert::mark(before)),
            });
        }
        self.ensure_open(&ctx, &place, before.subject_id, before.lesson_date)
            .await?;
        after.revision = before.revision + 1;
        after.updated_at = self.clock.now();
        after.revised_by = ctx.person_id()?;
        let change = mark_change(&after, ChangeKind::Updated);
        store::revise_mark(&self.db, &before, &after, &reason, &change).await?;
        tracing::info!(mark_id = %after.id, revision = after.revision, "mark corrected");
        Ok(pb::UpdateMarkResponse {
            mark: Some(convert::mark(after)),
        })
    }

    pub(super) async fn delete_mark(
        &self,
        ctx: CallContext,
        request: pb::DeleteMarkRequest,
    ) -> Result<pb::DeleteMarkResponse> {
        let reason = reason("reason", &request.reason)?;
        let (before, place) = self.writable_mark(&ctx, &request.id).await?;
        if before.deleted_at.is_some() {
            return Ok(pb::DeleteMarkResponse {
                mark: Some(convert::mark(before)),
            });
        }
        self.ensure_open(&ctx, &place, before.subject_id, before.lesson_date)
            .await?;
        let now = self.clock.now();
        let mut after = before.clone();
        after.revision = before.revision + 1;
        after.updated_at = now;
        after.deleted_at = Some(now);
        after.revised_by = ctx.person_id()?;
        let change = mark_change(&after, ChangeKind::Deleted);
        store::revise_mark(&self.db, &before, &after, &reason, &change).await?;
        tracing::info!(mark_id = %after.id, "mark withdrawn");
        Ok(pb::DeleteMarkResponse {
            mark: Some(convert::mark(after)),
        })
    }

    pub(super) async fn list_mark_revisions(
        &self,
        ctx: CallContext,
        request: pb::ListMarkRevisionsRequest,
    ) -> Result<pb::ListMarkRevisionsResponse> {
        let page = Page::parse(request.page_size, &request.page_token)?;
        let mark = self.readable_mark(&ctx, &request.mark_id).await?;
        let mut revisions = store::mark_revisions(&self.db, mark.id, &page).await?;
        let next_page_token = page.finish(&mut revisions, |r| r.revision.to_string());
        Ok(pb::ListMarkRevisionsResponse {
            revisions: revisions.into_iter().map(convert::revision).collect(),
            next_page_token,
        })
    }

    pub(super) async fn mark_seen(
        &self,
        ctx: CallContext,
        request: pb::MarkSeenRequest,
    ) -> Result<pb::MarkSeenResponse> {
        let id = MarkId::parse("mark_id", &request.mark_id)?;
        let mark = store::get_mark(&self.db, id)
            .await?
            .ok_or_else(|| Error::not_found(MARK))?;
        self.student(
            &ctx,
            identity::Action::ActAsFamily,
            mark.student_id,
            None,
            None,
        )
        .await
        .map_err(|_| Error::not_found(MARK))?;
        let seen = store::mark_seen(&self.db, id, self.clock.now()).await?;
        Ok(pb::MarkSeenResponse {
            seen_time: seen.map(to_timestamp),
        })
    }

    pub(super) async fn list_student_marks(
        &self,
        ctx: CallContext,
        request: pb::ListStudentMarksRequest,
    ) -> Result<pb::ListStudentMarksResponse> {
        let student_id = StudentId::parse("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let filter = MarkFilter {
            subject_id: SubjectId::parse_optional("subject_id", &request.subject_id)?,
            from: optional_date("from_date", &request.from_date)?,
            to: optional_date("to_date", &request.to_date)?,
        };
        self.student(
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
            marks: marks.into_iter().map(convert::mark).collect(),
            next_page_token,
        })
    }
}
