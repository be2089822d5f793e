//! Dated lessons: reading them, extra lessons made by hand, deleting them.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{LessonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;
use uuid::Uuid;

use super::access::Action;
use super::calendar::year_of;
use super::input::{Input, MAX_ROOM_CHARS, prefix_fields};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::calendar::{DateRange, local_instant};
use crate::model::{BellSlots, ChangeType, Lesson, MAX_LESSON_NUMBER, Origin, parse_time};
use crate::store::{self, LessonFilter, found};

/// Longest date range one ListLessons call covers (the contract's bound).
const MAX_LIST_DAYS: i64 = 63;
/// Longest topic, substitution or cancellation reason.
pub(super) const MAX_NOTE_CHARS: usize = 500;

pub(super) async fn lesson_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: LessonId,
) -> Result<Lesson> {
    found(store::get_lesson(&api.db, school_id, id).await?, "lesson")
}

/// Whether the caller may read the lesson: staff of the school, students
/// of its class or group on its day and their guardians.
async fn may_read(api: &ScheduleApi, ctx: &CallContext, lesson: &Lesson) -> Result<()> {
    api.identity
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
        .await
}

/// The refusal for a caller who may not change a lesson: plain if they may
/// read it, "not found" if they may not even see it.
pub(super) async fn refusal(api: &ScheduleApi, ctx: &CallContext, lesson: &Lesson) -> Error {
    match may_read(api, ctx, lesson).await {
        Ok(()) => Error::PermissionDenied("this lesson is not yours to change".into()),
        Err(error) => error,
    }
}

/// A lesson the caller manages (administrators, deputy heads).
pub(super) async fn managed(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: SchoolId,
    lesson_id: LessonId,
) -> Result<Lesson> {
    api.identity
        .school(ctx, Action::ManageSchedule, school_id)
        .await?;
    lesson_of(api, school_id, lesson_id).await
}

/// The outbox row of a lesson changed by `actor_id`.
pub fn encode_lesson(actor_id: impl Into<Uuid>) -> impl Fn(&Lesson, ChangeType) -> store::Change {
    let actor_id = actor_id.into();
    move |lesson, change_type| {
        change(
            actor_id,
            lesson.school_id,
            change_type,
            lesson.id,
            Resource::Lesson(convert::lesson(lesson)),
            lesson.updated_at,
        )
    }
}

pub async fn create_lesson(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateLessonRequest,
) -> Result<pb::CreateLessonResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("lesson", request.lesson.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("lesson.school_id", &given.school_id);
    let year_id = input.id("lesson.academic_year_id", &given.academic_year_id);
    let class_id = input.id("lesson.class_id", &given.class_id);
    let group_id = input.optional_id("lesson.group_id", &given.group_id);
    let subject_id = input.id("lesson.subject_id", &given.subject_id);
    let teacher_id = input.id("lesson.teacher_id", &given.teacher_id);
    let date = input.date("lesson.date", &given.date);
    if !(0..=MAX_LESSON_NUMBER).contains(&given.lesson_number) {
        input.refuse(
            "lesson.lesson_number",
            format!("must be 0–{MAX_LESSON_NUMBER}"),
        );
    }
    let times = match (given.start_time.is_empty(), given.end_time.is_empty()) {
        (true, true) => None,
        _ => {
            let start = parse_time(&given.start_time)
                .map_err(|why| input.refuse("lesson.start_time", why))
                .ok();
            let end = parse_time(&given.end_time)
                .map_err(|why| input.refuse("lesson.end_time", why))
                .ok();
            if let (Some(start), Some(end)) = (start, end)
                && end <= start
            {
                input.refuse("lesson.end_time", "must be after start_time");
            }
            start.zip(end)
        }
    };
    let room = input.line("lesson.planned_room", &given.planned_room, MAX_ROOM_CHARS);
    let topic = input.line("lesson.topic", &given.topic, MAX_NOTE_CHARS);
    input.finish()?;

    // Administrators and deputy heads add lessons anywhere in the school;
    // a teacher only to a class and subject they teach.
    if let Err(refused) = api
        .identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await
    {
        api.identity
            .class(
                &ctx,
                Action::TeachClass,
                school_id,
                class_id,
                group_id,
                Some(subject_id),
                Some(date),
                "class",
            )
            .await
            .map_err(|_| refused)?;
    }
    let year = year_of(api, school_id, year_id).await?;
    let mut input = Input::new();
    if !year.dates().contains(date) {
        input.refuse(
            "lesson.date",
            format!(
                "must lie within the academic year ({} – {})",
                year.start_date, year.end_date
            ),
        );
    }
    let times = match times {
        Some(times) => Some(times),
        None => {
            let default = store::all_bells(&api.db, school_id)
                .await?
                .into_iter()
                .find(|bells| bells.is_default);
            let slot = match default {
                Some(bells) => BellSlots::from_column(&bells.slots)?
                    .slot(given.lesson_number)
                    .map(|slot| (slot.start, slot.end)),
                None => None,
            };
            if slot.is_none() {
                input.refuse(
                    "lesson.start_time",
                    "is required: the default bell schedule has no such lesson",
                );
            }
            slot
        }
    };
    input.finish()?;
    let (start, end) = times.expect("times were checked above");
    let class = api
        .identity
        .class_facts(&ctx, school_id, class_id, group_id)
        .await
        .map_err(|error| prefix_fields(error, "lesson."))?;
    api.identity
        .require_subject(&ctx, school_id, subject_id)
        .await
        .map_err(|error| prefix_fields(error, "lesson."))?;
    api.identity
        .require_staff(&ctx, "teacher_id", teacher_id)
        .await
        .map_err(|error| prefix_fields(error, "lesson."))?;
    let timezone = api.identity.timezone(&ctx, &api.db, school_id).await?;
    let now = api.clock.now();
    let lesson = Lesson {
        id: LessonId::generate(),
        school_id,
        academic_year_id: year.id,
        timetable_entry_id: None,
        origin: Origin::Manual.as_str().into(),
        class_id,
        group_id,
        grade_level: class.grade_level,
        subject_id,
        date,
        lesson_number: given.lesson_number,
        start_time: crate::model::format_time(start),
        end_time: crate::model::format_time(end),
        starts_at: local_instant(timezone, date, start),
        ends_at: local_instant(timezone, date, end),
        teacher_id,
        substitute_teacher_id: None,
        substitution_reason: String::new(),
        planned_room: room,
        room_override: None,
        topic,
        cancelled: false,
        cancel_reason: String::new(),
        has_marks: false,
        has_attendance: false,
        has_homework: false,
        orphaned: false,
        created_at: now,
        updated_at: now,
    };
    let event = encode_lesson(ctx.principal.id)(&lesson, ChangeType::Created);
    let created = store::insert_lesson(&api.db, &lesson, key.as_ref(), &event).await?;
    let lesson =
        stored(store::get_lesson(&api.db, school_id, created_id(created, lesson.id)).await?)?;
    Ok(pb::CreateLessonResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}

pub async fn get_lesson(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetLessonRequest,
) -> Result<pb::GetLessonResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("id", &request.id);
    input.finish()?;
    let lesson = lesson_of(api, school_id, id).await?;
    may_read(api, &ctx, &lesson).await?;
    Ok(pb::GetLessonResponse {
        lesson: Some(convert::lesson(&lesson)),
    })
}

