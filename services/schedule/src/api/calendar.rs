//! Academic years, reporting periods, bell schedules and holidays.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;
use uuid::Uuid;

use super::access::Action;
use super::input::{Input, MAX_TEXT_CHARS, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::calendar::DateRange;
use crate::model::{
    AcademicYear, BellSchedule, BellSlot, BellSlots, ChangeType, GradeLevels, Holiday,
    ReportingPeriod, parse_time,
};
use crate::store::{self, HolidayFilter, PeriodFilter, found};

/// Longest academic year accepted: a year and a bit.
const MAX_YEAR_DAYS: i64 = 400;

/// Reads a date range from two fields, naming `end_field` when it is backwards.
fn dates(input: &mut Input, start: (&str, &str), end: (&str, &str)) -> DateRange {
    let start_date = input.date(start.0, start.1);
    let end_date = input.date(end.0, end.1);
    DateRange::new(start_date, end_date).unwrap_or_else(|why| {
        if !start.1.is_empty() && !end.1.is_empty() {
            input.refuse(end.0, why);
        }
        DateRange {
            start: start_date,
            end: start_date,
        }
    })
}

/// The school's academic year, or "academic year not found".
pub async fn year_of(api: &ScheduleApi, school_id: Uuid, id: Uuid) -> Result<AcademicYear> {
    found(
        store::get_year(&api.db, school_id, id).await?,
        "academic year",
    )
}

/// Refuses dates outside the year they belong to.
fn within_year(input: &mut Input, year: &AcademicYear, dates: DateRange, field: &str) {
    if !year.dates().covers(&dates) {
        input.refuse(
            field,
            format!(
                "must lie within the academic year ({} – {})",
                year.start_date, year.end_date
            ),
        );
    }
}

pub async fn create_year(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateAcademicYearRequest,
) -> Result<pb::CreateAcademicYearResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("academic_year", request.academic_year.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("academic_year.school_id", &given.school_id);
    let name = input.name("academic_year.name", &given.name);
    let dates = dates(
        &mut input,
        ("academic_year.start_date", &given.start_date),
        ("academic_year.end_date", &given.end_date),
    );
    if dates.len_days() > MAX_YEAR_DAYS {
        input.refuse(
            "academic_year.end_date",
            format!("a year spans at most {MAX_YEAR_DAYS} days"),
        );
    }
    input.finish()?;
    api.identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await?;
    let now = api.clock.now();
    let year = AcademicYear {
        id: Uuid::now_v7(),
        school_id,
        name,
        start_date: dates.start,
        end_date: dates.end,
        created_at: now,
        updated_at: now,
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Created,
        year.id,
        Resource::AcademicYear(convert::year(&year)),
        now,
    );
    let created = store::insert_year(&api.db, &year, key.as_ref(), &event).await?;
    let year = stored(store::get_year(&api.db, school_id, created_id(created, year.id)).await?)?;
    Ok(pb::CreateAcademicYearResponse {
        academic_year: Some(convert::year(&year)),
    })
}

/// Reads a school id and an object id, then checks the caller may read the school.
async fn readable(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: &str,
    id: &str,
) -> Result<(Uuid, Uuid)> {
    let mut input = Input::new();
    let school_id = input.id("school_id", school_id);
    let id = input.id("id", id);
    input.finish()?;
    api.identity
        .school(ctx, Action::ReadSchool, school_id)
        .await?;
    Ok((school_id, id))
}

/// Reads a school id and an object id, then checks the caller may take `action`.
pub async fn changeable(
    api: &ScheduleApi,
    ctx: &CallContext,
    action: Action,
    school_id: &str,
    id: &str,
) -> Result<(Uuid, Uuid)> {
    let mut input = Input::new();
    let school_id = input.id("school_id", school_id);
    let id = input.id("id", id);
    input.finish()?;
    api.identity.school(ctx, action, school_id).await?;
    Ok((school_id, id))
}

/// The school of a list request, which the caller may read.
async fn listed_school(api: &ScheduleApi, ctx: &CallContext, school_id: &str) -> Result<Uuid> {
    let mut input = Input::new();
    let school_id = input.id("school_id", school_id);
    input.finish()?;
    api.identity
        .school(ctx, Action::ReadSchool, school_id)
        .await?;
    Ok(school_id)
}

pub async fn get_year(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetAcademicYearRequest,
) -> Result<pb::GetAcademicYearResponse> {
    let (school_id, id) = readable(api, &ctx, &request.school_id, &request.id).await?;
    let year = year_of(api, school_id, id).await?;
    Ok(pb::GetAcademicYearResponse {
        academic_year: Some(convert::year(&year)),
    })
}

pub async fn list_years(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListAcademicYearsRequest,
) -> Result<pb::ListAcademicYearsResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let school_id = listed_school(api, &ctx, &request.school_id).await?;
    let mut years = store::list_years(&api.db, school_id, &page).await?;
    let next_page_token = page.finish(&mut years, |year| store::date_key(year.start_date, year.id));
    Ok(pb::ListAcademicYearsResponse {
        academic_years: years.iter().map(convert::year).collect(),
        next_page_token,
    })
}

