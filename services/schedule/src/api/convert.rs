//! Stored rows as the contract shows them.

use otmetka_platform::ids::optional_text;
use otmetka_platform::time::to_timestamp;
use otmetka_proto::schedule::v1 as pb;

use crate::model::{
    AcademicYear, Attachment, BellSchedule, BellSlots, GradeLevels, Holiday, HolidayKind, Homework,
    Lesson, Origin, PeriodKind, Periodicity, ReportingPeriod, Submission, SubmissionStatus,
    TimetableEntry, format_time,
};

pub fn year(year: &AcademicYear) -> pb::AcademicYear {
    pb::AcademicYear {
        id: year.id.to_string(),
        school_id: year.school_id.to_string(),
        name: year.name.clone(),
        start_date: year.start_date.to_string(),
        end_date: year.end_date.to_string(),
        create_time: Some(to_timestamp(year.created_at)),
        update_time: Some(to_timestamp(year.updated_at)),
    }
}

pub fn period_kind(kind: PeriodKind) -> pb::ReportingPeriodKind {
    match kind {
        PeriodKind::Quarter => pb::ReportingPeriodKind::Quarter,
        PeriodKind::Trimester => pb::ReportingPeriodKind::Trimester,
        PeriodKind::HalfYear => pb::ReportingPeriodKind::HalfYear,
        PeriodKind::Year => pb::ReportingPeriodKind::Year,
    }
}

pub fn period_kind_from(kind: pb::ReportingPeriodKind) -> Option<PeriodKind> {
    PeriodKind::ALL
        .iter()
        .copied()
        .find(|known| period_kind(*known) == kind)
}

pub fn period(period: &ReportingPeriod) -> pb::ReportingPeriod {
    let state = if period.closed {
        pb::ReportingPeriodState::Closed
    } else {
        pb::ReportingPeriodState::Open
    };
    pb::ReportingPeriod {
        id: period.id.to_string(),
        school_id: period.school_id.to_string(),
        academic_year_id: period.academic_year_id.to_string(),
        kind: period
            .kind()
            .map_or(pb::ReportingPeriodKind::Unspecified, period_kind)
            .into(),
        number: period.number,
        name: period.name.clone(),
        grade_levels: period.levels().levels().to_vec(),
        start_date: period.start_date.to_string(),
        end_date: period.end_date.to_string(),
        state: state.into(),
        close_time: period.closed_at.map(to_timestamp),
        closed_by_id: optional_text(period.closed_by),
        create_time: Some(to_timestamp(period.created_at)),
        update_time: Some(to_timestamp(period.updated_at)),
    }
}

pub fn bells(bells: &BellSchedule) -> anyhow::Result<pb::BellSchedule> {
    let slots = BellSlots::from_column(&bells.slots)?;
    Ok(pb::BellSchedule {
        id: bells.id.to_string(),
        school_id: bells.school_id.to_string(),
        name: bells.name.clone(),
        slots: slots
            .slots()
            .iter()
            .map(|slot| pb::BellSlot {
                lesson_number: slot.lesson_number,
                start_time: format_time(slot.start),
                end_time: format_time(slot.end),
            })
            .collect(),
        is_default: bells.is_default,
        create_time: Some(to_timestamp(bells.created_at)),
        update_time: Some(to_timestamp(bells.updated_at)),
    })
}

pub fn holiday_kind(kind: HolidayKind) -> pb::HolidayKind {
    match kind {
        HolidayKind::PublicHoliday => pb::HolidayKind::PublicHoliday,
        HolidayKind::Vacation => pb::HolidayKind::Vacation,
        HolidayKind::NoLessons => pb::HolidayKind::NoLessons,
    }
}

pub fn holiday_kind_from(kind: pb::HolidayKind) -> Option<HolidayKind> {
    HolidayKind::ALL
        .iter()
        .copied()
        .find(|known| holiday_kind(*known) == kind)
}

pub fn holiday(holiday: &Holiday) -> pb::Holiday {
    pb::Holiday {
        id: holiday.id.to_string(),
        school_id: holiday.school_id.to_string(),
        academic_year_id: holiday.academic_year_id.to_string(),
        kind: HolidayKind::parse(&holiday.kind)
            .map_or(pb::HolidayKind::Unspecified, holiday_kind)
            .into(),
        name: holiday.name.clone(),
        start_date: holiday.start_date.to_string(),
        end_date: holiday.end_date.to_string(),
        grade_levels: GradeLevels::from_column(&holiday.grade_levels)
            .levels()
            .to_vec(),
        create_time: Some(to_timestamp(holiday.created_at)),
        update_time: Some(to_timestamp(holiday.updated_at)),
    }
}

pub fn periodicity(periodicity: Periodicity) -> pb::WeekPeriodicity {
    match periodicity {
        Periodicity::EveryWeek => pb::WeekPeriodicity::EveryWeek,
        Periodicity::OddWeeks => pb::WeekPeriodicity::OddWeeks,
        Periodicity::EvenWeeks => pb::WeekPeriodicity::EvenWeeks,
    }
}

pub fn periodicity_from(periodicity: pb::WeekPeriodicity) -> Option<Periodicity> {
    Periodicity::ALL
        .iter()
        .copied()
        .find(|known| self::periodicity(*known) == periodicity)
}

