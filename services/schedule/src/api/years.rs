//! Academic years: a school's dated frame for everything else.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;

use super::access::Action;
use super::calendar::{changeable, dates, listed_school, readable, year_of};
use super::input::{Input, masked};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::model::{AcademicYear, AcademicYearId, ChangeType};
use crate::store::{self};

/// Longest academic year accepted: a year and a bit.
const MAX_YEAR_DAYS: i64 = 400;

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
        id: AcademicYearId::generate(),
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