pub async fn update_year(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateAcademicYearRequest,
) -> Result<pb::UpdateAcademicYearResponse> {
    let given = request.academic_year.unwrap_or_default();
    let mut input = Input::new();
    let paths = input.mask(
        request.update_mask.as_ref(),
        &["name", "start_date", "end_date"],
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
    let old = year_of(api, school_id, id).await?;
    let mut input = Input::new();
    let name = if masked(&paths, "name") {
        input.name("academic_year.name", &given.name)
    } else {
        old.name.clone()
    };
    let start = if masked(&paths, "start_date") {
        given.start_date.clone()
    } else {
        old.start_date.to_string()
    };
    let end = if masked(&paths, "end_date") {
        given.end_date.clone()
    } else {
        old.end_date.to_string()
    };
    let dates = dates(
        &mut input,
        ("academic_year.start_date", &start),
        ("academic_year.end_date", &end),
    );
    if dates.len_days() > MAX_YEAR_DAYS {
        input.refuse(
            "academic_year.end_date",
            format!("a year spans at most {MAX_YEAR_DAYS} days"),
        );
    }
    input.finish()?;
    let now = api.clock.now();
    let year = AcademicYear {
        name,
        start_date: dates.start,
        end_date: dates.end,
        updated_at: now,
        ..old
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Updated,
        id,
        Resource::AcademicYear(convert::year(&year)),
        now,
    );
    store::update_year(&api.db, &year, &event).await?;
    Ok(pb::UpdateAcademicYearResponse {
        academic_year: Some(convert::year(&year)),
    })
}

pub async fn delete_year(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteAcademicYearRequest,
) -> Result<pb::DeleteAcademicYearResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &request.school_id,
        &request.id,
    )
    .await?;
    let year = year_of(api, school_id, id).await?;
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Deleted,
        id,
        Resource::AcademicYear(convert::year(&year)),
        api.clock.now(),
    );
    store::delete_year(&api.db, &year, &event).await?;
    Ok(pb::DeleteAcademicYearResponse {})
}

/// The fields of a period a caller may set, read and checked.
struct PeriodFields {
    number: i32,
    name: String,
    grade_levels: GradeLevels,
    dates: DateRange,
}

fn period_fields(input: &mut Input, given: &pb::ReportingPeriod) -> PeriodFields {
    if !(1..=12).contains(&given.number) {
        input.refuse("reporting_period.number", "must be 1–12");
    }
    let grade_levels = GradeLevels::parse(&given.grade_levels).unwrap_or_else(|why| {
        input.refuse("reporting_period.grade_levels", why);
        GradeLevels::default()
    });
    if given.grade_levels.is_empty() {
        input.refuse(
            "reporting_period.grade_levels",
            "name at least one grade level",
        );
    }
    PeriodFields {
        number: given.number,
        name: input.name("reporting_period.name", &given.name),
        grade_levels,
        dates: dates(
            input,
            ("reporting_period.start_date", &given.start_date),
            ("reporting_period.end_date", &given.end_date),
        ),
    }
}

