//! The schedule's stored types, and the newtypes that parse what callers send.

mod names;
mod values;

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::ids::{
    ClassId, GroupId, LessonId, PeriodId, PersonId, SchoolId, StudentId, SubjectId,
};
use uuid::Uuid;

pub use names::*;
pub use values::*;

otmetka_platform::typed_id! {
    /// A school's academic year.
    AcademicYearId;
    /// A bell schedule: the times of a day's lessons.
    BellScheduleId;
    /// A holiday or a break.
    HolidayId;
    /// A weekly timetable entry, from which dated lessons are made.
    TimetableEntryId;
    /// Homework set at one lesson, due at another.
    HomeworkId;
    /// A student's answer to homework.
    SubmissionId;
    /// A stored file, of homework or of a submission.
    AttachmentId;
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AcademicYear {
    pub id: AcademicYearId,
    pub school_id: SchoolId,
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
    pub id: PeriodId,
    pub school_id: SchoolId,
    pub academic_year_id: AcademicYearId,
    pub kind: String,
    pub number: i32,
    pub name: String,
    pub grade_levels: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub closed: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<PersonId>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopened_by: Option<PersonId>,
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
    pub id: BellScheduleId,
    pub school_id: SchoolId,
    pub name: String,
    pub slots: String,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Holiday {
    pub id: HolidayId,
    pub school_id: SchoolId,
    pub academic_year_id: AcademicYearId,
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
    pub id: TimetableEntryId,
    pub school_id: SchoolId,
    pub academic_year_id: AcademicYearId,
    pub class_id: ClassId,
    pub group_id: Option<GroupId>,
    pub grade_level: i32,
    /// ISO weekday, Monday 1 to Sunday 7.
    pub weekday: i32,
    pub lesson_number: i32,
    pub subject_id: SubjectId,
    pub teacher_id: PersonId,
    pub room: String,
    pub periodicity: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub bell_schedule_id: Option<BellScheduleId>,
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
    pub id: LessonId,
    pub school_id: SchoolId,
    pub academic_year_id: AcademicYearId,
    pub timetable_entry_id: Option<TimetableEntryId>,
    pub origin: String,
    pub class_id: ClassId,
    pub group_id: Option<GroupId>,
    pub grade_level: i32,
    pub subject_id: SubjectId,
    pub date: NaiveDate,
    pub lesson_number: i32,
    pub start_time: String,
    pub end_time: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub teacher_id: PersonId,
    pub substitute_teacher_id: Option<PersonId>,
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
    pub fn acting_teacher(&self) -> PersonId {
        self.substitute_teacher_id.unwrap_or(self.teacher_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Homework {
    pub id: HomeworkId,
    pub school_id: SchoolId,
    pub lesson_id: LessonId,
    pub due_lesson_id: LessonId,
    pub class_id: ClassId,
    pub group_id: Option<GroupId>,
    pub subject_id: SubjectId,
    pub set_date: NaiveDate,
    pub due_date: NaiveDate,
    pub text: String,
    pub submission_required: bool,
    pub author_id: PersonId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Submission {
    pub id: SubmissionId,
    pub school_id: SchoolId,
    pub homework_id: HomeworkId,
    pub student_id: StudentId,
    pub text: String,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
    pub teacher_comment: String,
    /// Gradebook's mark, whose id type is gradebook's own.
    pub mark_id: Option<Uuid>,
    pub reviewed_by: Option<PersonId>,
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
    pub id: AttachmentId,
    pub school_id: SchoolId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: PersonId,
    pub created_at: DateTime<Utc>,
    pub homework_id: Option<HomeworkId>,
    pub submission_id: Option<SubmissionId>,
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
