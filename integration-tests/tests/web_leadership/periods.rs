use reqwest::StatusCode;
use serde_json::json;

use super::school::school;
use otmetka_integration_tests::Sandbox;

#[tokio::test]
async fn periods_close_and_reopen_by_json_and_by_form() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "periods").await;
    let period = s.term.period.id.clone();
    let json_path =
        |action: &str| format!("/api/v1/schools/{}/periods/{period}/{action}", s.school);

    // JSON: the teacher may read the school but not close its periods.
    let (status, problem) = s.json(s.teacher.post(s.url(&json_path("close")))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:#}");
    assert_eq!(s.period_state().await, "open");
    let (status, closed) = s.json(s.deputy.post(s.url(&json_path("close")))).await;
    assert_eq!(status, StatusCode::OK, "{closed:#}");
    assert_eq!(closed["state"], "closed");
    let (status, problem) = s
        .json(
            s.deputy
                .post(s.url(&json_path("reopen")))
                .json(&json!({ "reason": "  " })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(problem["errors"][0]["field"], "reason", "{problem:#}");
    let (status, problem) = s
        .json(s.deputy.post(s.url(&format!(
            "/api/v1/schools/{}/periods/not-an-id/close",
            s.school
        ))))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:#}");

    // The page lists the period closed and offers to reopen it.
    let periods = format!("/school/{}/periods", s.school);
    let (status, html) = s.page(&s.deputy, &periods).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("II четверть") && html.contains("Закрыт"),
        "{html}"
    );
    let reopen = format!("{periods}/{period}/reopen");
    assert!(html.contains(&reopen), "{html}");

    // Forms: a reason is required; the teacher is refused as a missing page.
    let (status, _, html) = s.form(&s.deputy, &reopen, &[("reason", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("причина: обязательное поле"), "{html}");
    let (status, _, _) = s.form(&s.teacher, &reopen, &[("reason", "Ошибка")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(s.period_state().await, "closed");
    let (status, location, _) = s
        .form(&s.deputy, &reopen, &[("reason", "Пересдача контрольной")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with(&periods), "{location}");
    assert_eq!(s.period_state().await, "open");

    let close = format!("{periods}/{period}/close");
    let (status, html) = s.page(&s.deputy, &close).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Закрыть период"), "{html}");
    let (status, _, _) = s.form(&s.teacher, &close, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, location, _) = s.form(&s.deputy, &close, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with(&periods), "{location}");
    assert_eq!(s.period_state().await, "closed");

    // The index and every journal of the school.
    let (status, html) = s
        .page(&s.deputy, &format!("/school/{}/leadership", s.school))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for page in ["reopen-requests", "periods", "journals"] {
        assert!(
            html.contains(&format!("/school/{}/{page}", s.school)),
            "{html}"
        );
    }
    let (status, html) = s
        .page(&s.deputy, &format!("/school/{}/journals", s.school))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("5Б") && html.contains("Петрова Тест"),
        "{html}"
    );
    let link = format!(
        "/teaching/journal?class_id={}&#38;subject_id={}&#38;period_id={period}",
        s.class, s.mathematics
    );
    assert!(html.contains(&link), "{link} in {html}");
    let (status, journals) = s
        .json(
            s.deputy
                .get(s.url(&format!("/api/v1/schools/{}/journals", s.school))),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{journals:#}");
    assert_eq!(journals["journals"][0]["subject_name"], "Математика");
    sandbox.stop().await.expect("stop");
}
