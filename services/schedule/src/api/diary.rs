//! The diary week of one student: lessons, with subject and teacher names,
//! homework set and due with the student's submission state, and the
//! student's marks and attendance from gradebook.
//!
//! A week costs a fixed number of calls whatever it holds: one access
//! check, the school's directory (cached), one marks and one attendance
//! call to gradebook (with the caller's token, waited for within a bound;
//! the week is shown without them if gradebook is slow or down), the
//! school's work types (cached), and five queries.

mod record;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, GroupId, LessonId, SchoolId, StudentId};
use otmetka_platform::memo::ReadCache;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;

use record::{Record, attendance_status, diary_mark, lesson_for, read_record};

use super::access::SchoolNames;
use super::input::Input;
use super::{ScheduleApi, convert};
use crate::calendar::{DateRange, school_today, week_of};
use crate::model::{Attachment, Holiday, Homework, HomeworkId, Lesson, Submission};
use crate::store::{self, OwnerKind};

/// How long the week waits for gradebook before showing itself without
/// marks and attendance.
const GRADEBOOK_WAIT: Duration = Duration::from_millis(1500);
/// What a week shows every student of a class alike: all its lessons,
/// holidays and homework (of every group), with the homework's files.
pub struct ClassWeek {
    lessons: Vec<Lesson>,
    holidays: Vec<Holiday>,
    homework: Vec<Homework>,
    files: Vec<Attachment>,
}

/// Class weeks kept in memory, by school, class and Monday.
///
/// The 25 or so students of a class and their families all open the same
/// class week, and far more often than teachers change it, so it is kept
/// for [`CLASS_WEEK_TTL`]; every write this process serves forgets all
/// kept weeks (a read that began before it is never kept), and writes
/// through another replica show within the TTL.
pub type ClassWeeks = ReadCache<(SchoolId, ClassId, NaiveDate), Arc<ClassWeek>>;

/// How long a class week is served from memory.
const CLASS_WEEK_TTL: Duration = Duration::from_secs(2);
/// About how many class weeks one replica keeps.
const CLASS_WEEKS_KEPT: usize = 20_000;

pub fn class_weeks() -> ClassWeeks {
    ReadCache::new(CLASS_WEEK_TTL, CLASS_WEEKS_KEPT)
}

async fn class_week(
    api: &ScheduleApi,
    school_id: SchoolId,
    class_id: ClassId,
    week: DateRange,
) -> Result<Arc<ClassWeek>> {
    let key = (school_id, class_id, week.start);
    if let Some(kept) = api.class_weeks.get(&key) {
        return Ok(kept);
    }
    let ticket = api.class_weeks.ticket();
    let (lessons, holidays, homework) = tokio::try_join!(
        store::class_lessons(&api.db, school_id, class_id, week),
        store::holidays_within(&api.db, school_id, week),
        store::week_homework(&api.db, school_id, class_id, week),
    )?;
    let ids: Vec<HomeworkId> = homework.iter().map(|h| h.id).collect();
    let files = store::files_of(&api.db, school_id, OwnerKind::Homework, &ids).await?;
    let read = Arc::new(ClassWeek {
        lessons,
        holidays,
        homework,
        files,
    });
    api.class_weeks.put(key, read.clone(), ticket);
    Ok(read)
}

/// The student's homework of the week, with submission states.
struct WeekHomework<'a> {
    homework: Vec<&'a Homework>,
    files: &'a [Attachment],
    submissions: HashMap<HomeworkId, Submission>,
}

impl WeekHomework<'_> {
    fn shown(&self, homework: &Homework) -> pb::DiaryHomework {
        let status = self
            .submissions
            .get(&homework.id)
            .map(|submission| convert::submission_status(submission.status()))
            .unwrap_or(pb::SubmissionStatus::Unspecified);
        pb::DiaryHomework {
            homework_id: homework.id.to_string(),
            text: homework.text.clone(),
            attachments: self
                .files
                .iter()
                .filter(|file| file.homework_id == Some(homework.id))
                .map(convert::attachment)
                .collect(),
            set_on_lesson_id: homework.lesson_id.to_string(),
            submission_required: homework.submission_required,
            submission_status: status.into(),
        }
    }
}

async fn week_homework<'a>(
    api: &ScheduleApi,
    school_id: SchoolId,
    student_id: StudentId,
    class_week: &'a ClassWeek,
    group_ids: &[GroupId],
) -> Result<WeekHomework<'a>> {
    let homework: Vec<&Homework> = class_week
        .homework
        .iter()
        .filter(|h| h.group_id.is_none_or(|group| group_ids.contains(&group)))
        .collect();
    let ids: Vec<HomeworkId> = homework.iter().map(|h| h.id).collect();
    let submissions = store::student_submissions(&api.db, school_id, student_id, &ids).await?;
    Ok(WeekHomework {
        homework,
        files: &class_week.files,
        submissions: submissions
            .into_iter()
            .map(|submission| (submission.homework_id, submission))
            .collect(),
    })
}

