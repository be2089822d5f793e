//! Notifications over HTTP: a mark the teacher posts reaches the guardian's
//! live stream (Server-Sent Events), the JSON list and the page, which
//! links to the mark and marks everything read; another family sees none
//! of it.

use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, PERSON_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PATIENCE: Duration = Duration::from_secs(30);

/// The notifications `client` lists, newest first.
async fn listed(client: &reqwest::Client, gateway: &str) -> Vec<Value> {
    let response = client
        .get(format!("{gateway}/api/v1/notifications"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["notifications"].as_array().unwrap().clone()
}

/// The notifications page as `client` sees it.
async fn page(client: &reqwest::Client, gateway: &str) -> String {
    let response = client
        .get(format!("{gateway}/notifications"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_mark_reaches_the_guardian_live_in_the_list_and_on_the_page() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = EnglishClass::new(&sandbox, "Школа № 14", "web14")
        .await
        .unwrap();
    let child = school.students[0].clone();
    let parent = school.builder.guardian_of(&child, "Алексеева").await;
    school.builder.token_of(&parent, "web14-parent").await;
    let neighbour = school
        .builder
        .guardian_of(&school.students[1].clone(), "Борисова")
        .await;
    school.builder.token_of(&neighbour, "web14-neighbour").await;
    let teacher = sandbox
        .browser("web14-teacher", PERSON_PASSWORD)
        .await
        .unwrap();
    let guardian = sandbox
        .browser("web14-parent", PERSON_PASSWORD)
        .await
        .unwrap();
    let neighbour = sandbox
        .browser("web14-neighbour", PERSON_PASSWORD)
        .await
        .unwrap();
    let gateway = sandbox.gateway().to_owned();

    let mut stream = guardian
        .get(format!("{gateway}/api/v1/notifications/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let strangers_stream = reqwest::Client::new()
        .get(format!("{gateway}/api/v1/notifications/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(strangers_stream.status(), StatusCode::UNAUTHORIZED);

    let lesson = school.term.lesson_on_or_before(sandbox.today()).clone();
    let response = teacher
        .post(format!("{gateway}/api/v1/marks"))
        .json(&json!({
            "student_id": child,
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
    let mark_id = mark["id"].as_str().unwrap().to_owned();

    let mut received = String::new();
    tokio::time::timeout(PATIENCE, async {
        while !received.contains("\n\n") || !received.contains("event: notification") {
            let chunk = stream.chunk().await.unwrap().expect("the stream holds");
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("the notification streams in");
    let data = received
        .lines()
        .find_map(|line| line.strip_prefix("data: "))
        .expect("a data line");
    let streamed: Value = serde_json::from_str(data).unwrap();
    assert_eq!(streamed["kind"], "new_mark");
    assert_eq!(streamed["title"], "Новая оценка 5 — Английский язык");
    assert_eq!(streamed["resource_id"], mark_id.as_str());
    let event_id = received
        .lines()
        .find_map(|line| line.strip_prefix("id: "))
        .expect("an event id");
    assert_eq!(event_id, streamed["id"].as_str().unwrap());
    let bad_resume = guardian
        .get(format!("{gateway}/api/v1/notifications/stream"))
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_resume.status(), StatusCode::BAD_REQUEST);
    assert!(bad_resume.text().await.unwrap().contains("Last-Event-ID"));

    let list = listed(&guardian, &gateway).await;
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["id"], streamed["id"]);
    assert_eq!(list[0]["read_at"], Value::Null);
    assert_eq!(listed(&neighbour, &gateway).await, Vec::<Value>::new());

    let html = page(&guardian, &gateway).await;
    assert!(html.contains("Новая оценка 5 — Английский язык"), "{html}");
    assert!(
        html.contains(&format!(r#"href="/marks/{mark_id}""#)),
        "{html}"
    );
    assert!(html.contains("Отметить все прочитанными"), "{html}");
    let neighbours_page = page(&neighbour, &gateway).await;
    assert!(
        !neighbours_page.contains("Новая оценка")
            && neighbours_page.contains("Уведомлений пока нет"),
        "{neighbours_page}"
    );

    let (status, location, _) = sandbox
        .post_form(&guardian, "/notifications/read", &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/notifications")
    );
    let list = listed(&guardian, &gateway).await;
    assert_ne!(list[0]["read_at"], Value::Null);
    let html = page(&guardian, &gateway).await;
    assert!(!html.contains("Отметить все прочитанными"), "{html}");

    let refused = guardian
        .post(format!("{gateway}/api/v1/notifications/read"))
        .json(&json!({ "all": true, "notification_ids": [list[0]["id"]] }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("all"));
    sandbox.stop().await.unwrap();
}
