//! A class's groups kept by the administrator: a group made of ticked
//! students on the page and listed with their names and through JSON; a
//! nameless group refused with the ticks kept; a teacher of the school
//! refused the same form.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use serde_json::Value;

use super::pages::{page, submit};
use super::staffed;

#[tokio::test]
async fn the_administrator_makes_a_group_of_some_students() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа групп", "groups").await;
    let class = school.builder.class(6, "В", "").await;
    let first = school.builder.student_in(&class, "Андреева").await;
    let second = school.builder.student_in(&class, "Борисов").await;
    let id = school.school_id.clone();
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);
    let groups = format!("/school/{id}/admin/classes/{class}/groups");

    let (_, class_page) = page(
        admin,
        &format!("{gateway}/school/{id}/admin/classes/{class}"),
    )
    .await;
    assert!(
        class_page.contains(&format!("href=\"{groups}\"")),
        "{class_page}"
    );
    let (status, html) = page(admin, &format!("{gateway}{groups}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Групп пока нет") && html.contains("Андреева"),
        "{html}"
    );
    assert_eq!(
        page(teacher, &format!("{gateway}{groups}")).await.0,
        StatusCode::NOT_FOUND
    );

    // Without a name: refused beside the field, the ticks kept.
    let tick = format!("student:{first}");
    let (status, html) = submit(admin, &sandbox, &groups, &[("name", ""), (&tick, "1")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("id=\"name-error\""), "{html}");
    assert!(
        html.contains(&format!("name=\"{tick}\" value=\"1\" checked")),
        "{html}"
    );
    let (status, _) = submit(
        teacher,
        &sandbox,
        &groups,
        &[("name", "Английский"), (&tick, "1")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = submit(
        admin,
        &sandbox,
        &groups,
        &[("name", "Английский, гр. 1"), (&tick, "1")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(admin, &format!("{gateway}{groups}")).await;
    assert!(html.contains("Английский, гр. 1"), "{html}");
    let listed: Value = admin
        .get(format!("{gateway}/api/v1/classes/{class}/groups"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["groups"][0]["name"], "Английский, гр. 1",
        "{listed:#}"
    );
    assert_eq!(
        listed["groups"][0]["student_ids"],
        serde_json::json!([first]),
        "{listed:#}"
    );
    assert!(!listed.to_string().contains(&second));
    sandbox.stop().await.unwrap();
}
