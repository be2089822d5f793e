//! Text a client sends straight to the gRPC services: U+0000 and other
//! control characters are refused with INVALID_ARGUMENT naming the field,
//! and so is text over its limit, on either backend; the same request
//! without the bad character is kept.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, violated_fields, with_token};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use tonic_types::StatusExt;

/// The descriptions of an INVALID_ARGUMENT refusal's violations.
fn descriptions(status: &tonic::Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .expect("field violations")
        .field_violations
        .into_iter()
        .map(|violation| violation.description)
        .collect()
}

/// A refusal that names `field` alone and never quotes what was sent.
fn assert_refused(status: &tonic::Status, field: &str, description: &str, sent: &str) {
    assert_eq!(violated_fields(status), [field], "{status:?}");
    assert_eq!(descriptions(status), [description], "{status:?}");
    let head: String = sent.chars().take(20).collect();
    assert!(!status.message().contains(&head), "{}", status.message());
}

#[tokio::test]
async fn control_characters_and_overlong_text_are_refused_by_field() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut b = SchoolBuilder::new(&sandbox, "Школа текста").await.unwrap();
    let teacher_id = b.staff("Учитель", identity::StaffRole::Teacher).await;
    let admin_id = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let class = b.class(6, "Б", "").await;
    let subject = b.subject("Литература").await;
    b.teach(&teacher_id, &class, &subject).await;
    let student = b.student_in(&class, "Ученик").await;
    let admin = b.token_of(&admin_id, "t-admin").await;
    let teacher = b.token_of(&teacher_id, "t-teacher").await;
    let term = b.term(&admin, &class, &subject, &teacher_id).await.unwrap();
    let today = sandbox.today();
    let lesson = term.lesson_on_or_before(today).clone();
    let due = term
        .lessons
        .iter()
        .find(|later| later.date > lesson.date)
        .expect("a later lesson")
        .clone();
    let control = "must not contain control characters";
    let long = "д".repeat(10_000);

    // A person's name.
    let person = |family: &str| identity::CreatePersonRequest {
        school_id: b.school_id.clone(),
        kind: identity::PersonKind::Student.into(),
        family_name: family.into(),
        given_name: "Пётр".into(),
        middle_name: String::new(),
    };
    let refused = b
        .identity
        .create_person(with_token(&b.city, person("Сидо\0ров")))
        .await
        .unwrap_err();
    assert_refused(&refused, "family_name", control, "Сидо\0ров");
    let refused = b
        .identity
        .create_person(with_token(&b.city, person(&long)))
        .await
        .unwrap_err();
    assert_refused(
        &refused,
        "family_name",
        "must be at most 100 characters",
        &long,
    );
    let created = b
        .identity
        .create_person(with_token(&b.city, person("Сидоров")))
        .await
        .unwrap()
        .into_inner()
        .person
        .unwrap();
    assert_eq!(created.family_name, "Сидоров");

    // A mark's comment.
    let mut gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let mark = |comment: &str| pb::CreateMarkRequest {
        student_id: student.clone(),
        subject_id: subject.clone(),
        lesson_date: lesson.date.clone(),
        value: "5".into(),
        comment: comment.into(),
        ..Default::default()
    };
    for bad in ["Молодец\0", "Мол\u{1b}[31mодец", "Молодец\u{2028}!"] {
        let refused = gradebook
            .create_mark(with_token(&teacher, mark(bad)))
            .await
            .unwrap_err();
        assert_refused(&refused, "comment", control, bad);
    }
    let refused = gradebook
        .create_mark(with_token(&teacher, mark(&long)))
        .await
        .unwrap_err();
    assert_refused(
        &refused,
        "comment",
        "must be at most 1000 characters",
        &long,
    );
    let kept = gradebook
        .create_mark(with_token(&teacher, mark("Молодец!\nТак держать")))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    assert_eq!(kept.comment, "Молодец!\nТак держать");

    // A lesson's topic.
    let topic = |topic: &str| schedule::SetLessonTopicRequest {
        school_id: b.school_id.clone(),
        lesson_id: lesson.id.clone(),
        topic: topic.into(),
    };
    for bad in ["Басни\0Крылова", "Басни\nКрылова"] {
        let refused = b
            .schedule
            .set_lesson_topic(with_token(&teacher, topic(bad)))
            .await
            .unwrap_err();
        let why = if bad.contains('\n') {
            "must be one line"
        } else {
            control
        };
        assert_refused(&refused, "topic", why, bad);
    }
    let refused = b
        .schedule
        .set_lesson_topic(with_token(&teacher, topic(&long)))
        .await
        .unwrap_err();
    assert_refused(&refused, "topic", "must be at most 500 characters", &long);
    let lesson_now = b
        .schedule
        .set_lesson_topic(with_token(&teacher, topic("Басни Крылова")))
        .await
        .unwrap()
        .into_inner()
        .lesson
        .unwrap();
    assert_eq!(lesson_now.topic, "Басни Крылова");

    // Homework's text.
    let homework = |text: &str| schedule::CreateHomeworkRequest {
        homework: Some(schedule::Homework {
            school_id: b.school_id.clone(),
            lesson_id: lesson.id.clone(),
            due_lesson_id: due.id.clone(),
            text: text.into(),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let refused = b
        .schedule
        .create_homework(with_token(&teacher, homework("Выучить\0басню")))
        .await
        .unwrap_err();
    assert_refused(&refused, "homework.text", control, "Выучить\0басню");
    let set = b
        .schedule
        .create_homework(with_token(
            &teacher,
            homework("Выучить басню\r\n\tнаизусть"),
        ))
        .await
        .unwrap()
        .into_inner()
        .homework
        .unwrap();
    assert_eq!(set.text, "Выучить басню\r\n\tнаизусть");
}
