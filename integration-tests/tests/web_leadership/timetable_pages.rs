//! The timetable's pages: the deputy head keeps bells, the weekly
//! timetable and holidays through forms, builds lessons and arranges a
//! day's substitutions; a refused form shows why beside its field; the
//! teacher reads but is refused each change as a missing page; another
//! school's administrator finds nothing.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::with_token;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use reqwest::StatusCode;

use super::school::school;
use super::timetable_api::stranger;

#[tokio::test]
async fn bells_timetable_and_holidays_by_form() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "tt-pages").await;
    let other = stranger(&sandbox, "tt-pages-stranger").await;
    let at = |page: &str| format!("/school/{}/{page}", s.school);

    let (status, html) = s.page(&s.deputy, &at("leadership")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for page in [
        "bells",
        "timetable",
        "holidays",
        "generation",
        "substitutions",
    ] {
        assert!(
            html.contains(&format!("href=\"{}\"", at(page))),
            "{page}: {html}"
        );
    }

    // The class's week: Monday to Saturday, mathematics at 08:30 daily.
    let (status, html) = s.page(&s.deputy, &at("timetable")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for text in [
        "Расписание 5Б",
        "Понедельник",
        "Суббота",
        "Математика",
        "Петрова Т.",
        "каб.&nbsp;101",
        "08:30–09:15",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    let (status, _) = s.page(&s.teacher, &at("timetable")).await;
    assert_eq!(status, StatusCode::OK, "the teacher reads the timetable");
    let (status, _) = s.page(&other, &at("timetable")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A Saturday lesson: without a subject it is refused beside the field;
    // the teacher may not add it; the deputy head may, once.
    let year = s.term.academic_year_id.as_str();
    let without_subject = [
        ("academic_year_id", year),
        ("class_id", s.class.as_str()),
        ("weekday", "saturday"),
        ("lesson_number", "1"),
        ("subject_id", ""),
        ("teacher_id", s.teacher_id.as_str()),
        ("room", "204"),
        ("periodicity", ""),
        ("bell_schedule_id", ""),
    ];
    let mut saturday = without_subject;
    saturday[4].1 = s.mathematics.as_str();
    let (status, _, html) = s
        .form(&s.deputy, &at("timetable/new"), &without_subject)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains("id=\"subject_id-error\">обязательное поле"),
        "{html}"
    );
    assert!(
        html.contains("value=\"204\""),
        "what was typed stays: {html}"
    );
    let (status, _, _) = s.form(&s.teacher, &at("timetable/new"), &saturday).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, location, _) = s.form(&s.deputy, &at("timetable/new"), &saturday).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!("{}?class_id={}&year_id={year}", at("timetable"), s.class)
    );
    let (status, _, html) = s.form(&s.deputy, &at("timetable/new"), &saturday).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("Занято"), "{html}");
    let (_, html) = s.page(&s.deputy, &location).await;
    assert!(html.contains("каб.&nbsp;204"), "{html}");
    // The Saturday lesson's link is the last one before its room.
    let before = html.split("каб.&nbsp;204").next().unwrap_or_default();
    let link = before.rfind("/timetable/").expect("a lesson's link") + "/timetable/".len();
    let entry = before[link..link + 36].to_owned();
    let (status, html) = s.page(&s.deputy, &at(&format!("timetable/{entry}"))).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Изменить урок в расписании"), "{html}");

    // A class with a group: the form for that class offers it, and a
    // lesson of the group alone is saved as the group's.
    let mut identity = IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let group = identity
        .create_group(with_token(
            &s.manager,
            identity::CreateGroupRequest {
                class_id: s.class.clone(),
                name: "Английский, гр. 1".into(),
                student_ids: vec![s.student.clone()],
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap()
        .id;
    let new_for_class = at(&format!(
        "timetable/new?class_id={}&year_id={year}",
        s.class
    ));
    let (_, html) = s.page(&s.deputy, &new_for_class).await;
    assert!(
        html.contains(&format!(
            "<option value=\"{group}\">Английский, гр. 1</option>"
        )) && html.contains("Весь класс"),
        "{html}"
    );
    let mut for_group = saturday;
    for_group[2].1 = "sunday";
    for_group[6].1 = "301";
    let with_group = [for_group.as_slice(), &[("group_id", group.as_str())]].concat();
    let (status, _, html) = s.form(&s.deputy, &at("timetable/new"), &with_group).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (_, entries) = s
        .json(s.deputy.get(s.url(&format!(
            "/api/v1/schools/{}/timetable-entries?academic_year_id={year}&class_id={}",
            s.school, s.class
        ))))
        .await;
    let grouped = entries["timetable_entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["group_id"] == group.as_str())
        .count();
    assert_eq!(grouped, 1, "{entries:#}");

    // Bells: a time that is not one is refused beside its lesson's row.
    let (status, html) = s.page(&s.deputy, &at("bells")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Основное") && html.contains("1. 08:30–09:15"),
        "{html}"
    );
    let short = |second_start: &'static str| {
        vec![
            ("name", "Сокращённые уроки"),
            ("start_1", "08:30"),
            ("end_1", "09:00"),
            ("start_2", second_start),
            ("end_2", "09:40"),
        ]
    };
    let (status, _, html) = s.form(&s.deputy, &at("bells/new"), &short("25:00")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("id=\"start_2-error\""), "{html}");
    assert!(html.contains("Урок 2, начало"), "{html}");
    let (status, _, _) = s.form(&s.teacher, &at("bells/new"), &short("09:10")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, location, _) = s.form(&s.deputy, &at("bells/new"), &short("09:10")).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, at("bells").as_str())
    );
    let (_, html) = s.page(&s.deputy, &at("bells")).await;
    assert!(html.contains("2. 09:10–09:40"), "{html}");

    // Holidays: dates the wrong way round are refused on the end date.
    let winter = |end: &'static str| {
        vec![
            ("academic_year_id", year),
            ("kind", "vacation"),
            ("name", "Зимние каникулы"),
            ("start_date", "2026-12-28"),
            ("end_date", end),
            ("grade_levels", ""),
        ]
    };
    let (status, _, html) = s
        .form(&s.deputy, &at("holidays/new"), &winter("2026-12-20"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("id=\"end_date-error\""), "{html}");
    let (status, _, _) = s
        .form(&s.teacher, &at("holidays/new"), &winter("2027-01-08"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, location, _) = s
        .form(&s.deputy, &at("holidays/new"), &winter("2027-01-08"))
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, at("holidays").as_str())
    );
    let (_, html) = s.page(&s.deputy, &at("holidays")).await;
    assert!(
        html.contains("Зимние каникулы") && html.contains("28.12.2026 – 08.01.2027"),
        "{html}"
    );

    // The Saturday lesson goes.
    let delete = at(&format!("timetable/{entry}/delete"));
    let (status, _, _) = s.form(&s.teacher, &delete, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = s.form(&s.deputy, &delete, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = s.page(&s.deputy, &at("timetable")).await;
    assert!(!html.contains("каб.&nbsp;204"), "{html}");
    sandbox.stop().await.expect("stop");
}

#[tokio::test]
async fn lessons_are_built_and_substituted_by_form() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let s = school(&sandbox, "subst-pages").await;
    let at = |page: &str| format!("/school/{}/{page}", s.school);
    let year = s.term.academic_year_id.as_str();

    // A dry run over a generated week changes nothing and says so.
    let (status, html) = s.page(&s.deputy, &at("generation")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let week = |to: &'static str| {
        vec![
            ("academic_year_id", year),
            ("from", "2026-12-07"),
            ("to", to),
            ("class_id", ""),
            ("dry_run", "on"),
        ]
    };
    let (status, _, html) = s
        .form(&s.deputy, &at("generation"), &week("2026-12-01"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("id=\"to-error\""), "{html}");
    let (status, _, _) = s
        .form(&s.teacher, &at("generation"), &week("2026-12-11"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, html) = s
        .form(&s.deputy, &at("generation"), &week("2026-12-11"))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Результат проверки"), "{html}");
    assert!(html.contains("<dt>Без изменений</dt><dd>5</dd>"), "{html}");

    // Today in the school is the sandbox's Wednesday.
    let (status, html) = s.page(&s.deputy, &at("substitutions")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("02.12.2026, среда"), "{html}");
    assert!(html.contains("5Б · Математика"), "{html}");
    let lesson = s.term.lesson_on_or_before(sandbox.today()).id.clone();
    let change = |what: &str| at(&format!("substitutions/{lesson}/{what}"));
    let (status, _, html) = s
        .form(
            &s.deputy,
            &change("cancel"),
            &[("date", "2026-12-02"), ("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains(&format!(
            "id=\"cancel-reason-{lesson}-error\">обязательное поле"
        )),
        "{html}"
    );
    let quarantine = [("date", "2026-12-02"), ("reason", "Карантин")];
    let (status, _, _) = s.form(&s.teacher, &change("cancel"), &quarantine).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, location, _) = s.form(&s.deputy, &change("cancel"), &quarantine).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!("{}?date=2026-12-02#lesson-{lesson}", at("substitutions"))
    );
    let (_, html) = s.page(&s.deputy, &location).await;
    assert!(
        html.contains("Отменён") && html.contains("Карантин"),
        "{html}"
    );
    assert!(html.contains("Вернуть урок"), "{html}");

    let (status, _, _) = s
        .form(
            &s.deputy,
            &change("room"),
            &[("date", "2026-12-02"), ("room", "215")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = s
        .form(&s.deputy, &change("restore"), &[("date", "2026-12-02")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = s
        .page(&s.deputy, &at("substitutions?date=2026-12-02"))
        .await;
    assert!(
        html.contains("215 <span class=\"muted\">(по плану: 101)</span>"),
        "{html}"
    );
    assert!(!html.contains("Вернуть урок"), "{html}");
    sandbox.stop().await.expect("stop");
}
