//! The platform's change feeds and parked changes: only platform services
//! read every school's feed, only city operators see parked changes; each
//! refusal is paired with the same request from someone allowed.

use otmetka_integration_tests::school::{sign_in, with_token};
use otmetka_integration_tests::{ADMIN_LOGIN, ADMIN_PASSWORD, Sandbox};
use otmetka_proto::common::v1 as common;
use otmetka_proto::common::v1::change_consumer_service_client::ChangeConsumerServiceClient;
use otmetka_proto::common::v1::change_feed_service_client::ChangeFeedServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::Code;

#[tokio::test]
async fn only_platform_services_read_feeds_and_only_operators_see_parked_changes() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut identity = IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let credentials = &sandbox.suite().schedule_credentials;
    let service = identity
        .get_client_token(identity::GetClientTokenRequest {
            client_id: credentials.id.to_string(),
            client_secret: credentials.secret.expose().to_owned(),
            scopes: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let demo = otmetka_integration_tests::DEMO_LOGINS
        .iter()
        .find(|demo| demo.login == "teacher")
        .unwrap();
    let teacher = sign_in(&mut identity, demo.login, demo.password).await;
    let operator = sign_in(&mut identity, ADMIN_LOGIN, ADMIN_PASSWORD).await;

    let mut feed = ChangeFeedServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let read = || common::ReadChangesRequest {
        cursor: String::new(),
        page_size: 10,
    };
    for refused in [&teacher, &operator] {
        let status = feed
            .read_changes(with_token(refused, read()))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::PermissionDenied);
    }
    let page = feed
        .read_changes(with_token(&service, read()))
        .await
        .unwrap()
        .into_inner();
    assert!(!page.changes.is_empty(), "the demo's marks are in the feed");
    let bad_cursor = feed
        .read_changes(with_token(
            &service,
            common::ReadChangesRequest {
                cursor: "not a cursor".into(),
                page_size: 10,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(bad_cursor.code(), Code::InvalidArgument);
    assert!(bad_cursor.message().contains("cursor"), "{bad_cursor:?}");

    let mut parked = ChangeConsumerServiceClient::new(sandbox.channel("schedule").await.unwrap());
    let list = || common::ListParkedChangesRequest::default();
    for refused in [&teacher, &service] {
        let status = parked
            .list_parked_changes(with_token(refused, list()))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::PermissionDenied);
    }
    let listed = parked
        .list_parked_changes(with_token(&operator, list()))
        .await
        .unwrap()
        .into_inner();
    assert!(listed.parked_changes.is_empty(), "{listed:?}");
    let unknown = parked
        .retry_parked_change(with_token(
            &operator,
            common::RetryParkedChangeRequest {
                id: uuid::Uuid::now_v7().to_string(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    sandbox.stop().await.unwrap();
}
