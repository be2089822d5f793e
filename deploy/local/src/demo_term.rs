//! The full demo school's calendar and journal: the academic year with its
//! quarters and vacations, bells, a clash-free timetable for two classes
//! (English in two groups, computer science and technology alternating by
//! week parity), the year's lessons, and the last four weeks of topics,
//! homework, marks and attendance — all through the same gRPC calls a deputy
//! head and the teachers would make.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::grpc::context::outgoing;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tokio::task::JoinSet;
use tonic::transport::Channel;

/// Subjects of the fifth grade and who teaches each (indices into the
/// school's teachers). English has one teacher per group.
pub const SUBJECTS: [(&str, &[usize]); 12] = [
    ("Математика", &[0]),
    ("Русский язык", &[1]),
    ("Литература", &[1]),
    ("Английский язык", &[2, 3]),
    ("История", &[4]),
    ("Биология", &[5]),
    ("География", &[5]),
    ("Физическая культура", &[6]),
    ("Музыка", &[7]),
    ("Изобразительное искусство", &[7]),
    ("Технология", &[8]),
    ("Информатика", &[8]),
];
const MATHS: usize = 0;
const RUSSIAN: usize = 1;
const LITERATURE: usize = 2;
const ENGLISH: usize = 3;
const HISTORY: usize = 4;
const BIOLOGY: usize = 5;
const GEOGRAPHY: usize = 6;
const PE: usize = 7;
const MUSIC: usize = 8;
const ART: usize = 9;
const TECHNOLOGY: usize = 10;
const COMPUTING: usize = 11;

/// A slot of the week: the subject, and on odd weeks another one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    subject: usize,
    odd_weeks: Option<usize>,
}

const fn every(subject: usize) -> Slot {
    Slot {
        subject,
        odd_weeks: None,
    }
}

/// 5А's week, Monday to Friday; 5Б takes the same lessons in an order that
/// keeps every teacher in one room at a time.
const WEEK: [&[Slot]; 5] = [
    &[
        every(RUSSIAN),
        every(MATHS),
        every(ENGLISH),
        every(HISTORY),
        every(PE),
        every(LITERATURE),
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(BIOLOGY),
        every(ENGLISH),
        every(MUSIC),
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(LITERATURE),
        every(GEOGRAPHY),
        every(PE),
        every(ART),
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(ENGLISH),
        every(HISTORY),
        Slot {
            subject: TECHNOLOGY,
            odd_weeks: Some(COMPUTING),
        },
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(LITERATURE),
        every(TECHNOLOGY),
        every(PE),
    ],
];

const BELLS: [(&str, &str); 6] = [
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
];

fn teachers_of(slot: Slot) -> Vec<usize> {
    let mut teachers = SUBJECTS[slot.subject].1.to_vec();
    if let Some(odd) = slot.odd_weeks {
        teachers.extend_from_slice(SUBJECTS[odd].1);
    }
    teachers
}

/// An order of `day` in which no teacher has a lesson at the same number
/// as in `taken` (the other class's day), found by backtracking.
fn clash_free_order(day: &[Slot], taken: &[Slot]) -> Option<Vec<Slot>> {
    fn place(left: &mut Vec<Slot>, order: &mut Vec<Slot>, taken: &[Slot]) -> bool {
        if left.is_empty() {
            return true;
        }
        let busy: Vec<usize> = taken
            .get(order.len())
            .map(|s| teachers_of(*s))
            .unwrap_or_default();
        for index in 0..left.len() {
            let slot = left[index];
            if teachers_of(slot).iter().any(|t| busy.contains(t)) {
                continue;
            }
            left.remove(index);
            order.push(slot);
            if place(left, order, taken) {
                return true;
            }
            order.pop();
            left.insert(index, slot);
        }
        false
    }
    // Rotated by one first, so that the two classes' days differ visibly.
    let mut left: Vec<Slot> = day
        .iter()
        .cycle()
        .skip(1)
        .take(day.len())
        .copied()
        .collect();
    let mut order = Vec::new();
    place(&mut left, &mut order, taken).then_some(order)
}

/// The two classes' weeks: 5А's as written, 5Б's reordered.
fn weeks() -> [Vec<Vec<Slot>>; 2] {
    let first: Vec<Vec<Slot>> = WEEK.iter().map(|day| day.to_vec()).collect();
    let second = first
        .iter()
        .map(|day| clash_free_order(day, day).expect("a clash-free order exists"))
        .collect();
    [first, second]
}

