//! Writing to the families of students picked from a journal, over HTTP:
//! the teacher's preview is gradebook's answer with names and guardians; a
//! send starts one thread per family, which the right parent sees, reports
//! the student without a guardian, and starts nothing new when retried; a
//! parent and a teacher of another class are refused beside the same call
//! from the teacher; a filter at fault is named; the page shows the
//! students and sends.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, PERSON_PASSWORD, with_token};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// 5А's English journal: Алексеев at 2 and Борисов at 3, each with a
/// parent; Васильев, without marks or a guardian, missed a lesson.
struct Fixture {
    gateway: String,
    school: EnglishClass,
    teacher: reqwest::Client,
    other_teacher: reqwest::Client,
    parents: [reqwest::Client; 2],
    /// The journal as the JSON bodies name it.
    key: Value,
}

impl Fixture {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut school = EnglishClass::new(sandbox, "Школа семей", "families")
            .await
            .unwrap();
        let b = &mut school.builder;
        let other = b.staff("Другая", identity::StaffRole::Teacher).await;
        b.token_of(&other, "families-other").await;
        for (child, family, login) in [
            (0, "Алексеева", "families-p1"),
            (1, "Борисова", "families-p2"),
        ] {
            let parent = b.guardian_of(&school.students[child], family).await;
            b.token_of(&parent, login).await;
        }
        let browser = |login: &'static str| sandbox.browser(login, PERSON_PASSWORD);
        let key = json!({
            "class_id": school.class,
            "subject_id": school.english,
            "period_id": school.term.period.id,
        });
        let f = Self {
            gateway: sandbox.gateway().to_owned(),
            teacher: browser("families-teacher").await.unwrap(),
            other_teacher: browser("families-other").await.unwrap(),
            parents: [
                browser("families-p1").await.unwrap(),
                browser("families-p2").await.unwrap(),
            ],
            key,
            school,
        };
        let lesson = f.school.term.lesson_on_or_before(sandbox.today()).clone();
        for (child, value) in [(0, "2"), (1, "3")] {
            let (status, mark) = post(
                &f.teacher,
                f.url("/api/v1/marks"),
                &json!({
                    "student_id": f.school.students[child],
                    "subject_id": f.school.english,
                    "lesson_date": lesson.date,
                    "lesson_id": lesson.id,
                    "value": value,
                }),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{mark}");
        }
        let absent = f.url(&format!(
            "/api/v1/lessons/{}/attendance/{}",
            lesson.id, f.school.students[2]
        ));
        let response = f
            .teacher
            .put(absent)
            .json(&json!({
                "subject_id": f.school.english,
                "lesson_date": lesson.date,
                "kind": "absent",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        f
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    /// The journal's key with `fields` beside it.
    fn with(&self, fields: Value) -> Value {
        let Value::Object(fields) = fields else {
            panic!("fields as an object: {fields}");
        };
        let mut body = self.key.clone();
        body.as_object_mut().unwrap().extend(fields);
        body
    }
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn post(client: &reqwest::Client, url: String, body: &Value) -> (StatusCode, Value) {
    json_of(client.post(url).json(body).send().await.unwrap()).await
}

/// The subjects of the threads a parent reads.
async fn subjects_seen(f: &Fixture, parent: &reqwest::Client) -> Vec<String> {
    let (status, threads) =
        json_of(parent.get(f.url("/api/v1/threads")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{threads}");
    threads["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|thread| thread["subject"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_teacher_previews_and_writes_to_the_families() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;
    let cohort = f.url("/api/v1/journal/cohort");
    let filter = f.with(json!({ "average_below": "3,5", "absences_at_least": 1 }));

    // The preview is gradebook's answer to the teacher, with names and parents.
    let (status, preview) = post(&f.teacher, cohort.clone(), &filter).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let mut gradebook = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let expected = gradebook
        .find_journal_students(with_token(
            &f.school.teacher_token,
            gradebook::FindJournalStudentsRequest {
                class_id: f.school.class.clone(),
                subject_id: f.school.english.clone(),
                reporting_period_id: f.school.term.period.id.clone(),
                average_below: "3,5".into(),
                absences_at_least: Some(1),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .students;
    let students = preview["students"].as_array().unwrap();
    assert_eq!(students.len(), 3, "{preview}");
    assert_eq!(students.len(), expected.len(), "{preview}");
    for (shown, found) in students.iter().zip(&expected) {
        assert_eq!(shown["student_id"], found.student_id.as_str());
        assert_eq!(shown["absences"], found.absences);
        assert_eq!(shown["lessons"], found.lessons);
        let average = found.has_average.then_some(found.average);
        assert_eq!(shown["average"].as_f64(), average, "{shown}");
    }
    assert!(
        students[0]["display_name"]
            .as_str()
            .unwrap()
            .starts_with("Алексеев")
    );
    assert_eq!(
        students[0]["guardians"].as_array().unwrap().len(),
        1,
        "{preview}"
    );
    assert_eq!(students[2]["guardians"], json!([]), "{preview}");

    // A parent and a teacher of another class are refused what the teacher is answered.
    for refused in [&f.parents[0], &f.other_teacher] {
        let (status, problem) = post(refused, cohort.clone(), &filter).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    }

    // A filter at fault is named as the body names it.
    for (fields, named) in [
        (json!({ "average_below": "7" }), vec!["average_below"]),
        (json!({ "absences_at_least": 0 }), vec!["absences_at_least"]),
        (json!({}), vec!["average_below", "absences_at_least"]),
        (json!({ "period_id": "" }), vec!["period_id"]),
    ] {
        let (status, problem) = post(&f.teacher, cohort.clone(), &f.with(fields)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|error| error["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, named, "{problem}");
    }

    // One thread per family; the student without a parent is reported.
    let send = f.with(json!({
        "student_ids": f.school.students,
        "subject": "Успеваемость за четверть",
        "text": "Прошу прийти на консультацию в четверг.",
        "request_id": "0193a3c4-0000-7000-8000-00000000c001",
    }));
    let messages = f.url("/api/v1/journal/cohort/messages");
    let (status, sent) = post(&f.teacher, messages.clone(), &send).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let results = sent["students"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{sent}");
    assert!(
        results[..2]
            .iter()
            .all(|r| r["thread_id"] != "" && r["refusal"] == ""),
        "{sent}"
    );
    assert_ne!(results[0]["thread_id"], results[1]["thread_id"]);
    assert_eq!(results[2]["thread_id"], "", "{sent}");
    assert_eq!(results[2]["refusal"], "no-guardians", "{sent}");

    // Sent again, nothing new: each parent sees one thread.
    let (status, again) = post(&f.teacher, messages.clone(), &send).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["students"], sent["students"]);
    for parent in &f.parents {
        let seen = subjects_seen(&f, parent).await;
        let ours = seen.iter().filter(|s| *s == "Успеваемость за четверть");
        assert_eq!(ours.count(), 1, "{seen:?}");
    }

    // The parent may not send what the teacher may; a send at fault is named.
    let (status, problem) = post(&f.parents[0], messages.clone(), &send).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, problem) = post(
        &f.teacher,
        messages,
        &f.with(json!({ "student_ids": [], "subject": "", "text": "x", "request_id": "x" })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["subject", "request_id", "student_ids"],
        "{problem}"
    );
}

#[tokio::test]
async fn the_page_shows_the_students_and_sends() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let f = Fixture::new(&sandbox).await;
    let query = format!(
        "class_id={}&subject_id={}&period_id={}",
        f.school.class, f.school.english, f.school.term.period.id
    );
    let page = |path: String| {
        let request = f.teacher.get(f.url(&path));
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };

    // The journal links to the page; the page asks whom to pick.
    let path = format!("/teaching/journal/cohort?{query}");
    let (status, journal) = page(format!("/teaching/journal?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{journal}");
    let link = format!(
        r#"<a href="{}">Написать семьям…</a>"#,
        path.replace('&', "&#38;")
    );
    assert!(journal.contains(&link), "{journal}");
    let (status, form) = page(path.clone()).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    for words in [
        "Средний балл ниже",
        "Пропусков не меньше",
        "Оба условия сразу",
        "Показать",
    ] {
        assert!(form.contains(words), "{words}: {form}");
    }
    assert!(!form.contains("Отправить"), "{form}");

    // «Показать»: the students found, each checked, with their parents.
    let shown_path = format!("{path}&average_below=3.5&absences_at_least=1&match_all=1&show=1");
    let (status, shown) = page(shown_path.clone()).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert!(
        shown.contains("Таких учеников нет."),
        "both at once: nobody: {shown}"
    );
    let either_path = shown_path.replace("&match_all=1", "");
    let (_, shown) = page(either_path.clone()).await;
    assert!(
        shown.contains(r#"<th scope="col">Родители</th>"#),
        "{shown}"
    );
    for student in &f.school.students {
        assert!(
            shown.contains(&format!(r#"name="s:{student}" checked"#)),
            "{shown}"
        );
    }
    assert!(
        shown.contains("нет родителей, которым можно написать"),
        "{shown}"
    );
    let (status, wrong) = page(format!("{path}&average_below=9&show=1")).await;
    assert_eq!(status, StatusCode::OK, "{wrong}");
    assert!(wrong.contains(r#"class="field-error""#), "{wrong}");

    // A message without a subject comes back with the text kept; then it goes.
    let picked = format!("s:{}", f.school.students[0]);
    let mut fields = vec![
        (picked.as_str(), "on"),
        ("subject", ""),
        ("text", "Жду на консультации."),
        ("request_id", "0193a3c4-0000-7000-8000-00000000c002"),
    ];
    let (status, _, again) = sandbox.post_form(&f.teacher, &either_path, &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{again}");
    assert!(again.contains("Жду на консультации."), "{again}");
    fields[1] = ("subject", "Консультация по предмету");
    let (status, _, sent) = sandbox.post_form(&f.teacher, &either_path, &fields).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert!(sent.contains("Отправлено семьям: 1"), "{sent}");
    assert!(sent.contains(r#"<a href="/messages/"#), "{sent}");
    let seen = subjects_seen(&f, &f.parents[0]).await;
    assert!(
        seen.contains(&"Консультация по предмету".to_owned()),
        "{seen:?}"
    );
    assert!(subjects_seen(&f, &f.parents[1]).await.is_empty());
}
