//! The JSON shapes the API shares: contract enums as snake_case words,
//! marks and attendance records. Ids are strings, dates "YYYY-MM-DD",
//! instants RFC 3339 in UTC.

use chrono::{DateTime, Utc};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as messaging;
use otmetka_proto::schedule::v1 as schedule;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::timestamp;

/// A JSON enum that mirrors a contract enum value for value; the
/// contract's "unspecified" has no JSON word (it reads as `null`).
macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident = $proto:ty { $($variant:ident = $value:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            #[allow(unreachable_patterns)]
            pub fn from_proto(value: i32) -> Option<Self> {
                match <$proto>::try_from(value).ok()? {
                    $(<$proto>::$value => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// Not every enum travels back to a service.
            #[allow(dead_code)]
            pub fn to_proto(self) -> i32 {
                match self {
                    $(Self::$variant => <$proto>::$value as i32,)+
                }
            }
        }
    };
}

mirror! {
    /// The scale a mark is read on.
    ScaleKind = gradebook::ScaleKind {
        FivePoint = FivePoint,
        TenPoint = TenPoint,
        HundredPoint = HundredPoint,
        PassFail = PassFail,
        Custom = Custom,
    }
}

mirror! {
    /// What the journal holds instead of, or as, a value: a value on the
    /// scale, exempt (освобождён), not submitted, absent from the work, or
    /// pending («точка»).
    MarkStatus = gradebook::MarkStatus {
        Graded = Graded,
        Exempt = Exempt,
        NotSubmitted = NotSubmitted,
        Absent = Absent,
        Pending = Pending,
    }
}

mirror! {
    /// Attendance at a lesson: present, absent (Н), ill (Б), excused (УП), late (ОП).
    AttendanceKind = gradebook::AttendanceKind {
        Present = Present,
        Absent = Absent,
        Ill = Ill,
        Excused = Excused,
        Late = Late,
    }
}

mirror! {
    /// Attendance as the diary shows it; `present` when nothing was recorded.
    DiaryAttendance = schedule::DiaryAttendanceStatus {
        Present = Unspecified,
        Absent = Absent,
        Ill = Ill,
        Excused = Excused,
        Late = Late,
    }
}

mirror! {
    /// Where a reopen request stands.
    ReopenState = gradebook::ReopenState {
        Pending = Pending,
        Approved = Approved,
        Refused = Refused,
    }
}

mirror! {
    /// Whether a lesson takes place.
    LessonStatus = schedule::LessonStatus {
        Scheduled = Scheduled,
        Cancelled = Cancelled,
    }
}

mirror! {
    /// Quarter, trimester, half-year, or the whole year.
    PeriodKind = schedule::ReportingPeriodKind {
        Quarter = Quarter,
        Trimester = Trimester,
        HalfYear = HalfYear,
        Year = Year,
    }
}

mirror! {
    /// Open periods accept changes; a closed one locks its journal.
    PeriodState = schedule::ReportingPeriodState {
        Open = Open,
        Closed = Closed,
    }
}

mirror! {
    /// Day of the week.
    Weekday = schedule::Weekday {
        Monday = Monday,
        Tuesday = Tuesday,
        Wednesday = Wednesday,
        Thursday = Thursday,
        Friday = Friday,
        Saturday = Saturday,
        Sunday = Sunday,
    }
}

mirror! {
    /// Which weeks a timetable entry applies to; weeks are numbered from the
    /// one holding the academic year's first day.
    WeekPeriodicity = schedule::WeekPeriodicity {
        EveryWeek = EveryWeek,
        OddWeeks = OddWeeks,
        EvenWeeks = EvenWeeks,
    }
}

mirror! {
    /// A public holiday, a vacation (каникулы), or other days without lessons.
    HolidayKind = schedule::HolidayKind {
        PublicHoliday = PublicHoliday,
        Vacation = Vacation,
        NoLessons = NoLessons,
    }
}

mirror! {
    /// What a person is to the schools: a student, a guardian or staff.
    PersonKind = identity::PersonKind {
        Student = Student,
        Guardian = Guardian,
        Staff = Staff,
    }
}

mirror! {
    /// A staff role within one school.
    StaffRole = identity::StaffRole {
        Teacher = Teacher,
        DeputyHead = DeputyHead,
        Director = Director,
        SchoolAdmin = SchoolAdmin,
    }
}

mirror! {
    /// A homework submission's state.
    SubmissionStatus = schedule::SubmissionStatus {
        Submitted = Submitted,
        Returned = Returned,
        Marked = Marked,
    }
}

mirror! {
    /// What a notification is about.
    NotificationKind = messaging::NotificationKind {
        NewMark = NewMark,
        MarkChanged = MarkChanged,
        NewHomework = NewHomework,
        Announcement = Announcement,
        NewMessage = NewMessage,
        Meeting = Meeting,
        LessonChange = LessonChange,
        Attendance = Attendance,
        FinalMark = FinalMark,
    }
}

mirror! {
    /// How notifications of a kind are e-mailed: not at all, one e-mail
    /// each, or gathered into the day's digest.
    EmailMode = messaging::EmailMode {
        Off = Off,
        AtOnce = AtOnce,
        Digest = Digest,
    }
}

/// A mark in the journal.
#[derive(Serialize, ToSchema)]
pub struct MarkView {
    pub id: String,
    pub school_id: String,
    pub student_id: String,
    pub subject_id: String,
    /// The school-local day of the lesson.
    #[schema(example = "2026-11-27")]
    pub lesson_date: String,
    /// The dated lesson; empty when the mark names only a day.
    pub lesson_id: String,
    pub scale: Option<ScaleKind>,
    /// As written on the scale: "5", "4-", "87", "зачёт"; empty unless graded.
    #[schema(example = "4-")]
    pub value: String,
    pub status: Option<MarkStatus>,
    /// 1–10; counts in weighted averages.
    pub weight: i32,
    pub work_type_id: String,
    pub comment: String,
    /// The teacher who posted it.
    pub author_id: String,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when the mark was withdrawn.
    pub deleted_at: Option<DateTime<Utc>>,
    /// When a guardian (or the student) first marked it seen.
    pub seen_at: Option<DateTime<Utc>>,
    /// Counts the mark's changes from 1; the revisions list has each.
    pub revision: i32,
    /// The vendor client whose journal pushed it; empty for a teacher's.
    pub source_vendor_id: String,
}

impl From<gradebook::Mark> for MarkView {
    fn from(mark: gradebook::Mark) -> Self {
        Self {
            scale: ScaleKind::from_proto(mark.scale),
            status: MarkStatus::from_proto(mark.status),
            created_at: timestamp(mark.create_time),
            updated_at: timestamp(mark.update_time),
            deleted_at: timestamp(mark.delete_time),
            seen_at: timestamp(mark.seen_time),
            id: mark.id,
            school_id: mark.school_id,
            student_id: mark.student_id,
            subject_id: mark.subject_id,
            lesson_date: mark.lesson_date,
            lesson_id: mark.lesson_id,
            value: mark.value,
            weight: mark.weight,
            work_type_id: mark.work_type_id,
            comment: mark.comment,
            author_id: mark.author_id,
            revision: mark.revision,
            source_vendor_id: mark.source_vendor_id,
        }
    }
}

/// A student's attendance at one lesson.
#[derive(Serialize, ToSchema)]
pub struct AttendanceView {
    pub id: String,
    pub school_id: String,
    pub student_id: String,
    pub lesson_id: String,
    pub subject_id: String,
    pub lesson_date: String,
    pub kind: Option<AttendanceKind>,
    /// For `late`.
    pub late_minutes: i32,
    pub reason: String,
    pub author_id: String,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<gradebook::AttendanceRecord> for AttendanceView {
    fn from(record: gradebook::AttendanceRecord) -> Self {
        Self {
            kind: AttendanceKind::from_proto(record.kind),
            updated_at: timestamp(record.update_time),
            id: record.id,
            school_id: record.school_id,
            student_id: record.student_id,
            lesson_id: record.lesson_id,
            subject_id: record.subject_id,
            lesson_date: record.lesson_date,
            late_minutes: record.late_minutes,
            reason: record.reason,
            author_id: record.author_id,
        }
    }
}

/// A weighted average with how it was computed.
#[derive(Serialize, ToSchema)]
pub struct AverageView {
    pub student_id: String,
    pub subject_id: String,
    pub period_id: String,
    /// On the scale, rounded to two decimals; 0 with no marks.
    #[schema(example = 4.57)]
    pub average: f64,
    /// The period mark the school's policy suggests.
    #[schema(example = "5")]
    pub suggested_mark: String,
    /// The marks that counted.
    pub mark_ids: Vec<String>,
    /// The marks and weights used and the rule that made the mark.
    pub explanation: String,
    /// The calculation policy version applied.
    pub policy_version: i64,
}

impl From<gradebook::SubjectAverage> for AverageView {
    fn from(average: gradebook::SubjectAverage) -> Self {
        Self {
            student_id: average.student_id,
            subject_id: average.subject_id,
            period_id: average.reporting_period_id,
            average: average.average,
            suggested_mark: average.suggested_mark,
            mark_ids: average.mark_ids,
            explanation: average.explanation,
            policy_version: average.policy_version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_travel_both_ways() {
        for kind in [
            AttendanceKind::Present,
            AttendanceKind::Absent,
            AttendanceKind::Ill,
            AttendanceKind::Excused,
            AttendanceKind::Late,
        ] {
            assert_eq!(AttendanceKind::from_proto(kind.to_proto()), Some(kind));
        }
        assert_eq!(MarkStatus::from_proto(0), None);
        assert_eq!(
            DiaryAttendance::from_proto(0),
            Some(DiaryAttendance::Present)
        );
        assert_eq!(
            serde_json::to_value(MarkStatus::NotSubmitted).unwrap(),
            "not_submitted"
        );
    }
}

/// A final mark for a reporting period or the year.
#[derive(Serialize, ToSchema)]
pub struct FinalMarkView {
    pub id: String,
    pub student_id: String,
    pub subject_id: String,
    pub period_id: String,
    pub value: String,
    /// The calculation policy version in force when it was set.
    pub policy_version: i64,
    pub author_id: String,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<gradebook::FinalMark> for FinalMarkView {
    fn from(mark: gradebook::FinalMark) -> Self {
        Self {
            id: mark.id,
            student_id: mark.student_id,
            subject_id: mark.subject_id,
            period_id: mark.reporting_period_id,
            value: mark.value,
            policy_version: mark.policy_version,
            author_id: mark.author_id,
            updated_at: timestamp(mark.update_time),
        }
    }
}