pub async fn create_period(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateReportingPeriodRequest,
) -> Result<pb::CreateReportingPeriodResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("reporting_period", request.reporting_period.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("reporting_period.school_id", &given.school_id);
    let year_id = input.id("reporting_period.academic_year_id", &given.academic_year_id);
    let kind = pb::ReportingPeriodKind::try_from(given.kind)
        .ok()
        .and_then(convert::period_kind_from);
    if kind.is_none() {
        input.refuse(
            "reporting_period.kind",
            "must be a quarter, trimester, half-year or year",
        );
    }
    let fields = period_fields(&mut input, &given);
    input.finish()?;
    api.identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await?;
    let year = year_of(api, school_id, year_id).await?;
    let mut input = Input::new();
    within_year(
        &mut input,
        &year,
        fields.dates,
        "reporting_period.start_date",
    );
    input.finish()?;
    let now = api.clock.now();
    let period = ReportingPeriod {
        id: Uuid::now_v7(),
        school_id,
        academic_year_id: year.id,
        kind: kind.map(|kind| kind.as_str()).unwrap_or_default().into(),
        number: fields.number,
        name: fields.name,
        grade_levels: fields.grade_levels.to_column(),
        start_date: fields.dates.start,
        end_date: fields.dates.end,
        closed: false,
        closed_at: None,
        closed_by: None,
        reopened_at: None,
        reopened_by: None,
        reopen_reason: String::new(),
        created_at: now,
        updated_at: now,
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Created,
        period.id,
        Resource::ReportingPeriod(convert::period(&period)),
        now,
    );
    let created = store::insert_period(&api.db, &period, key.as_ref(), &event).await?;
    let period =
        stored(store::get_period(&api.db, school_id, created_id(created, period.id)).await?)?;
    Ok(pb::CreateReportingPeriodResponse {
        reporting_period: Some(convert::period(&period)),
    })
}

async fn period_of(api: &ScheduleApi, school_id: Uuid, id: Uuid) -> Result<ReportingPeriod> {
    found(
        store::get_period(&api.db, school_id, id).await?,
        "reporting period",
    )
}

pub async fn get_period(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetReportingPeriodRequest,
) -> Result<pb::GetReportingPeriodResponse> {
    let (school_id, id) = readable(api, &ctx, &request.school_id, &request.id).await?;
    let period = period_of(api, school_id, id).await?;
    Ok(pb::GetReportingPeriodResponse {
        reporting_period: Some(convert::period(&period)),
    })
}

pub async fn list_periods(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListReportingPeriodsRequest,
) -> Result<pb::ListReportingPeriodsResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let mut input = Input::new();
    let academic_year_id = input.optional_id("academic_year_id", &request.academic_year_id);
    if request.grade_level != 0 && !GradeLevels::RANGE.contains(&request.grade_level) {
        input.refuse("grade_level", "must be 1–11, or 0 for all");
    }
    let kind = match pb::ReportingPeriodKind::try_from(request.kind) {
        Ok(pb::ReportingPeriodKind::Unspecified) => None,
        Ok(kind) => convert::period_kind_from(kind),
        Err(_) => {
            input.refuse("kind", "is not a known kind");
            None
        }
    };
    input.finish()?;
    let school_id = listed_school(api, &ctx, &request.school_id).await?;
    let filter = PeriodFilter {
        academic_year_id,
        grade_level_pattern: (request.grade_level != 0)
            .then(|| GradeLevels::like_pattern(request.grade_level)),
        kind: kind.map(|kind| kind.as_str()),
    };
    let mut periods = store::list_periods(&api.db, school_id, &filter, &page).await?;
    let next_page_token = page.finish(&mut periods, |period| {
        store::date_key(period.start_date, period.id)
    });
    Ok(pb::ListReportingPeriodsResponse {
        reporting_periods: periods.iter().map(convert::period).collect(),
        next_page_token,
    })
}

