//! Submissions: handed in by the student (not a guardian), read by the
//! student, their guardians, the class's teachers and the school's
//! leadership; reviewed by those who teach the homework (`reviews`).

use chrono::{DateTime, Utc};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;

use super::homework::{MAX_HOMEWORK_CHARS, file_ids, homework_of, may_teach};
use super::input::{Input, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::model::{
    AttachmentId, ChangeType, Homework, Submission, SubmissionId, SubmissionStatus,
};
use crate::store::{self, OwnerKind, SubmissionFilter, found};

/// Longest teacher's comment.
pub(super) const MAX_COMMENT_CHARS: usize = 2000;

pub async fn submission_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: SubmissionId,
) -> Result<Submission> {
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
pub(super) async fn may_review(
    api: &ScheduleApi,
    ctx: &CallContext,
    homework: &Homework,
) -> Result<()> {
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

pub(super) fn encode(
    actor_id: PersonId,
    submission: &Submission,
    files: &[AttachmentId],
    kind: ChangeType,
) -> store::Change {
    let shown = pb::Submission {
        attachment_ids: files.iter().map(AttachmentId::to_string).collect(),
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

pub(super) async fn file_ids_of(
    api: &ScheduleApi,
    submission: &Submission,
) -> Result<Vec<AttachmentId>> {
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

pub(super) async fn shown(api: &ScheduleApi, submission: &Submission) -> Result<pb::Submission> {
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
    let caller = StudentId(ctx.person_id()?);
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
        id: SubmissionId::generate(),
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
    let event = encode(caller.into(), &submission, &files, ChangeType::Created);
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
    let ids: Vec<SubmissionId> = submissions.iter().map(|s| s.id).collect();
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
    let caller = StudentId(ctx.person_id()?);
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
    let event = encode(caller.into(), &submission, &kept, ChangeType::Updated);
    store::save_submission(&api.db, &submission, from, files.as_deref(), &event).await?;
    let submission = stored(store::get_submission(&api.db, school_id, id).await?)?;
    Ok(pb::UpdateSubmissionResponse {
        submission: Some(shown(api, &submission).await?),
    })
}
