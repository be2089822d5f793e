//! The enums kept in text columns under stable names.

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
