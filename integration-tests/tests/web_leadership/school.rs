//! A school to try the leadership's pages on, and a browser's ways with them.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{PERSON_PASSWORD, SchoolBuilder, Term};
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::Value;

/// Class 5Б whose mathematics Петрова teaches, a deputy head (Соколова),
/// and a quarter of daily lessons around today.
pub struct School {
    pub gateway: String,
    pub school: String,
    pub class: String,
    pub mathematics: String,
    pub term: Term,
    pub student: String,
    /// Петрова's person id.
    pub teacher_id: String,
    /// The school administrator's token.
    pub manager: String,
    pub teacher: reqwest::Client,
    pub deputy: reqwest::Client,
    pub family: reqwest::Client,
}

/// A browser signed in as `login`, past the school-issued password.
pub async fn browser(sandbox: &Sandbox, login: &str) -> reqwest::Client {
    sandbox
        .browser(login, PERSON_PASSWORD)
        .await
        .expect("a signed-in browser")
}

pub async fn school(sandbox: &Sandbox, logins: &str) -> School {
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
        teacher_id: teacher.clone(),
        manager,
        teacher: browser(sandbox, &format!("{logins}-teacher")).await,
        deputy: browser(sandbox, &format!("{logins}-deputy")).await,
        family: browser(sandbox, &format!("{logins}-student")).await,
    }
}

impl School {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    pub async fn json(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("a request");
        let status = response.status();
        let text = response.text().await.expect("a body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
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
    pub async fn form(
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

    pub async fn period_state(&self) -> String {
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
pub fn encoded(fields: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://form.invalid/", fields).expect("a url");
    url.query().unwrap_or_default().to_owned()
}
