use reqwest::StatusCode;
use serde_json::json;

use super::school::school;
use otmetka_integration_tests::Sandbox;

#[tokio::test]
async fn the_deputy_head_decides_a_reopen_request_on_the_page() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "reopen").await;
    let ask = |reason: &str| {
        s.teacher
            .post(s.url("/api/v1/journal/reopen-requests"))
            .json(&json!({
                "class_id": s.class,
                "subject_id": s.mathematics,
                "period_id": s.term.period.id,
                "reason": reason,
            }))
    };
    let (status, problem) = s.json(ask(&"ы".repeat(501))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(problem["errors"][0]["field"], "reason", "{problem:#}");
    let (status, asked) = s.json(ask("Не выставлена контрольная работа")).await;
    assert_eq!(status, StatusCode::CREATED, "{asked:#}");
    assert_eq!(asked["class_name"], "5Б");
    assert_eq!(asked["subject_name"], "Математика");
    assert_eq!(asked["period_name"], "II четверть");
    assert_eq!(asked["requester_name"], "Петрова Тест");
    let id = asked["id"].as_str().unwrap().to_owned();

    let list = format!("/school/{}/reopen-requests", s.school);
    let (status, html) = s.page(&s.deputy, &list).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for text in [
        "5Б",
        "Математика",
        "II четверть",
        "Петрова Тест",
        "Не выставлена контрольная работа",
        "Ожидают решения",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }

    // The teacher may not decide; the deputy head may, once.
    let decide = format!("{list}/{id}");
    let (status, _, _) = s
        .form(
            &s.teacher,
            &decide,
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, html) = s
        .form(
            &s.deputy,
            &decide,
            &[("decision", "maybe"), ("comment", "Хм")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("решение: must be approve or refuse"),
        "{html}"
    );
    assert!(
        html.contains(">Хм</textarea>"),
        "the comment is kept: {html}"
    );
    let (status, location, _) = s
        .form(
            &s.deputy,
            &decide,
            &[("decision", "approve"), ("comment", "Исправьте до пятницы")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, list);
    let (status, _, html) = s
        .form(
            &s.deputy,
            &decide,
            &[("decision", "refuse"), ("comment", "")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Запрос уже решён"), "{html}");

    let (status, page) = s
        .json(s.deputy.get(s.url(&format!(
            "/api/v1/journal/reopen-requests?school_id={}",
            s.school
        ))))
        .await;
    assert_eq!(status, StatusCode::OK, "{page:#}");
    let decided = &page["reopen_requests"][0];
    assert_eq!(decided["state"], "approved", "{page:#}");
    assert_eq!(decided["decider_name"], "Соколова Тест", "{page:#}");
    let (_, html) = s.page(&s.deputy, &list).await;
    assert!(html.contains("Новых запросов нет"), "{html}");
    assert!(html.contains("Одобрено"), "{html}");

    // The teacher's own list names the same.
    let (status, own) = s
        .json(s.teacher.get(s.url(&format!(
            "/api/v1/journal/reopen-requests?school_id={}",
            s.school
        ))))
        .await;
    assert_eq!(status, StatusCode::OK, "{own:#}");
    assert_eq!(own["reopen_requests"][0]["class_name"], "5Б");
    sandbox.stop().await.expect("stop");
}