pub fn entry(entry: &TimetableEntry) -> pb::TimetableEntry {
    pb::TimetableEntry {
        id: entry.id.to_string(),
        school_id: entry.school_id.to_string(),
        academic_year_id: entry.academic_year_id.to_string(),
        class_id: entry.class_id.to_string(),
        group_id: optional_text(entry.group_id),
        weekday: entry.weekday,
        lesson_number: entry.lesson_number,
        subject_id: entry.subject_id.to_string(),
        teacher_id: entry.teacher_id.to_string(),
        room: entry.room.clone(),
        periodicity: entry
            .periodicity()
            .map_or(pb::WeekPeriodicity::Unspecified, periodicity)
            .into(),
        start_date: entry.start_date.map(|d| d.to_string()).unwrap_or_default(),
        end_date: entry.end_date.map(|d| d.to_string()).unwrap_or_default(),
        bell_schedule_id: optional_text(entry.bell_schedule_id),
        create_time: Some(to_timestamp(entry.created_at)),
        update_time: Some(to_timestamp(entry.updated_at)),
    }
}

pub fn lesson(lesson: &Lesson) -> pb::Lesson {
    let origin = match Origin::parse(&lesson.origin) {
        Some(Origin::Timetable) => pb::LessonOrigin::Timetable,
        Some(Origin::Manual) => pb::LessonOrigin::Manual,
        None => pb::LessonOrigin::Unspecified,
    };
    let status = if lesson.cancelled {
        pb::LessonStatus::Cancelled
    } else {
        pb::LessonStatus::Scheduled
    };
    pb::Lesson {
        id: lesson.id.to_string(),
        school_id: lesson.school_id.to_string(),
        academic_year_id: lesson.academic_year_id.to_string(),
        timetable_entry_id: optional_text(lesson.timetable_entry_id),
        origin: origin.into(),
        class_id: lesson.class_id.to_string(),
        group_id: optional_text(lesson.group_id),
        subject_id: lesson.subject_id.to_string(),
        date: lesson.date.to_string(),
        lesson_number: lesson.lesson_number,
        start_time: lesson.start_time.clone(),
        end_time: lesson.end_time.clone(),
        starts_at: Some(to_timestamp(lesson.starts_at)),
        ends_at: Some(to_timestamp(lesson.ends_at)),
        teacher_id: lesson.teacher_id.to_string(),
        substitute_teacher_id: optional_text(lesson.substitute_teacher_id),
        substitution_reason: lesson.substitution_reason.clone(),
        planned_room: lesson.planned_room.clone(),
        room: lesson.room().to_owned(),
        topic: lesson.topic.clone(),
        status: status.into(),
        cancel_reason: lesson.cancel_reason.clone(),
        has_marks: lesson.has_marks,
        has_attendance: lesson.has_attendance,
        has_homework: lesson.has_homework,
        orphaned: lesson.orphaned,
        create_time: Some(to_timestamp(lesson.created_at)),
        update_time: Some(to_timestamp(lesson.updated_at)),
    }
}

pub fn attachment(file: &Attachment) -> pb::Attachment {
    pb::Attachment {
        id: file.id.to_string(),
        school_id: file.school_id.to_string(),
        file_name: file.file_name.clone(),
        content_type: file.content_type.clone(),
        size_bytes: file.size_bytes,
        sha256: file.sha256.clone(),
        uploaded_by_id: file.uploaded_by.to_string(),
        create_time: Some(to_timestamp(file.created_at)),
    }
}

/// A homework with its files (those of `files` that are its own).
pub fn homework(homework: &Homework, files: &[Attachment]) -> pb::Homework {
    let own: Vec<&Attachment> = files
        .iter()
        .filter(|file| file.homework_id == Some(homework.id))
        .collect();
    pb::Homework {
        id: homework.id.to_string(),
        school_id: homework.school_id.to_string(),
        lesson_id: homework.lesson_id.to_string(),
        due_lesson_id: homework.due_lesson_id.to_string(),
        due_date: homework.due_date.to_string(),
        class_id: homework.class_id.to_string(),
        group_id: optional_text(homework.group_id),
        subject_id: homework.subject_id.to_string(),
        text: homework.text.clone(),
        attachment_ids: own.iter().map(|file| file.id.to_string()).collect(),
        attachments: own.into_iter().map(attachment).collect(),
        submission_required: homework.submission_required,
        author_id: homework.author_id.to_string(),
        create_time: Some(to_timestamp(homework.created_at)),
        update_time: Some(to_timestamp(homework.updated_at)),
    }
}

pub fn submission_status(status: Option<SubmissionStatus>) -> pb::SubmissionStatus {
    match status {
        Some(SubmissionStatus::Submitted) => pb::SubmissionStatus::Submitted,
        Some(SubmissionStatus::Returned) => pb::SubmissionStatus::Returned,
        Some(SubmissionStatus::Marked) => pb::SubmissionStatus::Marked,
        None => pb::SubmissionStatus::Unspecified,
    }
}

/// A submission with its files (those of `files` that are its own).
pub fn submission(submission: &Submission, files: &[Attachment]) -> pb::Submission {
    let own: Vec<&Attachment> = files
        .iter()
        .filter(|file| file.submission_id == Some(submission.id))
        .collect();
    pb::Submission {
        id: submission.id.to_string(),
        school_id: submission.school_id.to_string(),
        homework_id: submission.homework_id.to_string(),
        student_id: submission.student_id.to_string(),
        text: submission.text.clone(),
        attachment_ids: own.iter().map(|file| file.id.to_string()).collect(),
        attachments: own.into_iter().map(attachment).collect(),
        status: submission_status(submission.status()).into(),
        submit_time: Some(to_timestamp(submission.submitted_at)),
        late: submission.late,
        teacher_comment: submission.teacher_comment.clone(),
        mark_id: optional_text(submission.mark_id),
        reviewed_by_id: optional_text(submission.reviewed_by),
        review_time: submission.reviewed_at.map(to_timestamp),
        create_time: Some(to_timestamp(submission.created_at)),
        update_time: Some(to_timestamp(submission.updated_at)),
    }
}
