//! The demo's journal: topics, homework, marks and attendance of every
//! lesson in its window, written by each lesson's teacher.

use super::*;

pub(super) const TOPICS: [&str; 8] = [
    "Повторение пройденного",
    "Новая тема: объяснение",
    "Практическая работа",
    "Решение задач",
    "Самостоятельная работа",
    "Работа с текстом",
    "Контрольная работа",
    "Разбор ошибок",
];
pub(super) const VALUES: [&str; 10] = ["5", "4", "5", "3", "4", "5", "4-", "2", "5", "4+"];
pub(super) const COMMENTS: [&str; 4] = [
    "",
    "Отличный ответ у доски",
    "",
    "Не выполнил часть задания",
];
pub(super) const HOMEWORK: [&str; 5] = [
    "Упражнения 1–5 на с. 42",
    "Выучить правило, ответить на вопросы в конце параграфа",
    "Подготовить краткий пересказ",
    "Решить задачи № 118, 121",
    "Повторить пройденное к самостоятельной работе",
];

/// The tasks of `HOMEWORK` handed in as written work.
const WRITTEN: [usize; 2] = [0, 3];

/// Days of lessons the demo journal holds.
pub(super) const JOURNAL_DAYS: u64 = 28;
/// How many days back teachers of the demo school may change the journal.
pub(super) const EDIT_WINDOW_DAYS: i32 = 30;

pub(super) async fn set_edit_window(
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
/// the same pupils; written work (exercises, problems) is handed in through
/// the diary.
pub(super) async fn fill_journal(
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
pub(super) fn audience(demo: &DemoClasses<'_>, lesson: &schedule::Lesson) -> Vec<String> {
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
pub(super) struct LessonWork {
    lesson: schedule::Lesson,
    /// The lesson its homework is due on, when it sets some.
    homework_due_on: Option<String>,
    students: Vec<String>,
    index: usize,
}

pub(super) async fn fill_lesson(
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
                        submission_required: WRITTEN.contains(&(index % HOMEWORK.len())),
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
        // index / 3 shifts the pattern from day to day: without it a
        // subject always taught at the same point of the day gets a mark
        // from nobody (the lessons of two classes interleave in threes).
        let turn = index * 7 + position * 3 + index / 3;
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
