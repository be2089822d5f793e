//! A login issued by the school's administrator: from the staff page to a
//! page that shows the temporary password once, which then signs in (and
//! must be replaced); a taken login named beside its field; a teacher of
//! the school refused the same page and route.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::pages::{page, submit};
use super::staffed;

/// The password as the page shows it.
fn password_in(html: &str) -> String {
    html.split("login-value\">")
        .nth(2)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("a password in {html}"))
        .to_owned()
}

#[tokio::test]
async fn the_administrator_issues_a_login_shown_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа логинов", "logins").await;
    let newcomer = school
        .builder
        .staff("Новикова", otmetka_proto::identity::v1::StaffRole::Teacher)
        .await;
    let id = school.school_id.clone();
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);
    let login_page = format!("/school/{id}/admin/people/{newcomer}/login");

    let (_, staff) = page(admin, &format!("{gateway}/school/{id}/admin/staff")).await;
    assert!(staff.contains(&format!("href=\"{login_page}\"")), "{staff}");
    let (status, html) = page(admin, &format!("{gateway}{login_page}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Новикова"), "{html}");
    assert_eq!(
        page(teacher, &format!("{gateway}{login_page}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = submit(teacher, &sandbox, &login_page, &[("login", "novikova.t")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Issued: the password works once, and must be replaced.
    let (status, html) = submit(admin, &sandbox, &login_page, &[("login", "Novikova.T")]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("novikova.t"), "{html}");
    let password = password_in(&html);
    assert_eq!(password.len(), 14, "{password}");
    let newcomer_browser = sandbox.browser("novikova.t", &password).await.unwrap();
    let me: Value = newcomer_browser
        .get(format!("{gateway}/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["person_id"], newcomer.as_str(), "{me:#}");

    // A taken login is named beside the field, with what was typed.
    let teacher_page = format!("/school/{id}/admin/people/{}/login", school.teacher_id);
    let (status, html) = submit(admin, &sandbox, &teacher_page, &[("login", "novikova.t")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("логин: уже занят"), "{html}");
    assert!(html.contains(r#"value="novikova.t""#), "{html}");

    // From a student's page, the way back leads to that student.
    let class = school.builder.class(7, "Г", "").await;
    let pupil = school.builder.student_in(&class, "Учеников").await;
    let student_page = format!("/school/{id}/admin/classes/{class}/students/{pupil}");
    let (_, html) = page(admin, &format!("{gateway}{student_page}")).await;
    let pupil_login = format!("/school/{id}/admin/people/{pupil}/login?class_id={class}");
    assert!(html.contains(&format!("href=\"{pupil_login}\"")), "{html}");
    let (status, html) = page(admin, &format!("{gateway}{pupil_login}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!("href=\"{student_page}\">← К ученику")),
        "{html}"
    );

    // The JSON route: the same rules.
    let route = format!("{gateway}/api/v1/people/{newcomer}/credentials");
    let (status, problem) = {
        let response = admin
            .post(&route)
            .json(&json!({ "login": "x" }))
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["errors"][0]["field"], "login", "{problem:#}");
    let refused = teacher
        .post(&route)
        .json(&json!({ "login": "novikova.2" }))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        refused.status(),
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    let response = admin
        .post(&route)
        .json(&json!({ "login": "novikova.2" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let issued: Value = response.json().await.unwrap();
    assert_eq!(issued["login"], "novikova.2");
    assert_ne!(issued["password"].as_str(), Some(password.as_str()));
    sandbox.stop().await.unwrap();
}
