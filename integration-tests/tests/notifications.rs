//! Notifications of what the journal says about a student, over real gRPC:
//! a mark posted, corrected and withdrawn, an absence and a lateness reach
//! the student and each guardian once, in the list and on the live stream,
//! and nobody else; a restart tells nothing twice; an absence waits for
//! the school's 10:00 and is forgotten if explained by then.

use std::time::Duration;

use chrono::NaiveTime;
use otmetka_integration_tests::school::{EnglishClass, with_token};
use otmetka_integration_tests::{Options, SANDBOX_TODAY, Sandbox};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use tonic::Code;
use tonic::transport::Channel;

/// How long news may take to be told before a test gives up; it is told in
/// well under a second while the suite runs.
const PATIENCE: Duration = Duration::from_secs(30);

/// A mark of `value` the teacher (`token`) gives `student` in `class`'s
/// English on `lesson`.
fn mark_request(
    token: &str,
    class: &EnglishClass,
    student: &str,
    lesson: &otmetka_proto::schedule::v1::Lesson,
    value: &str,
) -> tonic::Request<gradebook::CreateMarkRequest> {
    with_token(
        token,
        gradebook::CreateMarkRequest {
            student_id: student.into(),
            subject_id: class.english.clone(),
            lesson_id: lesson.id.clone(),
            lesson_date: lesson.date.clone(),
            value: value.into(),
            ..Default::default()
        },
    )
}

struct Family {
    messaging: MessagingServiceClient<Channel>,
    token: String,
    id: String,
}

impl Family {
    async fn list(&self) -> Result<Vec<pb::Notification>, tonic::Status> {
        self.list_as(&self.id).await
    }

    async fn list_as(&self, person_id: &str) -> Result<Vec<pb::Notification>, tonic::Status> {
        let request = pb::ListNotificationsRequest {
            person_id: person_id.into(),
            page_size: 100,
            ..Default::default()
        };
        Ok(self
            .messaging
            .clone()
            .list_notifications(with_token(&self.token, request))
            .await?
            .into_inner()
            .notifications)
    }

    async fn unread(&self) -> i32 {
        self.messaging
            .clone()
            .get_unread_counts(with_token(
                &self.token,
                pb::GetUnreadCountsRequest::default(),
            ))
            .await
            .unwrap()
            .into_inner()
            .unread_notifications
    }

    /// Marks the notifications `ids` read: how many were unread.
    async fn mark_read(&self, ids: &[&str]) -> i32 {
        let request = pb::MarkNotificationsReadRequest {
            notification_ids: ids.iter().map(|id| id.to_string()).collect(),
            ..Default::default()
        };
        self.messaging
            .clone()
            .mark_notifications_read(with_token(&self.token, request))
            .await
            .unwrap()
            .into_inner()
            .marked_count
    }

    /// The notifications once there are `count` of them, newest first.
    async fn wait_for(&self, count: usize) -> Vec<pb::Notification> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self.list().await.expect("one's own notifications");
            if found.len() >= count || tokio::time::Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test]
