//! The timetable's JSON routes: bell schedules, timetable entries,
//! holidays, generating lessons and a school's day. The school's staff
//! read; the deputy head changes what the teacher is refused; another
//! school's administrator learns nothing.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::SchoolBuilder;
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::school::{School, browser, school};

/// The administrator of another school, signed in.
pub async fn stranger(sandbox: &Sandbox, login: &str) -> reqwest::Client {
    let mut b = SchoolBuilder::new(sandbox, "Школа № 8")
        .await
        .expect("a school");
    let admin = b.staff("Чужова", identity::StaffRole::SchoolAdmin).await;
    b.token_of(&admin, login).await;
    browser(sandbox, login).await
}

impl School {
    fn api(&self, path: &str) -> String {
        self.url(&format!("/api/v1/schools/{}/{path}", self.school))
    }

    /// The field a 400 problem names first.
    async fn refused_field(&self, request: reqwest::RequestBuilder) -> String {
        let (status, problem) = self.json(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:#}");
        problem["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn bell_schedules_and_timetable_entries_by_json() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "tt-json").await;
    let other = stranger(&sandbox, "tt-json-stranger").await;

    // Bell schedules: the teacher reads them but may not add one.
    let (status, listed) = s.json(s.teacher.get(s.api("bell-schedules"))).await;
    assert_eq!(status, StatusCode::OK, "{listed:#}");
    assert_eq!(
        listed["bell_schedules"][0]["name"], "Основное",
        "{listed:#}"
    );
    assert_eq!(
        listed["bell_schedules"][0]["slots"][0]["start_time"],
        "08:30"
    );
    let (status, _) = s.json(other.get(s.api("bell-schedules"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let short = json!({
        "name": "Сокращённые уроки",
        "slots": [
            { "lesson_number": 1, "start_time": "08:30", "end_time": "09:00" },
            { "lesson_number": 2, "start_time": "09:10", "end_time": "09:40" },
        ],
    });
    let (status, problem) = s
        .json(s.teacher.post(s.api("bell-schedules")).json(&short))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:#}");
    let (status, _) = s
        .json(other.post(s.api("bell-schedules")).json(&short))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, created) = s
        .json(s.deputy.post(s.api("bell-schedules")).json(&short))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created:#}");
    assert_eq!(created["is_default"], false, "{created:#}");
    let bells = id_of(&created);
    let mut wrong = short.clone();
    wrong["slots"][1]["start_time"] = json!("9:99");
    let field = s
        .refused_field(s.deputy.post(s.api("bell-schedules")).json(&wrong))
        .await;
    assert_eq!(field, "slots[1].start_time");
    let mut renamed = short.clone();
    renamed["name"] = json!("Короткий день");
    let path = format!("bell-schedules/{bells}");
    let (status, _) = s.json(s.teacher.put(s.api(&path)).json(&renamed)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, changed) = s.json(s.deputy.put(s.api(&path)).json(&renamed)).await;
    assert_eq!(status, StatusCode::OK, "{changed:#}");
    assert_eq!(changed["name"], "Короткий день");

    // Timetable entries of the class: five, Monday to Friday.
    let year = &s.term.academic_year_id;
    let query = format!(
        "timetable-entries?academic_year_id={year}&class_id={}",
        s.class
    );
    let (status, listed) = s.json(s.teacher.get(s.api(&query))).await;
    assert_eq!(status, StatusCode::OK, "{listed:#}");
    let entries = listed["timetable_entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5, "{listed:#}");
    assert_eq!(entries[0]["weekday"], "monday", "{listed:#}");
    let field = s
        .refused_field(s.deputy.get(s.api("timetable-entries")))
        .await;
    assert_eq!(field, "academic_year_id");
    let saturday = json!({
        "academic_year_id": year,
        "class_id": s.class,
        "weekday": "saturday",
        "lesson_number": 2,
        "subject_id": s.mathematics,
        "teacher_id": s.teacher_id,
        "room": "204",
        "bell_schedule_id": bells,
    });
    let (status, _) = s
        .json(s.teacher.post(s.api("timetable-entries")).json(&saturday))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s
        .json(other.post(s.api("timetable-entries")).json(&saturday))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, entry) = s
        .json(s.deputy.post(s.api("timetable-entries")).json(&saturday))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry:#}");
    assert_eq!(entry["periodicity"], "every_week", "{entry:#}");
    let (status, clash) = s
        .json(s.deputy.post(s.api("timetable-entries")).json(&saturday))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{clash:#}");
    let mut someday = saturday.clone();
    someday["weekday"] = json!("someday");
    let field = s
        .refused_field(s.deputy.post(s.api("timetable-entries")).json(&someday))
        .await;
    assert_eq!(field, "weekday");
    let mut moved = saturday.clone();
    moved["room"] = json!("310");
    moved["periodicity"] = json!("odd_weeks");
    let path = format!("timetable-entries/{}", id_of(&entry));
    let (status, _) = s.json(s.teacher.put(s.api(&path)).json(&moved)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, changed) = s.json(s.deputy.put(s.api(&path)).json(&moved)).await;
    assert_eq!(status, StatusCode::OK, "{changed:#}");
    assert_eq!(
        (&changed["room"], &changed["periodicity"]),
        (&json!("310"), &json!("odd_weeks"))
    );

    // A schedule an entry uses stays; once the entry goes, it may go.
    let bells_path = format!("bell-schedules/{bells}");
    let (status, problem) = s.json(s.deputy.delete(s.api(&bells_path))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:#}");
    let (status, _) = s.json(s.teacher.delete(s.api(&path))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.json(s.deputy.delete(s.api(&path))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = s.json(s.teacher.delete(s.api(&bells_path))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.json(s.deputy.delete(s.api(&bells_path))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    sandbox.stop().await.expect("stop");
}

#[tokio::test]
async fn holidays_and_generation_by_json() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "hol-json").await;
    let other = stranger(&sandbox, "hol-json-stranger").await;
    let year = s.term.academic_year_id.clone();

    // A day without lessons on Thursday 10 December.
    let day_off = json!({
        "academic_year_id": year,
        "kind": "no_lessons",
        "name": "День здоровья",
        "start_date": "2026-12-10",
        "end_date": "2026-12-10",
    });
    let (status, _) = s
        .json(s.teacher.post(s.api("holidays")).json(&day_off))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.json(other.post(s.api("holidays")).json(&day_off)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut backwards = day_off.clone();
    backwards["end_date"] = json!("2026-12-09");
    let field = s
        .refused_field(s.deputy.post(s.api("holidays")).json(&backwards))
        .await;
    assert_eq!(field, "end_date");
    let (status, holiday) = s
        .json(s.deputy.post(s.api("holidays")).json(&day_off))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{holiday:#}");
    let holiday_path = format!("holidays/{}", id_of(&holiday));
    let (status, listed) = s
        .json(
            s.teacher
                .get(s.api(&format!("holidays?academic_year_id={year}"))),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{listed:#}");
    assert_eq!(listed["holidays"][0]["name"], "День здоровья", "{listed:#}");
    let (status, _) = s.json(other.get(s.api("holidays"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Generation over that week: Thursday's lesson goes, four stay; a
    // dry run says so first and changes nothing, a repeat finds nothing to do.
    let week = |dry_run: bool| {
        json!({
            "academic_year_id": year,
            "from": "2026-12-07",
            "to": "2026-12-11",
            "dry_run": dry_run,
        })
    };
    let (status, _) = s
        .json(
            s.teacher
                .post(s.api("lesson-generation"))
                .json(&week(false)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s
        .json(other.post(s.api("lesson-generation")).json(&week(false)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut backwards = week(false);
    backwards["to"] = json!("2026-12-01");
    let field = s
        .refused_field(s.deputy.post(s.api("lesson-generation")).json(&backwards))
        .await;
    assert_eq!(field, "to");
    for dry_run in [true, false] {
        let (status, run) = s
            .json(
                s.deputy
                    .post(s.api("lesson-generation"))
                    .json(&week(dry_run)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{run:#}");
        assert_eq!(
            (&run["removed_count"], &run["unchanged_count"]),
            (&json!(1), &json!(4)),
            "{run:#}"
        );
    }
    let (status, again) = s
        .json(s.deputy.post(s.api("lesson-generation")).json(&week(false)))
        .await;
    assert_eq!(status, StatusCode::OK, "{again:#}");
    assert_eq!(again["removed_count"], 0, "{again:#}");

    // The school's day, as the substitutions page reads it.
    let (status, day) = s
        .json(s.teacher.get(s.api("lessons?date=2026-12-10")))
        .await;
    assert_eq!(status, StatusCode::OK, "{day:#}");
    assert_eq!(day["lessons"], json!([]), "{day:#}");
    let (status, day) = s.json(s.deputy.get(s.api("lessons?date=2026-12-09"))).await;
    assert_eq!(status, StatusCode::OK, "{day:#}");
    assert_eq!(day["lessons"][0]["planned_room"], "101", "{day:#}");
    let (status, _) = s.json(other.get(s.api("lessons?date=2026-12-09"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let field = s.refused_field(s.deputy.get(s.api("lessons"))).await;
    assert_eq!(field, "date");

    // The holiday renamed, then gone.
    let mut renamed = day_off.clone();
    renamed["name"] = json!("Спортивный праздник");
    let (status, _) = s
        .json(s.teacher.put(s.api(&holiday_path)).json(&renamed))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, changed) = s
        .json(s.deputy.put(s.api(&holiday_path)).json(&renamed))
        .await;
    assert_eq!(status, StatusCode::OK, "{changed:#}");
    assert_eq!(changed["name"], "Спортивный праздник");
    let (status, _) = s.json(s.teacher.delete(s.api(&holiday_path))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.json(s.deputy.delete(s.api(&holiday_path))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    sandbox.stop().await.expect("stop");
}
