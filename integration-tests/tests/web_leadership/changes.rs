use reqwest::StatusCode;
use serde_json::{Value, json};

use super::school::{School, school};
use otmetka_integration_tests::Sandbox;

#[tokio::test]
async fn substituted_and_cancelled_lessons_show_in_the_family_week() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "changes").await;
    let lesson = s.term.lesson_on_or_before(sandbox.today()).clone();
    let earlier = s
        .term
        .lessons
        .iter()
        .rev()
        .find(|other| other.date < lesson.date && other.date >= week_start(&lesson.date))
        .cloned()
        .expect("an earlier lesson the same week (the sandbox's day is a Wednesday)");
    let path = |lesson_id: &str, change: &str| {
        s.url(&format!(
            "/api/v1/schools/{}/lessons/{lesson_id}/{change}",
            s.school
        ))
    };
    // Bad input names its field; the teacher may not change the timetable.
    let (status, problem) = s
        .json(
            s.deputy
                .put(path(&lesson.id, "substitute"))
                .json(&json!({ "teacher_id": "someone" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(problem["errors"][0]["field"], "teacher_id", "{problem:#}");
    let (status, problem) = s
        .json(
            s.deputy
                .post(path(&lesson.id, "cancel"))
                .json(&json!({ "reason": "" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(problem["errors"][0]["field"], "reason", "{problem:#}");
    let deputy_id = deputy_id(&s).await;
    let substitute = json!({ "teacher_id": deputy_id, "reason": "Болезнь учителя" });
    let (status, problem) = s
        .json(
            s.teacher
                .put(path(&lesson.id, "substitute"))
                .json(&substitute),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:#}");
    let (status, changed) = s
        .json(
            s.deputy
                .put(path(&lesson.id, "substitute"))
                .json(&substitute),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed:#}");
    let (status, changed) = s
        .json(
            s.deputy
                .put(path(&lesson.id, "room"))
                .json(&json!({ "room": "215" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed:#}");
    let (status, cancelled) = s
        .json(
            s.deputy
                .post(path(&earlier.id, "cancel"))
                .json(&json!({ "reason": "Карантин" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled:#}");

    let (status, week) = s
        .json(s.family.get(s.url(&format!(
            "/api/v1/students/{}/week?date={}",
            s.student, lesson.date
        ))))
        .await;
    assert_eq!(status, StatusCode::OK, "{week:#}");
    let lessons: Vec<&Value> = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|day| day["lessons"].as_array().unwrap())
        .collect();
    let find = |id: &str| {
        *lessons
            .iter()
            .find(|lesson| lesson["lesson_id"] == id)
            .expect("the lesson in the week")
    };
    let given = find(&lesson.id);
    assert_eq!(given["substituted"], true, "{given:#}");
    assert_eq!(given["teacher_name"], "Соколова Тест", "{given:#}");
    assert_eq!(given["room"], "215", "{given:#}");
    assert_eq!(find(&earlier.id)["status"], "cancelled", "{week:#}");
    let (status, restored) = s.json(s.deputy.post(path(&earlier.id, "restore"))).await;
    assert_eq!(status, StatusCode::OK, "{restored:#}");
    sandbox.stop().await.expect("stop");
}

/// The Monday of the week of `date` ("YYYY-MM-DD").
fn week_start(date: &str) -> String {
    use chrono::Datelike;
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a date");
    (day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))).to_string()
}

/// The deputy head's own person id.
async fn deputy_id(s: &School) -> String {
    let (status, me) = s.json(s.deputy.get(s.url("/api/v1/me"))).await;
    assert_eq!(status, StatusCode::OK, "{me:#}");
    me["person_id"].as_str().expect("an id").to_owned()
}
