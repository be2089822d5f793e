//! The schedule's stored types, and the newtypes that parse what callers send.

mod names;
mod values;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub use names::*;
pub use values::*;

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
