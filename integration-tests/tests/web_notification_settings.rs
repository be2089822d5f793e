//! Notification settings over HTTP on the demo school: the JSON round trip
//! from the defaults, refusals naming the field, each person's settings
//! their own; the page in Russian, its form saving the settings for
//! anyone and, for a guardian of two children, one child's differences.

use otmetka_integration_tests::Sandbox;
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SETTINGS: &str = "/api/v1/notification-settings";

const KINDS: [&str; 9] = [
    "new_mark",
    "mark_changed",
    "new_homework",
    "announcement",
    "new_message",
    "meeting",
    "lesson_change",
    "attendance",
    "final_mark",
];

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn page_of(client: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status();
    (status, response.text().await.expect("a body"))
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors in {problem:#}"))
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect()
}

async fn settings_of(sandbox: &Sandbox, client: &reqwest::Client) -> Value {
    let (status, settings) = json_of(
        client
            .get(format!("{}{SETTINGS}", sandbox.gateway()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    settings
}

async fn put_settings(
    sandbox: &Sandbox,
    client: &reqwest::Client,
    body: &Value,
) -> (StatusCode, Value) {
    json_of(
        client
            .put(format!("{}{SETTINGS}", sandbox.gateway()))
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The rules for one child (`null` for anyone), as (kind, in_app, email).
fn rules_for(settings: &Value, student_id: &Value) -> Vec<(String, bool, String)> {
    settings["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rule| rule["student_id"] == *student_id)
        .map(|rule| {
            (
                rule["kind"].as_str().unwrap().to_owned(),
                rule["in_app"].as_bool().unwrap(),
                rule["email"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn defaults() -> Vec<(String, bool, String)> {
    KINDS
        .iter()
        .map(|kind| ((*kind).to_owned(), true, "off".to_owned()))
        .collect()
}

#[tokio::test]
async fn settings_round_trip_as_json_and_stay_their_owners() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let child = sandbox.demo.student_ids[0].clone();
    let parent = sandbox.browser("parent", "roditel-demo").await.unwrap();
    let other_parent = sandbox.browser("parent2", "roditel2-demo").await.unwrap();

    // The defaults: every kind in the app, nothing e-mailed, quiet
    // overnight, the digest at seven.
    let settings = settings_of(&sandbox, &parent).await;
    assert_eq!(rules_for(&settings, &Value::Null), defaults(), "{settings}");
    assert_eq!(settings["rules"].as_array().unwrap().len(), 9);
    assert_eq!(
        (
            &settings["quiet_hours_start"],
            &settings["quiet_hours_end"],
            &settings["digest_time"],
            &settings["update_time"],
        ),
        (
            &json!("21:00"),
            &json!("08:00"),
            &json!("19:00"),
            &Value::Null
        )
    );
    assert!(settings["email_known"].is_boolean(), "{settings}");

    let chosen = json!({
        "rules": [
            { "student_id": null, "kind": "new_mark", "in_app": true, "email": "at_once" },
            { "student_id": null, "kind": "announcement", "in_app": false, "email": "digest" },
            { "student_id": child, "kind": "final_mark", "in_app": true, "email": "at_once" },
        ],
        "quiet_hours_start": null,
        "quiet_hours_end": null,
        "digest_time": "18:30",
    });
    let (status, stored) = put_settings(&sandbox, &parent, &chosen).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    let mut expected = defaults();
    expected[0].2 = "at_once".into();
    expected[3] = ("announcement".into(), false, "digest".into());
    assert_eq!(rules_for(&stored, &Value::Null), expected, "{stored}");
    assert_eq!(
        rules_for(&stored, &json!(child)),
        [("final_mark".to_owned(), true, "at_once".to_owned())]
    );
    assert_eq!(stored["quiet_hours_start"], Value::Null);
    assert_eq!(stored["digest_time"], "18:30");
    assert!(stored["update_time"].is_string(), "{stored}");
    let read_back = settings_of(&sandbox, &parent).await;
    assert_eq!(read_back, stored);

    // Every mistake is named as the client spelled it; nothing changes.
    let cases = [
        (
            json!({ "quiet_hours_start": "25:00", "quiet_hours_end": "08:00" }),
            "quiet_hours_start",
        ),
        (
            json!({ "quiet_hours_start": "22:00", "quiet_hours_end": "22:00" }),
            "quiet_hours_end",
        ),
        (json!({ "digest_time": "7 pm" }), "digest_time"),
        (json!({ "digest_time": "" }), "digest_time"),
        (
            json!({ "rules": [{ "student_id": null, "kind": "sometimes", "in_app": true, "email": "off" }] }),
            "rules[0].kind",
        ),
        (
            json!({ "rules": [{ "student_id": "5А", "kind": "new_mark", "in_app": true, "email": "off" }] }),
            "rules[0].student_id",
        ),
        (
            json!({ "rules": [
                { "student_id": null, "kind": "meeting", "in_app": true, "email": "off" },
                { "student_id": null, "kind": "meeting", "in_app": false, "email": "off" },
            ] }),
            "rules[1]",
        ),
    ];
    for (body, field) in cases {
        let (status, problem) = put_settings(&sandbox, &parent, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(fields(&problem), [field], "{body}");
    }
    assert_eq!(settings_of(&sandbox, &parent).await, stored);

    // Each person reads and replaces only their own: the other parent's
    // are still the defaults, and theirs leave the first parent's alone.
    let theirs = settings_of(&sandbox, &other_parent).await;
    assert_eq!(rules_for(&theirs, &Value::Null), defaults(), "{theirs}");
    assert_eq!(theirs["update_time"], Value::Null);
    let (status, theirs) = put_settings(
        &sandbox,
        &other_parent,
        &json!({ "rules": [], "quiet_hours_start": "22:00", "quiet_hours_end": "07:00" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_eq!(theirs["quiet_hours_start"], "22:00");
    assert_eq!(settings_of(&sandbox, &parent).await, stored);
    // The body names no person: one named anyway changes the caller's own.
    let (_, them) = json_of(
        other_parent
            .get(format!("{}/api/v1/me", sandbox.gateway()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(them["person_id"].is_string(), "{them}");
    let (status, mine) = put_settings(
        &sandbox,
        &parent,
        &json!({ "person_id": them["person_id"], "digest_time": "06:00" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["digest_time"], "06:00");
    assert_eq!(settings_of(&sandbox, &other_parent).await, theirs);

    // Nobody signed in reads nothing.
    let (status, problem) = json_of(
        reqwest::Client::new()
            .get(format!("{}{SETTINGS}", sandbox.gateway()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    sandbox.stop().await.unwrap();
}

/// The form of the settings for anyone: every kind in the app and not
/// e-mailed, but `changes`; then the times.
fn everyone_form<'a>(
    changes: &[(&'a str, &'a str)],
    times: &[(&'a str, &'a str)],
) -> Vec<(String, String)> {
    let mut fields = vec![("student_id".to_owned(), String::new())];
    for kind in KINDS {
        let email = changes
            .iter()
            .find(|(changed, _)| *changed == kind)
            .map_or("off", |(_, email)| email);
        fields.push((format!("in_app.{kind}"), "on".into()));
        fields.push((format!("email.{kind}"), email.into()));
    }
    fields.extend(
        times
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    fields
}

async fn post(
    sandbox: &Sandbox,
    client: &reqwest::Client,
    fields: &[(String, String)],
) -> (StatusCode, String, String) {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    sandbox
        .post_form(client, "/settings/notifications", &fields)
        .await
}

#[tokio::test]
async fn the_page_saves_the_settings_for_everyone_and_for_one_child() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let page_url = format!("{gateway}/settings/notifications");
    let parent = sandbox.browser("parent", "roditel-demo").await.unwrap();

    let (status, page) = page_of(&parent, &page_url).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for words in [
        "<h1>Настройки уведомлений</h1>",
        "Новая оценка",
        "Пропуск или опоздание",
        "Итоговая оценка",
        "В приложении",
        "На почту",
        "Не присылать",
        "В сводке за день",
        "Тихие часы",
        r#"value="21:00""#,
        r#"value="19:00""#,
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    assert!(!page.contains("Отдельно для ребёнка"), "one child: {page}");

    // Saved, back to the page with «Сохранено» and the choices.
    let form = everyone_form(
        &[("new_mark", "digest"), ("meeting", "at_once")],
        &[
            ("quiet_hours_start", "22:30"),
            ("quiet_hours_end", "07:00"),
            ("digest_time", "20:00"),
        ],
    );
    let (status, location, _) = post(&sandbox, &parent, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/settings/notifications?done=saved");
    let (_, page) = page_of(&parent, &format!("{gateway}{location}")).await;
    assert!(page.contains("Сохранено"), "{page}");
    assert!(page.contains(r#"value="22:30""#), "{page}");
    let settings = settings_of(&sandbox, &parent).await;
    let rules = rules_for(&settings, &Value::Null);
    assert_eq!(rules[0], ("new_mark".into(), true, "digest".into()));
    assert_eq!(rules[5], ("meeting".into(), true, "at_once".into()));
    assert_eq!(
        (
            &settings["quiet_hours_start"],
            &settings["quiet_hours_end"],
            &settings["digest_time"]
        ),
        (&json!("22:30"), &json!("07:00"), &json!("20:00"))
    );

    // A wrong time comes back named, with what was chosen kept; the box
    // turns quiet hours off.
    let wrong = everyone_form(
        &[("new_mark", "at_once")],
        &[
            ("quiet_hours_start", "25:00"),
            ("quiet_hours_end", "07:00"),
            ("digest_time", "20:00"),
        ],
    );
    let (status, _, page) = post(&sandbox, &parent, &wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(
        page.contains("начало тихих часов: укажите время как ЧЧ:ММ"),
        "{page}"
    );
    assert!(page.contains(r#"value="25:00""#), "{page}");
    assert_eq!(settings_of(&sandbox, &parent).await, settings);
    let quiet_off = everyone_form(&[], &[("quiet_off", "on"), ("digest_time", "20:00")]);
    let (status, _, _) = post(&sandbox, &parent, &quiet_off).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        settings_of(&sandbox, &parent).await["quiet_hours_start"],
        Value::Null
    );

    // With a second child the page has a section for each; saving one
    // keeps only what differs from the rule for anyone.
    let second = sandbox.demo.student_ids[2].clone();
    let admin = sandbox.admin().await.unwrap();
    let code = admin
        .identity
        .clone()
        .issue_access_code(admin.request(identity::IssueAccessCodeRequest {
            student_id: second.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .code;
    let linked = parent
        .post(format!("{gateway}/api/v1/guardianships"))
        .json(&json!({ "access_code": code }))
        .send()
        .await
        .unwrap();
    assert!(linked.status().is_success(), "{}", linked.status());
    let (_, page) = page_of(&parent, &page_url).await;
    assert!(page.contains("Для всех детей"), "{page}");
    assert_eq!(
        page.matches("<summary>Отдельно для ребёнка:").count(),
        2,
        "{page}"
    );
    let mut child_form = everyone_form(&[("final_mark", "at_once")], &[]);
    child_form[0].1 = second.clone();
    let (status, location, _) = post(&sandbox, &parent, &child_form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!("/settings/notifications?done=saved&child={second}")
    );
    let saved = settings_of(&sandbox, &parent).await;
    assert_eq!(
        rules_for(&saved, &json!(second)),
        [("final_mark".to_owned(), true, "at_once".to_owned())],
        "{saved}"
    );
    assert_eq!(rules_for(&saved, &Value::Null), defaults(), "{saved}");
    assert_eq!(saved["quiet_hours_start"], Value::Null);
    let (_, page) = page_of(&parent, &format!("{gateway}{location}")).await;
    assert!(
        page.contains(&format!(r#"id="child-{second}" open"#)),
        "{page}"
    );

    // A member of staff has the page too; nobody signed in is sent to sign in.
    let teacher = sandbox.browser("teacher", "uchitel-demo").await.unwrap();
    let (status, page) = page_of(&teacher, &page_url).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Новое сообщение"), "{page}");
    // The school has no e-mail address for the teacher: the page says so,
    // and an e-mail choice is saved all the same.
    assert_eq!(settings_of(&sandbox, &teacher).await["email_known"], false);
    assert!(
        page.contains("У школы нет адреса вашей электронной почты"),
        "{page}"
    );
    let (status, _, _) = post(
        &sandbox,
        &teacher,
        &everyone_form(&[("new_message", "at_once")], &[]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        rules_for(&settings_of(&sandbox, &teacher).await, &Value::Null)[4],
        ("new_message".to_owned(), true, "at_once".to_owned())
    );
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = anonymous.get(&page_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/sign-in?return_to=%2Fsettings%2Fnotifications"
    );
    sandbox.stop().await.unwrap();
}
