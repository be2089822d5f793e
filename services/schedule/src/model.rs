//! The schedule's stored types, and the newtypes that parse what callers send.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

/// The value of `all` kept in a text column as `text`.
fn parse_text<T: Copy>(all: &[T], text: &str, as_str: fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|value| as_str(*value) == text)
}

/// Kind of a reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Quarter,
    Trimester,
    HalfYear,
    Year,
}

impl PeriodKind {
    pub const ALL: &'static [Self] = &[Self::Quarter, Self::Trimester, Self::HalfYear, Self::Year];

    /// Its name in a text column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quarter => "quarter",
            Self::Trimester => "trimester",
            Self::HalfYear => "half_year",
            Self::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        parse_text(Self::ALL, text, Self::as_str)
    }
}

/// Kind of a day range without lessons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayKind {
    PublicHoliday,
    Vacation,
    NoLessons,
}

impl HolidayKind {
    pub const ALL: &'static [Self] = &[Self::PublicHoliday, Self::Vacation, Self::NoLessons];

    /// Its name in a text column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PublicHoliday => "public_holiday",
            Self::Vacation => "vacation",
            Self::NoLessons => "no_lessons",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        parse_text(Self::ALL, text, Self::as_str)
    }
}

/// Which weeks a timetable entry applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Periodicity {
    EveryWeek,
    OddWeeks,
    EvenWeeks,
}

impl Periodicity {
    pub const ALL: &'static [Self] = &[Self::EveryWeek, Self::OddWeeks, Self::EvenWeeks];

    /// Its name in a text column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EveryWeek => "every_week",
            Self::OddWeeks => "odd_weeks",
            Self::EvenWeeks => "even_weeks",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        parse_text(Self::ALL, text, Self::as_str)
    }
}

/// Where a lesson came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    Timetable,
    Manual,
}

impl Origin {
    pub const ALL: &'static [Self] = &[Self::Timetable, Self::Manual];

    /// Its name in a text column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timetable => "timetable",
            Self::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        parse_text(Self::ALL, text, Self::as_str)
    }
}

/// What kind of resource a change or an idempotency key is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    AcademicYear,
    ReportingPeriod,
    BellSchedule,
    Holiday,
    TimetableEntry,
    Lesson,
    Homework,
    Submission,
    Attachment,
}

impl ResourceKind {
    pub const ALL: &'static [Self] = &[
        Self::AcademicYear,
        Self::ReportingPeriod,
        Self::BellSchedule,
        Self::Holiday,
        Self::TimetableEntry,
        Self::Lesson,
        Self::Homework,
        Self::Submission,
        Self::Attachment,
    ];

    /// Its name in a text column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AcademicYear => "academic_year",
            Self::ReportingPeriod => "reporting_period",
            Self::BellSchedule => "bell_schedule",
            Self::Holiday => "holiday",
            Self::TimetableEntry => "timetable_entry",
            Self::Lesson => "lesson",
            Self::Homework => "homework",
            Self::Submission => "submission",
            Self::Attachment => "attachment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        parse_text(Self::ALL, text, Self::as_str)
    }
}

/// What happened to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeType {
    Created,
    Updated,
    Deleted,
}

impl ChangeType {
    /// The shared outbox's name for it.
    pub fn outbox_kind(self) -> otmetka_platform::outbox::ChangeKind {
        use otmetka_platform::outbox::ChangeKind;
        match self {
            ChangeType::Created => ChangeKind::Created,
            ChangeType::Updated => ChangeKind::Updated,
            ChangeType::Deleted => ChangeKind::Deleted,
        }
    }
}

/// Grade levels 1–11, kept sorted and without repeats. Stored as ",5,6," so
/// that a `LIKE '%,5,%'` finds one level on either backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GradeLevels(Vec<i32>);

impl GradeLevels {
    pub const RANGE: std::ops::RangeInclusive<i32> = 1..=11;

    pub fn parse(levels: &[i32]) -> Result<Self, String> {
        if let Some(bad) = levels.iter().find(|level| !Self::RANGE.contains(level)) {
            return Err(format!("grade level {bad} is not 1–11"));
        }
        let mut levels = levels.to_vec();
        levels.sort_unstable();
        levels.dedup();
        Ok(Self(levels))
    }

    pub fn from_column(column: &str) -> Self {
        Self(
            column
                .split(',')
                .filter_map(|part| part.parse().ok())
                .collect(),
        )
    }

    pub fn to_column(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let joined: Vec<String> = self.0.iter().map(i32::to_string).collect();
        format!(",{},", joined.join(","))
    }

    /// The pattern that finds rows holding `level`.
    pub fn like_pattern(level: i32) -> String {
        format!("%,{level},%")
    }

    pub fn levels(&self) -> &[i32] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, level: i32) -> bool {
        self.0.contains(&level)
    }
}

/// A school-local time of day, "HH:MM".
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .ok()
        .filter(|_| text.len() == 5)
        .ok_or_else(|| format!("{text:?} is not a time of day as HH:MM"))
}

