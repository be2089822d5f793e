//! The JSON routes: each change tried by a teacher (refused) and by the
//! administrator (done), each read tried by another school's administrator
//! (not found).

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::vendor_client;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::staffed;

/// A JSON call as the gateway's own pages would make it.
async fn call(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client
        .request(method, format!("{}{path}", sandbox.gateway()))
        .header("origin", sandbox.gateway());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn field(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn staff_assignments_and_guardians() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа кадров", "staffapi").await;
    let other = staffed(&sandbox, "Соседняя школа", "staffnear").await;
    let id = school.school_id.clone();
    let (admin, teacher) = (&school.admin, &school.teacher);
    let get = Method::GET;

    // The staff with their roles: the administrator's to read.
    let staff = format!("/api/v1/schools/{id}/staff");
    let (status, listed) = call(admin, &sandbox, get.clone(), &staff, None).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["staff"][0]["family_name"], "Администраторова");
    assert_eq!(listed["staff"][0]["roles"], json!(["school_admin"]));
    assert_eq!(listed["staff"][1]["roles"], json!(["teacher"]));
    let (status, _) = call(teacher, &sandbox, get.clone(), &staff, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&other.admin, &sandbox, get.clone(), &staff, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A new member of staff: a missing name is named; a teacher adds no one.
    let newcomer = json!({ "family_name": "Новикова", "given_name": "Анна", "roles": ["teacher"] });
    let (status, problem) = call(
        admin,
        &sandbox,
        Method::POST,
        &staff,
        Some(json!({ "family_name": "Новикова", "given_name": " " })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field(&problem), "given_name", "{problem}");
    let (status, _) = call(
        teacher,
        &sandbox,
        Method::POST,
        &staff,
        Some(newcomer.clone()),
    )
    .await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}"
    );
    let (status, added) = call(admin, &sandbox, Method::POST, &staff, Some(newcomer)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["roles"], json!(["teacher"]));
    let newcomer_id = added["person_id"].as_str().unwrap().to_owned();

    // Roles given and taken; a word that is no role names nothing.
    let role = |role: &str| format!("/api/v1/schools/{id}/staff/{newcomer_id}/roles/{role}");
    let (status, _) = call(teacher, &sandbox, Method::PUT, &role("deputy_head"), None).await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}"
    );
    let (status, _) = call(admin, &sandbox, Method::PUT, &role("deputy_head"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(admin, &sandbox, Method::PUT, &role("headmaster"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(admin, &sandbox, Method::DELETE, &role("teacher"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, listed) = call(admin, &sandbox, get.clone(), &staff, None).await;
    let newcomer = listed["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["person_id"] == newcomer_id.as_str())
        .unwrap();
    assert_eq!(newcomer["roles"], json!(["deputy_head"]));
    let near = format!(
        "/api/v1/schools/{}/staff/{newcomer_id}/roles/teacher",
        other.school_id
    );
    let (status, _) = call(&other.admin, &sandbox, Method::PUT, &near, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Teaching assignments: the teacher may read them, not make them.
    let class = school.builder.class(5, "А", "").await;
    let subject = school.builder.subject("Математика").await;
    let student = school.builder.student_in(&class, "Орлова").await;
    let assignments = format!("/api/v1/schools/{id}/teaching-assignments");
    let assignment = json!({
        "teacher_id": school.teacher_id, "class_id": class, "subject_id": subject,
    });
    let (status, problem) = call(
        admin,
        &sandbox,
        Method::POST,
        &assignments,
        Some(json!({ "teacher_id": school.admin_id, "class_id": class, "subject_id": subject })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(field(&problem), "teacher_id", "not a teacher");
    let (status, _) = call(
        teacher,
        &sandbox,
        Method::POST,
        &assignments,
        Some(assignment.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, made) = call(
        admin,
        &sandbox,
        Method::POST,
        &assignments,
        Some(assignment),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, listed) = call(teacher, &sandbox, get.clone(), &assignments, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed["teaching_assignments"][0]["subject_id"],
        subject.as_str()
    );
    let (status, _) = call(&other.admin, &sandbox, get.clone(), &assignments, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let made = format!("{assignments}/{}", made["id"].as_str().unwrap());
    let (status, _) = call(teacher, &sandbox, Method::DELETE, &made, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(admin, &sandbox, Method::DELETE, &made, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, listed) = call(admin, &sandbox, get.clone(), &assignments, None).await;
    assert_eq!(listed["teaching_assignments"], json!([]));

    // A student's guardians: a new one registered and linked, an existing
    // one linked, one unlinked.
    let guardians = format!("/api/v1/schools/{id}/students/{student}/guardians");
    let mother = json!({ "family_name": "Орлова", "given_name": "Ирина" });
    let (status, _) = call(
        teacher,
        &sandbox,
        Method::POST,
        &guardians,
        Some(mother.clone()),
    )
    .await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}"
    );
    let (status, linked) = call(admin, &sandbox, Method::POST, &guardians, Some(mother)).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    let father = school
        .builder
        .person(otmetka_proto::identity::v1::PersonKind::Guardian, "Орлов")
        .await;
    let (status, problem) = call(
        admin,
        &sandbox,
        Method::POST,
        &guardians,
        Some(json!({ "guardian_id": school.teacher_id })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field(&problem), "guardian_id", "{problem}");
    let (status, _) = call(
        admin,
        &sandbox,
        Method::POST,
        &guardians,
        Some(json!({ "guardian_id": father })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, listed) = call(teacher, &sandbox, get.clone(), &guardians, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["student"]["family_name"], "Орлова");
    let names: Vec<&str> = listed["guardians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["given_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Тест", "Ирина"], "by family name: Орлов, Орлова");
    let near = format!(
        "/api/v1/schools/{}/students/{student}/guardians",
        other.school_id
    );
    let (status, _) = call(&other.admin, &sandbox, get.clone(), &near, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unlink = format!("{guardians}/{father}");
    let (status, _) = call(teacher, &sandbox, Method::DELETE, &unlink, None).await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}"
    );
    let (status, _) = call(admin, &sandbox, Method::DELETE, &unlink, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, listed) = call(admin, &sandbox, get, &guardians, None).await;
    assert_eq!(listed["guardians"].as_array().unwrap().len(), 1);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn vendor_grants_and_the_audit_trail() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа поставщиков", "vendapi").await;
    let other = staffed(&sandbox, "Другая школа", "vendnear").await;
    let id = school.school_id.clone();
    let city = school.builder.city.clone();
    let vendor = vendor_client(
        &mut school.builder.identity,
        &city,
        "Дневник Плюс",
        &["roster.read", "marks.write"],
        None,
    )
    .await;
    let (admin, teacher) = (&school.admin, &school.teacher);

    let grants = format!("/api/v1/schools/{id}/vendor-grants");
    let (status, listed) = call(admin, &sandbox, Method::GET, &grants, None).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let offered = listed["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["client_id"] == vendor.id.as_str())
        .expect("the vendor offered");
    assert_eq!(
        offered["allowed_scopes"],
        json!(["roster.read", "marks.write"])
    );
    assert_eq!(offered["granted_at"], Value::Null);
    let (status, _) = call(teacher, &sandbox, Method::GET, &grants, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&other.admin, &sandbox, Method::GET, &grants, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let grant = format!("{grants}/{}", vendor.id);
    let (status, _) = call(teacher, &sandbox, Method::PUT, &grant, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, granted) = call(admin, &sandbox, Method::PUT, &grant, None).await;
    assert_eq!(status, StatusCode::OK, "{granted}");
    assert_eq!(granted["granted_by"], school.admin_id.as_str());
    let (_, listed) = call(admin, &sandbox, Method::GET, &grants, None).await;
    assert!(
        listed["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["client_id"] == vendor.id.as_str() && v["granted_at"].is_string())
    );
    let (status, _) = call(teacher, &sandbox, Method::DELETE, &grant, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(admin, &sandbox, Method::DELETE, &grant, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // The trail: the grant and its withdrawal, newest first, by the
    // administrator; filtered by kind; a day without events is empty.
    let trail = format!("/api/v1/schools/{id}/audit-events");
    let (status, page) = call(admin, &sandbox, Method::GET, &trail, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let kinds: Vec<&str> = page["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    let revoked = kinds.iter().position(|k| *k == "vendor.revoked").unwrap();
    let granted = kinds.iter().position(|k| *k == "vendor.granted").unwrap();
    assert!(revoked < granted, "{kinds:?}");
    let (_, page) = call(
        admin,
        &sandbox,
        Method::GET,
        &format!("{trail}?kind=vendor.granted&page_size=1"),
        None,
    )
    .await;
    let events = page["audit_events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["actor_id"], school.admin_id.as_str());
    assert_eq!(events[0]["object_id"], vendor.id.as_str());
    let (_, page) = call(
        admin,
        &sandbox,
        Method::GET,
        &format!("{trail}?date=2001-09-01"),
        None,
    )
    .await;
    assert_eq!(page["audit_events"], json!([]));
    let (status, problem) = call(
        admin,
        &sandbox,
        Method::GET,
        &format!("{trail}?kind=coffee&date=01.09.2026"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "date"]);
    let (status, _) = call(teacher, &sandbox, Method::GET, &trail, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&other.admin, &sandbox, Method::GET, &trail, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sandbox.stop().await.unwrap();
}
