//! What the calendar's resources (years, periods, bells, holidays) share:
//! reading dates and ids, and checking the caller may read or change them.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::SchoolId;
use uuid::Uuid;

use super::ScheduleApi;
use super::access::Action;
use super::input::Input;
use crate::calendar::DateRange;
use crate::model::{AcademicYear, AcademicYearId};
use crate::store::{self, found};

/// Reads a date range from two fields, naming `end_field` when it is backwards.
pub(super) fn dates(input: &mut Input, start: (&str, &str), end: (&str, &str)) -> DateRange {
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
pub async fn year_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: AcademicYearId,
) -> Result<AcademicYear> {
    found(
        store::get_year(&api.db, school_id, id).await?,
        "academic year",
    )
}

/// Refuses dates outside the year they belong to.
pub(super) fn within_year(input: &mut Input, year: &AcademicYear, dates: DateRange, field: &str) {
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

/// Reads a school id and an object id, then checks the caller may read the school.
pub(super) async fn readable<Id: From<Uuid> + Default>(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: &str,
    id: &str,
) -> Result<(SchoolId, Id)> {
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
pub async fn changeable<Id: From<Uuid> + Default>(
    api: &ScheduleApi,
    ctx: &CallContext,
    action: Action,
    school_id: &str,
    id: &str,
) -> Result<(SchoolId, Id)> {
    let mut input = Input::new();
    let school_id = input.id("school_id", school_id);
    let id = input.id("id", id);
    input.finish()?;
    api.identity.school(ctx, action, school_id).await?;
    Ok((school_id, id))
}

/// The school of a list request, which the caller may read.
pub(super) async fn listed_school(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: &str,
) -> Result<SchoolId> {
    let mut input = Input::new();
    let school_id = input.id("school_id", school_id);
    input.finish()?;
    api.identity
        .school(ctx, Action::ReadSchool, school_id)
        .await?;
    Ok(school_id)
}
