//! The teacher's web app: the lessons of a day and the journals kept (JSON
//! and page, with names), the journal grid, a mark entered through the API
//! showing in the grid and in the family's week, the lesson page's forms,
//! and those who may not keep the journal refused.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, PERSON_PASSWORD, with_token};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};

struct Fixture {
    gateway: String,
    school: EnglishClass,
    teacher: reqwest::Client,
    other_teacher: reqwest::Client,
    guardian: reqwest::Client,
    /// The class's lesson on the sandbox's today or the school day before.
    lesson: String,
    date: String,
}

impl Fixture {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut school = EnglishClass::new(sandbox, "Школа № 7", "web7")
            .await
            .unwrap();
        let other = school
            .builder
            .staff("Другая", identity::StaffRole::Teacher)
            .await;
        school.builder.token_of(&other, "web7-other").await;
        let parent = school
            .builder
            .guardian_of(&school.students[0], "Алексеева")
            .await;
        school.builder.token_of(&parent, "web7-parent").await;
        let lesson = school.term.lesson_on_or_before(sandbox.today()).clone();
        Self {
            gateway: sandbox.gateway().to_owned(),
            teacher: sandbox
                .browser("web7-teacher", PERSON_PASSWORD)
                .await
                .unwrap(),
            other_teacher: sandbox
                .browser("web7-other", PERSON_PASSWORD)
                .await
                .unwrap(),
            guardian: sandbox
                .browser("web7-parent", PERSON_PASSWORD)
                .await
                .unwrap(),
            lesson: lesson.id,
            date: lesson.date,
            school,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    fn journal_query(&self) -> String {
        format!(
            "class_id={}&subject_id={}&period_id={}",
            self.school.class, self.school.english, self.school.term.period.id
        )
    }

    /// A form post as a browser sends it from one of the gateway's pages.
    fn form(&self, client: &reqwest::Client, path: &str, body: &str) -> reqwest::RequestBuilder {
        client
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("origin", &self.gateway)
            .body(body.to_owned())
    }
}

async fn json_of(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, value)
}

