//! Reporting periods: quarters, trimesters, halves of a year, closed when
//! their marks are final.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PeriodId, PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;

use super::access::Action;
use super::calendar::{changeable, dates, listed_school, readable, within_year, year_of};
use super::input::{Input, MAX_TEXT_CHARS, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::calendar::DateRange;
use crate::model::{ChangeType, GradeLevels, ReportingPeriod};
use crate::store::{self, PeriodFilter, found};

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
        id: PeriodId::generate(),
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

async fn period_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: PeriodId,
) -> Result<ReportingPeriod> {
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
        closed_by: Some(PersonId(ctx.person_id()?)),
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
        reopened_by: Some(PersonId(ctx.person_id()?)),
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
