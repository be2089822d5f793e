//! Homework handed in and reviewed: the student hands in an answer with a
//! file on the homework page, the teacher returns it and marks it on theirs,
//! the family reads each step; classmates, other teachers and guardians
//! are refused what is not theirs, beside the same call from someone allowed.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, PERSON_PASSWORD};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

struct Fixture {
    gateway: String,
    school_id: String,
    student: String,
    classmate: reqwest::Client,
    pupil: reqwest::Client,
    guardian: reqwest::Client,
    teacher: reqwest::Client,
    other_teacher: reqwest::Client,
    homework: String,
}

impl Fixture {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut school = EnglishClass::new(sandbox, "Школа № 8", "web8")
            .await
            .unwrap();
        let student = school.students[0].clone();
        let builder = &mut school.builder;
        builder.token_of(&student, "web8-pupil").await;
        builder
            .token_of(&school.students[1], "web8-classmate")
            .await;
        let parent = builder.guardian_of(&student, "Алексеева").await;
        builder.token_of(&parent, "web8-parent").await;
        let other = builder.staff("Другая", identity::StaffRole::Teacher).await;
        builder.token_of(&other, "web8-other").await;
        let browser = |login: &'static str| sandbox.browser(login, PERSON_PASSWORD);
        let teacher = browser("web8-teacher").await.unwrap();
        let set_on = school.term.lesson_on_or_before(sandbox.today());
        let due = school
            .term
            .lessons
            .iter()
            .find(|lesson| lesson.date > set_on.date)
            .expect("a later lesson");
        let school_id = school.builder.school_id.clone();
        let (status, homework) = json_of(
            teacher
                .post(format!(
                    "{}/api/v1/lessons/{}/homework",
                    sandbox.gateway(),
                    set_on.id
                ))
                .json(&json!({
                    "school_id": school_id,
                    "due_lesson_id": due.id,
                    "text": "Эссе «Мой город»\nне меньше 100 слов",
                    "submission_required": true,
                })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{homework:#}");
        Self {
            gateway: sandbox.gateway().to_owned(),
            pupil: browser("web8-pupil").await.unwrap(),
            classmate: browser("web8-classmate").await.unwrap(),
            guardian: browser("web8-parent").await.unwrap(),
            other_teacher: browser("web8-other").await.unwrap(),
            teacher,
            homework: homework["id"].as_str().unwrap().to_owned(),
            school_id,
            student,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    /// The family's homework page of the student.
    fn family_page(&self) -> String {
        format!(
            "/diary/{}/homework/{}?school_id={}",
            self.student, self.homework, self.school_id
        )
    }

    fn teacher_page(&self) -> String {
        format!(
            "/teaching/homework/{}?school_id={}",
            self.homework, self.school_id
        )
    }

    async fn page(&self, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let response = client.get(self.url(path)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// The answer form as a browser posts it (multipart, one file).
    async fn hand_in(
        &self,
        client: &reqwest::Client,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> (StatusCode, String) {
        let boundary = "----otmetka-answer";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .bytes(),
            );
        }
        let (file_name, kind, bytes) = file;
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: {kind}\r\n\r\n")
                .bytes(),
        );
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let response = client
            .post(self.url(&self.family_page()))
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("origin", &self.gateway)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    async fn submission(&self) -> Value {
        let (status, list) = json_of(self.teacher.get(self.url(&format!(
            "/api/v1/homework/{}/submissions?school_id={}",
            self.homework, self.school_id
        ))))
        .await;
        assert_eq!(status, StatusCode::OK, "{list:#}");
        assert_eq!(list["submissions"].as_array().unwrap().len(), 1, "{list:#}");
        list["submissions"][0].clone()
    }
}

async fn json_of(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn refused(status: StatusCode) -> bool {
    matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
}

#[tokio::test]
async fn a_student_hands_in_work_that_the_teacher_returns_and_marks() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;

    // Before: the student has the form; the guardian reads that nothing
    // is handed in yet and has no form; a classmate cannot open it.
    let (status, page) = f.page(&f.pupil, &f.family_page()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Эссе «Мой город»"), "{page}");
    assert!(page.contains("Сдать работу"), "{page}");
    let (status, page) = f.page(&f.guardian, &f.family_page()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Работа ещё не сдана"), "{page}");
    assert!(!page.contains("Сдать работу"), "{page}");
    let (status, _) = f.page(&f.classmate, &f.family_page()).await;
    assert!(refused(status), "{status}");

    // A guardian cannot hand in for the child; the student can.
    let answer = ("essay.txt", "text/plain", "Мой город — Казань.".as_bytes());
    let (status, _) = f.hand_in(&f.guardian, &[("text", "от мамы")], answer).await;
    assert!(
        status.is_client_error() && status != StatusCode::BAD_REQUEST,
        "{status}"
    );
    let (status, body) = f.hand_in(&f.pupil, &[("text", "Готово")], answer).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = f.page(&f.guardian, &f.family_page()).await;
    assert!(
        page.contains("essay.txt") && page.contains("Готово"),
        "{page}"
    );

    // One answer per homework: a second one through JSON is a conflict.
    let (status, problem) = json_of(
        f.pupil
            .post(f.url(&format!("/api/v1/homework/{}/submissions", f.homework)))
            .json(&json!({ "school_id": f.school_id, "text": "ещё раз" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:#}");

    // The teacher's page names the student and the file; another teacher
    // of the school is refused it.
    let (status, page) = f.page(&f.teacher, &f.teacher_page()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("essay.txt") && page.contains("Готово"),
        "{page}"
    );
    let (status, _) = f.page(&f.other_teacher, &f.teacher_page()).await;
    assert!(refused(status), "{status}");
    let submission = f.submission().await;
    let id = submission["id"].as_str().unwrap().to_owned();
    assert_eq!(submission["status"], "submitted");

    // Returning needs a comment, named in Russian; then the student reads it.
    let review = async |client: &reqwest::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("submission_id", id.as_str())];
        all.extend_from_slice(fields);
        sandbox.post_form(client, &f.teacher_page(), &all).await
    };
    let (status, _, html) = review(&f.teacher, &[("decision", "return"), ("comment", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("комментарий:"), "{html}");
    let (status, _, _) = review(
        &f.other_teacher,
        &[("decision", "return"), ("comment", "Мало")],
    )
    .await;
    assert!(refused(status), "{status}");
    let (status, location, _) = review(
        &f.teacher,
        &[("decision", "return"), ("comment", "Добавь вывод")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with(&format!("#a-{id}")), "{location}");
    let (_, page) = f.page(&f.pupil, &f.family_page()).await;
    assert!(page.contains("возвращено на доработку"), "{page}");
    assert!(page.contains("Добавь вывод"), "{page}");
    assert!(page.contains("Сдать снова"), "{page}");

    // Handed in again with a new text; the file stays.
    let (status, body) = f
        .hand_in(
            &f.pupil,
            &[("submission_id", &id), ("text", "Готово, с выводом")],
            ("", "application/octet-stream", b""),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let submission = f.submission().await;
    assert_eq!(submission["status"], "submitted");
    assert_eq!(submission["text"], "Готово, с выводом");
    assert_eq!(submission["attachments"][0]["file_name"], "essay.txt");

    // A mark off the scale is named; the student may not mark; the teacher does.
    let (status, _, html) = review(&f.teacher, &[("decision", "mark"), ("value", "12")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("оценка:"), "{html}");
    assert!(html.contains(r#"value="12""#), "{html}");
    let mark_route = f.url(&format!("/api/v1/submissions/{id}/mark"));
    let mark_body = json!({ "school_id": f.school_id, "value": 5, "comment": "Отлично" });
    let (status, _) = json_of(f.pupil.post(&mark_route).json(&mark_body)).await;
    assert!(refused(status), "{status}");
    let (status, marked) = json_of(f.teacher.post(&mark_route).json(&mark_body)).await;
    assert_eq!(status, StatusCode::OK, "{marked:#}");
    assert_eq!(marked["status"], "marked");
    let mark_id = marked["mark_id"].as_str().unwrap();

    // The mark is the journal's own: the family opens it from the
    // homework, and a marked answer can no longer change.
    let (_, page) = f.page(&f.pupil, &f.family_page()).await;
    assert!(page.contains(&format!("/marks/{mark_id}")), "{page}");
    assert!(!page.contains("Сдать снова"), "{page}");
    let (status, mark) = json_of(f.guardian.get(f.url(&format!("/api/v1/marks/{mark_id}")))).await;
    assert_eq!(status, StatusCode::OK, "{mark:#}");
    assert_eq!(
        (mark["value"].as_str(), mark["student_id"].as_str()),
        (Some("5"), Some(f.student.as_str()))
    );
    let (status, problem) = json_of(
        f.pupil
            .patch(f.url(&format!("/api/v1/submissions/{id}")))
            .json(&json!({ "school_id": f.school_id, "text": "поздно" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:#}");
    let (_, page) = f.page(&f.teacher, &f.teacher_page()).await;
    assert!(page.contains("Оценка в журнале"), "{page}");
    sandbox.stop().await.unwrap();
}
