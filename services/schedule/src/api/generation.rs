//! Generating a year's dated lessons from its timetable.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;

use super::ScheduleApi;
use super::access::Action;
use super::calendar::year_of;
use super::input::Input;
use super::lessons::encode_lesson;
use crate::calendar::DateRange;
use crate::generate::{self, Bells, Inputs, NewLessons};
use crate::model::BellSlots;
use crate::store::{self, GenerationScope};

/// Orphaned lesson ids a generation response lists at most.
const MAX_ORPHANED_IDS: usize = 1000;

pub async fn generate_lessons(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GenerateLessonsRequest,
) -> Result<pb::GenerateLessonsResponse> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let year_id = input.id("academic_year_id", &request.academic_year_id);
    let from = input.optional_date("from_date", &request.from_date);
    let to = input.optional_date("to_date", &request.to_date);
    let class_id = input.optional_id("class_id", &request.class_id);
    input.finish()?;
    api.identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await?;
    let year = year_of(api, school_id, year_id).await?;
    let year_range = year.dates();
    let mut input = Input::new();
    let range = DateRange {
        start: from.unwrap_or(year.start_date),
        end: to.unwrap_or(year.end_date),
    };
    if !year_range.covers(&range) {
        input.refuse(
            if from.is_some_and(|from| !year_range.contains(from)) {
                "from_date"
            } else {
                "to_date"
            },
            format!(
                "must lie within the academic year ({} – {})",
                year.start_date, year.end_date
            ),
        );
    } else if range.end < range.start {
        input.refuse("to_date", "must not be before from_date");
    }
    input.finish()?;

    let timezone = api.identity.timezone(&ctx, &api.db, school_id).await?;
    let entries = store::year_entries(&api.db, school_id, year.id, class_id).await?;
    let mut bells = Bells::default();
    for schedule in store::all_bells(&api.db, school_id).await? {
        if schedule.is_default {
            bells.default = Some(schedule.id);
        }
        bells
            .by_id
            .insert(schedule.id, BellSlots::from_column(&schedule.slots)?);
    }
    let holidays = store::holidays_within(&api.db, school_id, range).await?;
    let desired = generate::desired_lessons(&Inputs {
        year: year_range,
        range,
        entries: &entries,
        bells: &bells,
        holidays: &holidays,
        timezone,
    })
    .map_err(Error::FailedPrecondition)?;
    let scope = GenerationScope {
        school_id,
        academic_year_id: year.id,
        dates: range,
        class_id,
    };
    let context = NewLessons {
        school_id,
        academic_year_id: year.id,
        now: api.clock.now(),
    };
    if !request.dry_run {
        api.flags_up_to_date().await?;
    }
    let plan = store::apply_generation(
        &api.db,
        &scope,
        desired,
        &context,
        request.dry_run,
        encode_lesson(ctx.principal.id),
    )
    .await?;
    tracing::info!(
        %school_id,
        created = plan.create.len(),
        updated = plan.update.len(),
        removed = plan.remove.len(),
        orphaned = plan.orphan.len(),
        dry_run = request.dry_run,
        "lessons generated"
    );
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(pb::GenerateLessonsResponse {
        created_count: count(plan.create.len()),
        updated_count: count(plan.update.len()),
        removed_count: count(plan.remove.len()),
        unchanged_count: count(plan.unchanged),
        orphaned_count: count(plan.orphan.len()),
        orphaned_lesson_ids: plan
            .orphan
            .iter()
            .take(MAX_ORPHANED_IDS)
            .map(|lesson| lesson.id.to_string())
            .collect(),
    })
}