pub fn format_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// One lesson slot of a bell schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BellSlot {
    pub lesson_number: i32,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The slots of a bell schedule: lesson numbers unique, each slot ending
/// after it starts, slots in lesson order not overlapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BellSlots(Vec<BellSlot>);

pub const MAX_LESSON_NUMBER: i32 = 20;

impl BellSlots {
    pub fn new(mut slots: Vec<BellSlot>) -> Result<Self, String> {
        if slots.is_empty() {
            return Err("must hold at least one slot".into());
        }
        slots.sort_by_key(|slot| slot.lesson_number);
        for slot in &slots {
            if !(0..=MAX_LESSON_NUMBER).contains(&slot.lesson_number) {
                return Err(format!(
                    "lesson number {} is not 0–{MAX_LESSON_NUMBER}",
                    slot.lesson_number
                ));
            }
            if slot.end <= slot.start {
                return Err(format!(
                    "lesson {} must end after it starts",
                    slot.lesson_number
                ));
            }
        }
        for pair in slots.windows(2) {
            if pair[0].lesson_number == pair[1].lesson_number {
                return Err(format!("lesson {} appears twice", pair[0].lesson_number));
            }
            if pair[1].start < pair[0].end {
                return Err(format!(
                    "lesson {} starts before lesson {} ends",
                    pair[1].lesson_number, pair[0].lesson_number
                ));
            }
        }
        Ok(Self(slots))
    }

    pub fn slot(&self, lesson_number: i32) -> Option<&BellSlot> {
        self.0
            .iter()
            .find(|slot| slot.lesson_number == lesson_number)
    }

    pub fn slots(&self) -> &[BellSlot] {
        &self.0
    }

    /// "1=08:30-09:15;2=09:25-10:10".
    pub fn to_column(&self) -> String {
        let slots: Vec<String> = self
            .0
            .iter()
            .map(|slot| {
                format!(
                    "{}={}-{}",
                    slot.lesson_number,
                    format_time(slot.start),
                    format_time(slot.end)
                )
            })
            .collect();
        slots.join(";")
    }

