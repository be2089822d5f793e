//! Personal messages over HTTP on the demo school: a parent finds whom
//! they may write to, writes to the child's teacher, the teacher answers;
//! another family is refused the thread beside the same call from its
//! participants, over JSON and as pages.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn a_parent_writes_to_the_teacher_and_reads_the_answer() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let school_id = sandbox.demo.school_id.clone();
    let child = sandbox.demo.student_ids[0].clone();
    let parent = sandbox.sign_in_demo("parent").await.unwrap();
    let other_parent = sandbox.sign_in_demo("parent2").await.unwrap();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();

    // The teacher's own id, as the API names the signed-in person.
    let (_, me) = json_of(
        teacher
            .get(format!("{gateway}/api/v1/me"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let teacher_id = me["person_id"].as_str().expect("an id").to_owned();

    let correspondents =
        format!("{gateway}/api/v1/correspondents?school_id={school_id}&student_id={child}");
    let (status, offered) = json_of(parent.get(&correspondents).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{offered}");
    let teacher_entry = offered["correspondents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|person| person["person_id"] == teacher_id.as_str())
        .expect("the child's teacher is offered");
    assert_eq!(teacher_entry["kind"], "staff");
    assert_eq!(teacher_entry["class_teacher"], true);
    // Another family learns nothing about this child.
    let refused = other_parent.get(&correspondents).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // Nobody named: the problem names the field.
    let new_thread = |participants: Vec<&str>| {
        json!({
            "school_id": school_id,
            "student_id": child,
            "subject": "Экскурсия",
            "participant_ids": participants,
            "text": "Когда выезд в музей?",
        })
    };
    let (status, problem) = json_of(
        parent
            .post(format!("{gateway}/api/v1/threads"))
            .json(&new_thread(vec![]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        problem["errors"][0]["field"], "participant_ids",
        "{problem}"
    );

    let (status, created) = json_of(
        parent
            .post(format!("{gateway}/api/v1/threads"))
            .json(&new_thread(vec![&teacher_id]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let thread_id = created["thread"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["thread"]["participants"][0]["role"], "guardian");

    let (_, unread) = json_of(
        teacher
            .get(format!("{gateway}/api/v1/unread-counts"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (unread["messages"].as_i64(), unread["threads"].as_i64()),
        (Some(1), Some(1))
    );

    let (status, answer) = json_of(
        teacher
            .post(format!("{gateway}/api/v1/threads/{thread_id}/messages"))
            .json(&json!({ "school_id": school_id, "text": "В пятницу в 10:00." }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    let thread_url = format!("{gateway}/api/v1/threads/{thread_id}/messages?school_id={school_id}");
    let (status, messages) = json_of(parent.get(&thread_url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(messages["messages"][0]["text"], "В пятницу в 10:00.");
    assert_eq!(
        other_parent.get(&thread_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // The pages: the thread for its parent, a 404 for another family.
    let page = format!("{gateway}/messages/{thread_id}?school_id={school_id}");
    let shown = parent.get(&page).send().await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    let html = shown.text().await.unwrap();
    assert!(html.contains("Экскурсия") && html.contains("В пятницу в 10:00."));
    assert_eq!(
        other_parent.get(&page).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Opening the page read the answer.
    let (_, unread) = json_of(
        parent
            .get(format!("{gateway}/api/v1/unread-counts"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(unread["messages"].as_i64(), Some(0));
    sandbox.stop().await.unwrap();
}
