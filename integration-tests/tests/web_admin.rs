//! The staff start page and the school's administration: a person's staff
//! roles from identity, the start page's links by role, and an
//! administrator who opens a class, enrols a student, prints the class's
//! access codes, with a guardian signing up by one; teachers are refused
//! every administration page and route.

use otmetka_integration_tests::school::{SchoolBuilder, with_token};
use otmetka_integration_tests::{ADMIN_LOGIN, ADMIN_PASSWORD, Sandbox};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn page(client: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{url}: {kind}");
    }
    (status, response.text().await.unwrap())
}

/// The password `SchoolBuilder::token_of` issues.
const ISSUED: &str = "test-password-1";

/// A school with an administrator, a teacher and a deputy head, each with
/// a login (`{logins}-admin`, …) and an access token.
struct Staffed {
    builder: SchoolBuilder,
    teacher: String,
    admin_token: String,
    teacher_token: String,
}

async fn staffed(sandbox: &Sandbox, name: &str, logins: &str) -> Staffed {
    let mut builder = SchoolBuilder::new(sandbox, name).await.unwrap();
    let admin = builder
        .staff("Администраторова", identity::StaffRole::SchoolAdmin)
        .await;
    let teacher = builder
        .staff("Учителева", identity::StaffRole::Teacher)
        .await;
    let deputy = builder
        .staff("Завучева", identity::StaffRole::DeputyHead)
        .await;
    let admin_token = builder.token_of(&admin, &format!("{logins}-admin")).await;
    let teacher_token = builder
        .token_of(&teacher, &format!("{logins}-teacher"))
        .await;
    builder.token_of(&deputy, &format!("{logins}-deputy")).await;
    Staffed {
        builder,
        teacher,
        admin_token,
        teacher_token,
    }
}

