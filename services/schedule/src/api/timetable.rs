//! The weekly timetable.

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_proto::schedule::v1 as pb;
use pb::change::Resource;

use super::access::Action;
use super::calendar::{changeable, year_of};
use super::input::{Input, MAX_ROOM_CHARS, masked, prefix_fields};
use super::{ScheduleApi, change, convert, created_id, stored};
use crate::model::{
    AcademicYear, BellScheduleId, BellSlots, ChangeType, MAX_LESSON_NUMBER, Periodicity,
    TimetableEntry, TimetableEntryId,
};
use crate::store::{self, EntryFilter, found};

/// What a caller sets on an entry, read and checked.
struct EntryFields {
    class_id: ClassId,
    group_id: Option<GroupId>,
    weekday: i32,
    lesson_number: i32,
    subject_id: SubjectId,
    teacher_id: PersonId,
    room: String,
    periodicity: Periodicity,
    start_date: Option<chrono::NaiveDate>,
    end_date: Option<chrono::NaiveDate>,
    bell_schedule_id: Option<BellScheduleId>,
}

fn entry_fields(input: &mut Input, given: &pb::TimetableEntry) -> EntryFields {
    let field = |name: &str| format!("timetable_entry.{name}");
    let weekday = match pb::Weekday::try_from(given.weekday) {
        Ok(pb::Weekday::Unspecified) | Err(_) => {
            input.refuse(&field("weekday"), "must be a day of the week");
            1
        }
        Ok(day) => day as i32,
    };
    if !(0..=MAX_LESSON_NUMBER).contains(&given.lesson_number) {
        input.refuse(
            &field("lesson_number"),
            format!("must be 0–{MAX_LESSON_NUMBER}"),
        );
    }
    let periodicity = match pb::WeekPeriodicity::try_from(given.periodicity) {
        Ok(pb::WeekPeriodicity::Unspecified) => Periodicity::EveryWeek,
        Ok(periodicity) => convert::periodicity_from(periodicity).unwrap_or(Periodicity::EveryWeek),
        Err(_) => {
            input.refuse(&field("periodicity"), "is not a known periodicity");
            Periodicity::EveryWeek
        }
    };
    let start_date = input.optional_date(&field("start_date"), &given.start_date);
    let end_date = input.optional_date(&field("end_date"), &given.end_date);
    if let (Some(start), Some(end)) = (start_date, end_date)
        && end < start
    {
        input.refuse(&field("end_date"), "must not be before start_date");
    }
    EntryFields {
        class_id: input.id(&field("class_id"), &given.class_id),
        group_id: input.optional_id(&field("group_id"), &given.group_id),
        weekday,
        lesson_number: given.lesson_number,
        subject_id: input.id(&field("subject_id"), &given.subject_id),
        teacher_id: input.id(&field("teacher_id"), &given.teacher_id),
        room: input.line(&field("room"), &given.room, MAX_ROOM_CHARS),
        periodicity,
        start_date,
        end_date,
        bell_schedule_id: input.optional_id(&field("bell_schedule_id"), &given.bell_schedule_id),
    }
}

/// Checks what an entry names against the school: its dates against the
/// year, its bell schedule and lesson number, and (at identity) its class,
/// group, subject and teacher. Returns the class's grade level.
async fn check_entry(
    api: &ScheduleApi,
    ctx: &CallContext,
    school_id: SchoolId,
    year: &AcademicYear,
    fields: &EntryFields,
) -> Result<i32> {
    let mut input = Input::new();
    let year_dates = year.dates();
    for (name, date) in [
        ("start_date", fields.start_date),
        ("end_date", fields.end_date),
    ] {
        if date.is_some_and(|date| !year_dates.contains(date)) {
            input.refuse(
                &format!("timetable_entry.{name}"),
                format!(
                    "must lie within the academic year ({} – {})",
                    year.start_date, year.end_date
                ),
            );
        }
    }
    let bells = match fields.bell_schedule_id {
        Some(id) => {
            let bells = store::get_bells(&api.db, school_id, id).await?;
            if bells.is_none() {
                input.refuse(
                    "timetable_entry.bell_schedule_id",
                    "no such bell schedule in this school",
                );
            }
            bells
        }
        None => store::all_bells(&api.db, school_id)
            .await?
            .into_iter()
            .find(|bells| bells.is_default),
    };
    if let Some(bells) = bells
        && BellSlots::from_column(&bells.slots)?
            .slot(fields.lesson_number)
            .is_none()
    {
        input.refuse(
            "timetable_entry.lesson_number",
            format!("bell schedule {:?} has no such lesson", bells.name),
        );
    }
    input.finish()?;
    let class = api
        .identity
        .class_facts(ctx, school_id, fields.class_id, fields.group_id)
        .await
        .map_err(|error| prefix_fields(error, "timetable_entry."))?;
    api.identity
        .require_subject(ctx, school_id, fields.subject_id)
        .await
        .map_err(|error| prefix_fields(error, "timetable_entry."))?;
    api.identity
        .require_staff(ctx, "teacher_id", fields.teacher_id)
        .await
        .map_err(|error| prefix_fields(error, "timetable_entry."))?;
    Ok(class.grade_level)
}

