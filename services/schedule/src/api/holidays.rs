//! Holidays and vacations: day ranges without lessons.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;

use super::access::Action;
use super::calendar::{changeable, dates, listed_school, readable, within_year, year_of};
use super::input::{Input, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::calendar::DateRange;
use crate::model::{ChangeType, GradeLevels, Holiday, HolidayId};
use crate::store::{self, HolidayFilter, found};

/// The fields of a holiday a caller may set, read and checked.
struct HolidayFields {
    kind: &'static str,
    name: String,
    dates: DateRange,
    grade_levels: GradeLevels,
}

fn holiday_fields(input: &mut Input, given: &pb::Holiday) -> HolidayFields {
    let kind = pb::HolidayKind::try_from(given.kind)
        .ok()
        .and_then(convert::holiday_kind_from)
        .map(|kind| kind.as_str())
        .unwrap_or_else(|| {
            input.refuse(
                "holiday.kind",
                "must be a public holiday, a vacation or no lessons",
            );
            ""
        });
    HolidayFields {
        kind,
        name: input.name("holiday.name", &given.name),
        dates: dates(
            input,
            ("holiday.start_date", &given.start_date),
            ("holiday.end_date", &given.end_date),
        ),
        grade_levels: GradeLevels::parse(&given.grade_levels).unwrap_or_else(|why| {
            input.refuse("holiday.grade_levels", why);
            GradeLevels::default()
        }),
    }
}

pub async fn create_holiday(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateHolidayRequest,
) -> Result<pb::CreateHolidayResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("holiday", request.holiday.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("holiday.school_id", &given.school_id);
    let year_id = input.id("holiday.academic_year_id", &given.academic_year_id);
    let fields = holiday_fields(&mut input, &given);
    input.finish()?;
    api.identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await?;
    let year = year_of(api, school_id, year_id).await?;
    let mut input = Input::new();
    within_year(&mut input, &year, fields.dates, "holiday.start_date");
    input.finish()?;
    let now = api.clock.now();
    let holiday = Holiday {
        id: HolidayId::generate(),
        school_id,
        academic_year_id: year.id,
        kind: fields.kind.into(),
        name: fields.name,
        start_date: fields.dates.start,
        end_date: fields.dates.end,
        grade_levels: fields.grade_levels.to_column(),
        created_at: now,
        updated_at: now,
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Created,
        holiday.id,
        Resource::Holiday(convert::holiday(&holiday)),
        now,
    );
    let created = store::insert_holiday(&api.db, &holiday, key.as_ref(), &event).await?;
    let holiday =
        stored(store::get_holiday(&api.db, school_id, created_id(created, holiday.id)).await?)?;
    Ok(pb::CreateHolidayResponse {
        holiday: Some(convert::holiday(&holiday)),
    })
}

async fn holiday_of(api: &ScheduleApi, school_id: SchoolId, id: HolidayId) -> Result<Holiday> {
    found(store::get_holiday(&api.db, school_id, id).await?, "holiday")
}

pub async fn get_holiday(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetHolidayRequest,
) -> Result<pb::GetHolidayResponse> {
    let (school_id, id) = readable(api, &ctx, &request.school_id, &request.id).await?;
    let holiday = holiday_of(api, school_id, id).await?;
    Ok(pb::GetHolidayResponse {
        holiday: Some(convert::holiday(&holiday)),
    })
}

pub async fn list_holidays(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListHolidaysRequest,
) -> Result<pb::ListHolidaysResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let mut input = Input::new();
    let filter = HolidayFilter {
        academic_year_id: input.optional_id("academic_year_id", &request.academic_year_id),
        from: input.optional_date("from_date", &request.from_date),
        to: input.optional_date("to_date", &request.to_date),
    };
    input.finish()?;
    let school_id = listed_school(api, &ctx, &request.school_id).await?;
    let mut holidays = store::list_holidays(&api.db, school_id, &filter, &page).await?;
    let next_page_token = page.finish(&mut holidays, |holiday| {
        store::date_key(holiday.start_date, holiday.id)
    });
    Ok(pb::ListHolidaysResponse {
        holidays: holidays.iter().map(convert::holiday).collect(),
        next_page_token,
    })
}

pub async fn update_holiday(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateHolidayRequest,
) -> Result<pb::UpdateHolidayResponse> {
    let given = request.holiday.unwrap_or_default();
    let mut input = Input::new();
    let paths = input.mask(
        request.update_mask.as_ref(),
        &["kind", "name", "start_date", "end_date", "grade_levels"],
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
    let old = holiday_of(api, school_id, id).await?;
    let current = convert::holiday(&old);
    let merged = pb::Holiday {
        kind: if masked(&paths, "kind") {
            given.kind
        } else {
            current.kind
        },
        name: if masked(&paths, "name") {
            given.name
        } else {
            current.name
        },
        start_date: if masked(&paths, "start_date") {
            given.start_date
        } else {
            current.start_date
        },
        end_date: if masked(&paths, "end_date") {
            given.end_date
        } else {
            current.end_date
        },
        grade_levels: if masked(&paths, "grade_levels") {
            given.grade_levels
        } else {
            current.grade_levels
        },
        ..Default::default()
    };
    let mut input = Input::new();
    let fields = holiday_fields(&mut input, &merged);
    input.finish()?;
    let year = year_of(api, school_id, old.academic_year_id).await?;
    let mut input = Input::new();
    within_year(&mut input, &year, fields.dates, "holiday.start_date");
    input.finish()?;
    let now = api.clock.now();
    let holiday = Holiday {
        kind: fields.kind.into(),
        name: fields.name,
        start_date: fields.dates.start,
        end_date: fields.dates.end,
        grade_levels: fields.grade_levels.to_column(),
        updated_at: now,
        ..old
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Updated,
        id,
        Resource::Holiday(convert::holiday(&holiday)),
        now,
    );
    store::update_holiday(&api.db, &holiday, &event).await?;
    Ok(pb::UpdateHolidayResponse {
        holiday: Some(convert::holiday(&holiday)),
    })
}

pub async fn delete_holiday(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteHolidayRequest,
) -> Result<pb::DeleteHolidayResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &request.school_id,
        &request.id,
    )
    .await?;
    let holiday = holiday_of(api, school_id, id).await?;
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Deleted,
        id,
        Resource::Holiday(convert::holiday(&holiday)),
        api.clock.now(),
    );
    store::delete_holiday(&api.db, &holiday, &event).await?;
    Ok(pb::DeleteHolidayResponse {})
}
