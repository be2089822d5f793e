//! A mark corrected and withdrawn on its page: the teacher opens it from the
//! lesson, changes it with a reason and withdraws it; the family reads both
//! in the history; the guardian and another teacher are refused the same
//! forms.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, PERSON_PASSWORD};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_teacher_corrects_and_withdraws_a_mark_on_its_page() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = EnglishClass::new(&sandbox, "Школа № 9", "web9")
        .await
        .unwrap();
    let student = school.students[0].clone();
    let parent = school.builder.guardian_of(&student, "Алексеева").await;
    school.builder.token_of(&parent, "web9-parent").await;
    let other = school
        .builder
        .staff("Другая", identity::StaffRole::Teacher)
        .await;
    school.builder.token_of(&other, "web9-other").await;
    let teacher = sandbox
        .browser("web9-teacher", PERSON_PASSWORD)
        .await
        .unwrap();
    let guardian = sandbox
        .browser("web9-parent", PERSON_PASSWORD)
        .await
        .unwrap();
    let other_teacher = sandbox
        .browser("web9-other", PERSON_PASSWORD)
        .await
        .unwrap();
    let lesson = school.term.lesson_on_or_before(sandbox.today()).clone();
    let gateway = sandbox.gateway().to_owned();

    let response = teacher
        .post(format!("{gateway}/api/v1/marks"))
        .json(&json!({
            "student_id": student,
            "subject_id": school.english,
            "lesson_date": lesson.date,
            "lesson_id": lesson.id,
            "value": 5,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let mark: Value = response.json().await.unwrap();
    let mark_id = mark["id"].as_str().unwrap();
    let page = format!("/marks/{mark_id}");
    let read = async |client: &reqwest::Client| {
        let response = client.get(format!("{gateway}{page}")).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    };

    // The lesson page links the mark; the teacher's mark page has the
    // forms and leads back to the lesson; the family's has none.
    let lesson_page = format!(
        "{gateway}/teaching/lessons/{}?school_id={}",
        lesson.id, school.builder.school_id
    );
    let html = teacher
        .get(&lesson_page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!(r#"href="{page}""#)), "{html}");
    let (status, html) = read(&teacher).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Исправить оценку") && html.contains("К уроку"),
        "{html}"
    );
    let (status, html) = read(&guardian).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("Исправить оценку"), "{html}");

    // A correction needs a reason, named in Russian, with the value kept.
    let correct = format!("{page}/correct");
    let (status, _, html) = sandbox
        .post_form(&teacher, &correct, &[("value", "4"), ("reason", "")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("причина: обязательное поле"), "{html}");
    assert!(html.contains(r#"value="4""#), "{html}");
    for refused in [&guardian, &other_teacher] {
        let (status, _, _) = sandbox
            .post_form(refused, &correct, &[("value", "2"), ("reason", "Ошибка")])
            .await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{status}"
        );
    }
    let (status, location, _) = sandbox
        .post_form(
            &teacher,
            &correct,
            &[("value", "4"), ("reason", "Ошибка при вводе")],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, page.as_str())
    );
    let (_, html) = read(&guardian).await;
    assert!(
        html.contains("5 → 4") && html.contains("Ошибка при вводе"),
        "{html}"
    );

    // Withdrawn: still readable, in the history, with no forms left.
    let (status, _, _) = sandbox
        .post_form(
            &teacher,
            &format!("{page}/withdraw"),
            &[("reason", "Работа не его")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = read(&teacher).await;
    assert!(
        html.contains("4 → отменена") && html.contains("Работа не его"),
        "{html}"
    );
    assert!(!html.contains("Исправить оценку"), "{html}");
    sandbox.stop().await.unwrap();
}
