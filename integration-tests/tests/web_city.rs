//! The city operator's page: schools opened through the form, a vendor
//! client whose secret is shown once and never again, a refused rotation
//! without confirmation; a teacher meets none of it.

use otmetka_integration_tests::{ADMIN_LOGIN, ADMIN_PASSWORD, Sandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn get(client: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_city_operator_keeps_schools_and_vendors() {
    let sandbox = Sandbox::start().await.unwrap();
    let gateway = sandbox.gateway().to_owned();
    let city = sandbox.browser(ADMIN_LOGIN, ADMIN_PASSWORD).await.unwrap();
    let teacher = sandbox.browser("teacher", "uchitel-demo").await.unwrap();
    let page = format!("{gateway}/city");

    let (status, html) = get(&city, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/school/{}/admin", sandbox.demo.school_id)));
    assert_eq!(get(&teacher, &page).await.0, StatusCode::NOT_FOUND);

    // A school: a bad timezone is named, then the school is made.
    let (status, _, html) = sandbox
        .post_form(
            &city,
            "/city/schools",
            &[("name", "Школа № 7"), ("timezone", "Марс/Олимп")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"school-timezone-error\""), "{html}");
    assert!(html.contains("value=\"Школа № 7\""));
    let fields = [("name", "Школа № 7"), ("timezone", "Europe/Moscow")];
    let (status, _, _) = sandbox.post_form(&teacher, "/city/schools", &fields).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a teacher opens no school");
    let (status, location, _) = sandbox.post_form(&city, "/city/schools", &fields).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/city")
    );
    assert!(get(&city, &page).await.1.contains("Школа № 7"));

    // A vendor: no name is named; then its secret shows once.
    let (status, _, html) = sandbox
        .post_form(
            &city,
            "/city/vendors",
            &[("name", ""), ("scope_roster", "on")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"vendor-name-error\""), "{html}");
    let vendor = [
        ("name", "Электронный дневник Плюс"),
        ("scope_roster", "on"),
        ("scope_marks", "on"),
    ];
    let (status, _, _) = sandbox.post_form(&teacher, "/city/vendors", &vendor).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, html) = sandbox.post_form(&city, "/city/vendors", &vendor).await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = html
        .split("<code class=\"secret-value\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the secret on the page")
        .to_owned();
    assert!(secret.len() >= 16, "{secret}");
    let (_, again) = get(&city, &page).await;
    assert!(again.contains("Электронный дневник Плюс"));
    assert!(!again.contains(&secret), "the secret is shown once");
    assert!(!again.contains("secret-value"));

    // The JSON route lists it, without the secret, and revokes it.
    let clients: Value = city
        .get(format!("{gateway}/api/v1/clients"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!clients.to_string().contains(&secret));
    let made = clients["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|client| client["name"] == "Электронный дневник Плюс")
        .expect("listed");
    assert_eq!(
        made["allowed_scopes"],
        json!(["roster.read", "marks.write"])
    );
    let id = made["id"].as_str().unwrap();
    let revoke = format!("/city/vendors/{id}/revoke");
    assert_eq!(
        sandbox.post_form(&teacher, &revoke, &[]).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sandbox.post_form(&city, &revoke, &[]).await.0,
        StatusCode::SEE_OTHER
    );

    // The signing key rotates only once confirmed.
    let (status, _, html) = sandbox.post_form(&city, "/city/signing-key", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"confirm-error\""));
    let confirm = [("confirm", "yes")];
    assert_eq!(
        sandbox
            .post_form(&teacher, "/city/signing-key", &confirm)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, _, _) = sandbox
        .post_form(&city, "/city/signing-key", &confirm)
        .await;
    assert_eq!(status, StatusCode::OK);

    // A field-named refusal from the JSON route.
    let bad = city
        .post(format!("{gateway}/api/v1/schools"))
        .header("origin", &gateway)
        .json(&json!({ "name": "", "timezone": "Europe/Moscow" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "name", "{problem}");

    // The city's own trail: what was done above, newest first, by kind;
    // a teacher is refused it, and a school's trail keeps none of it.
    let trail = format!("{gateway}/api/v1/audit-events");
    let (status, body) = get(&city, &trail).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let events: Value = serde_json::from_str(&body).unwrap();
    let kinds: Vec<&str> = events["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "signing_key.rotated",
        "client.revoked",
        "client.created",
        "school.created",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(kinds.first(), Some(&"signing_key.rotated"), "{kinds:?}");
    let (status, body) = get(&city, &format!("{trail}?kind=school.created")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("client.created"), "{body}");
    let (status, _) = get(&teacher, &trail).await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}"
    );
    let school_trail = format!(
        "{gateway}/api/v1/schools/{}/audit-events?kind=school.created",
        sandbox.demo.school_id
    );
    let (status, body) = get(&city, &school_trail).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains("school.created"), "{body}");
    let (_, html) = get(&city, &format!("{gateway}/city")).await;
    assert!(
        html.contains("Журнал действий города") && html.contains("сменён ключ подписи"),
        "{html}"
    );
    sandbox.stop().await.unwrap();
}