fn diary_lesson(
    lesson: &Lesson,
    names: &SchoolNames,
    homework: &WeekHomework,
    record: Option<&Record>,
    matched: &HashMap<LessonId, (Vec<usize>, Option<usize>)>,
) -> pb::DiaryLesson {
    let status = if lesson.cancelled {
        pb::LessonStatus::Cancelled
    } else {
        pb::LessonStatus::Scheduled
    };
    let teacher = lesson.acting_teacher();
    let (marks, attendance) = match (record, matched.get(&lesson.id)) {
        (Some(record), Some((marks, attendance))) => (
            marks
                .iter()
                .map(|i| diary_mark(&record.marks[*i], &record.work_types))
                .collect(),
            attendance.map(|i| &record.attendance[i]),
        ),
        _ => (Vec::new(), None),
    };
    pb::DiaryLesson {
        lesson_id: lesson.id.to_string(),
        lesson_number: lesson.lesson_number,
        start_time: lesson.start_time.clone(),
        end_time: lesson.end_time.clone(),
        subject_id: lesson.subject_id.to_string(),
        subject_name: names
            .subjects
            .get(&lesson.subject_id)
            .cloned()
            .unwrap_or_default(),
        teacher_id: teacher.to_string(),
        teacher_name: names.staff.get(&teacher).cloned().unwrap_or_default(),
        substituted: lesson.substitute_teacher_id.is_some(),
        room: lesson.room().to_owned(),
        status: status.into(),
        topic: lesson.topic.clone(),
        homework_due: homework
            .homework
            .iter()
            .filter(|h| h.due_lesson_id == lesson.id)
            .map(|h| homework.shown(h))
            .collect(),
        homework_set: homework
            .homework
            .iter()
            .filter(|h| h.lesson_id == lesson.id)
            .map(|h| homework.shown(h))
            .collect(),
        marks,
        attendance: attendance
            .map_or(pb::DiaryAttendanceStatus::Unspecified, |record| {
                attendance_status(record.kind)
            })
            .into(),
        attendance_reason: attendance
            .map(|record| record.reason.clone())
            .unwrap_or_default(),
    }
}

pub async fn student_week(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::GetStudentWeekRequest,
) -> Result<pb::GetStudentWeekResponse> {
    let mut input = Input::new();
    let named_school = input.optional_id::<SchoolId>("school_id", &request.school_id);
    let student_id = input.id("student_id", &request.student_id);
    let asked_date = input.optional_date("date", &request.date);
    input.finish()?;
    // One access check finds the student's school, class and groups.
    let (school_id, place) = api
        .identity
        .student_anywhere(&ctx, student_id, asked_date)
        .await?;
    if named_school.is_some_and(|named| named != school_id) {
        return Err(Error::not_found("student"));
    }
    let date = match asked_date {
        Some(date) => date,
        None => school_today(
            &api.clock,
            api.identity.timezone(&ctx, &api.db, school_id).await?,
        ),
    };
    let week = week_of(date);

    let record = async {
        match tokio::time::timeout(GRADEBOOK_WAIT, read_record(api, &ctx, student_id, week)).await {
            Ok(Ok(record)) => Some(record),
            Ok(Err(error)) => {
                tracing::warn!(%school_id, %error, "the diary week is shown without gradebook");
                None
            }
            Err(_) => {
                tracing::warn!(%school_id, "gradebook was too slow for the diary week");
                None
            }
        }
    };
    let names = async {
        api.identity
            .directory(&ctx, school_id)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%school_id, %error, "the diary week is shown without names");
                Arc::default()
            })
    };
    let stored = class_week(api, school_id, place.class_id, week);
    let (record, names, stored) = tokio::join!(record, names, stored);
    let stored = stored?;
    let homework = week_homework(api, school_id, student_id, &stored, &place.group_ids).await?;
    let holidays = &stored.holidays;
    let lessons: Vec<&Lesson> = stored
        .lessons
        .iter()
        .filter(|lesson| {
            lesson
                .group_id
                .is_none_or(|group| place.group_ids.contains(&group))
        })
        .collect();

    // Marks and attendance, by lesson.
    let mut matched: HashMap<LessonId, (Vec<usize>, Option<usize>)> = HashMap::new();
    if let Some(record) = &record {
        for (i, mark) in record.marks.iter().enumerate() {
            if let Some(lesson) = lesson_for(
                &lessons,
                &mark.lesson_id,
                &mark.lesson_date,
                &mark.subject_id,
            ) {
                matched.entry(lesson).or_default().0.push(i);
            }
        }
        for (i, entry) in record.attendance.iter().enumerate() {
            if let Some(lesson) = lesson_for(
                &lessons,
                &entry.lesson_id,
                &entry.lesson_date,
                &entry.subject_id,
            ) {
                matched.entry(lesson).or_default().1 = Some(i);
            }
        }
    }

    let grade_level = match lessons.first() {
        Some(lesson) => Some(lesson.grade_level),
        None => api
            .identity
            .class_facts(&ctx, school_id, place.class_id, None)
            .await
            .ok()
            .map(|class| class.grade_level),
    };
    let days = (0..7)
        .map(|offset| {
            let day = week.start + Days::new(offset);
            let holiday = holidays.iter().find(|holiday| match grade_level {
                Some(level) => holiday.covers(day, level),
                None => holiday.covers(day, 0) && holiday.grade_levels.is_empty(),
            });
            pb::DiaryDay {
                date: day.to_string(),
                weekday: day.weekday().number_from_monday() as i32,
                holiday_name: holiday.map(|h| h.name.clone()).unwrap_or_default(),
                lessons: lessons
                    .iter()
                    .filter(|lesson| lesson.date == day)
                    .map(|lesson| {
                        diary_lesson(lesson, &names, &homework, record.as_ref(), &matched)
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(pb::GetStudentWeekResponse {
        student_id: student_id.to_string(),
        week_start_date: week.start.to_string(),
        week_end_date: week.end.to_string(),
        days,
        marks_unavailable: record.is_none(),
        school_id: school_id.to_string(),
    })
}
