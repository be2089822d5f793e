//! Homework: set on a lesson by those who teach it, due on a later lesson
//! of the same class (or group) and subject, read by the school's staff and
//! the class's (or group's) students and their guardians.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;

use super::access::Action;
use super::input::{Input, masked};
use super::lessons::{encode_lesson, lesson_of};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::model::{AttachmentId, ChangeType, Homework, HomeworkId, Lesson};
use crate::store::{self, HomeworkWrite, Owner, OwnerKind, found};

/// Longest homework text.
pub const MAX_HOMEWORK_CHARS: usize = 10_000;
/// Most files one homework or submission carries.
pub const MAX_FILES: usize = 20;

/// The file ids of a request, checked.
pub fn file_ids(input: &mut Input, field: &str, ids: &[String]) -> Vec<AttachmentId> {
    if ids.len() > MAX_FILES {
        input.refuse(field, format!("at most {MAX_FILES} files"));
    }
    let mut parsed: Vec<AttachmentId> = ids
        .iter()
        .filter_map(|id| input.optional_id(field, id))
        .collect();
    let count = parsed.len();
    parsed.dedup();
    if parsed.len() != count {
        input.refuse(field, "names a file twice");
    }
    parsed
}

pub async fn homework_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: HomeworkId,
) -> Result<Homework> {
    found(
        store::get_homework(&api.db, school_id, id).await?,
        "homework",
    )
}

/// Whether the caller may read the homework: staff of the school, students
/// of its class (or group) when it is due, and their guardians.
pub async fn may_read(api: &ScheduleApi, ctx: &CallContext, homework: &Homework) -> Result<()> {
    api.identity
        .class(
            ctx,
            Action::ReadClass,
            homework.school_id,
            homework.class_id,
            homework.group_id,
            None,
            Some(homework.due_date),
            "homework",
        )
        .await
}

/// Whether the caller teaches the lesson: its substitute (a fact of the
/// schedule), its teacher of the subject, the class teacher, deputy heads.
/// Those who may read it are told no; others that it does not exist.
pub async fn may_teach(api: &ScheduleApi, ctx: &CallContext, lesson: &Lesson) -> Result<()> {
    if lesson.substitute_teacher_id == Some(PersonId(ctx.person_id()?)) {
        return Ok(());
    }
    let teaches = api
        .identity
        .class(
            ctx,
            Action::TeachClass,
            lesson.school_id,
            lesson.class_id,
            lesson.group_id,
            Some(lesson.subject_id),
            Some(lesson.date),
            "lesson",
        )
        .await;
    if teaches.is_ok() {
        return Ok(());
    }
    let reads = api
        .identity
        .class(
            ctx,
            Action::ReadClass,
            lesson.school_id,
            lesson.class_id,
            lesson.group_id,
            None,
            Some(lesson.date),
            "lesson",
        )
        .await;
    Err(match reads {
        Ok(()) => Error::PermissionDenied("homework on this lesson is not yours to set".into()),
        Err(error) => error,
    })
}

/// Whether the caller may read what a file belongs to.
pub async fn may_read_owner(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: SchoolId,
    owner: Owner,
) -> Result<()> {
    match owner {
        Owner::Homework(id) => may_read(api, ctx, &homework_of(api, school_id, id).await?).await,
        Owner::Submission(id) => {
            let submission = super::submissions::submission_of(api, school_id, id).await?;
            super::submissions::may_read(api, ctx, &submission).await
        }
    }
}

/// Refuses a due lesson that is not a later lesson of the same class (or
/// group) and subject.
fn check_due(input: &mut Input, lesson: &Lesson, due: Option<&Lesson>) {
    const FIELD: &str = "homework.due_lesson_id";
    let Some(due) = due else {
        input.refuse(FIELD, "no such lesson in this school");
        return;
    };
    if due.class_id != lesson.class_id || due.group_id != lesson.group_id {
        input.refuse(FIELD, "must be a lesson of the same class or group");
    } else if due.subject_id != lesson.subject_id {
        input.refuse(FIELD, "must be a lesson of the same subject");
    } else if due.starts_at <= lesson.starts_at {
        input.refuse(FIELD, "must be a later lesson than the one it is set on");
    } else if due.cancelled {
        input.refuse(FIELD, "is cancelled");
    }
}

/// The outbox row of a homework change, naming the files it has after it.
fn encode(
    actor_id: PersonId,
    homework: &Homework,
    files: &[AttachmentId],
    change_type: ChangeType,
) -> store::Change {
    let shown = pb::Homework {
        attachment_ids: files.iter().map(AttachmentId::to_string).collect(),
        ..convert::homework(homework, &[])
    };
    change(
        actor_id,
        homework.school_id,
        change_type,
        homework.id,
        Resource::Homework(shown),
        homework.updated_at,
    )
}

/// A homework with its files, as the contract shows it.
pub(super) async fn shown(api: &ScheduleApi, homework: &Homework) -> Result<pb::Homework> {
    let files = store::files_of(
        &api.db,
        homework.school_id,
        OwnerKind::Homework,
        &[homework.id],
    )
    .await?;
    Ok(convert::homework(homework, &files))
}

