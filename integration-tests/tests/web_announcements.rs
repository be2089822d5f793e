//! Announcements over HTTP on the demo school: the class teacher writes to
//! the class with the page's form, the parents find it in their list and
//! open it (which reads it), the teacher sees how many families read it;
//! a parent is refused writing and editing beside the same calls from the
//! teacher; a bad form comes back with the problem named.

use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// How long publication may take; it takes well under a second.
const PATIENCE: Duration = Duration::from_secs(30);

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn text_of(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.expect("a body"))
}

#[tokio::test]
async fn the_class_teacher_announces_and_the_parents_read_it() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let school_id = sandbox.demo.school_id.clone();
    let parent = sandbox.sign_in_demo("parent").await.unwrap();
    let other_parent = sandbox.sign_in_demo("parent2").await.unwrap();
    let teacher = sandbox.browser("teacher", "uchitel-demo").await.unwrap();

    let (status, classes) = json_of(
        teacher
            .get(format!("{gateway}/api/v1/schools/{school_id}/classes"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{classes}");
    let class_id = classes["classes"][0]["id"].as_str().unwrap().to_owned();

    // The form offers the teacher their class, ticked; parents may not write.
    let (status, form) = text_of(
        teacher
            .get(format!("{gateway}/announcements/new"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let class_box = format!(r#"name="class:{class_id}" checked"#);
    assert!(form.contains(&class_box), "{form}");
    let (status, _) = text_of(
        parent
            .get(format!("{gateway}/announcements/new"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A form without a title comes back with what was written.
    let class_field = format!("class:{class_id}");
    let mut fields = vec![
        ("school_id", school_id.as_str()),
        ("request_id", "0193a3c4-0000-7000-8000-00000000b001"),
        ("kind", "announcement"),
        ("target", "classes"),
        (class_field.as_str(), "on"),
        ("role:guardians", "on"),
        ("role:students", "on"),
        ("title", ""),
        (
            "body",
            "В пятницу класс едет в Третьяковскую галерею.\n\nСбор в 9:00.",
        ),
        ("when", "now"),
        ("expire_on", ""),
    ];
    let (status, _, page) = sandbox
        .post_form(&teacher, "/announcements/new", &fields)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("заголовок: обязательное поле"), "{page}");
    assert!(page.contains("Третьяковскую галерею"), "{page}");

    fields[7] = ("title", "Экскурсия в пятницу");
    let (status, location, page) = sandbox
        .post_form(&teacher, "/announcements/new", &fields)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let id = location
        .strip_prefix("/announcements/")
        .and_then(|rest| rest.split('?').next())
        .expect("the announcement's page")
        .to_owned();
    // Sent twice (a double click), it is one announcement.
    let (_, again, _) = sandbox
        .post_form(&teacher, "/announcements/new", &fields)
        .await;
    assert_eq!(again, location);

    let item = format!("{gateway}/api/v1/announcements/{id}?school_id={school_id}");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let reach = loop {
        let (status, seen) = json_of(teacher.get(&item).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        if seen["reach"]["families"].as_i64().unwrap_or(0) > 0 {
            break seen["reach"].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never reached the class"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let families = reach["families"].as_i64().unwrap();
    assert!(families >= 2, "{reach}");
    assert_eq!(reach["families_read"], 0);

    // The parent finds it in the list, unread, and opening it reads it.
    let (status, list) = text_of(
        parent
            .get(format!("{gateway}/announcements"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("Экскурсия в пятницу") && list.contains("thread unread"),
        "{list}"
    );
    let (status, page) = text_of(
        parent
            .get(format!("{gateway}{location}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Сбор в 9:00."), "{page}");
    assert!(
        !page.contains("Снять с публикации"),
        "a reader cannot withdraw it"
    );
    let (_, seen) = json_of(parent.get(&item).send().await.unwrap()).await;
    assert_eq!(seen["read"], true);
    assert!(seen["reach"].is_null(), "a reader does not see who read it");
    let (_, seen) = json_of(teacher.get(&item).send().await.unwrap()).await;
    assert_eq!(seen["reach"]["families_read"], 1);
    let (_, page) = text_of(
        teacher
            .get(format!("{gateway}{location}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains(&format!("Прочитали: семьи — 1 из {families}")),
        "{page}"
    );

    // The other family reads it through JSON; its notification leads to it.
    let read = other_parent
        .post(format!("{gateway}/api/v1/announcements/read"))
        .json(&json!({ "school_id": school_id, "announcement_ids": [id] }))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    let (_, page) = text_of(
        other_parent
            .get(format!("{gateway}/notifications"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains(&format!("/announcements/{id}?school_id={school_id}")),
        "{page}"
    );

    // Editing and withdrawing: the teacher may, a parent may not.
    let patch = json!({ "school_id": school_id, "pinned": true });
    let url = format!("{gateway}/api/v1/announcements/{id}");
    assert_eq!(
        parent
            .patch(&url)
            .json(&patch)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, changed) = json_of(teacher.patch(&url).json(&patch).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["pinned"], true);
    let (status, problem) = json_of(
        teacher
            .patch(&url)
            .json(&json!({ "school_id": school_id, "audience": { "whole_school": true } }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let delete = format!("{url}?school_id={school_id}");
    assert_eq!(
        other_parent.delete(&delete).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let (status, _, _) = sandbox
        .post_form(
            &teacher,
            &format!("/announcements/{id}/withdraw"),
            &[("school_id", school_id.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        parent.get(&item).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_announcement_names_its_fields() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let school_id = sandbox.demo.school_id.clone();
    let deputy = sandbox.sign_in_demo("zavuch").await.unwrap();
    let (status, problem) = json_of(
        deputy
            .post(format!("{gateway}/api/v1/announcements"))
            .json(&json!({
                "school_id": school_id,
                "kind": "news",
                "audience": { "grade_levels": [12], "roles": ["staff"] },
                "title": "Каникулы",
                "body": "",
                "publish": true,
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "body",
            "audience.grade_levels[0]",
            "audience",
            "audience.roles"
        ],
        "{problem}"
    );
    let (status, created) = json_of(
        deputy
            .post(format!("{gateway}/api/v1/announcements"))
            .json(&json!({
                "school_id": school_id,
                "kind": "news",
                "audience": { "whole_school": true, "roles": ["staff"] },
                "title": "Педсовет",
                "body": "Педсовет в среду в 15:00.",
                "publish": false,
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["state"], "draft");
}
