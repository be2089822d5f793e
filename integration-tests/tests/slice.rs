//! The first slice through the whole stack, over HTTP: sign in, a teacher
//! posts a mark, the family reads it, strangers are refused.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn marks_of(
    client: &reqwest::Client,
    gateway: &str,
    student_id: &str,
) -> (StatusCode, Value) {
    let response = client
        .get(format!("{gateway}/api/v1/students/{student_id}/marks"))
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.expect("json body"))
}

#[tokio::test]
async fn a_mark_travels_from_teacher_to_family() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let child = sandbox.demo.student_ids[0].clone();
    let mathematics = sandbox.demo.subject_ids[0].clone();

    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let posted = teacher
        .post(format!("{gateway}/api/v1/marks"))
        .json(&json!({
            "student_id": child,
            "subject_id": mathematics,
            "lesson_date": "2026-11-27",
            "value": 5,
            "weight": 2,
            "comment": "Решил задачу у доски",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);
    let mark: Value = posted.json().await.unwrap();
    assert_eq!(mark["value"], "5");
    assert_eq!(mark["weight"], 2);
    let mark_id = mark["id"].as_str().unwrap().to_owned();

    // The guardian sees it, with the comment.
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    let (status, page) = marks_of(&guardian, &gateway, &child).await;
    assert_eq!(status, StatusCode::OK);
    let seen = page["marks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == mark_id.as_str())
        .expect("the new mark");
    assert_eq!(seen["comment"], "Решил задачу у доски");

    // The student sees their own.
    let student = sandbox.sign_in_demo("student").await.unwrap();
    let (status, page) = marks_of(&student, &gateway, &child).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == mark_id.as_str())
    );

    // Another guardian is refused, exactly as if the student did not exist.
    let stranger = sandbox.sign_in_demo("parent2").await.unwrap();
    let (status, refusal) = marks_of(&stranger, &gateway, &child).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, missing) = marks_of(&stranger, &gateway, &uuid::Uuid::now_v7().to_string()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        refusal, missing,
        "a refusal must not reveal that the student exists"
    );

    // The other guardian's own child is visible to them, and not this one's.
    let (status, _) = marks_of(&stranger, &gateway, &sandbox.demo.student_ids[1]).await;
    assert_eq!(status, StatusCode::OK);

    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn bad_marks_and_missing_sessions_are_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let child = sandbox.demo.student_ids[0].clone();
    let subject = sandbox.demo.subject_ids[0].clone();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();

    let response = teacher
        .post(format!("{gateway}/api/v1/marks"))
        .json(&json!({ "student_id": child, "subject_id": subject, "lesson_date": "2026-11-27", "value": 7 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 400);
    assert_eq!(problem["errors"][0]["field"], "value", "{problem}");

    // Every wrong field is named at once.
    let response = teacher
        .post(format!("{gateway}/api/v1/marks"))
        .json(&json!({ "student_id": "nope", "subject_id": subject, "lesson_date": "27.11.2026", "value": "5", "weight": 40 }))
        .send()
        .await
        .unwrap();
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["student_id", "lesson_date", "weight"]);

    // A guardian may read but not write.
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    let response = guardian
        .post(format!("{gateway}/api/v1/marks"))
        .json(&json!({ "student_id": child, "subject_id": subject, "lesson_date": "2026-11-27", "value": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // No session, a forged session, a wrong password.
    let anonymous = reqwest::Client::new();
    let response = anonymous
        .get(format!("{gateway}/api/v1/students/{child}/marks"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let response = anonymous
        .get(format!("{gateway}/api/v1/students/{child}/marks"))
        .header("cookie", "otmetka_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = anonymous
        .post(format!("{gateway}/api/v1/session"))
        .json(&json!({ "login": "teacher", "password": "not the password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // A cross-site form post is refused even with a valid session.
    let response = teacher
        .post(format!("{gateway}/api/v1/marks"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "student_id": child, "subject_id": subject, "lesson_date": "2026-11-27", "value": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Signing out ends the session.
    let response = teacher
        .delete(format!("{gateway}/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = marks_of(&teacher, &gateway, &child).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_retried_post_makes_one_mark() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let child = sandbox.demo.student_ids[2].clone();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let body = json!({
        "student_id": child,
        "subject_id": sandbox.demo.subject_ids[1],
        "lesson_date": "2026-11-20",
        "value": "4-",
        "request_id": "journal-tab-7f3a",
    });
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = teacher
            .post(format!("{gateway}/api/v1/marks"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let mark: Value = response.json().await.unwrap();
        ids.push(mark["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids[0], ids[1]);
    let (_, page) = marks_of(&teacher, &gateway, &child).await;
    let copies = page["marks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["id"] == ids[0].as_str())
        .count();
    assert_eq!(copies, 1);
    sandbox.stop().await.unwrap();
}
