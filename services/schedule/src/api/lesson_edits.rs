//! The changes made to a lesson by hand: its topic, a substitute teacher,
//! cancelling and restoring it, another room.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{LessonId, PersonId, SchoolId};
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;

use super::access::Action;
use super::input::{Input, MAX_ROOM_CHARS};
use super::lessons::{MAX_NOTE_CHARS, encode_lesson, lesson_of, managed, refusal};
use super::{ScheduleApi, convert};
use crate::model::{ChangeType, Lesson};
use crate::store::{self};

fn ids(input: &mut Input, school_id: &str, lesson_id: &str) -> (SchoolId, LessonId) {
    (
        input.id("school_id", school_id),
        input.id("lesson_id", lesson_id),
    )
}

/// Saves `lesson` as changed by the caller, unless nothing changed.
async fn save(
    api: &ScheduleApi,
    ctx: &CallContext,
    old: &Lesson,
    lesson: Lesson,
) -> Result<Lesson> {
    if lesson == *old {
        return Ok(lesson);
    }
    let lesson = Lesson {
        updated_at: api.clock.now(),
        ..lesson
    };
    let event = encode_lesson(ctx.principal.id)(&lesson, ChangeType::Updated);
    store::update_lesson(&api.db, &lesson, &event).await?;
    Ok(lesson)
}

pub async fn set_topic(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::SetLessonTopicRequest,
) -> Result<pb::SetLessonTopicResponse> {
    let mut input = Input::new();
    let (school_id, lesson_id) = ids(&mut input, &request.school_id, &request.lesson_id);
    let topic = input.line("topic", &request.topic, MAX_NOTE_CHARS);
    input.finish()?;
    let caller = PersonId(ctx.person_id()?);
    let old = lesson_of(api, school_id, lesson_id).await?;
    // The substitute is a fact of the schedule, not of identity: the
    // lesson itself lets them set its topic.
    if old.substitute_teacher_id != Some(caller) {
        let teaches = api
            .identity
            .class(
                &ctx,
                Action::TeachClass,
                school_id,
                old.class_id,
                old.group_id,
                Some(old.subject_id),
                Some(old.date),
                "lesson",
            )
            .await;
        if teaches.is_err() {
            return Err(refusal(api, &ctx, &old).await);
        }
    }
    let lesson = save(
        api,
        &ctx,
        &old,
        Lesson {
            topic,
            ..old.clone()
        },
    )
    .await?;
    Ok(pb::SetLessonTopicResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}

pub async fn substitute_teacher(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::SubstituteLessonTeacherRequest,
) -> Result<pb::SubstituteLessonTeacherResponse> {
    let mut input = Input::new();
    let (school_id, lesson_id) = ids(&mut input, &request.school_id, &request.lesson_id);
    let substitute = input.optional_id("substitute_teacher_id", &request.substitute_teacher_id);
    let reason = input.line("reason", &request.reason, MAX_NOTE_CHARS);
    input.finish()?;
    let old = managed(api, &ctx, school_id, lesson_id).await?;
    if let Some(substitute) = substitute {
        if substitute == old.teacher_id {
            return Err(Error::invalid(
                "substitute_teacher_id",
                "is the lesson's own teacher",
            ));
        }
        api.identity
            .require_staff(&ctx, "substitute_teacher_id", substitute)
            .await?;
    }
    let lesson = Lesson {
        substitute_teacher_id: substitute,
        substitution_reason: if substitute.is_some() {
            reason
        } else {
            String::new()
        },
        ..old.clone()
    };
    let lesson = save(api, &ctx, &old, lesson).await?;
    Ok(pb::SubstituteLessonTeacherResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}

pub async fn cancel_lesson(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CancelLessonRequest,
) -> Result<pb::CancelLessonResponse> {
    let mut input = Input::new();
    let (school_id, lesson_id) = ids(&mut input, &request.school_id, &request.lesson_id);
    let reason = input.line("reason", &request.reason, MAX_NOTE_CHARS);
    if reason.is_empty() {
        input.refuse("reason", "is required");
    }
    input.finish()?;
    let old = managed(api, &ctx, school_id, lesson_id).await?;
    // Cancelling again keeps the first reason: the call is idempotent.
    let lesson = if old.cancelled {
        old.clone()
    } else {
        Lesson {
            cancelled: true,
            cancel_reason: reason,
            ..old.clone()
        }
    };
    let lesson = save(api, &ctx, &old, lesson).await?;
    Ok(pb::CancelLessonResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}

pub async fn restore_lesson(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::RestoreLessonRequest,
) -> Result<pb::RestoreLessonResponse> {
    let mut input = Input::new();
    let (school_id, lesson_id) = ids(&mut input, &request.school_id, &request.lesson_id);
    input.finish()?;
    let old = managed(api, &ctx, school_id, lesson_id).await?;
    let lesson = Lesson {
        cancelled: false,
        cancel_reason: String::new(),
        ..old.clone()
    };
    let lesson = save(api, &ctx, &old, lesson).await?;
    Ok(pb::RestoreLessonResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}

pub async fn change_room(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ChangeLessonRoomRequest,
) -> Result<pb::ChangeLessonRoomResponse> {
    let mut input = Input::new();
    let (school_id, lesson_id) = ids(&mut input, &request.school_id, &request.lesson_id);
    let room = input.line("room", &request.room, MAX_ROOM_CHARS);
    input.finish()?;
    let old = managed(api, &ctx, school_id, lesson_id).await?;
    // Moving back to the planned room ends the room change, so the lesson
    // follows its timetable entry's room again.
    let room_override = Some(room).filter(|room| !room.is_empty() && *room != old.planned_room);
    let lesson = save(
        api,
        &ctx,
        &old,
        Lesson {
            room_override,
            ..old.clone()
        },
    )
    .await?;
    Ok(pb::ChangeLessonRoomResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}
