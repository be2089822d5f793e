//! The HTTP layer against a careless client and an attacker: long and odd
//! values are refused by name, every error is problem+json, browsing never
//! uses up sign-in, a school behind one address signs in together, and a
//! new password ends the other sessions; every answer carries the browser
//! headers, and what another site could send unasked changes nothing.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, with_token};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Option<String>, Value) {
    let response = request.send().await.expect("request");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|kind| kind.to_str().unwrap().to_owned());
    let body = response.text().await.expect("body");
    let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
    (status, kind, json)
}

/// The fields a 400 problem names.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors in {problem:#}"))
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect()
}

fn is_problem(kind: &Option<String>) -> bool {
    kind.as_deref() == Some("application/problem+json")
}

#[tokio::test]
async fn long_values_and_control_characters_are_refused_by_name() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let child = sandbox.demo.student_ids[0].clone();
    let mathematics = sandbox.demo.subject_ids[0].clone();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let mark = |value: Value, comment: &str| {
        json!({
            "student_id": child,
            "subject_id": mathematics,
            "lesson_date": "2026-11-27",
            "value": value,
            "comment": comment,
        })
    };
    let post = |body: Value| teacher.post(format!("{gateway}/api/v1/marks")).json(&body);

    for length in [5_000, 10_000] {
        let (status, kind, problem) = send(post(mark(json!("5".repeat(length)), ""))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
        assert!(is_problem(&kind));
        assert_eq!(fields(&problem), ["value"]);
        let detail = problem["errors"][0]["detail"].as_str().unwrap();
        assert!(
            detail.chars().count() < 300,
            "the detail echoes the value: {detail}"
        );
    }
    let (status, _, problem) = send(post(mark(json!("5"), "у доски\u{0}"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(fields(&problem), ["comment"]);
    let (status, _, problem) = send(post(mark(json!("5"), "у доски\nи в тетради"))).await;
    assert_eq!(status, StatusCode::CREATED, "{problem:#}");
    let mark_id = problem["id"].as_str().unwrap().to_owned();

    let patch = |value: String| {
        teacher
            .patch(format!("{gateway}/api/v1/marks/{mark_id}"))
            .json(&json!({ "value": value, "reason": "исправление оценки" }))
    };
    let (status, _, problem) = send(patch("4".repeat(6_000))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(fields(&problem), ["value"]);
    let (status, _, problem) = send(patch("4".into())).await;
    assert_eq!(status, StatusCode::OK, "{problem:#}");

    // The small demo has no periods: a period that does not exist shows
    // that a short target passes the checks and reaches the lookup.
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    let period = uuid::Uuid::now_v7();
    let what_if = |target: String| {
        guardian.get(format!(
            "{gateway}/api/v1/students/{child}/what-if?subject_id={mathematics}&period_id={period}&target={target}"
        ))
    };
    let (status, _, problem) = send(what_if("5".repeat(6_000))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(fields(&problem), ["target"]);
    let (status, _, problem) = send(what_if("5".into())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:#}");
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn every_http_error_is_a_problem_naming_its_field() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();

    let (status, kind, problem) = send(teacher.get(format!("{gateway}/no/such/page"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(is_problem(&kind), "{problem:#}");
    assert_eq!(problem["type"], "urn:otmetka:problem:not-found");

    let response = teacher
        .put(format!("{gateway}/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers().contains_key("allow"));
    let (_, kind, problem) = send(teacher.put(format!("{gateway}/api/v1/session"))).await;
    assert!(is_problem(&kind), "{problem:#}");
    assert_eq!(problem["type"], "urn:otmetka:problem:method-not-allowed");

    let huge = json!({ "comment": "а".repeat(100_000) });
    let (status, kind, problem) =
        send(teacher.post(format!("{gateway}/api/v1/marks")).json(&huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(is_problem(&kind), "{problem:#}");

    let (status, kind, problem) = send(teacher.get(format!("{gateway}/api/v1/marks/%FF%FE"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert!(is_problem(&kind));
    assert_eq!(fields(&problem), ["mark_id"]);

    let (status, kind, problem) = send(
        teacher
            .post(format!("{gateway}/api/v1/marks"))
            .json(&json!({ "student_id": 5 })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(is_problem(&kind));
    assert_eq!(fields(&problem), ["student_id"]);
    let detail = problem["errors"][0]["detail"].as_str().unwrap();
    assert!(
        !detail.contains("struct") && !detail.contains("String"),
        "{detail}"
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn browsing_never_uses_up_sign_in() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let browser = reqwest::Client::new();
    for _ in 0..60 {
        let (status, kind, _) = send(browser.get(format!("{gateway}/favicon.ico"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(is_problem(&kind));
    }
    let (status, _, problem) = send(
        browser
            .post(format!("{gateway}/api/v1/session"))
            .json(&json!({ "login": "teacher", "password": "uchitel-demo" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{problem:#}");
    sandbox.stop().await.unwrap();
}

/// Hundreds of people behind one school router sign in within minutes.
#[tokio::test]
async fn a_school_behind_one_address_signs_in_together() {
    const PEOPLE: usize = 200;
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let mut school = SchoolBuilder::new(&sandbox, "Школа за одним адресом")
        .await
        .unwrap();
    let mut logins = Vec::new();
    for n in 0..PEOPLE {
        let person = school
            .person(identity::PersonKind::Student, &format!("Ученик{n}"))
            .await;
        let login = format!("pupil-{n}");
        school
            .identity
            .set_credentials(with_token(
                &school.city,
                identity::SetCredentialsRequest {
                    person_id: person,
                    login: login.clone(),
                    password: "shkola-parol-1".into(),
                },
            ))
            .await
            .unwrap();
        logins.push(login);
    }
    let browser = reqwest::Client::new();
    for login in &logins {
        let (status, _, problem) = send(
            browser
                .post(format!("{gateway}/api/v1/session"))
                .json(&json!({ "login": login, "password": "shkola-parol-1" })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{login}: {problem:#}");
    }
    // One account guessed at from the same address is still stopped.
    let mut refused = None;
    for attempt in 0..20 {
        let (status, _, problem) = send(
            browser
                .post(format!("{gateway}/api/v1/session"))
                .json(&json!({ "login": "pupil-0", "password": format!("guess-{attempt}") })),
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(problem);
            break;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem:#}");
    }
    let refused = refused.expect("guessing one login is limited");
    assert_eq!(refused["type"], "urn:otmetka:problem:too-many-requests");
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let here = sandbox.sign_in_demo("parent").await.unwrap();
    let elsewhere = sandbox.sign_in_demo("parent").await.unwrap();
    let other_person = sandbox.sign_in_demo("parent2").await.unwrap();
    let session_status = |client: &reqwest::Client| client.get(format!("{gateway}/api/v1/session"));
    for client in [&here, &elsewhere, &other_person] {
        assert_eq!(send(session_status(client)).await.0, StatusCode::OK);
    }

    let (status, _, problem) = send(
        here.post(format!("{gateway}/api/v1/session/password"))
            .json(
                &json!({ "current_password": "roditel-demo", "new_password": "novyi-parol-2026" }),
            ),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{problem:#}");

    assert_eq!(send(session_status(&here)).await.0, StatusCode::OK);
    assert_eq!(
        send(session_status(&elsewhere)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(send(session_status(&other_person)).await.0, StatusCode::OK);
    sandbox.stop().await.unwrap();
}

/// Every answer, refusals included, carries the headers that keep a
/// browser from sniffing, framing or leaking it; none lets another origin
/// read it.
#[tokio::test]
async fn every_answer_carries_the_browser_headers_and_grants_no_origin() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let browser = reqwest::Client::new();
    let answers = [
        browser.get(format!("{gateway}/healthz")),
        browser.get(format!("{gateway}/api/v1/openapi.json")),
        browser.get(format!("{gateway}/nowhere")),
        browser
            .get(format!("{gateway}/api/v1/session"))
            .header("origin", "https://evil.example"),
        browser
            .delete(format!("{gateway}/api/v1/session"))
            .header("origin", "https://evil.example"),
        browser
            .request(reqwest::Method::OPTIONS, format!("{gateway}/api/v1/marks"))
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "POST"),
    ];
    for request in answers {
        let response = request.send().await.expect("request");
        let url = response.url().to_string();
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .map(|value| value.to_str().unwrap().to_owned())
        };
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{url}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{url}");
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{url}"
        );
        assert_eq!(
            header("cache-control").as_deref(),
            Some("no-store"),
            "{url}"
        );
        let policy = header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{url}: {policy}");
        }
        assert!(
            header("access-control-allow-origin").is_none(),
            "{url}: granted an origin"
        );
    }
    sandbox.stop().await.unwrap();
}

/// What a page of another site can send without a preflight (a form post,
/// `text/plain`) never reaches sign-in or a change, even without `Origin`.
#[tokio::test]
async fn requests_a_foreign_page_could_send_unasked_change_nothing() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let credentials = r#"{"login":"teacher","password":"uchitel-demo"}"#;
    for kind in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let (status, problem_kind, problem) = send(
            reqwest::Client::new()
                .post(format!("{gateway}/api/v1/session"))
                .header("content-type", kind)
                .body(credentials),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {problem:#}");
        assert!(is_problem(&problem_kind));
        assert_eq!(fields(&problem), ["content-type"], "{kind}");
        let (status, _, problem) = send(
            teacher
                .post(format!("{gateway}/api/v1/marks"))
                .header("content-type", kind)
                .body("{}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {problem:#}");
        assert_eq!(fields(&problem), ["content-type"], "{kind}");
    }
    // A browser's own word that the page is another site's suffices.
    let (status, _, _) = send(
        teacher
            .delete(format!("{gateway}/api/v1/session"))
            .header("sec-fetch-site", "cross-site"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(teacher.get(format!("{gateway}/api/v1/session"))).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the refused sign-out ended the session"
    );
    sandbox.stop().await.unwrap();
}
