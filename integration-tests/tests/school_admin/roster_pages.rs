//! The teaching load, a student's guardians and the diary vendors as the
//! administrator keeps them on pages: status and content, a refusal beside
//! its field, and a teacher of the school who finds no such page.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::vendor_client;
use reqwest::StatusCode;

use super::pages::{page, submit};
use super::staffed;

#[tokio::test]
async fn the_administrator_assigns_the_teaching_load() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа нагрузки", "loadpages").await;
    let class = school.builder.class(5, "А", "").await;
    let subject = school.builder.subject("Математика").await;
    let id = &school.school_id;
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);

    let (_, overview) = page(admin, &format!("{gateway}/school/{id}/admin")).await;
    assert!(overview.contains(&format!("href=\"/school/{id}/admin/assignments\"")));

    let load = format!("/school/{id}/admin/assignments");
    let (status, html) = page(admin, &format!("{gateway}{load}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Нагрузка") && html.contains("Математика"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<option value=\"{}\">Учителева Тест",
            school.teacher_id
        )),
        "the teacher offered: {html}"
    );
    assert_eq!(
        page(teacher, &format!("{gateway}{load}")).await.0,
        StatusCode::NOT_FOUND
    );

    // The administrator, who is no teacher, is named beside the field; the
    // class chosen stays chosen.
    let refused = [
        ("class_id", class.as_str()),
        ("subject_id", subject.as_str()),
        ("group_id", ""),
        ("teacher_id", school.admin_id.as_str()),
    ];
    let (status, html) = submit(admin, &sandbox, &load, &refused).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"teacher_id-error\""), "{html}");
    assert!(html.contains(&format!("<option value=\"{class}\" selected>")));

    let fields = [
        ("class_id", class.as_str()),
        ("subject_id", subject.as_str()),
        ("group_id", ""),
        ("teacher_id", school.teacher_id.as_str()),
    ];
    assert_eq!(
        submit(teacher, &sandbox, &load, &fields).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        submit(admin, &sandbox, &load, &fields).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{load}")).await;
    let remove = html
        .split("action=\"")
        .filter_map(|part| part.split('"').next())
        .find(|action| action.ends_with("/remove"))
        .expect("a remove button")
        .to_owned();
    assert!(html.contains("<li>Учителева Тест"), "{html}");

    // Once more is a conflict, said above the form.
    let (status, html) = submit(admin, &sandbox, &load, &fields).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("уже ведёт"), "{html}");

    assert_ne!(
        submit(teacher, &sandbox, &remove, &[]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        submit(admin, &sandbox, &remove, &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{load}")).await;
    assert!(!html.contains("/remove\""), "{html}");
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_administrator_keeps_a_students_guardians() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа родителей", "guardpages").await;
    let class = school.builder.class(7, "Б", "").await;
    let student = school.builder.student_in(&class, "Орлова").await;
    let father = school
        .builder
        .person(otmetka_proto::identity::v1::PersonKind::Guardian, "Орлов")
        .await;
    let id = &school.school_id;
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);

    let class_page = format!("/school/{id}/admin/classes/{class}");
    let student_page = format!("{class_page}/students/{student}");
    let (_, html) = page(admin, &format!("{gateway}{class_page}")).await;
    assert!(html.contains(&format!("href=\"{student_page}\"")), "{html}");
    let (status, html) = page(admin, &format!("{gateway}{student_page}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<h1>Орлова Тест</h1>") && html.contains("7Б") && html.contains("Родители"),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{father}\">Орлов Тест")));
    assert_eq!(
        page(teacher, &format!("{gateway}{student_page}")).await.0,
        StatusCode::NOT_FOUND
    );

    // A new guardian without a given name: named beside the field, the
    // family name kept.
    let guardians = format!("{student_page}/guardians");
    let (status, html) = submit(admin, &sandbox, &guardians, &[("family_name", "Орлова")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"given_name-error\""), "{html}");
    assert!(html.contains("value=\"Орлова\""));
    let mother = [("family_name", "Орлова"), ("given_name", "Ирина")];
    assert_ne!(
        submit(teacher, &sandbox, &guardians, &mother).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        submit(admin, &sandbox, &guardians, &mother).await.0,
        StatusCode::SEE_OTHER
    );
    let existing = [("guardian_id", father.as_str())];
    assert_eq!(
        submit(admin, &sandbox, &guardians, &existing).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{student_page}")).await;
    assert!(
        html.contains("<strong>Орлов Тест</strong>")
            && html.contains("<strong>Орлова Ирина</strong>"),
        "{html}"
    );

    let unlink = format!("{guardians}/{father}/unlink");
    assert_ne!(
        submit(teacher, &sandbox, &unlink, &[]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        submit(admin, &sandbox, &unlink, &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{student_page}")).await;
    assert!(!html.contains("<strong>Орлов Тест</strong>"), "{html}");
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_administrator_grants_and_withdraws_a_vendor() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut school = staffed(&sandbox, "Школа дневников", "vendpages").await;
    let city = school.builder.city.clone();
    let vendor = vendor_client(
        &mut school.builder.identity,
        &city,
        "Дневник Плюс",
        &["roster.read", "marks.write"],
        None,
    )
    .await;
    let id = &school.school_id;
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);

    let (_, overview) = page(admin, &format!("{gateway}/school/{id}/admin")).await;
    assert!(overview.contains(&format!("href=\"/school/{id}/admin/vendors\"")));
    let vendors = format!("/school/{id}/admin/vendors");
    let (status, html) = page(admin, &format!("{gateway}{vendors}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<strong>Дневник Плюс</strong>") && html.contains("roster.read, marks.write"),
        "{html}"
    );
    assert!(html.contains("Открыть доступ"), "{html}");
    assert_eq!(
        page(teacher, &format!("{gateway}{vendors}")).await.0,
        StatusCode::NOT_FOUND
    );

    let grant = format!("{vendors}/{}/grant", vendor.id);
    assert_eq!(
        submit(teacher, &sandbox, &grant, &[]).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        submit(admin, &sandbox, &grant, &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{vendors}")).await;
    assert!(html.contains("<strong>открыт</strong>"), "{html}");

    // Withdrawing unconfirmed is refused beside the box; confirmed, done.
    let withdraw = format!("{vendors}/{}/withdraw", vendor.id);
    let (status, html) = submit(admin, &sandbox, &withdraw, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("Подтвердите закрытие доступа.") && html.contains("aria-invalid=\"true\""),
        "{html}"
    );
    let confirmed = [("confirm", "yes")];
    assert_eq!(
        submit(teacher, &sandbox, &withdraw, &confirmed).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        submit(admin, &sandbox, &withdraw, &confirmed).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(admin, &format!("{gateway}{vendors}")).await;
    assert!(!html.contains("<strong>открыт</strong>"), "{html}");
    sandbox.stop().await.unwrap();
}
