//! The school leadership's pages and the JSON routes behind them: the
//! deputy head decides a teacher's request to reopen a journal on the page,
//! closes and reopens a reporting period through JSON and through the
//! confirmation forms, opens any journal of the school, and gives a lesson
//! a substitute, another room or cancels it, which the family's week shows;
//! a teacher is refused each of those actions.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, Term};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

const PASSWORD: &str = "test-password-1";

/// Class 5Б whose mathematics Петрова teaches, a deputy head (Соколова),
/// and a quarter of daily lessons around today.
struct School {
    gateway: String,
    school: String,
    class: String,
    mathematics: String,
    term: Term,
    student: String,
    teacher: reqwest::Client,
    deputy: reqwest::Client,
    family: reqwest::Client,
}

const OWN_PASSWORD: &str = "own-password-1";

/// A browser that keeps its cookie and shows redirects instead of
/// following them, signed in as `login` once the school-issued password
/// has been changed.
async fn browser(sandbox: &Sandbox, login: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("a client");
    let sign_in = |password: &str| {
        client
            .post(format!("{}/api/v1/session", sandbox.gateway()))
            .json(&json!({ "login": login, "password": password }))
            .send()
    };
    let response = sign_in(PASSWORD).await.expect("sign-in");
    assert_eq!(response.status(), StatusCode::CREATED, "sign-in as {login}");
    let response = client
        .post(format!("{}/api/v1/session/password", sandbox.gateway()))
        .json(&json!({ "current_password": PASSWORD, "new_password": OWN_PASSWORD }))
        .send()
        .await
        .expect("a new password");
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{login}");
    let response = sign_in(OWN_PASSWORD).await.expect("sign-in");
    assert_eq!(response.status(), StatusCode::CREATED, "sign-in as {login}");
    client
}

async fn school(sandbox: &Sandbox, logins: &str) -> School {
    let mut b = SchoolBuilder::new(sandbox, "Школа № 7")
        .await
        .expect("a school");
    let teacher = b.staff("Петрова", identity::StaffRole::Teacher).await;
    let deputy = b.staff("Соколова", identity::StaffRole::DeputyHead).await;
    let admin = b.staff("Админова", identity::StaffRole::SchoolAdmin).await;
    let class = b.class(5, "Б", &teacher).await;
    let student = b.student_in(&class, "Иванов").await;
    let mathematics = b.subject("Математика").await;
    b.teach(&teacher, &class, &mathematics).await;
    let manager = b.token_of(&admin, &format!("{logins}-admin")).await;
    b.token_of(&teacher, &format!("{logins}-teacher")).await;
    b.token_of(&deputy, &format!("{logins}-deputy")).await;
    b.token_of(&student, &format!("{logins}-student")).await;
    let term = b
        .term(&manager, &class, &mathematics, &teacher)
        .await
        .expect("a term");
    School {
        gateway: sandbox.gateway().to_owned(),
        school: b.school_id.clone(),
        class,
        mathematics,
        term,
        student,
        teacher: browser(sandbox, &format!("{logins}-teacher")).await,
        deputy: browser(sandbox, &format!("{logins}-deputy")).await,
        family: browser(sandbox, &format!("{logins}-student")).await,
    }
}

impl School {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("a request");
        let status = response.status();
        let text = response.text().await.expect("a body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn page(&self, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let response = client.get(self.url(path)).send().await.expect("a page");
        let status = response.status();
        if status == StatusCode::OK {
            let kind = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(kind.starts_with("text/html"), "{path}: {kind}");
        }
        (status, response.text().await.expect("html"))
    }

    /// A form posted as a browser posts it: status, `Location`, body.
    async fn form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let response = client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.gateway)
            .body(encoded(fields))
            .send()
            .await
            .expect("a form");
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location, response.text().await.expect("a body"))
    }

    async fn period_state(&self) -> String {
        let path = format!("/api/v1/schools/{}/periods", self.school);
        let (status, periods) = self.json(self.deputy.get(self.url(&path))).await;
        assert_eq!(status, StatusCode::OK, "{periods:#}");
        periods["periods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|period| period["id"] == self.term.period.id.as_str())
            .expect("the quarter")["state"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Fields as a browser encodes a form.
fn encoded(fields: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://form.invalid/", fields).expect("a url");
    url.query().unwrap_or_default().to_owned()
}

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
