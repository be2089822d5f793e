//! Notifications of what the schedule says about a class, over real gRPC:
//! new homework reaches the class's students and guardians once; a lesson
//! of today or tomorrow cancelled or given a substitute is told at once,
//! one further ahead is held for the evening before; nobody outside the
//! class hears of it.

use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use otmetka_integration_tests::school::{EnglishClass, with_token};
use otmetka_integration_tests::{SANDBOX_TODAY, Sandbox};
use otmetka_platform::db::Db;
use otmetka_platform::with_db;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use tonic::transport::Channel;

/// How long news may take to be told; it takes well under a second.
const PATIENCE: Duration = Duration::from_secs(30);

struct Reader {
    messaging: MessagingServiceClient<Channel>,
    id: String,
    token: String,
}

impl Reader {
    /// The notifications of the schedule, newest first.
    async fn schedule_news(&self) -> Vec<pb::Notification> {
        let request = pb::ListNotificationsRequest {
            person_id: self.id.clone(),
            kinds: vec![
                pb::NotificationKind::NewHomework.into(),
                pb::NotificationKind::LessonChange.into(),
            ],
            page_size: 100,
            ..Default::default()
        };
        self.messaging
            .clone()
            .list_notifications(with_token(&self.token, request))
            .await
            .expect("one's own notifications")
            .into_inner()
            .notifications
    }

    /// The notification about `resource_id`, once it is there.
    async fn told_of(&self, resource_id: &str) -> pb::Notification {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self.schedule_news().await;
            let about: Vec<_> = found
                .into_iter()
                .filter(|notification| notification.resource_id == resource_id)
                .collect();
            match about.len() {
                0 => {}
                1 => return about.into_iter().next().unwrap(),
                more => panic!("{more} notifications of {resource_id}"),
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never told of {resource_id}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn lesson_on(class: &EnglishClass, day: NaiveDate) -> schedule::Lesson {
    class
        .term
        .lessons
        .iter()
        .find(|lesson| lesson.date == day.to_string())
        .unwrap_or_else(|| panic!("a lesson on {day}"))
        .clone()
}

async fn set_homework(
    class: &EnglishClass,
    on: &schedule::Lesson,
    due: &schedule::Lesson,
    text: &str,
) -> String {
    class
        .builder
        .schedule
        .clone()
        .create_homework(with_token(
            &class.teacher_token,
            schedule::CreateHomeworkRequest {
                homework: Some(schedule::Homework {
                    school_id: class.builder.school_id.clone(),
                    lesson_id: on.id.clone(),
                    due_lesson_id: due.id.clone(),
                    text: text.into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .expect("homework")
        .into_inner()
        .homework
        .expect("homework")
        .id
}

async fn cancel(class: &EnglishClass, lesson: &schedule::Lesson) {
    class
        .builder
        .schedule
        .clone()
        .cancel_lesson(with_token(
            &class.manager,
            schedule::CancelLessonRequest {
                school_id: class.builder.school_id.clone(),
                lesson_id: lesson.id.clone(),
                reason: "Учитель на курсах".into(),
            },
        ))
        .await
        .expect("cancelled");
}

#[tokio::test]
async fn homework_and_changes_of_lessons_reach_the_class_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut class = EnglishClass::new(&sandbox, "Школа расписания", "timetable")
        .await
        .expect("a class");
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let child = class.students[0].clone();
    let mother = class.builder.guardian_of(&child, "Алексеева").await;
    // A student of another class of the school hears nothing of this one.
    let other_teacher = class
        .builder
        .staff("Другой", identity::StaffRole::Teacher)
        .await;
    let other_class = class.builder.class(6, "Б", &other_teacher).await;
    let outsider = class.builder.student_in(&other_class, "Чужов").await;
    let mut reader = async |id: &String, login: &str| Reader {
        messaging: messaging.clone(),
        token: class.builder.token_of(id, login).await,
        id: id.clone(),
    };
    let mother = reader(&mother, "timetable-mother").await;
    let student = reader(&child, "timetable-student").await;
    let outsider = reader(&outsider, "timetable-outsider").await;

    let today = lesson_on(&class, SANDBOX_TODAY);
    let tomorrow = lesson_on(&class, SANDBOX_TODAY + Days::new(1));
    let next_week = lesson_on(&class, SANDBOX_TODAY + Days::new(7));

    let homework = set_homework(
        &class,
        &today,
        &tomorrow,
        "Упражнение 5 на странице 42.\nВыучить слова.",
    )
    .await;
    for family in [&mother, &student] {
        let told = family.told_of(&homework).await;
        assert_eq!(told.kind(), pb::NotificationKind::NewHomework);
        assert_eq!(told.title, "Домашнее задание — Английский язык");
        assert_eq!(told.body, "К 3 декабря: Упражнение 5 на странице 42.");
    }
    assert_eq!(mother.told_of(&homework).await.student_id, child);

    // Tomorrow's lesson cancelled: told now. Next week's: not yet.
    cancel(&class, &next_week).await;
    cancel(&class, &tomorrow).await;
    let told = mother.told_of(&tomorrow.id).await;
    assert_eq!(told.kind(), pb::NotificationKind::LessonChange);
    assert_eq!(told.title, "Урок отменён — Английский язык");
    assert_eq!(told.body, "3 декабря, 1-й урок");
    // A substitute for today's lesson.
    let substitute = class
        .builder
        .staff("Заменова", identity::StaffRole::Teacher)
        .await;
    class
        .builder
        .schedule
        .clone()
        .substitute_lesson_teacher(with_token(
            &class.manager,
            schedule::SubstituteLessonTeacherRequest {
                school_id: class.builder.school_id.clone(),
                lesson_id: today.id.clone(),
                substitute_teacher_id: substitute,
                reason: String::new(),
            },
        ))
        .await
        .expect("a substitute");
    let told = student.told_of(&today.id).await;
    assert_eq!(told.title, "Замена учителя — Английский язык");

    // News kept after next week's cancellation has been told by now, so
    // next week's was held, not lost in transit.
    let friday = lesson_on(&class, SANDBOX_TODAY + Days::new(2));
    let marker = set_homework(&class, &today, &friday, "Повторить правила.").await;
    mother.told_of(&marker).await;
    let heard: Vec<String> = mother
        .schedule_news()
        .await
        .into_iter()
        .map(|notification| notification.resource_id)
        .collect();
    assert!(!heard.contains(&next_week.id), "{heard:?}");
    assert_eq!(heard.len(), 4, "{heard:?}");
    assert!(outsider.schedule_news().await.is_empty());
    // It waits for 17:00 in Moscow of the day before.
    let db = Db::open(
        &sandbox.suite_storage().database("messaging"),
        otmetka_messaging::MIGRATIONS,
    )
    .await
    .unwrap();
    let held: Vec<(String, Option<DateTime<Utc>>)> = with_db!(&db, pool => sqlx::query_as(
        "SELECT source_event_id, due_at FROM pending_class_news")
        .fetch_all(pool).await.unwrap());
    let evening_before = "2026-12-08T14:00:00Z".parse::<DateTime<Utc>>().unwrap();
    assert_eq!(
        held,
        [(
            format!("lesson/{}/cancelled", next_week.id),
            Some(evening_before)
        )]
    );
    db.close().await;
}