/// A span of days, both ends included.
type Span = (NaiveDate, NaiveDate);

/// The quarters of a grade-5 year starting on 1 September of `year`, and the
/// vacations between them.
fn quarters(year: i32) -> ([Span; 4], [(&'static str, NaiveDate, NaiveDate); 3]) {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    (
        [
            (date(year, 9, 1), date(year, 10, 24)),
            (date(year, 11, 3), date(year, 12, 27)),
            (date(year + 1, 1, 12), date(year + 1, 3, 21)),
            (date(year + 1, 3, 30), date(year + 1, 5, 26)),
        ],
        [
            ("Осенние каникулы", date(year, 10, 25), date(year, 11, 2)),
            ("Зимние каникулы", date(year, 12, 28), date(year + 1, 1, 11)),
            (
                "Весенние каникулы",
                date(year + 1, 3, 22),
                date(year + 1, 3, 29),
            ),
        ],
    )
}

const NUMERALS: [&str; 4] = ["I", "II", "III", "IV"];
const TOPICS: [&str; 8] = [
    "Повторение пройденного",
    "Новая тема: объяснение",
    "Практическая работа",
    "Решение задач",
    "Самостоятельная работа",
    "Работа с текстом",
    "Контрольная работа",
    "Разбор ошибок",
];
const VALUES: [&str; 10] = ["5", "4", "5", "3", "4", "5", "4-", "2", "5", "4+"];
const COMMENTS: [&str; 4] = [
    "",
    "Отличный ответ у доски",
    "",
    "Не выполнил часть задания",
];
const HOMEWORK: [&str; 5] = [
    "Упражнения 1–5 на с. 42",
    "Выучить правило, ответить на вопросы в конце параграфа",
    "Подготовить краткий пересказ",
    "Решить задачи № 118, 121",
    "Повторить пройденное к самостоятельной работе",
];

/// `message` from the deputy head.
fn as_deputy<T>(demo: &DemoClasses<'_>, message: T) -> anyhow::Result<tonic::Request<T>> {
    Ok(outgoing(message, &demo.deputy, None)?)
}

/// What the demo term needs to know of the school.
pub struct DemoClasses<'a> {
    pub school_id: &'a str,
    pub grade_level: i32,
    /// (class id, English group ids in teacher order, students by group).
    pub classes: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
    pub subject_ids: &'a [String],
    pub teacher_ids: &'a [String],
    /// The teachers' tokens, as `teacher_ids`.
    pub teacher_tokens: &'a [BearerToken],
    /// The deputy head's token.
    pub deputy: BearerToken,
}

pub struct Services {
    pub schedule: ScheduleServiceClient<Channel>,
    pub gradebook: GradebookServiceClient<Channel>,
}