pub async fn list_lessons(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListLessonsRequest,
) -> Result<pb::ListLessonsResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let from = input.date("from_date", &request.from_date);
    let to = input.date("to_date", &request.to_date);
    let dates = DateRange::new(from, to).unwrap_or_else(|why| {
        input.refuse("to_date", why);
        DateRange {
            start: from,
            end: from,
        }
    });
    if dates.len_days() > MAX_LIST_DAYS {
        input.refuse(
            "to_date",
            format!("must be at most {} days after from_date", MAX_LIST_DAYS - 1),
        );
    }
    let filter = LessonFilter {
        dates,
        class_id: input.optional_id("class_id", &request.class_id),
        group_id: input.optional_id("group_id", &request.group_id),
        teacher_id: input.optional_id("teacher_id", &request.teacher_id),
        subject_id: input.optional_id("subject_id", &request.subject_id),
        room: Some(input.line("room", &request.room, MAX_ROOM_CHARS)).filter(|r| !r.is_empty()),
        orphaned_only: request.orphaned_only,
    };
    if filter.group_id.is_some() && filter.class_id.is_none() {
        input.refuse("class_id", "is required with group_id");
    }
    input.finish()?;
    // Students and guardians read their class's (or group's) lessons;
    // whole-school views (by teacher, room, or everything) are the staff's.
    match filter.class_id {
        Some(class_id) => {
            api.identity
                .class(
                    &ctx,
                    Action::ReadClass,
                    school_id,
                    class_id,
                    filter.group_id,
                    None,
                    Some(dates.start),
                    "class",
                )
                .await?
        }
        None => {
            api.identity
                .school(&ctx, Action::ReadRoster, school_id)
                .await?
        }
    }
    let mut lessons = store::list_lessons(&api.db, school_id, &filter, &page).await?;
    let next_page_token = page.finish(&mut lessons, store::lesson_key);
    Ok(pb::ListLessonsResponse {
        lessons: lessons.iter().map(convert::lesson).collect(),
        next_page_token,
    })
}

pub async fn delete_lesson(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteLessonRequest,
) -> Result<pb::DeleteLessonResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("id", &request.id);
    input.finish()?;
    let lesson = managed(api, &ctx, school_id, id).await?;
    let event = encode_lesson(ctx.principal.id)(&lesson, ChangeType::Deleted);
    api.flags_up_to_date().await?;
    store::delete_lesson(&api.db, &lesson, &event).await?;
    Ok(pb::DeleteLessonResponse {})
}
