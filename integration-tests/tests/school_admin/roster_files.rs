//! A roster loaded from OneRoster files in the browser and through the JSON
//! route: checked first without writing, then loaded, then loaded again to
//! no change; a refused row named by file, line and column; a teacher of
//! the school refused the same files.

use otmetka_integration_tests::Sandbox;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use super::pages::page;
use super::staffed;

const USERS: &str = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
u-1,active,2026-09-01T00:00:00Z,true,org-1,student,,,Алиса,Громова,Петровна,,,,,,05,
u-2,active,2026-09-01T00:00:00Z,true,org-1,student,,,Борис,Дымов,,,,,,,05,
u-3,active,2026-09-01T00:00:00Z,true,org-1,wizard,,,Гэндальф,Серый,,,,,,,,
";

const CLASSES: &str = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
c-1,active,2026-09-01T00:00:00Z,5Ж,05,,,homeroom,,org-1,,,,
";

const ENROLLMENTS: &str = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,active,2026-09-01T00:00:00Z,c-1,org-1,u-1,student,false,2026-09-01,
e-2,active,2026-09-01T00:00:00Z,c-1,org-1,u-2,student,false,2026-09-01,
";

/// The three files as a browser sends them, with the «check only» box.
fn form(check_only: bool) -> (String, Vec<u8>) {
    let boundary = "----otmetka-roster";
    let mut body = Vec::new();
    if check_only {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"validate_only\"\r\n\r\n1\r\n")
                .bytes(),
        );
    }
    for (name, content) in [
        ("users.csv", USERS),
        ("classes.csv", CLASSES),
        ("enrollments.csv", ENROLLMENTS),
    ] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n")
                .bytes(),
        );
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send(
    client: &reqwest::Client,
    gateway: &str,
    url: &str,
    check_only: bool,
) -> (StatusCode, String) {
    let (kind, body) = form(check_only);
    let response = client
        .post(url)
        .header(CONTENT_TYPE, kind)
        .header("origin", gateway)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_administrator_checks_then_loads_oneroster_files() {
    let sandbox = Sandbox::start().await.unwrap();
    let school = staffed(&sandbox, "Школа выгрузки", "rosterfiles").await;
    let id = &school.school_id;
    let gateway = sandbox.gateway();
    let (admin, teacher) = (&school.admin, &school.teacher);
    let page_url = format!("{gateway}/school/{id}/admin/roster");
    let classes = async || {
        let (_, html) = page(admin, &format!("{gateway}/school/{id}/admin")).await;
        html.contains("5Ж")
    };

    let (status, html) = page(admin, &page_url).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("users.csv"), "{html}");
    assert!(
        StatusCode::NOT_FOUND == page(teacher, &page_url).await.0,
        "a teacher finds no such page"
    );

    // Checked: the counts and the refused row, and nothing written.
    let (status, html) = send(admin, gateway, &page_url, true).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Проверка"), "{html}");
    assert!(
        html.contains("users.csv, строка 4</strong>, столбец <code>role</code>"),
        "{html}"
    );
    assert!(!classes().await, "a check writes nothing");

    // A teacher sending the same files is refused, and nothing is written.
    let (status, _) = send(teacher, gateway, &page_url, false).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!classes().await);

    // Loaded: the class is there; the same files again through JSON change nothing.
    let (status, html) = send(admin, gateway, &page_url, false).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Состав загружен") && html.contains("Последняя загрузка"),
        "{html}"
    );
    assert!(classes().await, "the class is loaded");
    let json_url = format!("{gateway}/api/v1/schools/{id}/roster-imports");
    let (status, text) = send(admin, gateway, &json_url, false).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (report["created"].as_i64(), report["updated"].as_i64()),
        (Some(0), Some(0)),
        "{report:#}"
    );
    assert!(report["unchanged"].as_i64().unwrap() > 0, "{report:#}");
    assert_eq!(report["errors"][0]["file"], "users.csv");
    let (status, _) = send(teacher, gateway, &json_url, false).await;
    assert!(
        matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{status}"
    );

    // No files at all is named, not loaded.
    let response = admin
        .post(&json_url)
        .header(CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header("origin", gateway)
        .body("--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "files", "{problem:#}");
    sandbox.stop().await.unwrap();
}