async fn the_journal_reaches_the_family_once_and_nobody_else() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut class = EnglishClass::new(&sandbox, "Школа уведомлений", "notify")
        .await
        .expect("a class");
    let child = class.students[0].clone();
    let mother = class.builder.guardian_of(&child, "Алексеева").await;
    let neighbour_child = class.students[1].clone();
    let neighbour = class
        .builder
        .guardian_of(&neighbour_child, "Борисова")
        .await;
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let mut person = async |id: &String, login: &str| Family {
        messaging: messaging.clone(),
        token: class.builder.token_of(id, login).await,
        id: id.clone(),
    };
    let mother = person(&mother, "notify-mother").await;
    let student = person(&child, "notify-student").await;
    let neighbour = person(&neighbour, "notify-neighbour").await;

    let mut stream = messaging
        .clone()
        .watch_notifications(with_token(
            &mother.token,
            pb::WatchNotificationsRequest::default(),
        ))
        .await
        .expect("the mother watches her notifications")
        .into_inner();

    let mut journal = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let teacher = class.teacher_token.clone();
    let lesson = class.term.lesson_on_or_before(SANDBOX_TODAY).clone();
    let mark = journal
        .create_mark(mark_request(&teacher, &class, &child, &lesson, "5"))
        .await
        .expect("a mark")
        .into_inner()
        .mark
        .unwrap();

    let told = mother.wait_for(1).await;
    assert_eq!(told.len(), 1, "{told:#?}");
    let new_mark = &told[0];
    assert_eq!(new_mark.kind(), pb::NotificationKind::NewMark);
    assert_eq!(new_mark.title, "Новая оценка 5 — Английский язык");
    assert!(
        new_mark.body.starts_with("Алексеев") && new_mark.body.contains(", урок "),
        "the body names the child and the lesson's day: {}",
        new_mark.body
    );
    assert_eq!(new_mark.student_id, child);
    assert_eq!(new_mark.resource_type, "mark");
    assert_eq!(new_mark.resource_id, mark.id);
    let streamed = tokio::time::timeout(PATIENCE, stream.message())
        .await
        .expect("the stream speaks")
        .expect("the stream holds")
        .expect("a notification");
    assert_eq!(
        streamed.notification.as_ref().map(|n| &n.id),
        Some(&new_mark.id)
    );
    assert_eq!(streamed.cursor, new_mark.id);
    assert_eq!(student.wait_for(1).await.len(), 1, "the student hears too");

    journal
        .update_mark(with_token(
            &teacher,
            gradebook::UpdateMarkRequest {
                id: mark.id.clone(),
                value: "4".into(),
                reason: "Ошибка при вводе".into(),
                ..Default::default()
            },
        ))
        .await
        .expect("a correction");
    journal
        .delete_mark(with_token(
            &teacher,
            gradebook::DeleteMarkRequest {
                id: mark.id.clone(),
                reason: "Не та работа".into(),
            },
        ))
        .await
        .expect("a withdrawal");
    for (kind, late_minutes) in [
        (gradebook::AttendanceKind::Late, 10),
        (gradebook::AttendanceKind::Excused, 0),
        (gradebook::AttendanceKind::Absent, 0),
    ] {
        journal
            .set_attendance(with_token(
                &teacher,
                gradebook::SetAttendanceRequest {
                    record: Some(gradebook::AttendanceRecord {
                        student_id: child.clone(),
                        lesson_id: lesson.id.clone(),
                        subject_id: class.english.clone(),
                        lesson_date: lesson.date.clone(),
                        kind: kind.into(),
                        late_minutes,
                        ..Default::default()
                    }),
                },
            ))
            .await
            .expect("attendance");
    }
    let titles = |told: &[pb::Notification]| -> Vec<String> {
        told.iter().rev().map(|n| n.title.clone()).collect()
    };
    let expected = [
        "Новая оценка 5 — Английский язык",
        "Оценка исправлена на 4 — Английский язык",
        "Оценка отменена — Английский язык",
        "Опоздание на 10 мин — Английский язык",
        "Пропуск урока — Английский язык",
    ];
    let told = mother.wait_for(expected.len()).await;
    assert_eq!(titles(&told), expected, "an excused absence is no news");
    assert_eq!(titles(&student.wait_for(expected.len()).await), expected);
    // A stream resumed after the first notification brings the rest.
    let mut resumed = messaging
        .clone()
        .watch_notifications(with_token(
            &mother.token,
            pb::WatchNotificationsRequest {
                cursor: new_mark.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .expect("a resumed stream")
        .into_inner();
    let mut resumed_titles = Vec::new();
    while resumed_titles.len() < expected.len() - 1 {
        let next = tokio::time::timeout(PATIENCE, resumed.message())
            .await
            .expect("the resumed stream speaks")
            .expect("the resumed stream holds")
            .expect("a notification");
        resumed_titles.push(next.notification.unwrap().title);
    }
    assert_eq!(resumed_titles, expected[1..]);
    assert_eq!(
        neighbour.list().await.unwrap(),
        [],
        "another child's guardian hears nothing"
    );
    // Each reads only their own: the same call for the mother succeeds.
    let refused = neighbour.list_as(&mother.id).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(
        mother.list_as(&mother.id).await.unwrap().len(),
        expected.len()
    );

    assert_eq!(mother.unread().await, expected.len() as i32);
    assert_eq!(mother.mark_read(&[&told[0].id]).await, 1);
    assert_eq!(mother.unread().await, expected.len() as i32 - 1);
    // Another person's read mark changes nothing of hers.
    assert_eq!(neighbour.mark_read(&[&told[1].id]).await, 0);
    assert_eq!(mother.unread().await, expected.len() as i32 - 1);

    // After a restart the feed and the notifier go on where they stood:
    // the next mark is the only new notification.
    drop(stream);
    let sandbox = sandbox.restart().await.expect("a restart");
    let mut journal = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let mother = Family {
        messaging,
        ..mother
    };
    journal
        .create_mark(mark_request(&teacher, &class, &child, &lesson, "3"))
        .await
        .expect("a mark after the restart");
    let told = mother.wait_for(expected.len() + 1).await;
    assert_eq!(
        titles(&told),
        [&expected[..], &["Новая оценка 3 — Английский язык"]].concat()
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn reading_notifications_names_what_is_wrong() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut class = EnglishClass::new(&sandbox, "Школа ошибок", "notify-bad")
        .await
        .expect("a class");
    let student = class.students[0].clone();
    let token = class.builder.token_of(&student, "notify-bad-student").await;
    let mut messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let fields = |status: tonic::Status| {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        otmetka_integration_tests::school::violated_fields(&status)
    };
    let bad_kind = messaging
        .list_notifications(with_token(
            &token,
            pb::ListNotificationsRequest {
                kinds: vec![0],
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(fields(bad_kind), ["kinds[0]"]);
    let nothing_named = messaging
        .mark_notifications_read(with_token(
            &token,
            pb::MarkNotificationsReadRequest::default(),
        ))
        .await
        .unwrap_err();
    assert_eq!(fields(nothing_named), ["notification_ids"]);
    let bad_id = messaging
        .mark_notifications_read(with_token(
            &token,
            pb::MarkNotificationsReadRequest {
                notification_ids: vec!["not-an-id".into()],
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(fields(bad_id), ["notification_ids[0]"]);
    let bad_cursor = messaging
        .watch_notifications(with_token(
            &token,
            pb::WatchNotificationsRequest {
                cursor: "later".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(fields(bad_cursor), ["cursor"]);
    let everything = messaging
        .mark_notifications_read(with_token(
            &token,
            pb::MarkNotificationsReadRequest {
                all: true,
                ..Default::default()
            },
        ))
        .await
        .expect("marking everything read is fine with nothing to mark");
    assert_eq!(everything.into_inner().marked_count, 0);
    sandbox.stop().await.unwrap();
}

/// An absence waits for 10:00 of its day in the school's time: one
/// explained before then is never told, one that is not is told once.
#[tokio::test]
async fn an_absence_not_explained_by_ten_is_told_once() {
    // 08:00 in Moscow, where the school is.
    let morning = Options {
        time_of_day: NaiveTime::from_hms_opt(5, 0, 0),
        ..Options::default()
    };
    let sandbox = Sandbox::start_with(morning.clone()).await.expect("sandbox");
    let mut class = EnglishClass::new(&sandbox, "Школа пропусков", "absence")
        .await
        .expect("a class");
    let [ill, truant] = [class.students[0].clone(), class.students[1].clone()];
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let mut family_of = async |student: &String, login: &str| {
        let guardian = class.builder.guardian_of(student, "Родитель").await;
        Family {
            messaging: messaging.clone(),
            token: class.builder.token_of(&guardian, login).await,
            id: guardian,
        }
    };
    let ill_family = family_of(&ill, "absence-ill").await;
    let truant_family = family_of(&truant, "absence-truant").await;
    let mut journal = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let teacher = class.teacher_token.clone();
    let lesson = class.term.lesson_on_or_before(SANDBOX_TODAY).clone();
    assert_eq!(
        lesson.date,
        SANDBOX_TODAY.to_string(),
        "a lesson this morning"
    );
    let record = |student: &String, kind: gradebook::AttendanceKind| {
        with_token(
            &teacher,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    student_id: student.clone(),
                    lesson_id: lesson.id.clone(),
                    subject_id: class.english.clone(),
                    lesson_date: lesson.date.clone(),
                    kind: kind.into(),
                    ..Default::default()
                }),
            },
        )
    };
    use gradebook::AttendanceKind::{Absent, Ill};
    journal.set_attendance(record(&ill, Absent)).await.unwrap();
    journal
        .set_attendance(record(&truant, Absent))
        .await
        .unwrap();
    journal.set_attendance(record(&ill, Ill)).await.unwrap();
    // A mark after them: once it is told, both absences were weighed.
    journal
        .create_mark(mark_request(&teacher, &class, &ill, &lesson, "5"))
        .await
        .unwrap();
    let told = ill_family.wait_for(1).await;
    assert_eq!(
        told.iter().map(|n| n.kind()).collect::<Vec<_>>(),
        [pb::NotificationKind::NewMark],
        "an absence explained before 10:00 is no news"
    );
    assert_eq!(
        truant_family.list().await.unwrap(),
        [],
        "before 10:00 the absence waits"
    );

    // 11:00 in Moscow: the unexplained absence is told, once.
    let late_morning = Options {
        time_of_day: NaiveTime::from_hms_opt(8, 0, 0),
        ..morning
    };
    let sandbox = sandbox.restart_with(late_morning).await.expect("a restart");
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let truant_family = Family {
        messaging: messaging.clone(),
        ..truant_family
    };
    let ill_family = Family {
        messaging,
        ..ill_family
    };
    let told = truant_family.wait_for(1).await;
    assert_eq!(told.len(), 1, "{told:#?}");
    assert_eq!(told[0].title, "Пропуск урока — Английский язык");
    assert_eq!(told[0].kind(), pb::NotificationKind::Attendance);
    assert_eq!(ill_family.list().await.unwrap().len(), 1);
    sandbox.stop().await.unwrap();
}

/// A burst of notifications larger than the hub reads at once (1,000)
/// is read through to its end: a stream opened after it still hears the
/// next one.
#[tokio::test]
async fn a_stream_hears_what_follows_a_burst_larger_than_a_page() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut class = EnglishClass::new(&sandbox, "Школа потока", "burst")
        .await
        .expect("a class");
    let students = class.students.clone();
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    // Five hear of each mark: the student and four guardians.
    let mut first_guardian = None;
    for (index, student) in students.iter().enumerate() {
        for relative in ["Мать", "Отец", "Бабушка", "Дедушка"] {
            let guardian = class.builder.guardian_of(student, relative).await;
            if first_guardian.is_none() {
                let token = class
                    .builder
                    .token_of(&guardian, &format!("burst-guardian-{index}"))
                    .await;
                first_guardian = Some(Family {
                    messaging: messaging.clone(),
                    token,
                    id: guardian,
                });
            }
        }
    }
    let guardian = first_guardian.expect("a guardian");
    let mut journal = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let teacher = class.teacher_token.clone();
    let lesson = class.term.lesson_on_or_before(SANDBOX_TODAY).clone();
    const ROUNDS: usize = 70;
    for _ in 0..ROUNDS {
        for student in &students {
            journal
                .create_mark(mark_request(&teacher, &class, student, &lesson, "4"))
                .await
                .unwrap();
        }
    }
    // 70 × 3 marks, each told to five people: 1,050 notifications.
    assert_eq!(guardian.wait_for(ROUNDS).await.len(), ROUNDS);

    let mut stream = messaging
        .clone()
        .watch_notifications(with_token(
            &guardian.token,
            pb::WatchNotificationsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner();
    let last = journal
        .create_mark(mark_request(&teacher, &class, &students[0], &lesson, "4"))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    let heard = tokio::time::timeout(PATIENCE, stream.message())
        .await
        .expect("the stream speaks after the burst")
        .unwrap()
        .unwrap();
    assert_eq!(heard.notification.unwrap().resource_id, last.id);
    sandbox.stop().await.unwrap();
}
