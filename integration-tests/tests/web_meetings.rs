//! Parent meetings over HTTP on the demo school: the class teacher plans
//! one with the page's form, both parents find it on their list, one
//! accepts and one declines with the page's buttons, and the teacher's page
//! shows each family's answer; a parent is refused planning, changing and
//! cancelling beside the same calls from the teacher; a bad form comes back
//! with its fields named in Russian, and a bad JSON body with its fields
//! named as the client spelled them.

use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// How long inviting may take; it takes well under a second.
const PATIENCE: Duration = Duration::from_secs(30);

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn text_of(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.expect("a body"))
}

/// The one invitation `guardian` has to the meeting.
async fn invitation_of(guardian: &reqwest::Client, url: &str) -> String {
    let (status, own) = json_of(guardian.get(url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let invitations = own["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 1, "{own}");
    invitations[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_class_teacher_plans_a_meeting_and_the_parents_reply() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let school_id = sandbox.demo.school_id.clone();
    let teacher = sandbox.browser("teacher", "uchitel-demo").await.unwrap();
    let parent = sandbox.browser("parent", "roditel-demo").await.unwrap();
    let other_parent = sandbox.browser("parent2", "roditel2-demo").await.unwrap();
    let get = |client: &reqwest::Client, path: &str| client.get(format!("{gateway}{path}")).send();

    let (status, classes) = json_of(
        get(&teacher, &format!("/api/v1/schools/{school_id}/classes"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{classes}");
    let class_id = classes["classes"][0]["id"].as_str().unwrap().to_owned();

    // The form offers the teacher their class, ticked; parents plan nothing.
    let (status, form) = text_of(get(&teacher, "/meetings/new").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(
        form.contains(&format!(r#"name="class:{class_id}" checked"#)),
        "{form}"
    );
    let (status, _) = text_of(get(&parent, "/meetings/new").await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A form without a title, in the past and nowhere comes back with
    // every field named and what was written kept.
    let class_field = format!("class:{class_id}");
    let mut fields = vec![
        ("school_id", school_id.as_str()),
        ("request_id", "0193a3c4-0000-7000-8000-00000000c001"),
        (class_field.as_str(), "on"),
        ("title", ""),
        ("agenda", "Итоги четверти.\n\nЁлка и подарки."),
        ("start_at", "2026-12-01T18:00"),
        ("duration_minutes", "60"),
        ("location", ""),
        ("online_url", ""),
        ("reply_deadline", ""),
    ];
    let (status, _, page) = sandbox.post_form(&teacher, "/meetings/new", &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(
        page.contains(
            "заголовок: обязательное поле; начало: должно быть в будущем; \
             место: укажите кабинет или ссылку на онлайн-встречу"
        ),
        "{page}"
    );
    assert!(page.contains("Ёлка и подарки."), "{page}");

    fields[3] = ("title", "Итоги второй четверти");
    fields[5] = ("start_at", "2026-12-09T18:00");
    fields[7] = ("location", "Кабинет 12");
    fields[9] = ("reply_deadline", "2026-12-08T20:00");
    let (status, location, page) = sandbox.post_form(&teacher, "/meetings/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let id = location
        .strip_prefix("/meetings/")
        .and_then(|rest| rest.split('?').next())
        .expect("the meeting's page")
        .to_owned();
    // Sent twice (a double click), it is one meeting.
    let (_, again, _) = sandbox.post_form(&teacher, "/meetings/new", &fields).await;
    assert_eq!(again, location);

    let item = format!("{gateway}/api/v1/meetings/{id}?school_id={school_id}");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let (status, seen) = json_of(teacher.get(&item).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        if seen["reply_counts"]["invited"] == 2 {
            assert_eq!(seen["start_at"], "2026-12-09T15:00:00Z", "Moscow time");
            assert_eq!(seen["duration_minutes"], 60);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never invited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Both parents find it, in the school's time, waiting for an answer.
    for guardian in [&parent, &other_parent] {
        let (status, list) = text_of(get(guardian, "/meetings").await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        for expected in [
            "Итоги второй четверти",
            "Среда, 9 декабря, <span class=\"nowrap\">18:00–19:00</span>",
            "Кабинет 12",
            "Ответить до <span class=\"nowrap\">8 декабря 2026, 20:00</span>",
            "Вы ещё не ответили",
        ] {
            assert!(list.contains(expected), "{expected}: {list}");
        }
    }
    let invitations = format!("{gateway}/api/v1/meetings/{id}/invitations?school_id={school_id}");
    let parents_invitation = invitation_of(&parent, &invitations).await;
    let others_invitation = invitation_of(&other_parent, &invitations).await;

    // One accepts from the list, the other declines from the meeting's page.
    let reply = format!("/meetings/{id}/reply");
    let (status, back, _) = sandbox
        .post_form(
            &parent,
            &reply,
            &[
                ("school_id", school_id.as_str()),
                ("invitation_id", parents_invitation.as_str()),
                ("comment", "Приду с мужем"),
                ("back", "list"),
                ("reply", "accepted"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(back, format!("/meetings#meeting-{id}"));
    let (status, back, _) = sandbox
        .post_form(
            &other_parent,
            &reply,
            &[
                ("school_id", school_id.as_str()),
                ("invitation_id", others_invitation.as_str()),
                ("comment", ""),
                ("back", "meeting"),
                ("reply", "declined"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(back, location);
    let (_, list) = text_of(get(&parent, "/meetings").await.unwrap()).await;
    assert!(
        list.contains(r#"Ваш ответ: <span class="reply-word accepted">Приду</span>"#),
        "{list}"
    );
    // Nobody answers for another family.
    let (status, _, _) = sandbox
        .post_form(
            &parent,
            &reply,
            &[
                ("school_id", school_id.as_str()),
                ("invitation_id", others_invitation.as_str()),
                ("reply", "accepted"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The teacher's page counts the answers and names each family under
    // its answer.
    let (status, page) = text_of(get(&teacher, &location).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Придут: <strong>1</strong>",
        "Не смогут: <strong>1</strong>",
        "Не ответили: <strong>0</strong>",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let in_order = [
        r#"<h3 class="reply-word accepted">Придут</h3>"#,
        "Петров Иван Алексеевич</span> — Петров Алексей Николаевич",
        "«Приду с мужем»",
        r#"<h3 class="reply-word declined">Не смогут</h3>"#,
        "Смирнова Анна Сергеевна</span> — Смирнов Сергей Викторович",
    ]
    .map(|expected| {
        page.find(expected)
            .unwrap_or_else(|| panic!("{expected}: {page}"))
    });
    assert!(in_order.is_sorted(), "{page}");
    let (status, accepted) = json_of(
        teacher
            .get(format!("{invitations}&reply=accepted"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["invitations"][0]["comment"], "Приду с мужем");
    assert_eq!(accepted["invitations"].as_array().unwrap().len(), 1);

    // Changing it: the teacher may, over JSON or on the page; a parent may
    // not. A new place is told to the parents, and leads to the meeting.
    let url = format!("{gateway}/api/v1/meetings/{id}");
    let refused = parent
        .patch(&url)
        .json(&json!({ "school_id": school_id, "location": "Актовый зал" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let shorter = json!({ "school_id": school_id, "agenda": "Итоги четверти." });
    let (status, changed) = json_of(teacher.patch(&url).json(&shorter).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["agenda"], "Итоги четверти.");
    let change = format!("/meetings/{id}/change");
    let mut moved = vec![
        ("school_id", school_id.as_str()),
        ("start_at", "2026-12-09T18:00"),
        ("duration_minutes", "60"),
        ("location", "Актовый зал"),
        ("online_url", ""),
        ("reply_deadline", "2026-12-08T20:00"),
    ];
    let (status, _, _) = sandbox.post_form(&parent, &change, &moved).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, back, page) = sandbox.post_form(&teacher, &change, &moved).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(back, location);
    let (_, seen) = json_of(teacher.get(&item).send().await.unwrap()).await;
    assert_eq!(seen["location"], "Актовый зал");
    let (_, page) = text_of(get(&other_parent, "/notifications").await.unwrap()).await;
    assert!(
        page.contains("Собрание изменено — Итоги второй четверти"),
        "{page}"
    );
    assert!(page.contains(&location.replace('&', "&amp;")), "{page}");
    // A place nowhere comes back named, with what was written.
    moved[3] = ("location", "");
    let (status, _, page) = sandbox.post_form(&teacher, &change, &moved).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(
        page.contains("место: укажите кабинет или ссылку на онлайн-встречу"),
        "{page}"
    );

    // Cancelling: a parent is refused, on the page and over JSON; the
    // teacher's form cancels it and the parents read why.
    let cancel = format!("/meetings/{id}/cancel");
    let reason = [("school_id", school_id.as_str()), ("reason", "Карантин")];
    let (status, _, _) = sandbox.post_form(&parent, &cancel, &reason).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let refused = parent
        .post(format!("{url}/cancel"))
        .json(&json!({ "school_id": school_id, "reason": "Карантин" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let (status, back, _) = sandbox.post_form(&teacher, &cancel, &reason).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(back, location);
    let (_, list) = text_of(get(&parent, "/meetings").await.unwrap()).await;
    assert!(
        list.contains("<strong>Отменено</strong>. Причина: Карантин"),
        "{list}"
    );
    let (status, _, page) = sandbox
        .post_form(
            &other_parent,
            &reply,
            &[
                ("school_id", school_id.as_str()),
                ("invitation_id", others_invitation.as_str()),
                ("back", "meeting"),
                ("reply", "accepted"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("Ответ не принят"), "{page}");
}

#[tokio::test]
async fn a_bad_meeting_names_its_fields() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let school_id = sandbox.demo.school_id.clone();
    let deputy = sandbox.sign_in_demo("zavuch").await.unwrap();
    let (status, problem) = json_of(
        deputy
            .post(format!("{gateway}/api/v1/meetings"))
            .json(&json!({
                "school_id": school_id,
                "class_ids": [],
                "title": " ",
                "start_at": "2026-12-01T15:00:00Z",
                "duration_minutes": 3,
                "online_url": "http://meet.example.ru",
                "reply_deadline": "2026-12-03T11:00:00Z",
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
        [
            "class_ids",
            "title",
            "start_at",
            "duration_minutes",
            "online_url",
            "location",
            "reply_deadline"
        ],
        "{problem}"
    );
    assert_eq!(
        problem["errors"][3]["detail"], "must be from 5 to 480 minutes",
        "{problem}"
    );
    let url = format!("{gateway}/api/v1/meetings/00000000-0000-7000-8000-000000000000");
    let (status, problem) = json_of(
        deputy
            .patch(&url)
            .json(&json!({ "school_id": school_id }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "body");
}