    /// Reads what [`BellSlots::to_column`] wrote.
    pub fn from_column(column: &str) -> anyhow::Result<Self> {
        let slots = column
            .split(';')
            .map(|slot| {
                let (number, times) = slot.split_once('=')?;
                let (start, end) = times.split_once('-')?;
                Some(BellSlot {
                    lesson_number: number.parse().ok()?,
                    start: parse_time(start).ok()?,
                    end: parse_time(end).ok()?,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| anyhow::anyhow!("unreadable bell slots {column:?}"))?;
        Self::new(slots).map_err(|error| anyhow::anyhow!("stored bell slots: {error}"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AcademicYear {
    pub id: Uuid,
    pub school_id: Uuid,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AcademicYear {
    pub fn dates(&self) -> crate::calendar::DateRange {
        crate::calendar::DateRange {
            start: self.start_date,
            end: self.end_date,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportingPeriod {
    pub id: Uuid,
    pub school_id: Uuid,
    pub academic_year_id: Uuid,
    pub kind: String,
    pub number: i32,
    pub name: String,
    pub grade_levels: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub closed: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopened_by: Option<Uuid>,
    pub reopen_reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReportingPeriod {
    pub fn kind(&self) -> Option<PeriodKind> {
        PeriodKind::parse(&self.kind)
    }

    pub fn levels(&self) -> GradeLevels {
        GradeLevels::from_column(&self.grade_levels)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BellSchedule {
    pub id: Uuid,
    pub school_id: Uuid,
    pub name: String,
    pub slots: String,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Holiday {
    pub id: Uuid,
    pub school_id: Uuid,
    pub academic_year_id: Uuid,
    pub kind: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub grade_levels: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Holiday {
    /// Whether the holiday keeps `grade_level` from lessons on `date`.
    pub fn covers(&self, date: NaiveDate, grade_level: i32) -> bool {
        let levels = GradeLevels::from_column(&self.grade_levels);
        self.start_date <= date
            && date <= self.end_date
            && (levels.is_empty() || levels.contains(grade_level))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TimetableEntry {
    pub id: Uuid,
    pub school_id: Uuid,
    pub academic_year_id: Uuid,
    pub class_id: Uuid,
    pub group_id: Option<Uuid>,
    pub grade_level: i32,
    /// ISO weekday, Monday 1 to Sunday 7.
    pub weekday: i32,
    pub lesson_number: i32,
    pub subject_id: Uuid,
    pub teacher_id: Uuid,
    pub room: String,
    pub periodicity: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub bell_schedule_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TimetableEntry {
    pub fn periodicity(&self) -> Option<Periodicity> {
        Periodicity::parse(&self.periodicity)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Lesson {
    pub id: Uuid,
    pub school_id: Uuid,
    pub academic_year_id: Uuid,
    pub timetable_entry_id: Option<Uuid>,
    pub origin: String,
    pub class_id: Uuid,
    pub group_id: Option<Uuid>,
    pub grade_level: i32,
    pub subject_id: Uuid,
    pub date: NaiveDate,
    pub lesson_number: i32,
    pub start_time: String,
    pub end_time: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub teacher_id: Uuid,
    pub substitute_teacher_id: Option<Uuid>,
    pub substitution_reason: String,
    pub planned_room: String,
    pub room_override: Option<String>,
    pub topic: String,
    pub cancelled: bool,
    pub cancel_reason: String,
    pub has_marks: bool,
    pub has_attendance: bool,
    pub has_homework: bool,
    pub orphaned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Lesson {
    /// Marks, attendance or homework hang on the lesson: it must not vanish.
    pub fn has_records(&self) -> bool {
        self.has_marks || self.has_attendance || self.has_homework
    }

    /// The room it takes place in.
    pub fn room(&self) -> &str {
        self.room_override.as_deref().unwrap_or(&self.planned_room)
    }

    /// Who gives it: the substitute when there is one.
    pub fn acting_teacher(&self) -> Uuid {
        self.substitute_teacher_id.unwrap_or(self.teacher_id)
    }
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubmissionStatus {
    Submitted,
    Returned,
    Marked,
}

impl SubmissionStatus {
    pub const ALL: &'static [Self] = &[Self::Submitted, Self::Returned, Self::Marked];

    /// Its name in a text column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Marked => "marked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        parse_text(Self::ALL, text, Self::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Homework {
    pub id: Uuid,
    pub school_id: Uuid,
    pub lesson_id: Uuid,
    pub due_lesson_id: Uuid,
    pub class_id: Uuid,
    pub group_id: Option<Uuid>,
    pub subject_id: Uuid,
    pub set_date: NaiveDate,
    pub due_date: NaiveDate,
    pub text: String,
    pub submission_required: bool,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Submission {
    pub id: Uuid,
    pub school_id: Uuid,
    pub homework_id: Uuid,
    pub student_id: Uuid,
    pub text: String,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
    pub teacher_comment: String,
    pub mark_id: Option<Uuid>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Submission {
    pub fn status(&self) -> Option<SubmissionStatus> {
        SubmissionStatus::parse(&self.status)
    }
}

/// A stored file, as the database knows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub id: Uuid,
    pub school_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub homework_id: Option<Uuid>,
    pub submission_id: Option<Uuid>,
}

impl Attachment {
    pub fn key(&self) -> crate::files::FileKey {
        crate::files::FileKey {
            school_id: self.school_id,
            id: self.id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(number: i32, start: &str, end: &str) -> BellSlot {
        BellSlot {
            lesson_number: number,
            start: parse_time(start).unwrap(),
            end: parse_time(end).unwrap(),
        }
    }

    #[test]
    fn bell_slots_round_trip_through_their_column() {
        let slots =
            BellSlots::new(vec![slot(2, "09:25", "10:10"), slot(1, "08:30", "09:15")]).unwrap();
        assert_eq!(slots.to_column(), "1=08:30-09:15;2=09:25-10:10");
        assert_eq!(BellSlots::from_column(&slots.to_column()).unwrap(), slots);
    }

    #[test]
    fn bell_slots_refuse_overlaps_repeats_and_backwards_times() {
        assert!(BellSlots::new(vec![]).is_err());
        assert!(BellSlots::new(vec![slot(1, "09:00", "08:00")]).is_err());
        assert!(
            BellSlots::new(vec![slot(1, "08:30", "09:15"), slot(1, "09:25", "10:10")]).is_err()
        );
        assert!(
            BellSlots::new(vec![slot(1, "08:30", "09:15"), slot(2, "09:10", "10:10")]).is_err()
        );
        assert!(BellSlots::new(vec![slot(21, "08:30", "09:15")]).is_err());
        assert!(BellSlots::new(vec![slot(0, "08:00", "08:25"), slot(1, "08:30", "09:15")]).is_ok());
    }

    #[test]
    fn times_are_strict_hh_mm() {
        assert!(parse_time("08:30").is_ok());
        for bad in ["8:30", "08:30:00", "24:00", "08-30", ""] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn grade_levels_are_sorted_deduplicated_and_findable() {
        let levels = GradeLevels::parse(&[7, 5, 5, 6]).unwrap();
        assert_eq!(levels.to_column(), ",5,6,7,");
        assert_eq!(GradeLevels::from_column(&levels.to_column()), levels);
        assert!(GradeLevels::parse(&[0]).is_err());
        assert!(GradeLevels::parse(&[12]).is_err());
        assert_eq!(GradeLevels::default().to_column(), "");
        assert_eq!(GradeLevels::like_pattern(5), "%,5,%");
    }

    #[test]
    fn stored_names_round_trip() {
        for kind in PeriodKind::ALL {
            assert_eq!(PeriodKind::parse(kind.as_str()), Some(*kind));
        }
        for periodicity in Periodicity::ALL {
            assert_eq!(Periodicity::parse(periodicity.as_str()), Some(*periodicity));
        }
        assert_eq!(Origin::parse("nonsense"), None);
    }
}