pub async fn create_homework(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateHomeworkRequest,
) -> Result<pb::CreateHomeworkResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("homework", request.homework.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("homework.school_id", &given.school_id);
    let lesson_id = input.id("homework.lesson_id", &given.lesson_id);
    let due_lesson_id = input.id("homework.due_lesson_id", &given.due_lesson_id);
    let text = input.text("homework.text", &given.text, MAX_HOMEWORK_CHARS);
    let files = file_ids(&mut input, "homework.attachment_ids", &given.attachment_ids);
    if text.is_empty() && files.is_empty() {
        input.refuse("homework.text", "is required when no file is attached");
    }
    input.finish()?;
    let author = PersonId(ctx.person_id()?);
    let lesson = lesson_of(api, school_id, lesson_id).await?;
    may_teach(api, &ctx, &lesson).await?;
    let due = store::get_lesson(&api.db, school_id, due_lesson_id).await?;
    let mut input = Input::new();
    check_due(&mut input, &lesson, due.as_ref());
    input.finish()?;
    let due = due.expect("checked above");
    let now = api.clock.now();
    let homework = Homework {
        id: HomeworkId::generate(),
        school_id,
        lesson_id,
        due_lesson_id,
        class_id: lesson.class_id,
        group_id: lesson.group_id,
        subject_id: lesson.subject_id,
        set_date: lesson.date,
        due_date: due.date,
        text,
        submission_required: given.submission_required,
        author_id: author,
        created_at: now,
        updated_at: now,
    };
    let event = encode(author, &homework, &files, ChangeType::Created);
    let created = store::insert_homework(
        &api.db,
        &homework,
        key.as_ref(),
        HomeworkWrite {
            files: Some((&files, author)),
            change: &event,
            encode_lesson: &|lesson| encode_lesson(author)(lesson, ChangeType::Updated),
        },
    )
    .await?;
    let homework =
        stored(store::get_homework(&api.db, school_id, created_id(created, homework.id)).await?)?;
    tracing::info!(%school_id, homework_id = %homework.id, "homework set");
    Ok(pb::CreateHomeworkResponse {
        homework: Some(shown(api, &homework).await?),
    })
}

pub async fn get_homework(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetHomeworkRequest,
) -> Result<pb::GetHomeworkResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("id", &request.id);
    input.finish()?;
    let homework = homework_of(api, school_id, id).await?;
    may_read(api, &ctx, &homework).await?;
    Ok(pb::GetHomeworkResponse {
        homework: Some(shown(api, &homework).await?),
    })
}

pub async fn update_homework(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateHomeworkRequest,
) -> Result<pb::UpdateHomeworkResponse> {
    let mut input = Input::new();
    let given = input
        .message("homework", request.homework.as_ref())
        .cloned()
        .unwrap_or_default();
    let paths = input.mask(
        request.update_mask.as_ref(),
        &[
            "due_lesson_id",
            "text",
            "attachment_ids",
            "submission_required",
        ],
    );
    let school_id = input.id("homework.school_id", &given.school_id);
    let id = input.id("homework.id", &given.id);
    let due_lesson_id = masked(&paths, "due_lesson_id")
        .then(|| input.id("homework.due_lesson_id", &given.due_lesson_id));
    let text = masked(&paths, "text")
        .then(|| input.text("homework.text", &given.text, MAX_HOMEWORK_CHARS));
    let files = masked(&paths, "attachment_ids")
        .then(|| file_ids(&mut input, "homework.attachment_ids", &given.attachment_ids));
    input.finish()?;
    let caller = PersonId(ctx.person_id()?);
    let old = homework_of(api, school_id, id).await?;
    let lesson = lesson_of(api, school_id, old.lesson_id).await?;
    may_teach(api, &ctx, &lesson).await?;
    let mut homework = Homework {
        text: text.unwrap_or_else(|| old.text.clone()),
        submission_required: if masked(&paths, "submission_required") {
            given.submission_required
        } else {
            old.submission_required
        },
        updated_at: api.clock.now(),
        ..old.clone()
    };
    let mut input = Input::new();
    if let Some(due_lesson_id) = due_lesson_id.filter(|id| *id != old.due_lesson_id) {
        let due = store::get_lesson(&api.db, school_id, due_lesson_id).await?;
        check_due(&mut input, &lesson, due.as_ref());
        if let Some(due) = due {
            homework.due_lesson_id = due.id;
            homework.due_date = due.date;
        }
    }
    input.finish()?;
    let kept = match &files {
        Some(files) => files.clone(),
        None => store::files_of(&api.db, school_id, OwnerKind::Homework, &[id])
            .await?
            .iter()
            .map(|file| file.id)
            .collect(),
    };
    let event = encode(caller, &homework, &kept, ChangeType::Updated);
    store::update_homework(
        &api.db,
        &homework,
        old.due_lesson_id,
        HomeworkWrite {
            files: files.as_deref().map(|files| (files, caller)),
            change: &event,
            encode_lesson: &|lesson| encode_lesson(caller)(lesson, ChangeType::Updated),
        },
    )
    .await?;
    let homework = stored(store::get_homework(&api.db, school_id, id).await?)?;
    Ok(pb::UpdateHomeworkResponse {
        homework: Some(shown(api, &homework).await?),
    })
}

pub async fn delete_homework(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteHomeworkRequest,
) -> Result<pb::DeleteHomeworkResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("id", &request.id);
    input.finish()?;
    let caller = PersonId(ctx.person_id()?);
    let homework = homework_of(api, school_id, id).await?;
    let lesson = lesson_of(api, school_id, homework.lesson_id).await?;
    may_teach(api, &ctx, &lesson).await?;
    let files: Vec<AttachmentId> = store::files_of(&api.db, school_id, OwnerKind::Homework, &[id])
        .await?
        .iter()
        .map(|file| file.id)
        .collect();
    let event = encode(caller, &homework, &files, ChangeType::Deleted);
    store::delete_homework(
        &api.db,
        &homework,
        api.clock.now(),
        HomeworkWrite {
            files: None,
            change: &event,
            encode_lesson: &|lesson| encode_lesson(caller)(lesson, ChangeType::Updated),
        },
    )
    .await?;
    Ok(pb::DeleteHomeworkResponse {})
}
