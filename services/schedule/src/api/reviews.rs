//! A teacher's review of a submission: returning it for more work, or
//! marking it (the mark is posted to gradebook).

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::schedule::v1 as pb;

use super::homework::homework_of;
use super::input::Input;
use super::submissions::{
    MAX_COMMENT_CHARS, encode, file_ids_of, may_read, may_review, shown, submission_of,
};
use super::{ScheduleApi, stored};
use crate::model::{ChangeType, Homework, Submission, SubmissionId, SubmissionStatus};
use crate::store::{self};

/// The submission and its homework, if the caller teaches the homework;
/// those who may read the submission are told no, others that it does not
/// exist.
async fn reviewed(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: SchoolId,
    id: SubmissionId,
) -> Result<(Submission, Homework)> {
    let old = submission_of(api, school_id, id).await?;
    let homework = homework_of(api, school_id, old.homework_id).await?;
    if let Err(refused) = may_review(api, ctx, &homework).await {
        may_read(api, ctx, &old).await?;
        return Err(refused);
    }
    Ok((old, homework))
}

/// A teacher's review (return or mark) of a submission they may review.
async fn review(
    api: &ScheduleApi,
    ctx: &CallContext,
    (old, homework): (Submission, Homework),
    decide: impl FnOnce(&Submission, &Homework) -> Result<Option<Submission>>,
) -> Result<pb::Submission> {
    let caller = PersonId(ctx.person_id()?);
    let Some(reviewed) = decide(&old, &homework)? else {
        return shown(api, &old).await;
    };
    let now = api.clock.now();
    let submission = Submission {
        reviewed_by: Some(caller),
        reviewed_at: Some(now),
        updated_at: now,
        ..reviewed
    };
    let from = old.status().unwrap_or(SubmissionStatus::Submitted);
    let files = file_ids_of(api, &old).await?;
    let event = encode(caller, &submission, &files, ChangeType::Updated);
    store::save_submission(&api.db, &submission, from, None, &event).await?;
    shown(
        api,
        &stored(store::get_submission(&api.db, old.school_id, old.id).await?)?,
    )
    .await
}

pub async fn return_submission(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ReturnSubmissionRequest,
) -> Result<pb::ReturnSubmissionResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("submission_id", &request.submission_id);
    let comment = input.text("comment", &request.comment, MAX_COMMENT_CHARS);
    if comment.is_empty() {
        input.refuse("comment", "is required: say what to redo");
    }
    input.finish()?;
    let target = reviewed(api, &ctx, school_id, id).await?;
    let submission = review(api, &ctx, target, |old, _| {
        match old.status() {
            Some(SubmissionStatus::Marked) => Err(Error::FailedPrecondition(
                "the submission is marked already".into(),
            )),
            // Returning again with the same comment changes nothing.
            Some(SubmissionStatus::Returned) if old.teacher_comment == comment => Ok(None),
            _ => Ok(Some(Submission {
                status: SubmissionStatus::Returned.as_str().into(),
                teacher_comment: comment,
                ..old.clone()
            })),
        }
    })
    .await?;
    Ok(pb::ReturnSubmissionResponse {
        submission: Some(submission),
    })
}

pub async fn mark_submission(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::MarkSubmissionRequest,
) -> Result<pb::MarkSubmissionResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("submission_id", &request.submission_id);
    let mark_id = input.id("mark_id", &request.mark_id);
    let comment = input.text("comment", &request.comment, MAX_COMMENT_CHARS);
    input.finish()?;
    let target = reviewed(api, &ctx, school_id, id).await?;
    if target.0.mark_id == Some(mark_id) {
        // The same mark again: nothing to do.
        return Ok(pb::MarkSubmissionResponse {
            submission: Some(shown(api, &target.0).await?),
        });
    }
    // The mark must be gradebook's, for this student and the homework's
    // subject; gradebook answers only those who may read it.
    let mark = api
        .gradebook
        .clone()
        .get_mark(ctx.forward(gradebook::GetMarkRequest {
            id: mark_id.to_string(),
        })?)
        .await
        .map_err(|status| match status.code() {
            tonic::Code::NotFound | tonic::Code::InvalidArgument => {
                Error::invalid("mark_id", "no such mark")
            }
            _ => status.into(),
        })?
        .into_inner()
        .mark
        .ok_or_else(|| Error::invalid("mark_id", "no such mark"))?;
    let submission = review(api, &ctx, target, |old, homework| {
        if mark.student_id != old.student_id.to_string()
            || mark.subject_id != homework.subject_id.to_string()
            || mark.delete_time.is_some()
        {
            return Err(Error::invalid(
                "mark_id",
                "is not a mark of this student in the homework's subject",
            ));
        }
        Ok(Some(Submission {
            status: SubmissionStatus::Marked.as_str().into(),
            mark_id: Some(mark_id),
            teacher_comment: if comment.is_empty() {
                old.teacher_comment.clone()
            } else {
                comment
            },
            ..old.clone()
        }))
    })
    .await?;
    Ok(pb::MarkSubmissionResponse {
        submission: Some(submission),
    })
}
