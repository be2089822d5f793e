//! Lesson generation: which dated lessons the timetable asks for, and how to
//! bring the stored lessons in line with them.
//!
//! A generated lesson is known by its timetable entry and date, so a run
//! finds the lesson an earlier run made and keeps its id. What the timetable
//! decides (class, group, subject, teacher, lesson number, times, planned
//! room) follows the entry; what people changed by hand (substitute, room
//! change, cancellation, topic) and what hangs on the lesson (marks,
//! attendance, homework) stays. A lesson that no longer follows is removed,
//! unless it has records: then it stays, flagged `orphaned`.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use otmetka_platform::ids::{ClassId, GroupId, LessonId, PersonId, SchoolId, SubjectId};

use crate::calendar::{DateRange, local_instant, week_number};
use crate::model::{
    AcademicYearId, BellScheduleId, BellSlots, Holiday, Lesson, Origin, TimetableEntry,
    TimetableEntryId, format_time,
};

/// What the timetable asks of one lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub entry_id: TimetableEntryId,
    pub date: NaiveDate,
    pub class_id: ClassId,
    pub group_id: Option<GroupId>,
    pub grade_level: i32,
    pub subject_id: SubjectId,
    pub teacher_id: PersonId,
    pub lesson_number: i32,
    pub start_time: String,
    pub end_time: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub planned_room: String,
}

/// The bell schedules an entry may name, and the school's default.
#[derive(Debug, Default)]
pub struct Bells {
    pub default: Option<BellScheduleId>,
    pub by_id: HashMap<BellScheduleId, BellSlots>,
}

impl Bells {
    fn for_entry(&self, entry: &TimetableEntry) -> Result<&BellSlots, String> {
        let id = entry
            .bell_schedule_id
            .or(self.default)
            .ok_or("the school has no default bell schedule")?;
        self.by_id
            .get(&id)
            .ok_or_else(|| format!("bell schedule {id} does not exist"))
    }
}

/// Everything generation reads, besides the stored lessons.
#[derive(Debug)]
pub struct Inputs<'a> {
    pub year: DateRange,
    pub range: DateRange,
    pub entries: &'a [TimetableEntry],
    pub bells: &'a Bells,
    pub holidays: &'a [Holiday],
    pub timezone: Tz,
}

/// The lessons the timetable asks for within `inputs.range`: on each entry's
/// weekday, in its weeks, within its dates, except on holidays of its grade
/// level. Fails, naming the entry, when its lesson number has no bell slot.
pub fn desired_lessons(inputs: &Inputs<'_>) -> Result<Vec<Planned>, String> {
    let mut planned = Vec::new();
    for entry in inputs.entries {
        let periodicity = entry
            .periodicity()
            .ok_or_else(|| format!("timetable entry {} has an unknown periodicity", entry.id))?;
        let entry_dates = DateRange {
            start: entry.start_date.unwrap_or(inputs.year.start),
            end: entry.end_date.unwrap_or(inputs.year.end),
        };
        let Some(dates) = entry_dates
            .intersect(&inputs.year)
            .and_then(|dates| dates.intersect(&inputs.range))
        else {
            continue;
        };
        let bells = inputs
            .bells
            .for_entry(entry)
            .map_err(|why| format!("timetable entry {}: {why}", entry.id))?;
        let slot = bells.slot(entry.lesson_number).ok_or_else(|| {
            format!(
                "timetable entry {}: lesson {} is not in its bell schedule",
                entry.id, entry.lesson_number
            )
        })?;
        for date in dates.days() {
            let meets = date.weekday().number_from_monday() as i32 == entry.weekday
                && periodicity.applies(week_number(inputs.year.start, date))
                && !inputs
                    .holidays
                    .iter()
                    .any(|holiday| holiday.covers(date, entry.grade_level));
            if meets {
                planned.push(Planned {
                    entry_id: entry.id,
                    date,
                    class_id: entry.class_id,
                    group_id: entry.group_id,
                    grade_level: entry.grade_level,
                    subject_id: entry.subject_id,
                    teacher_id: entry.teacher_id,
                    lesson_number: entry.lesson_number,
                    start_time: format_time(slot.start),
                    end_time: format_time(slot.end),
                    starts_at: local_instant(inputs.timezone, date, slot.start),
                    ends_at: local_instant(inputs.timezone, date, slot.end),
                    planned_room: entry.room.clone(),
                });
            }
        }
    }
    Ok(planned)
}

