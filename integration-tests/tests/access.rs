//! Access codes, login backoff, password changes and the audit trail,
//! through the gateway and identity on real sockets.

use otmetka_integration_tests::{DEMO_LOGINS, Sandbox};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn issue_code(sandbox: &Sandbox, student_id: &str) -> (String, String) {
    let mut admin = sandbox.admin().await.unwrap();
    let request = admin.request(identity::IssueAccessCodeRequest {
        student_id: student_id.into(),
    });
    let issued = admin
        .identity
        .issue_access_code(request)
        .await
        .unwrap()
        .into_inner();
    (issued.access_code.unwrap().id, issued.code)
}

async fn redeem(client: &reqwest::Client, sandbox: &Sandbox, code: &str) -> reqwest::Response {
    client
        .post(format!("{}/api/v1/guardianships", sandbox.gateway()))
        .json(&json!({ "access_code": code }))
        .send()
        .await
        .unwrap()
}

async fn marks_status(client: &reqwest::Client, sandbox: &Sandbox, student_id: &str) -> StatusCode {
    client
        .get(format!(
            "{}/api/v1/students/{student_id}/marks",
            sandbox.gateway()
        ))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_guardian_links_a_child_with_an_access_code() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let child = sandbox.demo.student_ids[2].clone();
    let guardian = sandbox.sign_in_demo("parent2").await.unwrap();
    assert_eq!(
        marks_status(&guardian, &sandbox, &child).await,
        StatusCode::NOT_FOUND
    );

    let (code_id, code) = issue_code(&sandbox, &child).await;
    // Typed the way people type: lowercase, spaces instead of dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let response = redeem(&guardian, &sandbox, &typed).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let link: Value = response.json().await.unwrap();
    assert_eq!(link["student_id"], child.as_str());
    assert_eq!(
        marks_status(&guardian, &sandbox, &child).await,
        StatusCode::OK
    );

    let children: Value = guardian
        .get(format!("{}/api/v1/guardianships", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = children["guardianships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["student_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&child.as_str()) && ids.contains(&sandbox.demo.student_ids[1].as_str()),
        "{ids:?}"
    );

    // A code links once.
    let other = sandbox.sign_in_demo("parent").await.unwrap();
    let response = redeem(&other, &sandbox, &code).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "access_code");
    assert_eq!(
        marks_status(&other, &sandbox, &child).await,
        StatusCode::NOT_FOUND
    );

    // The school lists its codes without revealing them.
    let mut admin = sandbox.admin().await.unwrap();
    let request = admin.request(identity::ListAccessCodesRequest {
        school_id: sandbox.demo.school_id.clone(),
        ..Default::default()
    });
    let listed = admin
        .identity
        .list_access_codes(request)
        .await
        .unwrap()
        .into_inner()
        .access_codes;
    let listed = listed.iter().find(|c| c.id == code_id).expect("listed");
    assert!(listed.redeem_time.is_some());
    assert!(!format!("{listed:?}").contains(&code));
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn revoked_codes_fail_and_guessing_is_bounded() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let child = sandbox.demo.student_ids[3].clone();
    let (revoked_id, revoked) = issue_code(&sandbox, &child).await;
    let mut admin = sandbox.admin().await.unwrap();
    let request = admin.request(identity::RevokeAccessCodeRequest { id: revoked_id });
    admin.identity.revoke_access_code(request).await.unwrap();

    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    assert_eq!(
        redeem(&guardian, &sandbox, &revoked).await.status(),
        StatusCode::BAD_REQUEST
    );
    for guess in [
        "AAAAA-AAAAA-AAAAA",
        "CCCCC-CCCCC-CCCCC",
        "DDDDD-DDDDD-DDDDD",
        "EEEEE-EEEEE-EEEEE",
    ] {
        assert_eq!(
            redeem(&guardian, &sandbox, guess).await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    // Five failures: now even a good code is refused, unchecked.
    let (_, good) = issue_code(&sandbox, &child).await;
    assert_eq!(
        redeem(&guardian, &sandbox, &good).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        marks_status(&guardian, &sandbox, &child).await,
        StatusCode::NOT_FOUND
    );
    // Another person may still redeem it.
    let other = sandbox.sign_in_demo("parent2").await.unwrap();
    assert_eq!(
        redeem(&other, &sandbox, &good).await.status(),
        StatusCode::CREATED
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn wrong_passwords_lock_the_login_and_passwords_can_be_changed() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let student = DEMO_LOGINS.iter().find(|d| d.login == "student").unwrap();
    for _ in 0..5 {
        assert!(sandbox.sign_in("student", "wrong password!").await.is_err());
    }
    let anonymous = reqwest::Client::new();
    let response = anonymous
        .post(format!("{}/api/v1/session", sandbox.gateway()))
        .json(&json!({ "login": "student", "password": student.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    // Other logins are unaffected; a teacher changes their password.
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let change = |current: &str, new: &str| {
        teacher
            .post(format!("{}/api/v1/session/password", sandbox.gateway()))
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    let response = change("not the password", "a brand new password")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "current_password");
    let response = change("uchitel-demo", "short").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        change("uchitel-demo", "a brand new password")
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert!(sandbox.sign_in("teacher", "uchitel-demo").await.is_err());
    let session: Value = sandbox
        .sign_in("teacher", "a brand new password")
        .await
        .unwrap()
        .get(format!("{}/api/v1/session", sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(session["person_id"].is_string());
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_school_audit_trail_records_security_events_and_staff_reads() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let child = sandbox.demo.student_ids[0].clone();
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    assert_eq!(
        marks_status(&teacher, &sandbox, &child).await,
        StatusCode::OK
    );
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    assert_eq!(
        marks_status(&guardian, &sandbox, &child).await,
        StatusCode::OK
    );

    let mut admin = sandbox.admin().await.unwrap();
    let request = admin.request(identity::ListAuditEventsRequest {
        school_id: sandbox.demo.school_id.clone(),
        page_size: 500,
        ..Default::default()
    });
    let events = admin
        .identity
        .list_audit_events(request)
        .await
        .unwrap()
        .into_inner()
        .audit_events;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    for expected in [
        "credentials.issued",
        "guardian.linked",
        "staff_role.granted",
        "login",
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected} missing from {kinds:?}"
        );
    }
    let reads: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "student_record.read")
        .collect();
    assert_eq!(
        reads.len(),
        1,
        "the teacher's read only, not the guardian's: {kinds:?}"
    );
    assert_eq!(reads[0].object_id, child);
    assert_eq!(reads[0].source_address, "127.0.0.1");

    // Nobody but the school's administrators (and the city) reads the trail.
    let grpc = tonic::transport::Endpoint::from_shared(
        sandbox.suite().url_of("identity").unwrap().to_owned(),
    )
    .unwrap()
    .connect()
    .await
    .unwrap();
    let mut as_teacher = identity::identity_service_client::IdentityServiceClient::new(grpc);
    let login = as_teacher
        .login(identity::LoginRequest {
            login: "teacher".into(),
            password: "uchitel-demo".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut request = tonic::Request::new(identity::ListAuditEventsRequest {
        school_id: sandbox.demo.school_id.clone(),
        ..Default::default()
    });
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {}", login.access_token).parse().unwrap(),
    );
    assert_eq!(
        as_teacher
            .list_audit_events(request)
            .await
            .unwrap_err()
            .code(),
        tonic::Code::NotFound
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_guardian_with_only_an_access_code_signs_up_and_sees_the_child() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let child = sandbox.demo.student_ids[4].clone();
    let (_, code) = issue_code(&sandbox, &child).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let sign_up = |code: &str, login: &str| {
        browser
            .post(format!("{}/api/v1/registrations", sandbox.gateway()))
            .json(&json!({
                "access_code": code,
                "family_name": "Соколова",
                "given_name": "Елена",
                "login": login,
                "password": "my-own-password",
            }))
            .send()
    };
    // A taken login is refused without spending the code.
    let response = sign_up(&code, "teacher").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "login", "{problem}");

    let response = sign_up(&code, "sokolova").await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["password_change_required"], false);
    assert_eq!(
        marks_status(&browser, &sandbox, &child).await,
        StatusCode::OK
    );
    assert_eq!(
        marks_status(&browser, &sandbox, &sandbox.demo.student_ids[0]).await,
        StatusCode::NOT_FOUND
    );

    // The code is spent; the new login works on its own.
    assert_eq!(
        sign_up(&code, "sokolova2").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert!(sandbox.sign_in("sokolova", "my-own-password").await.is_ok());
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_school_issued_password_must_be_changed_before_anything_else() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let pupil = sandbox.demo.student_ids[1].clone();
    let mut admin = sandbox.admin().await.unwrap();
    let request = admin.request(identity::SetCredentialsRequest {
        person_id: pupil.clone(),
        login: "anna".into(),
        password: "issued-by-school".into(),
    });
    admin.identity.set_credentials(request).await.unwrap();

    let browser = sandbox.sign_in("anna", "issued-by-school").await.unwrap();
    let response = marks_status(&browser, &sandbox, &pupil).await;
    assert_eq!(
        response,
        StatusCode::FORBIDDEN,
        "nothing before the password change"
    );
    let changed = browser
        .post(format!("{}/api/v1/session/password", sandbox.gateway()))
        .json(
            &json!({ "current_password": "issued-by-school", "new_password": "anna's own secret" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        marks_status(&browser, &sandbox, &pupil).await,
        StatusCode::OK
    );
    sandbox.stop().await.unwrap();
}