pub async fn update_period(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateReportingPeriodRequest,
) -> Result<pb::UpdateReportingPeriodResponse> {
    let given = request.reporting_period.unwrap_or_default();
    let mut input = Input::new();
    let paths = input.mask(
        request.update_mask.as_ref(),
        &["name", "number", "grade_levels", "start_date", "end_date"],
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
    let old = period_of(api, school_id, id).await?;
    let dates_change = masked(&paths, "start_date") || masked(&paths, "end_date");
    if old.closed && dates_change {
        return Err(Error::FailedPrecondition(
            "the period is closed: reopen it to change its dates".into(),
        ));
    }
    let merged = pb::ReportingPeriod {
        number: if masked(&paths, "number") {
            given.number
        } else {
            old.number
        },
        name: if masked(&paths, "name") {
            given.name
        } else {
            old.name.clone()
        },
        grade_levels: if masked(&paths, "grade_levels") {
            given.grade_levels
        } else {
            old.levels().levels().to_vec()
        },
        start_date: if masked(&paths, "start_date") {
            given.start_date
        } else {
            old.start_date.to_string()
        },
        end_date: if masked(&paths, "end_date") {
            given.end_date
        } else {
            old.end_date.to_string()
        },
        ..Default::default()
    };
    let mut input = Input::new();
    let fields = period_fields(&mut input, &merged);
    input.finish()?;
    let year = year_of(api, school_id, old.academic_year_id).await?;
    let mut input = Input::new();
    within_year(
        &mut input,
        &year,
        fields.dates,
        "reporting_period.start_date",
    );
    input.finish()?;
    let now = api.clock.now();
    let period = ReportingPeriod {
        number: fields.number,
        name: fields.name,
        grade_levels: fields.grade_levels.to_column(),
        start_date: fields.dates.start,
        end_date: fields.dates.end,
        updated_at: now,
        ..old
    };
    save_period(api, &ctx, &period).await?;
    Ok(pb::UpdateReportingPeriodResponse {
        reporting_period: Some(convert::period(&period)),
    })
}

async fn save_period(api: &ScheduleApi, ctx: &CallContext, period: &ReportingPeriod) -> Result<()> {
    let event = change(
        ctx.principal.id,
        period.school_id,
        ChangeType::Updated,
        period.id,
        Resource::ReportingPeriod(convert::period(period)),
        period.updated_at,
    );
    store::update_period(&api.db, period, &event).await
}

pub async fn delete_period(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteReportingPeriodRequest,
) -> Result<pb::DeleteReportingPeriodResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &request.school_id,
        &request.id,
    )
    .await?;
    let period = period_of(api, school_id, id).await?;
    if period.closed {
        return Err(Error::FailedPrecondition(
            "the period is closed: reopen it first".into(),
        ));
    }
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Deleted,
        id,
        Resource::ReportingPeriod(convert::period(&period)),
        api.clock.now(),
    );
    store::delete_period(&api.db, &period, &event).await?;
    Ok(pb::DeleteReportingPeriodResponse {})
}

pub async fn close_period(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CloseReportingPeriodRequest,
) -> Result<pb::CloseReportingPeriodResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ClosePeriod,
        &request.school_id,
        &request.id,
    )
    .await?;
    let old = period_of(api, school_id, id).await?;
    if old.closed {
        return Ok(pb::CloseReportingPeriodResponse {
            reporting_period: Some(convert::period(&old)),
        });
    }
    let now = api.clock.now();
    let period = ReportingPeriod {
        closed: true,
        closed_at: Some(now),
        closed_by: Some(ctx.person_id()?),
        updated_at: now,
        ..old
    };
    save_period(api, &ctx, &period).await?;
    tracing::info!(period_id = %id, %school_id, "reporting period closed");
    Ok(pb::CloseReportingPeriodResponse {
        reporting_period: Some(convert::period(&period)),
    })
}

pub async fn reopen_period(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ReopenReportingPeriodRequest,
) -> Result<pb::ReopenReportingPeriodResponse> {
    let mut input = Input::new();
    let reason = input.text("reason", &request.reason, MAX_TEXT_CHARS);
    if reason.is_empty() {
        input.refuse("reason", "is required");
    }
    input.finish()?;
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ClosePeriod,
        &request.school_id,
        &request.id,
    )
    .await?;
    let old = period_of(api, school_id, id).await?;
    if !old.closed {
        return Ok(pb::ReopenReportingPeriodResponse {
            reporting_period: Some(convert::period(&old)),
        });
    }
    let now = api.clock.now();
    let period = ReportingPeriod {
        closed: false,
        reopened_at: Some(now),
        reopened_by: Some(ctx.person_id()?),
        reopen_reason: reason,
        updated_at: now,
        ..old
    };
    save_period(api, &ctx, &period).await?;
    tracing::info!(period_id = %id, %school_id, "reporting period reopened");
    Ok(pb::ReopenReportingPeriodResponse {
        reporting_period: Some(convert::period(&period)),
    })
}

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
        id: Uuid::now_v7(),
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

async fn bells_of(api: &ScheduleApi, school_id: Uuid, id: Uuid) -> Result<BellSchedule> {
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
        id: Uuid::now_v7(),
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

async fn holiday_of(api: &ScheduleApi, school_id: Uuid, id: Uuid) -> Result<Holiday> {
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
