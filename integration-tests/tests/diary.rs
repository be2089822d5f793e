//! The journal and the diary over HTTP: a teacher keeps the journal of a
//! quarter (marks on lessons, a correction with its reason, attendance, a
//! topic, the grid, a reopen request the deputy head decides); the family
//! reads the week, averages, a mark's history, and marks a mark seen;
//! strangers, students and other sites are refused; and every operation of
//! the OpenAPI document is served.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::with_token;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The demo school with a calendar: a year, a closed first quarter, an open
/// quarter around today, bells, mathematics every weekday at 8:30 with the
/// demo teacher, and the generated lessons.
struct School {
    gateway: String,
    school: String,
    class: String,
    mathematics: String,
    child: String,
    /// The open quarter around today.
    quarter: String,
    /// An earlier quarter, closed.
    closed_quarter: String,
    /// The two latest weekdays before today, oldest first.
    days: [NaiveDate; 2],
    teacher: reqwest::Client,
    deputy: reqwest::Client,
}

/// Query parameters, encoded as a browser would.
trait WithQuery {
    fn query<V: AsRef<str>>(self, pairs: &[(&str, V)]) -> Self;
}

impl WithQuery for reqwest::RequestBuilder {
    fn query<V: AsRef<str>>(self, pairs: &[(&str, V)]) -> Self {
        let (client, request) = self.build_split();
        let mut request = request.expect("a valid request");
        request
            .url_mut()
            .query_pairs_mut()
            .extend_pairs(pairs.iter().map(|(name, value)| (*name, value.as_ref())));
        reqwest::RequestBuilder::from_parts(client, request)
    }
}

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request");
    let status = response.status();
    let body = response.text().await.expect("body");
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("JSON, got {status}: {body}"))
    };
    (status, json)
}

