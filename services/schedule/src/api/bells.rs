//! Bell schedules: the times of a school's numbered lessons.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;
use uuid::Uuid;

use super::access::Action;
use super::calendar::{changeable, listed_school, readable};
use super::input::{Input, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::model::{BellSchedule, BellScheduleId, BellSlot, BellSlots, ChangeType, parse_time};
use crate::store::{self, found};

fn bell_slots(input: &mut Input, slots: &[pb::BellSlot]) -> BellSlots {
    let mut parsed = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let field = |name: &str| format!("bell_schedule.slots[{i}].{name}");
        match (parse_time(&slot.start_time), parse_time(&slot.end_time)) {
            (Ok(start), Ok(end)) => parsed.push(BellSlot {
                lesson_number: slot.lesson_number,
                start,
                end,
            }),
            (start, end) => {
                if let Err(why) = start {
                    input.refuse(&field("start_time"), why);
                }
                if let Err(why) = end {
                    input.refuse(&field("end_time"), why);
                }
            }
        }
    }
    if parsed.len() < slots.len() {
        return stand_in_slots();
    }
    BellSlots::new(parsed).unwrap_or_else(|why| {
        input.refuse("bell_schedule.slots", why);
        stand_in_slots()
    })
}

/// A stand-in for slots that did not parse; the request is refused anyway.
fn stand_in_slots() -> BellSlots {
    let midnight = chrono::NaiveTime::MIN;
    BellSlots::new(vec![BellSlot {
        lesson_number: 1,
        start: midnight,
        end: midnight + chrono::TimeDelta::minutes(1),
    }])
    .expect("a valid slot")
}

fn encode_bells(actor_id: Uuid) -> impl Fn(&BellSchedule, ChangeType) -> store::Change {
    move |bells, change_type| {
        let resource = convert::bells(bells).unwrap_or_default();
        change(
            actor_id,
            bells.school_id,
            change_type,
            bells.id,
            Resource::BellSchedule(resource),
            bells.updated_at,
        )
    }
}

pub async fn create_bells(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateBellScheduleRequest,
) -> Result<pb::CreateBellScheduleResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("bell_schedule", request.bell_schedule.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("bell_schedule.school_id", &given.school_id);
    let name = input.name("bell_schedule.name", &given.name);
    let slots = bell_slots(&mut input, &given.slots);
    input.finish()?;
    api.identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await?;
    let now = api.clock.now();
    let bells = BellSchedule {
        id: BellScheduleId::generate(),
        school_id,
        name,
        slots: slots.to_column(),
        is_default: given.is_default,
        created_at: now,
        updated_at: now,
    };
    let created = store::insert_bells(
        &api.db,
        &bells,
        key.as_ref(),
        encode_bells(ctx.principal.id),
    )
    .await?;
    let bells = stored(store::get_bells(&api.db, school_id, created_id(created, bells.id)).await?)?;
    Ok(pb::CreateBellScheduleResponse {
        bell_schedule: Some(convert::bells(&bells)?),
    })
}

async fn bells_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: BellScheduleId,
) -> Result<BellSchedule> {
    found(
        store::get_bells(&api.db, school_id, id).await?,
        "bell schedule",
    )
}

pub async fn get_bells(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetBellScheduleRequest,
) -> Result<pb::GetBellScheduleResponse> {
    let (school_id, id) = readable(api, &ctx, &request.school_id, &request.id).await?;
    let bells = bells_of(api, school_id, id).await?;
    Ok(pb::GetBellScheduleResponse {
        bell_schedule: Some(convert::bells(&bells)?),
    })
}

pub async fn list_bells(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListBellSchedulesRequest,
) -> Result<pb::ListBellSchedulesResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let school_id = listed_school(api, &ctx, &request.school_id).await?;
    let mut bells = store::list_bells(&api.db, school_id, &page).await?;
    let next_page_token = page.finish(&mut bells, |bells| bells.id.to_string());
    Ok(pb::ListBellSchedulesResponse {
        bell_schedules: bells
            .iter()
            .map(convert::bells)
            .collect::<anyhow::Result<_>>()?,
        next_page_token,
    })
}

pub async fn update_bells(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateBellScheduleRequest,
) -> Result<pb::UpdateBellScheduleResponse> {
    let given = request.bell_schedule.unwrap_or_default();
    let mut input = Input::new();
    let paths = input.mask(
        request.update_mask.as_ref(),
        &["name", "slots", "is_default"],
    );
    input.finish()?;
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &given.school_id,
        &given.id,
    )
    .await?;
    let old = bells_of(api, school_id, id).await?;
    let mut input = Input::new();
    let name = if masked(&paths, "name") {
        input.name("bell_schedule.name", &given.name)
    } else {
        old.name.clone()
    };
    let slots = if masked(&paths, "slots") {
        bell_slots(&mut input, &given.slots).to_column()
    } else {
        old.slots.clone()
    };
    input.finish()?;
    let was_default = old.is_default;
    let bells = BellSchedule {
        name,
        slots,
        is_default: if masked(&paths, "is_default") {
            given.is_default
        } else {
            old.is_default
        },
        updated_at: api.clock.now(),
        ..old
    };
    store::update_bells(&api.db, &bells, was_default, encode_bells(ctx.principal.id)).await?;
    Ok(pb::UpdateBellScheduleResponse {
        bell_schedule: Some(convert::bells(&bells)?),
    })
}

pub async fn delete_bells(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteBellScheduleRequest,
) -> Result<pb::DeleteBellScheduleResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &request.school_id,
        &request.id,
    )
    .await?;
    let bells = bells_of(api, school_id, id).await?;
    let event = encode_bells(ctx.principal.id)(&bells, ChangeType::Deleted);
    store::delete_bells(&api.db, &bells, &event).await?;
    Ok(pb::DeleteBellScheduleResponse {})
}