#[tokio::test]
async fn staff_roles_and_the_start_page() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа ролей", "roles").await;
    let school_id = school.builder.school_id.clone();
    let other_teacher = school
        .builder
        .staff("Другова", identity::StaffRole::Teacher)
        .await;
    let other_token = school.builder.token_of(&other_teacher, "roles-other").await;
    let (teacher_token, admin_token) = (school.teacher_token.clone(), school.admin_token.clone());
    let identity_client = &mut school.builder.identity;
    let ask = |person: &str| identity::ListStaffRolesRequest {
        person_id: person.to_owned(),
    };

    // The teacher reads their own roles, named by school.
    let own = identity_client
        .list_staff_roles(with_token(&teacher_token, ask(&school.teacher)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(own.roles.len(), 1);
    assert_eq!(own.roles[0].school_id, school_id);
    assert_eq!(own.roles[0].school_name, "Школа ролей");
    assert_eq!(own.roles[0].role, i32::from(identity::StaffRole::Teacher));
    assert!(!own.city_operator);
    // Another teacher learns nothing; the school's administrator may look.
    let refused = identity_client
        .list_staff_roles(with_token(&other_token, ask(&school.teacher)))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::NotFound);
    let by_admin = identity_client
        .list_staff_roles(with_token(&admin_token, ask(&school.teacher)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_admin.roles, own.roles);

    let gateway = sandbox.gateway();
    // The demo teacher: the teacher's journal, nothing else.
    let teacher = sandbox.browser("teacher", "uchitel-demo").await.unwrap();
    let (status, html) = page(&teacher, &format!("{gateway}/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/teaching\""), "{html}");
    assert!(!html.contains("/leadership") && !html.contains("/admin") && !html.contains("/city"));
    let me: Value = teacher
        .get(format!("{gateway}/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"][0]["role"], "teacher");
    assert_eq!(me["roles"][0]["school_id"], sandbox.demo.school_id.as_str());
    assert_eq!(me["city_operator"], false);

    // The demo deputy head: the school's leadership.
    let deputy = sandbox.browser("zavuch", "zavuch-demo").await.unwrap();
    let (_, html) = page(&deputy, &format!("{gateway}/")).await;
    let leadership = format!("href=\"/school/{}/leadership\"", sandbox.demo.school_id);
    assert!(html.contains(&leadership), "{html}");
    assert!(!html.contains("/admin\"") && !html.contains("href=\"/teaching\""));

    // A school administrator: the administration of their school.
    let admin = sandbox.browser("roles-admin", ISSUED).await.unwrap();
    let (_, html) = page(&admin, &format!("{gateway}/")).await;
    assert!(
        html.contains(&format!("href=\"/school/{school_id}/admin\"")),
        "{html}"
    );
    assert!(html.contains("Школа ролей"));
    assert!(!html.contains("/leadership") && !html.contains("href=\"/city\""));

    // The city operator: the city's page.
    let city = sandbox.browser(ADMIN_LOGIN, ADMIN_PASSWORD).await.unwrap();
    let (_, html) = page(&city, &format!("{gateway}/")).await;
    assert!(html.contains("href=\"/city\""), "{html}");
    sandbox.stop().await.unwrap();
}

/// Each `<strong class="code">…</strong>` of a printed sheet.
fn printed_codes(html: &str) -> Vec<String> {
    html.split("<strong class=\"code\">")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn an_administrator_hands_out_access_codes() {
    let sandbox = Sandbox::start().await.unwrap();
    let school = staffed(&sandbox, "Школа кодов", "codes").await;
    let school_id = school.builder.school_id.clone();
    let gateway = sandbox.gateway().to_owned();
    let admin = sandbox.browser("codes-admin", ISSUED).await.unwrap();
    let teacher = sandbox.browser("codes-teacher", ISSUED).await.unwrap();
    let admin_page = format!("{gateway}/school/{school_id}/admin");

    // The administration is the administrator's; a teacher of the school
    // meets a page that is not there.
    assert_eq!(page(&admin, &admin_page).await.0, StatusCode::OK);
    assert_eq!(page(&teacher, &admin_page).await.0, StatusCode::NOT_FOUND);

    // A class: a wrong grade is named and the values stay; then it is made.
    let classes = format!("/school/{school_id}/admin/classes");
    let (status, _, html) = sandbox
        .post_form(
            &admin,
            &classes,
            &[
                ("grade_level", "пятый"),
                ("letter", "Б"),
                ("academic_year", "2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"grade_level-error\""), "{html}");
    assert!(html.contains("value=\"пятый\""));
    let (status, _, html) = sandbox
        .post_form(
            &admin,
            &classes,
            &[
                ("grade_level", "12"),
                ("letter", "Б"),
                ("academic_year", "2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"grade_level-error\""), "{html}");
    let fields = [
        ("grade_level", "5"),
        ("letter", "Б"),
        ("academic_year", "2026"),
    ];
    let (status, _, _) = sandbox.post_form(&teacher, &classes, &fields).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a teacher makes no class");
    let (status, class_url, _) = sandbox.post_form(&admin, &classes, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let class_id = class_url.rsplit('/').next().unwrap().to_owned();
    let (_, html) = page(&admin, &admin_page).await;
    assert!(html.contains("5Б"), "{html}");

    // Two students, the first with a forgotten date.
    let students = format!("{class_url}/students");
    let (status, _, html) = sandbox
        .post_form(
            &admin,
            &students,
            &[
                ("family_name", "Орлова"),
                ("given_name", "Вера"),
                ("start_date", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"start_date-error\""), "{html}");
    assert!(html.contains("value=\"Орлова\""));
    let today = sandbox.today().to_string();
    for (family, given) in [("Орлова", "Вера"), ("Белов", "Пётр")] {
        let (status, location, _) = sandbox
            .post_form(
                &admin,
                &students,
                &[
                    ("family_name", family),
                    ("given_name", given),
                    ("start_date", &today),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, class_url);
    }
    let (status, html) = page(&admin, &format!("{gateway}{class_url}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Орлова Вера") && html.contains("Белов Пётр"),
        "{html}"
    );
    assert_eq!(
        page(&teacher, &format!("{gateway}{class_url}")).await.0,
        StatusCode::NOT_FOUND
    );

    // The sheet: one card per student, by name, with a code each. A
    // teacher prints nothing.
    let codes = format!("{class_url}/codes");
    let (status, _, _) = sandbox.post_form(&teacher, &codes, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, sheet) = sandbox.post_form(&admin, &codes, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let belov = sheet.find("Белов Пётр").expect("Белов on the sheet");
    let orlova = sheet.find("Орлова Вера").expect("Орлова on the sheet");
    assert!(belov < orlova, "by family name");
    assert!(sheet.contains("5Б"));
    let printed = printed_codes(&sheet);
    assert_eq!(printed.len(), 2, "{sheet}");

    // A new guardian signs up with Орлова's code and sees her.
    let guardian = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let registered = guardian
        .post(format!("{gateway}/api/v1/registrations"))
        .json(&json!({
            "access_code": printed[1],
            "family_name": "Орлов",
            "given_name": "Илья",
            "login": "orlov-parent",
            "password": "orlov-parent-password",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let me: Value = guardian
        .get(format!("{gateway}/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["children"][0]["family_name"], "Орлова", "{me}");
    let (_, html) = page(&admin, &format!("{gateway}{class_url}")).await;
    assert!(html.contains("использован"), "{html}");

    // The JSON routes the pages stand on: the teacher is refused, the
    // administrator reads the states and revokes Белов's unused code.
    let list = format!("{gateway}/api/v1/schools/{school_id}/access-codes");
    let refused = teacher.get(&list).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let listed: Value = admin.get(&list).send().await.unwrap().json().await.unwrap();
    let states: Vec<&str> = listed["access_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "redeemed").count(), 1);
    assert_eq!(states.iter().filter(|s| **s == "active").count(), 1);
    let active = listed["access_codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|code| code["state"] == "active")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoke = format!("{gateway}/api/v1/access-codes/{active}");
    let refused = teacher
        .delete(&revoke)
        .header("origin", &gateway)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let revoked = admin
        .delete(&revoke)
        .header("origin", &gateway)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let with_revoked = guardian
        .post(format!("{gateway}/api/v1/registrations"))
        .json(&json!({
            "access_code": printed[0],
            "family_name": "Белова",
            "given_name": "Анна",
            "login": "belova-parent",
            "password": "belova-parent-password",
        }))
        .send()
        .await
        .unwrap();
    assert!(with_revoked.status().is_client_error());

    // The class's JSON face, and a field-named refusal.
    let roll: Value = admin
        .get(format!("{gateway}/api/v1/classes/{class_id}/students"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(roll["class"]["name"], "5Б");
    assert_eq!(roll["students"][0]["family_name"], "Белов");
    let bad = admin
        .post(format!("{gateway}/api/v1/schools/{school_id}/classes"))
        .header("origin", &gateway)
        .json(&json!({ "grade_level": 0, "letter": "В", "academic_year": 2026 }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "grade_level", "{problem}");
    sandbox.stop().await.unwrap();
}
