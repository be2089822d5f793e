//! The staff and audit pages: what the administrator reads and does, a
//! refusal beside its field, and a teacher who finds no such page.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;

use super::staffed;

pub(super) async fn page(client: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// A form post as a browser on the gateway's own pages sends it.
pub(super) async fn submit(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (status, _, body) = sandbox.post_form(client, path, fields).await;
    (status, body)
}

#[tokio::test]
async fn the_administrator_keeps_the_staff_and_reads_the_trail() {
    let sandbox = Sandbox::start().await.unwrap();
    let school = staffed(&sandbox, "Школа страниц", "staffpages").await;
    let id = &school.school_id;
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);

    let (_, overview) = page(admin, &format!("{gateway}/school/{id}/admin")).await;
    assert!(overview.contains(&format!("href=\"/school/{id}/admin/staff\"")));
    assert!(overview.contains(&format!("href=\"/school/{id}/admin/audit\"")));

    let staff = format!("/school/{id}/admin/staff");
    let (status, html) = page(admin, &format!("{gateway}{staff}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Администраторова Тест") && html.contains("учитель"),
        "{html}"
    );
    assert_eq!(
        page(teacher, &format!("{gateway}{staff}")).await.0,
        StatusCode::NOT_FOUND
    );

    // A forgotten given name is named beside its field, the rest kept.
    let fields = [
        ("family_name", "Новикова"),
        ("given_name", ""),
        ("role", "teacher"),
    ];
    let (status, html) = submit(admin, &sandbox, &staff, &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"given_name-error\""), "{html}");
    assert!(html.contains("value=\"Новикова\""));
    let fields = [
        ("family_name", "Новикова"),
        ("given_name", "Анна"),
        ("role", "teacher"),
    ];
    assert_eq!(
        submit(teacher, &sandbox, &staff, &fields).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        submit(admin, &sandbox, &staff, &fields).await.0,
        StatusCode::SEE_OTHER
    );

    // The teacher becomes a deputy head too; a teacher gives no role.
    let grant = format!("{staff}/{}/roles", school.teacher_id);
    let role = [("role", "deputy_head")];
    assert_ne!(
        submit(teacher, &sandbox, &grant, &role).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        submit(admin, &sandbox, &grant, &role).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{staff}")).await;
    assert!(
        html.contains("Новикова Анна") && html.contains("завуч"),
        "{html}"
    );

    // The trail names who did what, in Russian.
    let trail = format!("{gateway}/school/{id}/admin/audit");
    let (status, html) = page(admin, &trail).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("сотруднику дана роль"), "{html}");
    assert!(
        html.contains("<strong>Администраторова Тест</strong>"),
        "{html}"
    );
    let (_, html) = page(admin, &format!("{trail}?kind=login&date=")).await;
    assert!(!html.contains("сотруднику дана роль</p>") && html.contains("вход в систему"));
    assert_eq!(page(teacher, &trail).await.0, StatusCode::NOT_FOUND);
    sandbox.stop().await.unwrap();
}