pub async fn create_entry(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::CreateTimetableEntryRequest,
) -> Result<pb::CreateTimetableEntryResponse> {
    let mut input = Input::new();
    let key = input.request_key(&ctx, &request.request_id);
    let given = input
        .message("timetable_entry", request.timetable_entry.as_ref())
        .cloned()
        .unwrap_or_default();
    let school_id = input.id("timetable_entry.school_id", &given.school_id);
    let year_id = input.id("timetable_entry.academic_year_id", &given.academic_year_id);
    let fields = entry_fields(&mut input, &given);
    input.finish()?;
    api.identity
        .school(&ctx, Action::ManageSchedule, school_id)
        .await?;
    let year = year_of(api, school_id, year_id).await?;
    let grade_level = check_entry(api, &ctx, school_id, &year, &fields).await?;
    let now = api.clock.now();
    let entry = TimetableEntry {
        id: TimetableEntryId::generate(),
        school_id,
        academic_year_id: year.id,
        class_id: fields.class_id,
        group_id: fields.group_id,
        grade_level,
        weekday: fields.weekday,
        lesson_number: fields.lesson_number,
        subject_id: fields.subject_id,
        teacher_id: fields.teacher_id,
        room: fields.room,
        periodicity: fields.periodicity.as_str().into(),
        start_date: fields.start_date,
        end_date: fields.end_date,
        bell_schedule_id: fields.bell_schedule_id,
        created_at: now,
        updated_at: now,
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Created,
        entry.id,
        Resource::TimetableEntry(convert::entry(&entry)),
        now,
    );
    let created = store::insert_entry(&api.db, &entry, year.dates(), key.as_ref(), &event).await?;
    let entry = stored(store::get_entry(&api.db, school_id, created_id(created, entry.id)).await?)?;
    Ok(pb::CreateTimetableEntryResponse {
        timetable_entry: Some(convert::entry(&entry)),
    })
}

async fn entry_of(
    api: &ScheduleApi,
    school_id: SchoolId,
    id: TimetableEntryId,
) -> Result<TimetableEntry> {
    found(
        store::get_entry(&api.db, school_id, id).await?,
        "timetable entry",
    )
}

pub async fn get_entry(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetTimetableEntryRequest,
) -> Result<pb::GetTimetableEntryResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ReadSchool,
        &request.school_id,
        &request.id,
    )
    .await?;
    let entry = entry_of(api, school_id, id).await?;
    Ok(pb::GetTimetableEntryResponse {
        timetable_entry: Some(convert::entry(&entry)),
    })
}

pub async fn list_entries(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::ListTimetableEntriesRequest,
) -> Result<pb::ListTimetableEntriesResponse> {
    let page = Page::parse(request.page_size, &request.page_token)?;
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let year_id = input.id("academic_year_id", &request.academic_year_id);
    let filter = EntryFilter {
        class_id: input.optional_id("class_id", &request.class_id),
        group_id: input.optional_id("group_id", &request.group_id),
        teacher_id: input.optional_id("teacher_id", &request.teacher_id),
        room: Some(input.line("room", &request.room, MAX_ROOM_CHARS)).filter(|r| !r.is_empty()),
        on_date: input.optional_date("on_date", &request.on_date),
    };
    if filter.group_id.is_some() && filter.class_id.is_none() {
        input.refuse("class_id", "is required with group_id");
    }
    input.finish()?;
    api.identity
        .school(&ctx, Action::ReadSchool, school_id)
        .await?;
    let mut entries = store::list_entries(&api.db, school_id, year_id, &filter, &page).await?;
    let next_page_token = page.finish(&mut entries, store::entry_key);
    Ok(pb::ListTimetableEntriesResponse {
        timetable_entries: entries.iter().map(convert::entry).collect(),
        next_page_token,
    })
}

