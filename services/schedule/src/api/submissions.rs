//! Submissions: handed in by the student (not a guardian), read by the
//! student, their guardians, the class's teachers and the school's
//! leadership, returned and marked by those who teach the homework.

use chrono::{DateTime, Utc};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;
use uuid::Uuid;

use super::homework::{MAX_HOMEWORK_CHARS, file_ids, homework_of, may_teach};
use super::input::{Input, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::model::{ChangeType, Homework, Submission, SubmissionStatus};
use crate::store::{self, OwnerKind, SubmissionFilter, found};

/// Longest teacher's comment.
const MAX_COMMENT_CHARS: usize = 2000;

pub async fn submission_of(api: &ScheduleApi, school_id: Uuid, id: Uuid) -> Result<Submission> {
    found(
        store::get_submission(&api.db, school_id, id).await?,
        "submission",
    )
}

/// Whether the caller may read the student's record on the homework's due
/// day: the student, their guardians, the class's teachers, leadership.
pub async fn may_read(api: &ScheduleApi, ctx: &CallContext, submission: &Submission) -> Result<()> {
    let homework = homework_of(api, submission.school_id, submission.homework_id).await?;
    api.identity
        .student(
            ctx,
            submission.school_id,
            submission.student_id,
            homework.due_date,
        )
        .await
        .map(drop)
        .map_err(|_| Error::not_found("submission"))
}

/// Whether the caller teaches the homework (on the lesson it was set on).
async fn may_review(api: &ScheduleApi, ctx: &CallContext, homework: &Homework) -> Result<()> {
    let lesson = found(
        store::get_lesson(&api.db, homework.school_id, homework.lesson_id).await?,
        "homework",
    )?;
    may_teach(api, ctx, &lesson).await
}

/// Handed in after the due lesson began.
async fn late(api: &ScheduleApi, homework: &Homework, at: DateTime<Utc>) -> Result<bool> {
    let due = store::get_lesson(&api.db, homework.school_id, homework.due_lesson_id).await?;
    Ok(due.is_some_and(|due| at > due.starts_at))
}

fn encode(
    actor_id: Uuid,
    submission: &Submission,
    files: &[Uuid],
    kind: ChangeType,
) -> store::Change {
    let shown = pb::Submission {
        attachment_ids: files.iter().map(Uuid::to_string).collect(),
        ..convert::submission(submission, &[])
    };
    change(
        actor_id,
        submission.school_id,
        kind,
        submission.id,
        Resource::Submission(shown),
        submission.updated_at,
    )
}

async fn file_ids_of(api: &ScheduleApi, submission: &Submission) -> Result<Vec<Uuid>> {
    Ok(store::files_of(
        &api.db,
        submission.school_id,
        OwnerKind::Submission,
        &[submission.id],
    )
    .await?
    .iter()
    .map(|file| file.id)
    .collect())
}

async fn shown(api: &ScheduleApi, submission: &Submission) -> Result<pb::Submission> {
    let files = store::files_of(
        &api.db,
        submission.school_id,
        OwnerKind::Submission,
        &[submission.id],
    )
    .await?;
    Ok(convert::submission(submission, &files))
}

pub async fn create_submission(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateSubmissionRequest,
) -> Result<pb::CreateSubmissionResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("submission", request.submission.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("submission.school_id", &given.school_id);
    let homework_id = input.id("submission.homework_id", &given.homework_id);
    let student_id = input.id("submission.student_id", &given.student_id);
    let text = input.text("submission.text", &given.text, MAX_HOMEWORK_CHARS);
    let files = file_ids(
        &mut input,
        "submission.attachment_ids",
        &given.attachment_ids,
    );
    if text.is_empty() && files.is_empty() {
        input.refuse("submission.text", "is required when no file is attached");
    }
    input.finish()?;
    let caller = ctx.person_id()?;
    let homework = homework_of(api, school_id, homework_id).await?;
    super::homework::may_read(api, &ctx, &homework).await?;
    if student_id != caller {
        return Err(Error::PermissionDenied(
            "only the student hands in their own work".into(),
        ));
    }
    // The caller must be a student of the homework's class (or group).
    let place = api
        .identity
        .student(&ctx, school_id, caller, homework.due_date)
        .await
        .map_err(|_| Error::PermissionDenied("only the class's students hand in work".into()))?;
    if place.class_id != homework.class_id
        || homework
            .group_id
            .is_some_and(|group| !place.group_ids.contains(&group))
    {
        return Err(Error::PermissionDenied(
            "only the class's students hand in work".into(),
        ));
    }
    let now = api.clock.now();
    let submission = Submission {
        id: Uuid::now_v7(),
        school_id,
        homework_id,
        student_id,
        text,
        status: SubmissionStatus::Submitted.as_str().into(),
        submitted_at: now,
        late: late(api, &homework, now).await?,
        teacher_comment: String::new(),
        mark_id: None,
        reviewed_by: None,
        reviewed_at: None,
        created_at: now,
        updated_at: now,
    };
    let event = encode(caller, &submission, &files, ChangeType::Created);
    let created =
        store::insert_submission(&api.db, &submission, &files, key.as_ref(), &event).await?;
    let submission = stored(
        store::get_submission(&api.db, school_id, created_id(created, submission.id)).await?,
    )?;
    Ok(pb::CreateSubmissionResponse {
        submission: Some(shown(api, &submission).await?),
    })
}

pub async fn get_submission(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetSubmissionRequest,
) -> Result<pb::GetSubmissionResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("id", &request.id);
    input.finish()?;
    let submission = submission_of(api, school_id, id).await?;
    may_read(api, &ctx, &submission).await?;
    Ok(pb::GetSubmissionResponse {
        submission: Some(shown(api, &submission).await?),
    })
}