async fn page_of(request: reqwest::RequestBuilder) -> (StatusCode, String) {
    let response = request.send().await.unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        let kind = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{kind}");
    }
    (status, response.text().await.unwrap())
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors in {problem:#}"))
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_teacher_reads_the_day_and_keeps_the_journal() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;

    // The day's lessons, by name, as JSON and as a page.
    let (status, day) = json_of(
        f.teacher
            .get(f.url(&format!("/api/v1/teaching/lessons?date={}", f.date))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{day:#}");
    let lessons = day["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 1, "{day:#}");
    assert_eq!(lessons[0]["id"], f.lesson.as_str());
    assert_eq!(lessons[0]["class_name"], "5А");
    assert_eq!(lessons[0]["subject_name"], "Английский язык");
    let (status, page) = page_of(f.teacher.get(f.url(&format!("/teaching?date={}", f.date)))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("5А · Английский язык"), "{page}");
    assert!(page.contains(&format!("/teaching/lessons/{}", f.lesson)));
    assert!(
        page.contains(&f.school.term.period.id),
        "the journal's link"
    );

    let (status, journals) = json_of(f.teacher.get(f.url("/api/v1/teaching/journals"))).await;
    assert_eq!(status, StatusCode::OK, "{journals:#}");
    assert_eq!(journals["journals"][0]["class_name"], "5А");
    assert_eq!(
        journals["journals"][0]["period_id"],
        f.school.term.period.id.as_str()
    );

    // A date that is not one is named.
    let (status, problem) = json_of(
        f.teacher
            .get(f.url("/api/v1/teaching/lessons?date=02.12.2026")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&problem), ["date"]);

    // The grid names its rows and dates its columns.
    let grid_url = f.url(&format!("/api/v1/journal?{}", f.journal_query()));
    let (status, grid) = json_of(f.teacher.get(&grid_url)).await;
    assert_eq!(status, StatusCode::OK, "{grid:#}");
    assert_eq!(grid["class_name"], "5А");
    assert_eq!(grid["subject_name"], "Английский язык");
    assert_eq!(grid["students"][0]["family_name"], "Алексеев");
    assert_eq!(grid["students"][0]["person_id"], grid["student_ids"][0]);
    let column = grid["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|lesson| lesson["id"] == f.lesson.as_str())
        .expect("the lesson is a column");
    assert_eq!(column["date"], f.date.as_str());

    // A mark through the JSON route shows in the grid page and the family's week.
    let (status, mark) = json_of(f.teacher.post(f.url("/api/v1/marks")).json(&json!({
        "student_id": f.school.students[0],
        "subject_id": f.school.english,
        "lesson_date": f.date,
        "lesson_id": f.lesson,
        "value": "5",
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{mark:#}");
    let page_url = f.url(&format!("/teaching/journal?{}", f.journal_query()));
    let (status, page) = page_of(f.teacher.get(&page_url)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Алексеев Тест"), "{page}");
    assert!(page.contains(r#"<span class="mark m5""#), "{page}");
    assert!(page.contains("<caption>"));
    assert!(page.contains("5,00"), "the average with a decimal comma");
    // The grid opens at the last lesson up to today, which the day links to.
    assert_eq!(page.matches(r#"id="today""#).count(), 1, "{page}");
    let today_column = format!(r#"href="/teaching/lessons/{}""#, f.lesson);
    let anchor_at = page.find(r#"id="today""#).unwrap();
    let column_at = page.find(&today_column).unwrap();
    assert!(
        column_at < anchor_at && anchor_at - column_at < 200,
        "{page}"
    );
    let (status, week) = json_of(f.guardian.get(f.url(&format!(
        "/api/v1/students/{}/week?date={}",
        f.school.students[0], f.date
    ))))
    .await;
    assert_eq!(status, StatusCode::OK, "{week:#}");
    let marked = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|day| day["lessons"].as_array().unwrap())
        .find(|lesson| lesson["lesson_id"] == f.lesson.as_str())
        .expect("the lesson in the week");
    assert_eq!(marked["marks"][0]["value"], "5");

    // Another teacher of the school and a guardian may not open the grid;
    // its teacher could, just above.
    for stranger in [&f.other_teacher, &f.guardian] {
        let (status, _) = page_of(stranger.get(&page_url)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = json_of(stranger.get(&grid_url)).await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{status}"
        );
    }
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_lesson_page_sets_topic_attendance_and_marks_with_plain_forms() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;
    let lesson_page = format!("/teaching/lessons/{}", f.lesson);
    let (status, page) = page_of(f.teacher.get(f.url(&lesson_page))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Борисов Тест"), "{page}");
    assert!(page.contains(r#"<label for="topic">"#));

    let topic = f
        .form(
            &f.teacher,
            &format!("{lesson_page}/topic"),
            "topic=Present+Simple",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(topic.status(), StatusCode::SEE_OTHER);
    assert_eq!(topic.headers()[LOCATION], lesson_page.as_str());
    let (_, page) = page_of(f.teacher.get(f.url(&lesson_page))).await;
    assert!(page.contains("Present Simple"), "{page}");

    let (borisov, vasiliev) = (&f.school.students[1], &f.school.students[2]);
    let attendance = f
        .form(
            &f.teacher,
            &format!("{lesson_page}/attendance"),
            &format!("kind:{borisov}=absent&kind:{vasiliev}=present"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(attendance.status(), StatusCode::SEE_OTHER);
    assert_eq!(attendance.headers()[LOCATION], lesson_page.as_str());
    let marks = f
        .form(
            &f.teacher,
            &format!("{lesson_page}/marks"),
            &format!("mark:{vasiliev}=4-&mark:{borisov}=."),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(marks.status(), StatusCode::SEE_OTHER);

    let (status, detail) = json_of(
        f.teacher
            .get(f.url(&format!("/api/v1/teaching/lessons/{}", f.lesson))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail:#}");
    assert_eq!(detail["lesson"]["topic"], "Present Simple");
    let row = |id: &str| {
        detail["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["person_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(borisov)["attendance"]["kind"], "absent");
    assert_eq!(row(borisov)["marks"][0]["status"], "pending");
    assert_eq!(row(vasiliev)["marks"][0]["value"], "4-");
    assert!(
        row(vasiliev)["attendance"].is_null(),
        "unchanged rows are not recorded"
    );

    // Bad input: the form comes back with the field named and the value kept.
    let refused = f
        .form(
            &f.teacher,
            &format!("{lesson_page}/marks"),
            &format!("mark:{vasiliev}=12"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let page = refused.text().await.unwrap();
    assert!(page.contains("оценка:"), "{page}");
    assert!(page.contains(r#"value="12""#), "{page}");
    let refused = f
        .form(
            &f.teacher,
            &format!("{lesson_page}/attendance"),
            &format!("kind:{vasiliev}=late&late:{vasiliev}="),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("late_minutes"));

    // Another teacher can neither open the lesson's journal nor set its topic.
    let (status, _) = page_of(f.other_teacher.get(f.url(&lesson_page))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = f
        .form(
            &f.other_teacher,
            &format!("{lesson_page}/topic"),
            "topic=Chemistry",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    sandbox.stop().await.unwrap();
}

/// A multipart body as a browser sends the lesson page's homework form.
fn homework_form(text: &str, due: &str, file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----otmetka-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("text", text), ("due_lesson_id", due)] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .bytes(),
        );
    }
    let (file_name, kind, bytes) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: {kind}\r\n\r\n"
        )
        .bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn homework_with_a_file_is_set_and_downloaded_by_those_who_may() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;
    let school = &f.school.builder.school_id;
    let due = f
        .school
        .term
        .lessons
        .iter()
        .find(|lesson| lesson.date > f.date)
        .expect("a later lesson")
        .id
        .clone();

    // Through the JSON routes: the file, then the homework naming it.
    let text_file = "Прочитать стр. 12–14.\n".as_bytes();
    let upload = |client: &reqwest::Client, kind: &str| {
        client
            .post(f.url(&format!(
                "/api/v1/attachments?school_id={school}&file_name=%D0%B7%D0%B0%D0%B4%D0%B0%D0%BD%D0%B8%D0%B5.txt"
            )))
            .header(CONTENT_TYPE, kind)
            .header("origin", &f.gateway)
            .body(text_file.to_vec())
    };
    let stranger = sandbox.sign_in_demo("parent").await.unwrap();
    let (status, _) = json_of(upload(&stranger, "text/plain")).await;
    assert!(
        matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{status}"
    );
    let (status, problem) = json_of(upload(&f.teacher, "application/x-msdownload")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(fields(&problem), ["content-type"]);
    let (status, file) = json_of(upload(&f.teacher, "text/plain")).await;
    assert_eq!(status, StatusCode::CREATED, "{file:#}");
    let (status, homework) = json_of(
        f.teacher
            .post(f.url(&format!("/api/v1/lessons/{}/homework", f.lesson)))
            .json(&json!({
                "school_id": school,
                "due_lesson_id": due,
                "text": "Упражнение 3",
                "attachment_ids": [file["id"]],
            })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{homework:#}");
    assert_eq!(homework["attachments"][0]["file_name"], "задание.txt");

    // The class's guardian downloads it; a guardian of another school may not.
    let download = f.url(&format!(
        "/api/v1/attachments/{}?school_id={school}",
        file["id"].as_str().unwrap()
    ));
    let response = f.guardian.get(&download).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[CONTENT_TYPE], "text/plain");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("%D0%B7"), "{disposition}");
    assert_eq!(response.bytes().await.unwrap().as_ref(), text_file);
    let refused = stranger.get(&download).send().await.unwrap();
    assert!(
        matches!(
            refused.status(),
            StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
        ),
        "{}",
        refused.status()
    );

    // Through the lesson page's form: 303 back, and the file listed there.
    let lesson_page = format!("/teaching/lessons/{}", f.lesson);
    let (kind, body) = homework_form(
        "Выучить слова",
        &due,
        ("words.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"),
    );
    let response = f
        .teacher
        .post(f.url(&format!("{lesson_page}/homework")))
        .header(CONTENT_TYPE, kind)
        .header("origin", &f.gateway)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = page_of(f.teacher.get(f.url(&lesson_page))).await;
    assert!(page.contains("Выучить слова"), "{page}");
    assert!(page.contains("words.pdf"), "{page}");
    assert!(page.contains("задание.txt"), "{page}");

    // A task too long is named, and what was typed comes back.
    let (kind, body) = homework_form(
        &"ж".repeat(10_001),
        &due,
        ("note.txt", "text/plain", b"note"),
    );
    let response = f
        .teacher
        .post(f.url(&format!("{lesson_page}/homework")))
        .header(CONTENT_TYPE, kind)
        .header("origin", &f.gateway)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("текст:"));
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn final_marks_are_set_beside_the_suggested_mark_and_changed_with_a_reason() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;
    let student = f.school.students[0].clone();
    for value in ["4", "5", "4"] {
        let (status, mark) = json_of(f.teacher.post(f.url("/api/v1/marks")).json(&json!({
            "student_id": student,
            "subject_id": f.school.english,
            "lesson_date": f.date,
            "value": value,
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{mark:#}");
    }
    let finals = format!("/teaching/journal/finals?{}", f.journal_query());
    let (status, page) = page_of(f.teacher.get(f.url(&finals))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("4,33"), "the average: {page}");
    assert!(page.contains("не выставлена"), "{page}");
    // The suggested mark is offered in the form.
    assert!(page.contains(r#"name="value" value="4""#), "{page}");

    // Set on the page; the grid and the JSON journal show it.
    let set = |body: String| f.form(&f.teacher, &finals, &body).send();
    let response = set(format!("student_id={student}&value=4")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()[LOCATION]
            .to_str()
            .unwrap()
            .ends_with(&format!("#s-{student}"))
    );
    let (_, journal) = json_of(
        f.teacher
            .get(f.url(&format!("/api/v1/journal?{}", f.journal_query()))),
    )
    .await;
    assert_eq!(journal["final_marks"][0]["student_id"], json!(student));
    assert_eq!(journal["final_marks"][0]["value"], json!("4"));
    let grid = f.url(&format!("/teaching/journal?{}", f.journal_query()));
    let (_, page) = page_of(f.teacher.get(&grid)).await;
    assert!(
        page.contains(r#"<td class="cell final"><span class="mark m4">4</span>"#),
        "{page}"
    );

    // Changing it needs a reason, asked for beside the row; then it takes.
    let response = set(format!("student_id={student}&value=5")).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"aria-invalid="true""#), "{page}");
    assert!(page.contains("reason"), "{page}");
    assert!(
        page.contains(r#"name="value" value="5""#),
        "what was typed is kept"
    );
    let response = set(format!(
        "student_id={student}&value=5&reason=%D0%98%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BB%D0%B5%D0%BD%D0%B0+%D0%BE%D1%88%D0%B8%D0%B1%D0%BA%D0%B0"
    ))
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // A value off the scale is refused naming the field.
    let body = json!({
        "student_id": student,
        "subject_id": f.school.english,
        "period_id": f.school.term.period.id,
        "value": "7",
    });
    let (status, problem) = json_of(f.teacher.post(f.url("/api/v1/final-marks")).json(&body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
    assert_eq!(fields(&problem), ["value"]);

    // Another teacher and the family may not set it; its teacher may.
    let body = json!({
        "student_id": f.school.students[1],
        "subject_id": f.school.english,
        "period_id": f.school.term.period.id,
        "value": "3",
    });
    for stranger in [&f.other_teacher, &f.guardian] {
        let (status, problem) =
            json_of(stranger.post(f.url("/api/v1/final-marks")).json(&body)).await;
        assert!(
            [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&status),
            "{status}: {problem:#}"
        );
        let (status, _) = page_of(stranger.get(f.url(&finals))).await;
        assert!([StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&status));
    }
    let (status, kept) = json_of(f.teacher.post(f.url("/api/v1/final-marks")).json(&body)).await;
    assert_eq!(status, StatusCode::OK, "{kept:#}");
    assert_eq!(kept["value"], json!("3"));
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_teacher_of_a_closed_journal_asks_to_reopen_it_with_a_reason() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut f = Fixture::new(&sandbox).await;
    let grid = format!("/teaching/journal?{}", f.journal_query());
    let (_, page) = page_of(f.teacher.get(f.url(&grid))).await;
    assert!(
        !page.contains("Попросить открыть журнал"),
        "an open journal needs no request"
    );
    let deputy = f
        .school
        .builder
        .staff("Завуч", identity::StaffRole::DeputyHead)
        .await;
    let deputy = f.school.builder.token_of(&deputy, "web7-deputy").await;
    f.school
        .builder
        .schedule
        .close_reporting_period(with_token(
            &deputy,
            schedule::CloseReportingPeriodRequest {
                school_id: f.school.builder.school_id.clone(),
                id: f.school.term.period.id.clone(),
            },
        ))
        .await
        .unwrap();
    let (status, page) = page_of(f.teacher.get(f.url(&grid))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Попросить открыть журнал"), "{page}");

    let reopen = format!("/teaching/journal/reopen?{}", f.journal_query());
    // Another teacher may not ask; the form's own teacher may.
    let response = f
        .form(
            &f.other_teacher,
            &reopen,
            "reason=%D0%9E%D1%88%D0%B8%D0%B1%D0%BA%D0%B0",
        )
        .send()
        .await
        .unwrap();
    assert!(
        [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&response.status()),
        "{}",
        response.status()
    );
    // No reason: refused beside the field.
    let response = f.form(&f.teacher, &reopen, "reason=").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"aria-describedby="reason-error""#),
        "{page}"
    );
    // Gradebook learns of the closing from schedule's feed; until it has,
    // the journal is not locked for it and the request is refused as such.
    let reason = "В оценке за 3 декабря ошибка";
    let body = format!(
        "reason={}",
        url::form_urlencoded::byte_serialize(reason.as_bytes()).collect::<String>()
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let response = f.form(&f.teacher, &reopen, &body).send().await.unwrap();
        if response.status() == StatusCode::SEE_OTHER {
            assert_eq!(response.headers()[LOCATION], grid.as_str());
            break;
        }
        assert_eq!(
            response.status(),
            StatusCode::CONFLICT,
            "only until the lock is known"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the lock never reached gradebook"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, page) = page_of(f.teacher.get(f.url(&grid))).await;
    assert!(page.contains("Запросы, которые ждут решения"), "{page}");
    assert!(page.contains(reason), "{page}");
    sandbox.stop().await.unwrap();
}
