//! What every service promises around its API: health, reflection, deny by
//! default, data that survives a restart, a store per service.

use otmetka_integration_tests::Sandbox;
use otmetka_local::Storage;
use otmetka_proto::gradebook::v1::ListStudentMarksRequest;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use sqlx::Connection;
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

async fn listed_services(url: &str) -> Vec<String> {
    let mut client = ServerReflectionClient::new(channel(url).await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream_once(request))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses
        .message()
        .await
        .expect("a message")
        .expect("an answer");
    match response.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection answer {other:?}"),
    }
}

async fn channel(url: &str) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(url.to_owned())
        .unwrap()
        .connect()
        .await
        .expect("connect")
}

fn tokio_stream_once<T: Send + 'static>(
    item: T,
) -> impl tonic::codegen::tokio_stream::Stream<Item = T> {
    tonic::codegen::tokio_stream::iter([item])
}

#[tokio::test]
async fn every_service_is_serving_and_lists_its_contract() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    for (name, url) in &sandbox.suite().service_urls {
        let mut health = HealthClient::new(channel(url).await);
        let status = health
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{name}");
        let services = listed_services(url).await;
        let contract = format!("otmetka.{name}.v1.{}Service", capitalized(name));
        assert!(services.contains(&contract), "{name} lists {services:?}");
        assert!(
            services.iter().any(|s| s == "grpc.health.v1.Health"),
            "{name} lists {services:?}"
        );
        let status = health
            .check(HealthCheckRequest { service: contract })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{name}");
    }
    for probe in ["healthz", "readyz"] {
        let response = reqwest::get(format!("{}/{probe}", sandbox.gateway()))
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            reqwest::StatusCode::OK,
            "gateway {probe}"
        );
    }
    sandbox.stop().await.unwrap();
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn calls_without_a_valid_token_are_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let url = sandbox.suite().url_of("gradebook").unwrap().to_owned();
    let mut gradebook = GradebookServiceClient::connect(url).await.unwrap();
    let request = || ListStudentMarksRequest {
        student_id: sandbox.demo.student_ids[0].clone(),
        ..Default::default()
    };

    let status = gradebook.list_student_marks(request()).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    let forged = "eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    for token in [forged, "not a jwt", ""] {
        let mut call = tonic::Request::new(request());
        call.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let status = gradebook.list_student_marks(call).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "token {token:?}");
    }

    // A declared but unbuilt RPC says so, after authentication.
    let mut call = tonic::Request::new(otmetka_proto::gradebook::v1::GetJournalRequest::default());
    call.metadata_mut()
        .insert("authorization", "Bearer x".parse().unwrap());
    assert_eq!(
        gradebook.get_journal(call).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    sandbox.stop().await.unwrap();
}

/// How many marks the demo guardian sees of `child`.
async fn guardian_sees(sandbox: &Sandbox, child: &str) -> usize {
    let client = sandbox.sign_in_demo("parent").await.unwrap();
    let page: serde_json::Value = client
        .get(format!(
            "{}/api/v1/students/{child}/marks?page_size=500",
            sandbox.gateway()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["marks"].as_array().unwrap().len()
}

#[tokio::test]
async fn data_survives_a_restart() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let child = sandbox.demo.student_ids[0].clone();
    let marks_before = sandbox.demo.marks_posted;
    assert!(marks_before > 0);
    let before = guardian_sees(&sandbox, &child).await;
    let sandbox = sandbox.restart().await.expect("restart");
    assert_eq!(
        sandbox.demo.marks_posted, 0,
        "the demo school is seeded once"
    );
    assert_eq!(sandbox.demo.student_ids[0], child);
    assert_eq!(guardian_sees(&sandbox, &child).await, before);
    sandbox.stop().await.unwrap();
}

/// No service can reach another's rows but through its API: on PostgreSQL
/// each keeps a schema of its own, on SQLite a file of its own.
#[tokio::test]
async fn each_service_keeps_its_tables_in_a_store_of_its_own() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    assert_eq!(
        stores_holding(&sandbox.suite_storage(), &["marks", "persons", "sessions"]).await,
        [
            ("gradebook".to_owned(), "marks".to_owned()),
            ("identity".to_owned(), "persons".to_owned()),
            ("gateway".to_owned(), "sessions".to_owned()),
        ]
    );
    sandbox.stop().await.unwrap();
}

/// Every `(store, table)` in `storage` with one of the names `tables`, by
/// table: a store is a schema on PostgreSQL, a file's stem on SQLite.
async fn stores_holding(storage: &Storage, tables: &[&str]) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = match storage {
        Storage::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url.expose()).await.unwrap();
            let found = sqlx::query_as(
                "SELECT table_schema::text, table_name::text FROM information_schema.tables
                 WHERE table_name = ANY($1)",
            )
            .bind(tables)
            .fetch_all(&mut connection)
            .await
            .unwrap();
            connection.close().await.unwrap();
            found
        }
        Storage::Sqlite(folder) => {
            let mut found = Vec::new();
            for file in std::fs::read_dir(folder).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_none_or(|extension| extension != "db") {
                    continue;
                }
                let store = path.file_stem().unwrap().to_string_lossy().into_owned();
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&path)
                    .read_only(true);
                let mut connection = sqlx::SqliteConnection::connect_with(&options)
                    .await
                    .unwrap();
                let names: Vec<(String,)> =
                    sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
                        .fetch_all(&mut connection)
                        .await
                        .unwrap();
                connection.close().await.unwrap();
                found.extend(
                    names
                        .into_iter()
                        .filter(|(name,)| tables.contains(&name.as_str()))
                        .map(|(name,)| (store.clone(), name)),
                );
            }
            found
        }
    };
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

#[tokio::test]
async fn a_key_rotation_publishes_the_new_key_and_keeps_old_tokens_working() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    let marks = |client: &reqwest::Client| {
        client
            .get(format!(
                "{}/api/v1/students/{}/marks",
                sandbox.gateway(),
                sandbox.demo.student_ids[0]
            ))
            .send()
    };
    assert!(marks(&guardian).await.unwrap().status().is_success());

    let mut admin = sandbox.admin().await.unwrap();
    let rotated = admin
        .identity
        .rotate_signing_key(admin.request(otmetka_proto::identity::v1::RotateSigningKeyRequest {}))
        .await
        .unwrap()
        .into_inner();
    let jwks = admin
        .identity
        .get_jwks(otmetka_proto::identity::v1::GetJwksRequest {})
        .await
        .unwrap()
        .into_inner()
        .jwks_json;
    let keys = otmetka_platform::auth::parse_jwks(&jwks).unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        keys.contains_key(&rotated.kid),
        "the new key is published before it signs"
    );
    // Sessions and their tokens carry on across the rotation.
    assert!(marks(&guardian).await.unwrap().status().is_success());
    assert!(
        marks(&sandbox.sign_in_demo("parent").await.unwrap())
            .await
            .unwrap()
            .status()
            .is_success()
    );

    // Only the city rotates keys.
    let mut identity =
        otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient::new(
            channel(sandbox.suite().url_of("identity").unwrap()).await,
        );
    let token = identity
        .login(otmetka_proto::identity::v1::LoginRequest {
            login: "teacher".into(),
            password: "uchitel-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let mut request = tonic::Request::new(otmetka_proto::identity::v1::RotateSigningKeyRequest {});
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    assert_eq!(
        identity
            .rotate_signing_key(request)
            .await
            .unwrap_err()
            .code(),
        Code::PermissionDenied
    );
    sandbox.stop().await.unwrap();
}