pub async fn list_submissions(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListSubmissionsRequest,
) -> Result<pb::ListSubmissionsResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let homework_id = input.optional_id("homework_id", &request.homework_id);
    let student_id = input.optional_id("student_id", &request.student_id);
    let status = match pb::SubmissionStatus::try_from(request.status) {
        Ok(pb::SubmissionStatus::Unspecified) => None,
        Ok(status) => SubmissionStatus::ALL
            .iter()
            .copied()
            .find(|known| convert::submission_status(Some(*known)) == status),
        Err(_) => {
            input.refuse("status", "is not a known status");
            None
        }
    };
    if homework_id.is_none() && student_id.is_none() {
        input.refuse("homework_id", "set homework_id, student_id or both");
    }
    input.finish()?;
    match (homework_id, student_id) {
        (_, Some(student_id)) => {
            let on = match homework_id {
                Some(id) => homework_of(api, school_id, id).await?.due_date,
                None => crate::calendar::school_today(
                    &api.clock,
                    api.identity.timezone(&ctx, &api.db, school_id).await?,
                ),
            };
            api.identity
                .student(&ctx, school_id, student_id, on)
                .await
                .map_err(|_| Error::not_found("student"))?;
        }
        (Some(homework_id), None) => {
            let homework = homework_of(api, school_id, homework_id).await?;
            may_review(api, &ctx, &homework).await?;
        }
        (None, None) => unreachable!("refused above"),
    }
    let filter = SubmissionFilter {
        homework_id,
        student_id,
        status,
    };
    let mut submissions = store::list_submissions(&api.db, school_id, &filter, &page).await?;
    let next_page_token = page.finish(&mut submissions, |s| s.id.to_string());
    let ids: Vec<Uuid> = submissions.iter().map(|s| s.id).collect();
    let files = store::files_of(&api.db, school_id, OwnerKind::Submission, &ids).await?;
    Ok(pb::ListSubmissionsResponse {
        submissions: submissions
            .iter()
            .map(|s| convert::submission(s, &files))
            .collect(),
        next_page_token,
    })
}

pub async fn update_submission(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateSubmissionRequest,
) -> Result<pb::UpdateSubmissionResponse> {
    let mut input = Input::new();
    let given = input
        .message("submission", request.submission.as_ref())
        .cloned()
        .unwrap_or_default();
    let paths = input.mask(request.update_mask.as_ref(), &["text", "attachment_ids"]);
    let school_id = input.id("submission.school_id", &given.school_id);
    let id = input.id("submission.id", &given.id);
    let text = masked(&paths, "text")
        .then(|| input.text("submission.text", &given.text, MAX_HOMEWORK_CHARS));
    let files = masked(&paths, "attachment_ids").then(|| {
        file_ids(
            &mut input,
            "submission.attachment_ids",
            &given.attachment_ids,
        )
    });
    input.finish()?;
    let caller = ctx.person_id()?;
    let old = submission_of(api, school_id, id).await?;
    may_read(api, &ctx, &old).await?;
    if old.student_id != caller {
        return Err(Error::PermissionDenied(
            "only the student changes their work".into(),
        ));
    }
    let from = old.status().unwrap_or(SubmissionStatus::Marked);
    if from == SubmissionStatus::Marked {
        return Err(Error::FailedPrecondition(
            "the submission is marked and can no longer change".into(),
        ));
    }
    let homework = homework_of(api, school_id, old.homework_id).await?;
    let now = api.clock.now();
    let submission = Submission {
        text: text.unwrap_or_else(|| old.text.clone()),
        status: SubmissionStatus::Submitted.as_str().into(),
        submitted_at: now,
        late: late(api, &homework, now).await?,
        updated_at: now,
        ..old.clone()
    };
    let kept = match &files {
        Some(files) => files.clone(),
        None => file_ids_of(api, &old).await?,
    };
    let event = encode(caller, &submission, &kept, ChangeType::Updated);
    store::save_submission(&api.db, &submission, from, files.as_deref(), &event).await?;
    let submission = stored(store::get_submission(&api.db, school_id, id).await?)?;
    Ok(pb::UpdateSubmissionResponse {
        submission: Some(shown(api, &submission).await?),
    })
}

/// The submission and its homework, if the caller teaches the homework;
/// those who may read the submission are told no, others that it does not
/// exist.
async fn reviewed(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: Uuid,
    id: Uuid,
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
    let caller = ctx.person_id()?;
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