pub async fn update_entry(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::UpdateTimetableEntryRequest,
) -> Result<pb::UpdateTimetableEntryResponse> {
    const FIELDS: [&str; 11] = [
        "class_id",
        "group_id",
        "weekday",
        "lesson_number",
        "subject_id",
        "teacher_id",
        "room",
        "periodicity",
        "start_date",
        "end_date",
        "bell_schedule_id",
    ];
    let given = request.timetable_entry.unwrap_or_default();
    let mut input = Input::new();
    let paths = input.mask(request.update_mask.as_ref(), &FIELDS);
    input.finish()?;
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &given.school_id,
        &given.id,
    )
    .await?;
    let old = entry_of(api, school_id, id).await?;
    let current = convert::entry(&old);
    let pick = |path: &str, new: &String, old: &String| {
        if masked(&paths, path) {
            new.clone()
        } else {
            old.clone()
        }
    };
    let merged = pb::TimetableEntry {
        class_id: pick("class_id", &given.class_id, &current.class_id),
        group_id: pick("group_id", &given.group_id, &current.group_id),
        weekday: if masked(&paths, "weekday") {
            given.weekday
        } else {
            current.weekday
        },
        lesson_number: if masked(&paths, "lesson_number") {
            given.lesson_number
        } else {
            current.lesson_number
        },
        subject_id: pick("subject_id", &given.subject_id, &current.subject_id),
        teacher_id: pick("teacher_id", &given.teacher_id, &current.teacher_id),
        room: pick("room", &given.room, &current.room),
        periodicity: if masked(&paths, "periodicity") {
            given.periodicity
        } else {
            current.periodicity
        },
        start_date: pick("start_date", &given.start_date, &current.start_date),
        end_date: pick("end_date", &given.end_date, &current.end_date),
        bell_schedule_id: pick(
            "bell_schedule_id",
            &given.bell_schedule_id,
            &current.bell_schedule_id,
        ),
        ..Default::default()
    };
    let mut input = Input::new();
    let fields = entry_fields(&mut input, &merged);
    input.finish()?;
    let year = year_of(api, school_id, old.academic_year_id).await?;
    let grade_level = check_entry(api, &ctx, school_id, &year, &fields).await?;
    let now = api.clock.now();
    let entry = TimetableEntry {
        class_id: fields.class_id,
        group_id: fields.group_id,
        grade_level,
        weekday: fields.weekday,
        lesson_number: fields.lesson_number,
        subject_id: fields.subject_id,
        teacher_id: fields.teacher_id,
        room: fields.room,
        periodicity: fields.periodicity.as_str().into(),
        start_date: fields.start_date,
        end_date: fields.end_date,
        bell_schedule_id: fields.bell_schedule_id,
        updated_at: now,
        ..old
    };
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Updated,
        id,
        Resource::TimetableEntry(convert::entry(&entry)),
        now,
    );
    store::update_entry(&api.db, &entry, year.dates(), &event).await?;
    Ok(pb::UpdateTimetableEntryResponse {
        timetable_entry: Some(convert::entry(&entry)),
    })
}

pub async fn delete_entry(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DeleteTimetableEntryRequest,
) -> Result<pb::DeleteTimetableEntryResponse> {
    let (school_id, id) = changeable(
        api,
        &ctx,
        Action::ManageSchedule,
        &request.school_id,
        &request.id,
    )
    .await?;
    let entry = entry_of(api, school_id, id).await?;
    let event = change(
        ctx.principal.id,
        school_id,
        ChangeType::Deleted,
        id,
        Resource::TimetableEntry(convert::entry(&entry)),
        api.clock.now(),
    );
    store::delete_entry(&api.db, &entry, &event).await?;
    Ok(pb::DeleteTimetableEntryResponse {})
}