/// Builds the calendar and timetable, generates the year's lessons and
/// fills the last four weeks of the journal; returns the marks posted.
pub async fn seed_term(
    services: &Services,
    demo: &DemoClasses<'_>,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut schedule = services.schedule.clone();
    let year_start = otmetka_platform::time::academic_year_start(today);
    let (terms, vacations) = quarters(year_start.year());
    let year_id = schedule
        .create_academic_year(as_deputy(
            demo,
            schedule::CreateAcademicYearRequest {
                academic_year: Some(schedule::AcademicYear {
                    school_id: demo.school_id.into(),
                    name: format!("{}/{}", year_start.year(), year_start.year() + 1),
                    start_date: year_start.to_string(),
                    end_date: terms[3].1.to_string(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        )?)
        .await?
        .into_inner()
        .academic_year
        .context("a year")?
        .id;
    let mut periods = Vec::new();
    for (number, (start, end)) in terms.iter().enumerate() {
        let period = schedule
            .create_reporting_period(as_deputy(
                demo,
                schedule::CreateReportingPeriodRequest {
                    reporting_period: Some(schedule::ReportingPeriod {
                        school_id: demo.school_id.into(),
                        academic_year_id: year_id.clone(),
                        kind: schedule::ReportingPeriodKind::Quarter.into(),
                        number: number as i32 + 1,
                        name: format!("{} четверть", NUMERALS[number]),
                        grade_levels: vec![demo.grade_level],
                        start_date: start.to_string(),
                        end_date: end.to_string(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            )?)
            .await?
            .into_inner()
            .reporting_period
            .context("a period")?;
        periods.push(period);
    }
    for (name, start, end) in vacations {
        schedule
            .create_holiday(as_deputy(
                demo,
                schedule::CreateHolidayRequest {
                    holiday: Some(schedule::Holiday {
                        school_id: demo.school_id.into(),
                        academic_year_id: year_id.clone(),
                        kind: schedule::HolidayKind::Vacation.into(),
                        name: name.into(),
                        start_date: start.to_string(),
                        end_date: end.to_string(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
            )?)
            .await?;
    }
    schedule
        .create_bell_schedule(as_deputy(
            demo,
            schedule::CreateBellScheduleRequest {
                bell_schedule: Some(schedule::BellSchedule {
                    school_id: demo.school_id.into(),
                    name: "Основное расписание звонков".into(),
                    slots: BELLS
                        .iter()
                        .enumerate()
                        .map(|(index, (start, end))| schedule::BellSlot {
                            lesson_number: index as i32 + 1,
                            start_time: (*start).into(),
                            end_time: (*end).into(),
                        })
                        .collect(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        )?)
        .await?;

    let weekdays = [
        schedule::Weekday::Monday,
        schedule::Weekday::Tuesday,
        schedule::Weekday::Wednesday,
        schedule::Weekday::Thursday,
        schedule::Weekday::Friday,
    ];
    for ((class_id, groups, _), week) in demo.classes.iter().zip(weeks()) {
        for (weekday, day) in weekdays.iter().zip(&week) {
            for (index, slot) in day.iter().enumerate() {
                let parities = match slot.odd_weeks {
                    None => vec![(slot.subject, schedule::WeekPeriodicity::EveryWeek)],
                    Some(odd) => vec![
                        (slot.subject, schedule::WeekPeriodicity::EvenWeeks),
                        (odd, schedule::WeekPeriodicity::OddWeeks),
                    ],
                };
                for (subject, periodicity) in parities {
                    let teachers = SUBJECTS[subject].1;
                    let audiences: Vec<(String, usize)> = if teachers.len() > 1 {
                        groups
                            .iter()
                            .cloned()
                            .zip(teachers.iter().copied())
                            .collect()
                    } else {
                        vec![(String::new(), teachers[0])]
                    };
                    for (group_id, teacher) in audiences {
                        schedule
                            .create_timetable_entry(as_deputy(
                                demo,
                                schedule::CreateTimetableEntryRequest {
                                    timetable_entry: Some(schedule::TimetableEntry {
                                        school_id: demo.school_id.into(),
                                        academic_year_id: year_id.clone(),
                                        class_id: class_id.clone(),
                                        group_id,
                                        weekday: (*weekday).into(),
                                        lesson_number: index as i32 + 1,
                                        subject_id: demo.subject_ids[subject].clone(),
                                        teacher_id: demo.teacher_ids[teacher].clone(),
                                        room: format!("{}", 200 + teacher * 2 + 1),
                                        periodicity: periodicity.into(),
                                        ..Default::default()
                                    }),
                                    request_id: String::new(),
                                },
                            )?)
                            .await
                            .with_context(|| {
                                format!("timetable: {weekday:?} lesson {}", index + 1)
                            })?;
                    }
                }
            }
        }
    }
    schedule
        .generate_lessons(as_deputy(
            demo,
            schedule::GenerateLessonsRequest {
                school_id: demo.school_id.into(),
                academic_year_id: year_id.clone(),
                from_date: year_start.to_string(),
                to_date: terms[3].1.to_string(),
                ..Default::default()
            },
        )?)
        .await?;

    // The journal shows the last four weeks of lessons up to today, or up
    // to the year's last lesson in the summer. Teachers write it within a
    // window opened wide enough for that, then the school's usual month.
    let journal_until = today.min(terms[3].1);
    let journal_from = journal_until - Days::new(JOURNAL_DAYS);
    let window_for_seeding = (today - journal_from).num_days() as i32 + 1;
    set_edit_window(services, demo, window_for_seeding.max(EDIT_WINDOW_DAYS)).await?;
    let marks = fill_journal(services, demo, journal_from, journal_until).await?;
    set_edit_window(services, demo, EDIT_WINDOW_DAYS).await?;
    // Quarters that are over are closed, as the deputy head does.
    for period in periods.iter().filter(|p| p.end_date < today.to_string()) {
        schedule
            .close_reporting_period(as_deputy(
                demo,
                schedule::CloseReportingPeriodRequest {
                    school_id: demo.school_id.into(),
                    id: period.id.clone(),
                },
            )?)
            .await?;
    }
    Ok(marks)
}

/// Days of lessons the demo journal holds.
const JOURNAL_DAYS: u64 = 28;
/// How many days back teachers of the demo school may change the journal.
const EDIT_WINDOW_DAYS: i32 = 30;

async fn set_edit_window(
    services: &Services,
    demo: &DemoClasses<'_>,
    days: i32,
) -> anyhow::Result<()> {
    services
        .gradebook
        .clone()
        .update_journal_settings(as_deputy(
            demo,
            gradebook::UpdateJournalSettingsRequest {
                settings: Some(gradebook::JournalSettings {
                    school_id: demo.school_id.into(),
                    edit_window_days: days,
                    vendors_override_teachers: false,
                }),
            },
        )?)
        .await?;
    Ok(())
}

/// Topics, homework, marks and attendance of every lesson from `from` to
/// `until`, each written by the lesson's teacher, several at a time. Every
/// other lesson sets homework due on the next lesson of the same subject for
/// the same pupils.
async fn fill_journal(
    services: &Services,
    demo: &DemoClasses<'_>,
    from: NaiveDate,
    until: NaiveDate,
) -> anyhow::Result<usize> {
    let mut lessons = Vec::new();
    for (class_id, _, _) in &demo.classes {
        let mut page_token = String::new();
        loop {
            let page = services
                .schedule
                .clone()
                .list_lessons(outgoing(
                    schedule::ListLessonsRequest {
                        school_id: demo.school_id.into(),
                        from_date: from.to_string(),
                        to_date: (until + Days::new(14)).to_string(),
                        class_id: class_id.clone(),
                        page_size: 500,
                        page_token,
                        ..Default::default()
                    },
                    &demo.deputy,
                    None,
                )?)
                .await?
                .into_inner();
            lessons.extend(page.lessons);
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
    }
    let token_of: HashMap<&str, &BearerToken> = demo
        .teacher_ids
        .iter()
        .map(String::as_str)
        .zip(demo.teacher_tokens)
        .collect();
    lessons.sort_by(|a, b| (&a.date, a.lesson_number).cmp(&(&b.date, b.lesson_number)));
    let next_of = |lesson: &schedule::Lesson, after: usize| {
        lessons[after + 1..]
            .iter()
            .find(|next| {
                (&next.class_id, &next.group_id, &next.subject_id)
                    == (&lesson.class_id, &lesson.group_id, &lesson.subject_id)
            })
            .map(|next| next.id.clone())
    };
    let past: Vec<(schedule::Lesson, Option<String>)> = lessons
        .iter()
        .enumerate()
        .filter(|(_, lesson)| lesson.date <= until.to_string())
        .map(|(position, lesson)| (lesson.clone(), next_of(lesson, position)))
        .collect();
    let mut tasks = JoinSet::new();
    let mut posted = 0;
    for (index, (lesson, next)) in past.into_iter().enumerate() {
        let homework_due_on = next.filter(|_| index.is_multiple_of(2));
        let students = audience(demo, &lesson);
        let token = (*token_of
            .get(lesson.teacher_id.as_str())
            .context("every lesson has a demo teacher")?)
        .clone();
        let (schedule, gradebook, school_id) = (
            services.schedule.clone(),
            services.gradebook.clone(),
            demo.school_id.to_owned(),
        );
        let work = LessonWork {
            lesson,
            homework_due_on,
            students,
            index,
        };
        tasks.spawn(fill_lesson(schedule, gradebook, school_id, token, work));
        // A few lessons at a time: enough to overlap the calls, not a flood.
        if tasks.len() >= 8
            && let Some(done) = tasks.join_next().await
        {
            posted += done??;
        }
    }
    while let Some(done) = tasks.join_next().await {
        posted += done??;
    }
    Ok(posted)
}

/// The students a lesson is for: its class, or its English group.
fn audience(demo: &DemoClasses<'_>, lesson: &schedule::Lesson) -> Vec<String> {
    let Some((_, groups, members)) = demo
        .classes
        .iter()
        .find(|(id, _, _)| *id == lesson.class_id)
    else {
        return Vec::new();
    };
    match groups.iter().position(|group| *group == lesson.group_id) {
        Some(index) => members[index].clone(),
        None => members.concat(),
    }
}

/// What to write in one lesson.
struct LessonWork {
    lesson: schedule::Lesson,
    /// The lesson its homework is due on, when it sets some.
    homework_due_on: Option<String>,
    students: Vec<String>,
    index: usize,
}

async fn fill_lesson(
    mut schedule: ScheduleServiceClient<Channel>,
    mut gradebook: GradebookServiceClient<Channel>,
    school_id: String,
    teacher: BearerToken,
    work: LessonWork,
) -> anyhow::Result<usize> {
    let LessonWork {
        lesson,
        homework_due_on,
        students,
        index,
    } = work;
    schedule
        .set_lesson_topic(outgoing(
            schedule::SetLessonTopicRequest {
                school_id: school_id.clone(),
                lesson_id: lesson.id.clone(),
                topic: TOPICS[index % TOPICS.len()].into(),
            },
            &teacher,
            None,
        )?)
        .await?;
    if let Some(due_lesson_id) = homework_due_on {
        schedule
            .create_homework(outgoing(
                schedule::CreateHomeworkRequest {
                    homework: Some(schedule::Homework {
                        school_id,
                        lesson_id: lesson.id.clone(),
                        due_lesson_id,
                        text: HOMEWORK[index % HOMEWORK.len()].into(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                },
                &teacher,
                None,
            )?)
            .await?;
    }
    let mut posted = 0;
    for (position, student_id) in students.iter().enumerate() {
        let turn = index * 7 + position * 3;
        if (index + position).is_multiple_of(17) {
            let kind = if position % 2 == 0 {
                gradebook::AttendanceKind::Ill
            } else {
                gradebook::AttendanceKind::Absent
            };
            gradebook
                .set_attendance(outgoing(
                    gradebook::SetAttendanceRequest {
                        record: Some(gradebook::AttendanceRecord {
                            student_id: student_id.clone(),
                            lesson_id: lesson.id.clone(),
                            subject_id: lesson.subject_id.clone(),
                            lesson_date: lesson.date.clone(),
                            kind: kind.into(),
                            ..Default::default()
                        }),
                    },
                    &teacher,
                    None,
                )?)
                .await?;
            continue;
        }
        if !turn.is_multiple_of(6) {
            continue;
        }
        gradebook
            .create_mark(outgoing(
                gradebook::CreateMarkRequest {
                    student_id: student_id.clone(),
                    subject_id: lesson.subject_id.clone(),
                    lesson_date: lesson.date.clone(),
                    lesson_id: lesson.id.clone(),
                    value: VALUES[turn % VALUES.len()].into(),
                    weight: if index % 9 == 6 { 2 } else { 1 },
                    comment: COMMENTS[turn % COMMENTS.len()].into(),
                    request_id: format!("demo-{}-{student_id}", lesson.id),
                    ..Default::default()
                },
                &teacher,
                None,
            )?)
            .await?;
        posted += 1;
    }
    Ok(posted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_classes_never_share_a_teacher_at_the_same_time() {
        let [first, second] = weeks();
        for (a, b) in first.iter().zip(&second) {
            let mut sorted_a: Vec<usize> = a.iter().map(|s| s.subject).collect();
            let mut sorted_b: Vec<usize> = b.iter().map(|s| s.subject).collect();
            sorted_a.sort_unstable();
            sorted_b.sort_unstable();
            assert_eq!(sorted_a, sorted_b, "the same lessons, in another order");
            for (x, y) in a.iter().zip(b) {
                assert!(
                    !teachers_of(*x).iter().any(|t| teachers_of(*y).contains(t)),
                    "{x:?} and {y:?} share a teacher"
                );
            }
        }
        let lessons: usize = first.iter().map(Vec::len).sum();
        assert_eq!(lessons, 27);
    }

    #[test]
    fn quarters_and_vacations_follow_each_other() {
        let (terms, vacations) = quarters(2026);
        for (index, (_, start, end)) in vacations.iter().enumerate() {
            assert_eq!(*start, terms[index].1 + Days::new(1));
            assert_eq!(*end + Days::new(1), terms[index + 1].0);
        }
    }
}
