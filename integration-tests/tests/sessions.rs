//! Sessions belong to their owner: listed, ended one by one or all the
//! others at once, renewed at every sign-in; disabling a person or
//! reissuing their password ends them.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn sign_in_as(
    sandbox: &Sandbox,
    user_agent: &str,
    login: &str,
    password: &str,
) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/api/v1/session", sandbox.gateway()))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    (client, cookie)
}

async fn status_of(client: &reqwest::Client, sandbox: &Sandbox) -> StatusCode {
    client
        .get(format!("{}/api/v1/session", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn owners_list_and_end_their_sessions() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (laptop, _) = sign_in_as(&sandbox, "Laptop Firefox", "parent", "roditel-demo").await;
    let (phone, _) = sign_in_as(&sandbox, "Phone Safari", "parent", "roditel-demo").await;

    let listed: Value = laptop
        .get(format!("{}/api/v1/sessions", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sessions = listed["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["user_agent"], "Laptop Firefox");
    let phone_session = sessions
        .iter()
        .find(|s| s["user_agent"] == "Phone Safari")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else cannot end it, nor learn it exists.
    let (teacher, _) = sign_in_as(&sandbox, "School PC", "teacher", "uchitel-demo").await;
    let end = |client: &reqwest::Client, id: &str, password: &str| {
        client
            .delete(format!("{}/api/v1/sessions/{id}", sandbox.gateway()))
            .json(&json!({ "password": password }))
            .send()
    };
    assert_eq!(
        end(&teacher, &phone_session, "uchitel-demo")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(status_of(&phone, &sandbox).await, StatusCode::OK);

    // Whoever holds the laptop must know the password to end the others.
    let refused = end(&laptop, &phone_session, "a guess").await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "password");
    assert_eq!(status_of(&phone, &sandbox).await, StatusCode::OK);

    // The owner ends the lost phone's session from the laptop.
    assert_eq!(
        end(&laptop, &phone_session, "roditel-demo")
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(status_of(&phone, &sandbox).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status_of(&laptop, &sandbox).await, StatusCode::OK);
    assert_eq!(
        end(&laptop, &phone_session, "roditel-demo")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        end(&laptop, "not-an-id", "roditel-demo")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    sandbox.stop().await.unwrap();
}

/// Signed in on devices one no longer has: the owner ends all the other
/// sessions at once, after entering the password again.
#[tokio::test]
async fn owners_end_all_their_other_sessions_at_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (laptop, _) = sign_in_as(&sandbox, "Laptop", "parent", "roditel-demo").await;
    let (phone, _) = sign_in_as(&sandbox, "Phone", "parent", "roditel-demo").await;
    let (tablet, _) = sign_in_as(&sandbox, "Tablet", "parent", "roditel-demo").await;
    let (teacher, _) = sign_in_as(&sandbox, "PC", "teacher", "uchitel-demo").await;
    let end_others = |password: &str| {
        laptop
            .delete(format!("{}/api/v1/sessions", sandbox.gateway()))
            .json(&json!({ "password": password }))
            .send()
    };

    let refused = end_others("a guess").await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "password");
    assert_eq!(status_of(&phone, &sandbox).await, StatusCode::OK);

    assert_eq!(
        end_others("roditel-demo").await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(status_of(&phone, &sandbox).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status_of(&tablet, &sandbox).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status_of(&laptop, &sandbox).await, StatusCode::OK);
    // Another person's sessions are not the owner's to end.
    assert_eq!(status_of(&teacher, &sandbox).await, StatusCode::OK);
    let listed: Value = laptop
        .get(format!("{}/api/v1/sessions", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 1);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn signing_in_again_replaces_the_session_id() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (browser, first_cookie) = sign_in_as(&sandbox, "Browser", "student", "uchenik-demo").await;
    let again = browser
        .post(format!("{}/api/v1/session", sandbox.gateway()))
        .json(&json!({ "login": "student", "password": "uchenik-demo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let second_cookie = again.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(first_cookie, second_cookie);
    assert_eq!(status_of(&browser, &sandbox).await, StatusCode::OK);

    let replay = reqwest::Client::new()
        .get(format!("{}/api/v1/session", sandbox.gateway()))
        .header("cookie", first_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::UNAUTHORIZED,
        "the old id must be dead"
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn disabling_a_person_ends_their_sessions_at_once() {
    // Long-lived tokens: the session must end through the revocation feed,
    // not through a refused token refresh.
    let options = otmetka_integration_tests::Options {
        access_token_ttl: Some(std::time::Duration::from_secs(15 * 60)),
        ..Default::default()
    };
    let sandbox = Sandbox::start_with(options).await.expect("sandbox");
    let (parent, _) = sign_in_as(&sandbox, "Phone", "parent", "roditel-demo").await;
    let session: Value = parent
        .get(format!("{}/api/v1/session", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let person_id = session["person_id"].as_str().unwrap().to_owned();

    let mut admin = sandbox.admin().await.unwrap();
    let disable = otmetka_proto::identity::v1::UpdatePersonRequest {
        person: Some(otmetka_proto::identity::v1::Person {
            id: person_id,
            disabled: true,
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["disabled".into()],
        }),
    };
    admin
        .identity
        .update_person(admin.request(disable))
        .await
        .unwrap();

    // The gateway learns of it within its polling interval; wait with a deadline.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while status_of(&parent, &sandbox).await == StatusCode::OK {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the session outlived the person's disabling"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status_of(&parent, &sandbox).await, StatusCode::UNAUTHORIZED);
    assert!(
        sandbox.sign_in("parent", "roditel-demo").await.is_err(),
        "a disabled person cannot sign in"
    );
    // Others are untouched.
    let (teacher, _) = sign_in_as(&sandbox, "PC", "teacher", "uchitel-demo").await;
    assert_eq!(status_of(&teacher, &sandbox).await, StatusCode::OK);
    sandbox.stop().await.unwrap();
}

/// The school issues a new password (the old one was lost or leaked):
/// whoever signed in with the old one is signed out everywhere.
#[tokio::test]
async fn a_reissued_password_ends_the_persons_sessions() {
    // Long-lived tokens: the sessions must end through the revocation feed,
    // not through a refused token refresh.
    let options = otmetka_integration_tests::Options {
        access_token_ttl: Some(std::time::Duration::from_secs(15 * 60)),
        ..Default::default()
    };
    let sandbox = Sandbox::start_with(options).await.expect("sandbox");
    let (laptop, _) = sign_in_as(&sandbox, "Laptop", "parent", "roditel-demo").await;
    let (phone, _) = sign_in_as(&sandbox, "Phone", "parent", "roditel-demo").await;
    let (teacher, _) = sign_in_as(&sandbox, "PC", "teacher", "uchitel-demo").await;
    let session: Value = laptop
        .get(format!("{}/api/v1/session", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let person_id = session["person_id"].as_str().unwrap().to_owned();

    let mut admin = sandbox.admin().await.unwrap();
    let reissue = otmetka_proto::identity::v1::SetCredentialsRequest {
        person_id,
        login: "parent".into(),
        password: "reissued-by-school".into(),
    };
    admin
        .identity
        .set_credentials(admin.request(reissue))
        .await
        .unwrap();

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    for browser in [&laptop, &phone] {
        while status_of(browser, &sandbox).await == StatusCode::OK {
            assert!(
                tokio::time::Instant::now() < deadline,
                "a session outlived the password it began with"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status_of(browser, &sandbox).await, StatusCode::UNAUTHORIZED);
    }
    // The new password signs in; others are untouched.
    let (fresh, _) = sign_in_as(&sandbox, "Laptop", "parent", "reissued-by-school").await;
    assert_eq!(status_of(&fresh, &sandbox).await, StatusCode::OK);
    assert_eq!(status_of(&teacher, &sandbox).await, StatusCode::OK);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn sign_ins_are_rate_limited_per_login_and_foreign_origins_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (teacher, _) = sign_in_as(&sandbox, "PC", "teacher", "uchitel-demo").await;
    let client = reqwest::Client::new();
    let attempt = || {
        client
            .post(format!("{}/api/v1/session", sandbox.gateway()))
            .json(&json!({ "login": "nobody-at-all", "password": "whatever it is" }))
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(attempt().await.unwrap().status());
    }
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    let limited = attempt().await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    // No proxy is trusted here, so a forwarded address changes nothing.
    let forged = client
        .post(format!("{}/api/v1/session", sandbox.gateway()))
        .header("x-forwarded-for", "198.51.100.23")
        .json(&json!({ "login": "nobody-at-all", "password": "whatever it is" }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.headers()["content-type"],
        "application/problem+json"
    );

    // A state-changing request from another site's page is refused.
    let response = teacher
        .delete(format!("{}/api/v1/session", sandbox.gateway()))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let same_site = teacher
        .delete(format!("{}/api/v1/session", sandbox.gateway()))
        .header("origin", sandbox.gateway())
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), StatusCode::NO_CONTENT);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_counts() {
    let sandbox = Sandbox::start_with(otmetka_integration_tests::Options {
        trusted_proxies: otmetka_gateway::TrustedProxies::parse("127.0.0.0/8").unwrap(),
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let sign_in = |from: &str, login: String, password: &str| {
        client
            .post(format!("{}/api/v1/session", sandbox.gateway()))
            // The client's own claim first, then what the proxy saw.
            .header("x-forwarded-for", format!("10.66.0.1, {from}"))
            .json(&json!({ "login": login, "password": password }))
            .send()
    };
    let response = sign_in("198.51.100.7", "parent".into(), "roditel-demo")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let listed: Value = client
        .get(format!("{}/api/v1/sessions", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["sessions"][0]["client_address"], "198.51.100.7");

    // The limit on failures per address (50 within 15 minutes) counts each
    // client behind the proxy on its own (a new login each time, so that the
    // per-login lockout plays no part).
    let mut statuses = Vec::new();
    for attempt in 0..51 {
        let response = sign_in("203.0.113.1", format!("nobody-{attempt}"), "wrong password")
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(statuses[49], StatusCode::UNAUTHORIZED, "{statuses:?}");
    assert_eq!(statuses[50], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let neighbour = sign_in("203.0.113.2", "nobody-next-door".into(), "wrong password")
        .await
        .unwrap();
    assert_eq!(neighbour.status(), StatusCode::UNAUTHORIZED);
    sandbox.stop().await.unwrap();
}