/// What a run does to the stored lessons.
#[derive(Debug, Default)]
pub struct Plan {
    /// New lessons.
    pub create: Vec<Lesson>,
    /// Lessons brought in line with their entry, as they become.
    pub update: Vec<Lesson>,
    /// Lessons without records that no longer follow, as they were.
    pub remove: Vec<Lesson>,
    /// Lessons with records that no longer follow, now flagged, as they become.
    pub orphan: Vec<Lesson>,
    /// Lessons already as the timetable asks (or already flagged).
    pub unchanged: usize,
}

impl Plan {
    pub fn changes_anything(&self) -> bool {
        !(self.create.is_empty()
            && self.update.is_empty()
            && self.remove.is_empty()
            && self.orphan.is_empty())
    }
}

/// Compares the generated lessons stored for a scope with those the
/// timetable asks for in it. `existing` must be every timetable lesson of
/// the scope; manual lessons are never passed here.
pub fn plan(existing: Vec<Lesson>, desired: Vec<Planned>, context: &NewLessons) -> Plan {
    let mut wanted: HashMap<(TimetableEntryId, NaiveDate), Planned> = desired
        .into_iter()
        .map(|planned| ((planned.entry_id, planned.date), planned))
        .collect();
    let mut plan = Plan::default();
    for lesson in existing {
        let key = lesson.timetable_entry_id.map(|entry| (entry, lesson.date));
        match key.and_then(|key| wanted.remove(&key)) {
            Some(planned) => {
                let followed = follow(&lesson, &planned, context.now);
                if followed == lesson {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(followed);
                }
            }
            None if !lesson.has_records() => plan.remove.push(lesson),
            None if lesson.orphaned => plan.unchanged += 1,
            None => plan.orphan.push(Lesson {
                orphaned: true,
                updated_at: context.now,
                ..lesson
            }),
        }
    }
    let mut created: Vec<Lesson> = wanted
        .into_values()
        .map(|planned| context.lesson(planned))
        .collect();
    created.sort_by_key(|lesson| (lesson.date, lesson.lesson_number, lesson.id));
    plan.create = created;
    plan
}

/// `lesson` with what the timetable decides taken from `planned`; what
/// people changed by hand and the records stay.
fn follow(lesson: &Lesson, planned: &Planned, now: DateTime<Utc>) -> Lesson {
    let followed = Lesson {
        class_id: planned.class_id,
        group_id: planned.group_id,
        grade_level: planned.grade_level,
        subject_id: planned.subject_id,
        teacher_id: planned.teacher_id,
        lesson_number: planned.lesson_number,
        start_time: planned.start_time.clone(),
        end_time: planned.end_time.clone(),
        starts_at: planned.starts_at,
        ends_at: planned.ends_at,
        planned_room: planned.planned_room.clone(),
        orphaned: false,
        ..lesson.clone()
    };
    if followed == *lesson {
        followed
    } else {
        Lesson {
            updated_at: now,
            ..followed
        }
    }
}

/// How new lessons of a run are made.
#[derive(Debug, Clone)]
pub struct NewLessons {
    pub school_id: SchoolId,
    pub academic_year_id: AcademicYearId,
    pub now: DateTime<Utc>,
}

impl NewLessons {
    fn lesson(&self, planned: Planned) -> Lesson {
        Lesson {
            id: LessonId::generate(),
            school_id: self.school_id,
            academic_year_id: self.academic_year_id,
            timetable_entry_id: Some(planned.entry_id),
            origin: Origin::Timetable.as_str().into(),
            class_id: planned.class_id,
            group_id: planned.group_id,
            grade_level: planned.grade_level,
            subject_id: planned.subject_id,
            date: planned.date,
            lesson_number: planned.lesson_number,
            start_time: planned.start_time,
            end_time: planned.end_time,
            starts_at: planned.starts_at,
            ends_at: planned.ends_at,
            teacher_id: planned.teacher_id,
            substitute_teacher_id: None,
            substitution_reason: String::new(),
            planned_room: planned.planned_room,
            room_override: None,
            topic: String::new(),
            cancelled: false,
            cancel_reason: String::new(),
            has_marks: false,
            has_attendance: false,
            has_homework: false,
            orphaned: false,
            created_at: self.now,
            updated_at: self.now,
        }
    }
}

#[cfg(test)]
mod tests;