fn expect(status: StatusCode, wanted: StatusCode, body: &Value) {
    assert_eq!(status, wanted, "{body:#}");
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors in {problem:#}"))
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect()
}

/// The latest `count` weekdays strictly before `today`, oldest first.
fn weekdays_before(today: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = (1..)
        .map(|back| today - Days::new(back))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .take(count)
        .collect();
    days.reverse();
    days
}

/// The demo school's deputy head, signed in over HTTP, and their token for
/// schedule calls the gateway does not offer.
async fn deputy_head(
    sandbox: &Sandbox,
    admin: &mut otmetka_integration_tests::Admin,
) -> (reqwest::Client, String) {
    let client = sandbox.sign_in_demo("zavuch").await.unwrap();
    let token = admin
        .identity
        .login(identity::LoginRequest {
            login: "zavuch".into(),
            password: "zavuch-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    (client, token)
}

async fn school(sandbox: &Sandbox) -> School {
    let mut admin = sandbox.admin().await.unwrap();
    let school_id = sandbox.demo.school_id.clone();
    let class = admin
        .identity
        .list_classes(admin.request(identity::ListClassesRequest {
            school_id: school_id.clone(),
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .classes
        .remove(0);
    let (deputy, token) = deputy_head(sandbox, &mut admin).await;
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let (_, me) = send(teacher.get(format!("{}/api/v1/session", sandbox.gateway()))).await;
    let teacher_id = me["person_id"].as_str().unwrap().to_owned();

    let today = otmetka_integration_tests::SANDBOX_TODAY;
    let year_start = otmetka_platform::time::academic_year_start(today);
    let quarter_start = today - Days::new(30);
    let mut schedule = sandbox.schedule().await.unwrap();
    let year = schedule
        .create_academic_year(with_token(
            &token,
            schedule::CreateAcademicYearRequest {
                academic_year: Some(schedule::AcademicYear {
                    school_id: school_id.clone(),
                    name: format!("{}/{}", year_start.year(), year_start.year() + 1),
                    start_date: year_start.to_string(),
                    end_date: format!("{}-05-31", year_start.year() + 1),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .academic_year
        .unwrap()
        .id;
    let period = |number: i32, start: NaiveDate, end: NaiveDate| {
        let mut schedule = schedule.clone();
        let request = schedule::CreateReportingPeriodRequest {
            reporting_period: Some(schedule::ReportingPeriod {
                school_id: school_id.clone(),
                academic_year_id: year.clone(),
                kind: schedule::ReportingPeriodKind::Quarter.into(),
                number,
                name: format!("{number} четверть"),
                grade_levels: vec![class.grade_level],
                start_date: start.to_string(),
                end_date: end.to_string(),
                ..Default::default()
            }),
            request_id: String::new(),
        };
        let token = token.clone();
        async move {
            schedule
                .create_reporting_period(with_token(&token, request))
                .await
                .unwrap()
                .into_inner()
                .reporting_period
                .unwrap()
                .id
        }
    };
    let closed_quarter = period(1, year_start, quarter_start - Days::new(1)).await;
    let quarter = period(2, quarter_start, today + Days::new(30)).await;
    schedule
        .close_reporting_period(with_token(
            &token,
            schedule::CloseReportingPeriodRequest {
                school_id: school_id.clone(),
                id: closed_quarter.clone(),
            },
        ))
        .await
        .unwrap();
    schedule
        .create_bell_schedule(with_token(
            &token,
            schedule::CreateBellScheduleRequest {
                bell_schedule: Some(schedule::BellSchedule {
                    school_id: school_id.clone(),
                    name: "Основное".into(),
                    slots: vec![schedule::BellSlot {
                        lesson_number: 1,
                        start_time: "08:30".into(),
                        end_time: "09:15".into(),
                    }],
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap();
    let mathematics = sandbox.demo.subject_ids[0].clone();
    for weekday in [
        schedule::Weekday::Monday,
        schedule::Weekday::Tuesday,
        schedule::Weekday::Wednesday,
        schedule::Weekday::Thursday,
        schedule::Weekday::Friday,
    ] {
        schedule
            .create_timetable_entry(with_token(
                &token,
                schedule::CreateTimetableEntryRequest {
                    timetable_entry: Some(schedule::TimetableEntry {
                        school_id: school_id.clone(),
                        academic_year_id: year.clone(),
                        class_id: class.id.clone(),
                        weekday: weekday.into(),
                        lesson_number: 1,
                        subject_id: mathematics.clone(),
                        teacher_id: teacher_id.clone(),
                        room: "214".into(),
                        periodicity: schedule::WeekPeriodicity::EveryWeek.into(),
                        ..Default::default()
                    }),
                    request_id: uuid::Uuid::now_v7().to_string(),
                },
            ))
            .await
            .unwrap();
    }
    let generated = schedule
        .generate_lessons(with_token(
            &token,
            schedule::GenerateLessonsRequest {
                school_id: school_id.clone(),
                academic_year_id: year,
                from_date: quarter_start.to_string(),
                to_date: (today + Days::new(30)).to_string(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(generated.created_count >= 40, "{generated:?}");
    let days = weekdays_before(today, 2);
    School {
        gateway: sandbox.gateway().to_owned(),
        school: school_id,
        class: class.id,
        mathematics,
        child: sandbox.demo.student_ids[0].clone(),
        quarter,
        closed_quarter,
        days: [days[0], days[1]],
        teacher,
        deputy,
    }
}

impl School {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    /// The class's mathematics lesson on `day`.
    fn lesson_on<'a>(&self, lessons: &'a [Value], day: NaiveDate) -> &'a Value {
        lessons
            .iter()
            .find(|lesson| lesson["date"] == day.to_string().as_str())
            .unwrap_or_else(|| panic!("a lesson on {day} in {lessons:#?}"))
    }
}

#[tokio::test]
async fn a_teacher_keeps_the_journal_and_the_family_reads_it() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox).await;
    let [earlier, later] = s.days;

    // The teacher's lessons of the two days.
    let (status, page) = send(s.teacher.get(s.url("/api/v1/lessons")).query(&[
        ("class_id", s.class.as_str()),
        ("from", &earlier.to_string()),
        ("to", &later.to_string()),
    ]))
    .await;
    expect(status, StatusCode::OK, &page);
    let lessons = page["lessons"].as_array().unwrap().clone();
    assert_eq!(lessons.len(), 2, "{page:#}");
    assert_eq!(lessons[0]["school_id"], s.school.as_str());
    let first_lesson = s.lesson_on(&lessons, earlier)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lesson = s.lesson_on(&lessons, later)["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A mark on each lesson.
    let post = |body: Value| send(s.teacher.post(s.url("/api/v1/marks")).json(&body));
    let (status, answer) = post(json!({
        "student_id": s.child, "subject_id": s.mathematics, "lesson_date": later.to_string(),
        "lesson_id": lesson, "value": 5, "weight": 2, "comment": "Решил задачу у доски",
    }))
    .await;
    expect(status, StatusCode::CREATED, &answer);
    assert_eq!(answer["lesson_id"], lesson.as_str());
    assert_eq!(answer["status"], "graded");
    assert_eq!(answer["scale"], "five_point");
    let praised = answer["id"].as_str().unwrap().to_owned();
    let (status, answer) = post(json!({
        "student_id": s.child, "subject_id": s.mathematics, "lesson_date": earlier.to_string(),
        "lesson_id": first_lesson, "value": "3",
    }))
    .await;
    expect(status, StatusCode::CREATED, &answer);
    let corrected = answer["id"].as_str().unwrap().to_owned();
    // A date that is not the lesson's is refused and named.
    let (status, problem) = post(json!({
        "student_id": s.child, "subject_id": s.mathematics, "lesson_date": later.to_string(),
        "lesson_id": first_lesson, "value": 4,
    }))
    .await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["lesson_date"]);

    // A correction needs a reason, and keeps what it does not name.
    let mark_url = |id: &str| s.url(&format!("/api/v1/marks/{id}"));
    let (status, problem) = send(
        s.teacher
            .patch(mark_url(&corrected))
            .json(&json!({ "value": 4, "reason": " " })),
    )
    .await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["reason"]);
    let (status, answer) = send(
        s.teacher
            .patch(mark_url(&corrected))
            .json(&json!({ "value": 4, "reason": "Ошибка при вводе: ответ был на четвёрку" })),
    )
    .await;
    expect(status, StatusCode::OK, &answer);
    assert_eq!(
        (&answer["value"], &answer["revision"], &answer["lesson_id"]),
        (&json!("4"), &json!(2), &json!(first_lesson))
    );

    // Attendance: late, with minutes; a late arrival without them is named.
    let attendance_url = s.url(&format!("/api/v1/lessons/{lesson}/attendance/{}", s.child));
    let (status, problem) = send(s.teacher.put(&attendance_url).json(&json!({
        "subject_id": s.mathematics, "lesson_date": later.to_string(), "kind": "late",
    })))
    .await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["late_minutes"]);
    let (status, record) = send(s.teacher.put(&attendance_url).json(&json!({
        "subject_id": s.mathematics, "lesson_date": later.to_string(), "kind": "late",
        "late_minutes": 10, "reason": "Опоздал автобус",
    })))
    .await;
    expect(status, StatusCode::OK, &record);
    assert_eq!(
        (&record["kind"], &record["late_minutes"]),
        (&json!("late"), &json!(10))
    );

    // The topic of the lesson.
    let (status, answer) = send(
        s.teacher
            .put(s.url(&format!("/api/v1/lessons/{lesson}/topic")))
            .json(&json!({ "school_id": s.school, "topic": "Сложение дробей" })),
    )
    .await;
    expect(status, StatusCode::OK, &answer);
    assert_eq!(answer["topic"], "Сложение дробей");

    // The grid of the quarter.
    let journal = |period: &str| {
        s.teacher.get(s.url("/api/v1/journal")).query(&[
            ("class_id", s.class.as_str()),
            ("subject_id", &s.mathematics),
            ("period_id", period),
        ])
    };
    let (status, grid) = send(journal(&s.quarter)).await;
    expect(status, StatusCode::OK, &grid);
    assert!(
        grid["student_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(s.child))
    );
    let columns = grid["lesson_ids"].as_array().unwrap();
    assert!(columns.contains(&json!(lesson)) && columns.contains(&json!(first_lesson)));
    let cell = grid["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["student_id"] == s.child.as_str() && cell["lesson_id"] == lesson.as_str())
        .expect("the child's cell of the lesson");
    assert!(
        cell["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|mark| mark["id"] == praised.as_str())
    );
    assert_eq!(cell["attendance"]["kind"], "late");
    assert!(
        grid["averages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|average| average["student_id"] == s.child.as_str())
    );
    let (status, problem) = send(
        s.teacher
            .get(s.url("/api/v1/journal"))
            .query(&[("class_id", s.class.as_str()), ("subject_id", "математика")]),
    )
    .await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["subject_id", "period_id"]);

    // The family's week: the lesson with its topic, mark and attendance.
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    let child_url = |path: &str| s.url(&format!("/api/v1/students/{}/{path}", s.child));
    let (status, week) = send(
        guardian
            .get(child_url("week"))
            .query(&[("date", later.to_string())]),
    )
    .await;
    expect(status, StatusCode::OK, &week);
    assert_eq!(week["school_id"], s.school.as_str());
    assert_eq!(week["marks_unavailable"], false);
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    let day = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|day| day["date"] == later.to_string().as_str())
        .unwrap();
    let shown = &day["lessons"][0];
    assert_eq!(shown["lesson_id"], lesson.as_str());
    assert_eq!(shown["topic"], "Сложение дробей");
    assert_eq!(shown["start_time"], "08:30");
    assert_eq!(shown["attendance"], "late");
    assert_eq!(shown["attendance_reason"], "Опоздал автобус");
    let diary_mark = shown["marks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|mark| mark["mark_id"] == praised.as_str())
        .expect("the mark in the diary");
    assert_eq!(
        (
            &diary_mark["value"],
            &diary_mark["comment"],
            &diary_mark["weight"],
            &diary_mark["seen"]
        ),
        (
            &json!("5"),
            &json!("Решил задачу у доски"),
            &json!(2.0),
            &json!(false)
        )
    );

    // Averages with their explanation, and what it takes to reach a five.
    let (status, averages) = send(
        guardian
            .get(child_url("averages"))
            .query(&[("period_id", &s.quarter)]),
    )
    .await;
    expect(status, StatusCode::OK, &averages);
    let mathematics = averages["averages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|average| average["subject_id"] == s.mathematics.as_str())
        .expect("an average in mathematics");
    assert!(mathematics["average"].as_f64().unwrap() > 0.0);
    assert!(!mathematics["suggested_mark"].as_str().unwrap().is_empty());
    assert!(!mathematics["explanation"].as_str().unwrap().is_empty());
    assert!(
        mathematics["mark_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(praised))
    );
    let (status, what_if) = send(guardian.get(child_url("what-if")).query(&[
        ("subject_id", s.mathematics.as_str()),
        ("period_id", &s.quarter),
        ("target", "5"),
    ]))
    .await;
    expect(status, StatusCode::OK, &what_if);
    assert!(what_if["reachable"].is_boolean());
    let (status, problem) = send(guardian.get(child_url("averages"))).await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["period_id"]);

    // The corrected mark's history: who, when, 3 → 4 and why.
    let (status, history) =
        send(guardian.get(s.url(&format!("/api/v1/marks/{corrected}/revisions")))).await;
    expect(status, StatusCode::OK, &history);
    let revisions = history["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2, "{history:#}");
    assert!(revisions[0]["before"].is_null());
    assert_eq!(revisions[1]["before"]["value"], "3");
    assert_eq!(revisions[1]["after"]["value"], "4");
    assert_eq!(
        revisions[1]["reason"],
        "Ошибка при вводе: ответ был на четвёрку"
    );

    // Seen by the guardian; the teacher sees when.
    let (status, seen) = send(guardian.post(s.url(&format!("/api/v1/marks/{praised}/seen")))).await;
    expect(status, StatusCode::OK, &seen);
    assert!(seen["seen_at"].is_string(), "{seen:#}");
    let (status, mark) = send(s.teacher.get(mark_url(&praised))).await;
    expect(status, StatusCode::OK, &mark);
    assert_eq!(mark["seen_at"], seen["seen_at"]);

    // The week read again shows what changed since, at once: the mark
    // seen, and the topic the teacher has just corrected.
    let (status, answer) = send(
        s.teacher
            .put(s.url(&format!("/api/v1/lessons/{lesson}/topic")))
            .json(&json!({ "school_id": s.school, "topic": "Сложение дробей с разными знаменателями" })),
    )
    .await;
    expect(status, StatusCode::OK, &answer);
    let shown = shown_lesson(&guardian, &s, later, &lesson).await;
    assert_eq!(shown["topic"], "Сложение дробей с разными знаменателями");
    assert!(
        shown["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|mark| mark["mark_id"] == praised.as_str() && mark["seen"] == true),
        "{shown:#}"
    );
    let shows_corrected = |lesson: &Value| {
        lesson["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|mark| mark["mark_id"] == corrected.as_str())
    };
    assert!(shows_corrected(
        &shown_lesson(&guardian, &s, earlier, &first_lesson).await
    ));

    // Periods to choose from, attendance, final marks.
    let (status, periods) = send(guardian.get(child_url("periods"))).await;
    expect(status, StatusCode::OK, &periods);
    let names: Vec<(&str, &str)> = periods["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            (s.closed_quarter.as_str(), "closed"),
            (s.quarter.as_str(), "open")
        ]
    );
    let (status, school_periods) = send(
        s.teacher
            .get(s.url(&format!("/api/v1/schools/{}/periods", s.school)))
            .query(&[("grade_level", "5")]),
    )
    .await;
    expect(status, StatusCode::OK, &school_periods);
    assert_eq!(school_periods["periods"].as_array().unwrap().len(), 2);
    let (status, attendance) = send(
        guardian
            .get(child_url("attendance"))
            .query(&[("from", later.to_string()), ("to", later.to_string())]),
    )
    .await;
    expect(status, StatusCode::OK, &attendance);
    assert_eq!(attendance["records"][0]["kind"], "late");
    let (status, finals) = send(guardian.get(child_url("final-marks"))).await;
    expect(status, StatusCode::OK, &finals);
    assert!(finals["final_marks"].as_array().unwrap().is_empty());

    // A withdrawn mark stays in the history with its reason.
    let (status, withdrawn) = send(
        s.teacher
            .delete(mark_url(&corrected))
            .query(&[("reason", "Оценка выставлена не тому ученику")]),
    )
    .await;
    expect(status, StatusCode::OK, &withdrawn);
    assert!(withdrawn["deleted_at"].is_string());
    let (status, problem) = send(s.teacher.delete(mark_url(&praised))).await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["reason"]);
    assert!(!shows_corrected(
        &shown_lesson(&guardian, &s, earlier, &first_lesson).await
    ));

    // The closed quarter: the teacher asks to reopen, the deputy head decides once.
    let (status, locked) = post(json!({
        "student_id": s.child, "subject_id": s.mathematics,
        "lesson_date": (today_minus(45)).to_string(), "value": 5,
    }))
    .await;
    expect(status, StatusCode::CONFLICT, &locked);
    let (status, request) = send(
        s.teacher
            .post(s.url("/api/v1/journal/reopen-requests"))
            .json(&json!({
                "class_id": s.class, "subject_id": s.mathematics,
                "period_id": s.closed_quarter, "reason": "Не выставлена отметка за контрольную",
            })),
    )
    .await;
    expect(status, StatusCode::CREATED, &request);
    assert_eq!(request["state"], "pending");
    let request_id = request["id"].as_str().unwrap().to_owned();
    let list = |client: &reqwest::Client| {
        client
            .get(s.url("/api/v1/journal/reopen-requests"))
            .query(&[("school_id", s.school.as_str())])
    };
    for client in [&s.teacher, &s.deputy] {
        let (status, page) = send(list(client)).await;
        expect(status, StatusCode::OK, &page);
        assert_eq!(page["reopen_requests"][0]["id"], request_id.as_str());
    }
    let decide = || {
        s.deputy
            .post(s.url(&format!(
                "/api/v1/journal/reopen-requests/{request_id}/decision"
            )))
            .json(&json!({ "approve": true, "comment": "Разрешаю на неделю" }))
    };
    let (status, decided) = send(decide()).await;
    expect(status, StatusCode::OK, &decided);
    assert_eq!(decided["state"], "approved");
    assert!(decided["decided_at"].is_string());
    let (status, again) = send(decide()).await;
    expect(status, StatusCode::CONFLICT, &again);

    sandbox.stop().await.unwrap();
}

/// A lesson as the family's week shows it.
async fn shown_lesson(
    guardian: &reqwest::Client,
    s: &School,
    date: NaiveDate,
    lesson_id: &str,
) -> Value {
    let (status, week) = send(
        guardian
            .get(s.url(&format!("/api/v1/students/{}/week", s.child)))
            .query(&[("date", date.to_string())]),
    )
    .await;
    expect(status, StatusCode::OK, &week);
    week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|day| day["lessons"].as_array().unwrap())
        .find(|lesson| lesson["lesson_id"] == lesson_id)
        .cloned()
        .expect("the lesson in the week")
}

fn today_minus(days: u64) -> NaiveDate {
    otmetka_integration_tests::SANDBOX_TODAY - Days::new(days)
}

#[tokio::test]
async fn strangers_students_and_other_sites_are_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let gateway = sandbox.gateway().to_owned();
    let child = sandbox.demo.student_ids[0].clone();
    let url = |path: &str| format!("{gateway}{path}");
    let teacher = sandbox.sign_in_demo("teacher").await.unwrap();
    let (status, mark) = send(teacher.post(url("/api/v1/marks")).json(&json!({
        "student_id": child, "subject_id": sandbox.demo.subject_ids[0],
        "lesson_date": today_minus(1).to_string(), "value": 4,
    })))
    .await;
    expect(status, StatusCode::CREATED, &mark);
    let mark_id = mark["id"].as_str().unwrap().to_owned();

    // Another guardian learns nothing of the child: the same answer as for
    // a student that does not exist.
    let stranger = sandbox.sign_in_demo("parent2").await.unwrap();
    let nobody = uuid::Uuid::now_v7().to_string();
    for path in [
        "week",
        "marks",
        "averages?period_id=0193a5e0-0000-7000-8000-000000000001",
        "attendance",
        "periods",
    ] {
        let (status, refusal) =
            send(stranger.get(url(&format!("/api/v1/students/{child}/{path}")))).await;
        expect(status, StatusCode::NOT_FOUND, &refusal);
        let (_, missing) =
            send(stranger.get(url(&format!("/api/v1/students/{nobody}/{path}")))).await;
        assert_eq!(
            refusal, missing,
            "{path}: a refusal must not reveal the student"
        );
    }
    let (status, refusal) = send(stranger.get(url(&format!("/api/v1/marks/{mark_id}")))).await;
    expect(status, StatusCode::NOT_FOUND, &refusal);
    let (status, refusal) =
        send(stranger.post(url(&format!("/api/v1/marks/{mark_id}/seen")))).await;
    expect(status, StatusCode::NOT_FOUND, &refusal);
    let (status, own) = send(stranger.get(url(&format!(
        "/api/v1/students/{}/week",
        sandbox.demo.student_ids[1]
    ))))
    .await;
    expect(status, StatusCode::OK, &own);

    // A student reads but does not write, nor reads the journal.
    let student = sandbox.sign_in_demo("student").await.unwrap();
    let (status, refusal) = send(student.post(url("/api/v1/marks")).json(&json!({
        "student_id": child, "subject_id": sandbox.demo.subject_ids[0],
        "lesson_date": today_minus(1).to_string(), "value": 5,
    })))
    .await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}: {refusal:#}"
    );
    let (status, refusal) = send(
        student
            .patch(url(&format!("/api/v1/marks/{mark_id}")))
            .json(&json!({ "value": 5, "reason": "хочу пятёрку" })),
    )
    .await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}: {refusal:#}"
    );
    let (status, _) = send(student.get(url(&format!("/api/v1/marks/{mark_id}")))).await;
    assert_eq!(status, StatusCode::OK, "a student reads their own marks");

    // Without a session: 401 with problem+json.
    let anonymous = reqwest::Client::new();
    for path in [
        format!("/api/v1/students/{child}/week"),
        "/api/v1/journal".to_owned(),
        format!("/api/v1/marks/{mark_id}/revisions"),
    ] {
        let response = anonymous.get(url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }

    // Other sites cannot make a signed-in browser change anything.
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    let (status, _) = send(
        guardian
            .post(url(&format!("/api/v1/marks/{mark_id}/seen")))
            .header("sec-fetch-site", "cross-site"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(
        teacher
            .patch(url(&format!("/api/v1/marks/{mark_id}")))
            .header("origin", "https://evil.example")
            .json(&json!({ "value": 2, "reason": "чужой сайт" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, unchanged) = send(teacher.get(url(&format!("/api/v1/marks/{mark_id}")))).await;
    assert_eq!(
        (&unchanged["value"], &unchanged["seen_at"]),
        (&json!("4"), &Value::Null)
    );

    // Parameters are checked and named; English on request.
    let (status, problem) = send(
        guardian
            .get(url(&format!("/api/v1/students/{child}/week")))
            .query(&[("date", "28.11.2026")])
            .header("accept-language", "en"),
    )
    .await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["date"]);
    assert_eq!(problem["title"], "Invalid request");
    let (status, problem) = send(
        teacher
            .get(url("/api/v1/lessons"))
            .query(&[("to", "2026-11-01")]),
    )
    .await;
    expect(status, StatusCode::BAD_REQUEST, &problem);
    assert_eq!(fields(&problem), ["class_id", "from"]);

    sandbox.stop().await.unwrap();
}

/// Every operation the document describes is served: none answers as an
/// unknown route or method. (The document itself is built from the routes,
/// so no route goes undocumented.)
#[tokio::test]
async fn every_documented_operation_is_served() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (status, document) =
        send(client.get(format!("{}/api/v1/openapi.json", sandbox.gateway()))).await;
    expect(status, StatusCode::OK, &document);
    assert_eq!(document["openapi"], "3.1.0");
    let some_id = uuid::Uuid::now_v7().to_string();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let concrete: String = path
            .split('/')
            .map(|part| {
                if part.starts_with('{') {
                    some_id.as_str()
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = client
                .request(method.clone(), format!("{}{concrete}", sandbox.gateway()))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = response.status();
            let problem = response
                .headers()
                .get("content-type")
                .is_some_and(|kind| kind == "application/problem+json");
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(
                status != StatusCode::NOT_FOUND || problem,
                "{method} {path} is not routed"
            );
            checked += 1;
        }
    }
    assert!(checked >= 36, "{checked} operations");
    sandbox.stop().await.unwrap();
}
