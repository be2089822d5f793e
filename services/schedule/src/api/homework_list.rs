//! Which homework a caller sees listed: a lesson's, a class's or a
//! group's, or a student's own.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_proto::schedule::v1 as pb;

use super::access::Action;
use super::input::Input;
use super::lessons::lesson_of;
use super::{ScheduleApi, convert};
use crate::calendar::school_today;
use crate::model::HomeworkId;
use crate::store::{self, HomeworkScope, OwnerKind};

pub async fn list_homework(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListHomeworkRequest,
) -> Result<pb::ListHomeworkResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let lesson_id = input.optional_id("lesson_id", &request.lesson_id);
    let class_id = input.optional_id("class_id", &request.class_id);
    let group_id = input.optional_id("group_id", &request.group_id);
    let student_id = input.optional_id("student_id", &request.student_id);
    let from = input.optional_date("due_from_date", &request.due_from_date);
    let to = input.optional_date("due_to_date", &request.due_to_date);
    let named = [
        lesson_id.is_some(),
        group_id.is_some(),
        student_id.is_some(),
        class_id.is_some() && group_id.is_none(),
    ]
    .into_iter()
    .filter(|named| *named)
    .count();
    if named != 1 {
        input.refuse(
            "lesson_id",
            "set exactly one of lesson_id, class_id, group_id, student_id",
        );
    }
    input.finish()?;
    let on = match from {
        Some(date) => date,
        None => school_today(
            &api.clock,
            api.identity.timezone(&ctx, &api.db, school_id).await?,
        ),
    };
    let scope = if let Some(lesson_id) = lesson_id {
        let lesson = lesson_of(api, school_id, lesson_id).await?;
        api.identity
            .class(
                &ctx,
                Action::ReadClass,
                school_id,
                lesson.class_id,
                lesson.group_id,
                None,
                Some(lesson.date),
                "lesson",
            )
            .await?;
        HomeworkScope::Lesson(lesson_id)
    } else if let Some(student_id) = student_id {
        let place = api
            .identity
            .student(&ctx, school_id, student_id, on)
            .await?;
        HomeworkScope::Student {
            class_id: place.class_id,
            group_ids: place.group_ids,
        }
    } else if let Some(group_id) = group_id {
        // The group's class is the one its lessons name.
        let class_id = match class_id {
            Some(class_id) => Some(class_id),
            None => store::class_of_group(&api.db, school_id, group_id).await?,
        };
        let Some(class_id) = class_id else {
            return Ok(pb::ListHomeworkResponse::default());
        };
        api.identity
            .class(
                &ctx,
                Action::ReadClass,
                school_id,
                class_id,
                Some(group_id),
                None,
                Some(on),
                "group",
            )
            .await?;
        HomeworkScope::Group(group_id)
    } else {
        let class_id = class_id.expect("one scope was named");
        api.identity
            .class(
                &ctx,
                Action::ReadClass,
                school_id,
                class_id,
                None,
                None,
                Some(on),
                "class",
            )
            .await?;
        HomeworkScope::Class(class_id)
    };
    let mut homework = store::list_homework(&api.db, school_id, &scope, (from, to), &page).await?;
    let next_page_token = page.finish(&mut homework, store::homework_key);
    let ids: Vec<HomeworkId> = homework.iter().map(|h| h.id).collect();
    let files = store::files_of(&api.db, school_id, OwnerKind::Homework, &ids).await?;
    Ok(pb::ListHomeworkResponse {
        homework: homework
            .iter()
            .map(|h| convert::homework(h, &files))
            .collect(),
        next_page_token,
    })
}
