//! The family's pages of final marks and of attendance: what the teacher
//! set and recorded shows to the child's guardian, with the subject's name
//! and in the Russian way, and another family gets "not found" for the
//! same pages while reading its own child's.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, PERSON_PASSWORD, with_token};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use reqwest::StatusCode;

async fn page(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn finals_and_attendance_show_to_the_family_and_to_nobody_else() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = EnglishClass::new(&sandbox, "Школа № 12", "fam12")
        .await
        .unwrap();
    let (child, classmate) = (school.students[0].clone(), school.students[1].clone());
    let parent = school.builder.guardian_of(&child, "Алексеева").await;
    school.builder.token_of(&parent, "fam12-parent").await;
    let other = school.builder.guardian_of(&classmate, "Борисова").await;
    school.builder.token_of(&other, "fam12-other").await;
    let family = sandbox
        .browser("fam12-parent", PERSON_PASSWORD)
        .await
        .unwrap();
    let stranger = sandbox
        .browser("fam12-other", PERSON_PASSWORD)
        .await
        .unwrap();
    let url = |student: &str, page: &str| format!("{}/diary/{student}/{page}", sandbox.gateway());

    // Nothing set yet: the pages say so.
    let (status, html) = page(&family, url(&child, "finals")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Итоговых оценок пока нет"), "{html}");
    let (status, html) = page(&family, url(&child, "attendance")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("пропусков и опозданий нет"), "{html}");

    // The teacher sets the quarter's final mark and records two lessons.
    let mut journal = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let teacher = school.teacher_token.clone();
    journal
        .set_final_mark(with_token(
            &teacher,
            gradebook::SetFinalMarkRequest {
                student_id: child.clone(),
                subject_id: school.english.clone(),
                reporting_period_id: school.term.period.id.clone(),
                value: "4".into(),
                reason: String::new(),
            },
        ))
        .await
        .unwrap();
    let lesson = school.term.lesson_on_or_before(sandbox.today()).clone();
    let earlier = school
        .term
        .lessons
        .iter()
        .rev()
        .find(|earlier| earlier.date < lesson.date)
        .unwrap()
        .clone();
    for (held, kind, late_minutes, reason) in [
        (&lesson, gradebook::AttendanceKind::Late, 10, "Автобус"),
        (&earlier, gradebook::AttendanceKind::Ill, 0, "Справка"),
    ] {
        journal
            .set_attendance(with_token(
                &teacher,
                gradebook::SetAttendanceRequest {
                    record: Some(gradebook::AttendanceRecord {
                        student_id: child.clone(),
                        lesson_id: held.id.clone(),
                        subject_id: school.english.clone(),
                        lesson_date: held.date.clone(),
                        kind: kind.into(),
                        late_minutes,
                        reason: reason.into(),
                        ..Default::default()
                    }),
                },
            ))
            .await
            .unwrap();
    }

    let (status, html) = page(&family, url(&child, "finals")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Английский язык"), "{html}");
    assert!(html.contains(&school.term.period.name), "{html}");
    assert!(html.contains(r#"<span class="mark m4">4</span>"#), "{html}");

    let (status, html) = page(&family, url(&child, "attendance")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Пропуски за период"), "{html}");
    assert!(html.contains("Б — болел"), "{html}");
    assert!(html.contains("ОП — опоздал"), "{html}");
    assert!(html.contains("10 мин; Автобус"), "{html}");
    assert!(html.contains("Справка"), "{html}");
    // Newest first, each day the Russian way ("7 декабря 2026").
    let late_at = html.find("Автобус").unwrap();
    let ill_at = html.find("Справка").unwrap();
    assert!(late_at < ill_at, "the later lesson first");
    assert!(!html.contains(&lesson.date), "no ISO dates: {html}");

    // Another family reads its own child's pages, and not this child's.
    for section in ["finals", "attendance"] {
        let (status, _) = page(&stranger, url(&classmate, section)).await;
        assert_eq!(status, StatusCode::OK, "{section}");
        let (status, html) = page(&stranger, url(&child, section)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{section}: {html}");
        assert!(!html.contains("Английский язык"), "{section}");
    }
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_guardian_who_links_another_child_sees_both_at_once() {
    use otmetka_proto::identity::v1 as identity;
    use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;

    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = EnglishClass::new(&sandbox, "Школа № 13", "fam13")
        .await
        .unwrap();
    let (child, sibling) = (school.students[0].clone(), school.students[1].clone());
    let parent = school.builder.guardian_of(&child, "Алексеева").await;
    school.builder.token_of(&parent, "fam13-parent").await;
    let family = sandbox
        .browser("fam13-parent", PERSON_PASSWORD)
        .await
        .unwrap();
    let url = |student: &str| format!("{}/diary/{student}", sandbox.gateway());

    // The week names one child: the header remembers who the guardian is.
    let (status, html) = page(&family, url(&child)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        !html.contains(&format!("href=\"/diary/{sibling}\"")),
        "{html}"
    );

    // Linked with the school's code, the second child is in the switcher
    // at once, not when the remembered header expires.
    let mut identity_client =
        IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let code = identity_client
        .issue_access_code(with_token(
            &school.manager,
            identity::IssueAccessCodeRequest {
                student_id: sibling.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .code;
    let (status, location, _) = sandbox
        .post_form(&family, "/children/link", &[("access_code", &code)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/diary/{sibling}"));
    let (status, html) = page(&family, url(&sibling)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!("href=\"/diary/{child}\""))
            && html.contains(&format!("href=\"/diary/{sibling}\"")),
        "both children in the switcher: {html}"
    );
    sandbox.stop().await.unwrap();
}
