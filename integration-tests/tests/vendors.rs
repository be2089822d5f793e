//! Vendor clients: registered by the city, authenticated by client
//! credentials, seeing only schools that granted them, only within scope.

use otmetka_integration_tests::Sandbox;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::Code;
use tonic::transport::Channel;

fn as_vendor<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

async fn channel(url: &str) -> Channel {
    tonic::transport::Endpoint::from_shared(url.to_owned())
        .unwrap()
        .connect()
        .await
        .unwrap()
}

async fn list_classes(
    identity: &mut IdentityServiceClient<Channel>,
    token: &str,
    school_id: &str,
) -> Result<usize, Code> {
    identity
        .list_classes(as_vendor(
            token,
            identity::ListClassesRequest {
                school_id: school_id.into(),
                ..Default::default()
            },
        ))
        .await
        .map(|response| response.into_inner().classes.len())
        .map_err(|status| status.code())
}

#[tokio::test]
async fn a_vendor_sees_only_granted_schools_within_its_scopes() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = sandbox.demo.school_id.clone();
    let mut admin = sandbox.admin().await.unwrap();
    let created = admin
        .identity
        .create_client(admin.request(identity::CreateClientRequest {
            name: "Другой журнал".into(),
            kind: identity::ClientKind::Vendor.into(),
            allowed_scopes: vec!["roster.read".into(), "marks.write".into()],
        }))
        .await
        .unwrap()
        .into_inner();
    let client_id = created.client.unwrap().id;
    let secret = created.client_secret;

    let mut identity =
        IdentityServiceClient::new(channel(sandbox.suite().url_of("identity").unwrap()).await);
    let token_request = |secret: &str, scopes: &[&str]| identity::GetClientTokenRequest {
        client_id: client_id.clone(),
        client_secret: secret.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    };
    let wrong = identity
        .get_client_token(token_request("not the secret", &[]))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    let too_much = identity
        .get_client_token(token_request(&secret, &["changes.read"]))
        .await
        .unwrap_err();
    assert_eq!(too_much.code(), Code::InvalidArgument);
    let token = identity
        .get_client_token(token_request(&secret, &[]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(token.scopes, ["roster.read", "marks.write"]);
    let token = token.access_token;

    // No grant yet: the school is as good as absent.
    assert_eq!(
        list_classes(&mut identity, &token, &school).await,
        Err(Code::NotFound)
    );
    admin
        .identity
        .grant_vendor_access(admin.request(identity::GrantVendorAccessRequest {
            school_id: school.clone(),
            client_id: client_id.clone(),
        }))
        .await
        .unwrap();
    assert_eq!(list_classes(&mut identity, &token, &school).await, Ok(1));

    // Granted, but only the roster within its scopes: no audit, no roster
    // changes, no students' records, nothing only people may do.
    let audit = identity
        .list_audit_events(as_vendor(
            &token,
            identity::ListAuditEventsRequest {
                school_id: school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(audit.code(), Code::NotFound);
    let create = identity
        .create_subject(as_vendor(
            &token,
            identity::CreateSubjectRequest {
                school_id: school.clone(),
                name: "Хакинг".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(create.code(), Code::NotFound);
    let redeem = identity
        .redeem_access_code(as_vendor(
            &token,
            identity::RedeemAccessCodeRequest {
                code: "AAAAA-AAAAA-AAAAA".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(redeem.code(), Code::PermissionDenied);
    let mut marks = gradebook::gradebook_service_client::GradebookServiceClient::new(
        channel(sandbox.suite().url_of("gradebook").unwrap()).await,
    );
    let read = marks
        .list_student_marks(as_vendor(
            &token,
            gradebook::ListStudentMarksRequest {
                student_id: sandbox.demo.student_ids[0].clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(read.code(), Code::NotFound);

    // Withdrawing the grant takes effect on the next call, token or not.
    admin
        .identity
        .revoke_vendor_access(admin.request(identity::RevokeVendorAccessRequest {
            school_id: school.clone(),
            client_id: client_id.clone(),
        }))
        .await
        .unwrap();
    assert_eq!(
        list_classes(&mut identity, &token, &school).await,
        Err(Code::NotFound)
    );

    // A revoked client gets no new tokens, and its grants stop counting.
    admin
        .identity
        .grant_vendor_access(admin.request(identity::GrantVendorAccessRequest {
            school_id: school.clone(),
            client_id: client_id.clone(),
        }))
        .await
        .unwrap();
    admin
        .identity
        .revoke_client(admin.request(identity::RevokeClientRequest {
            id: client_id.clone(),
        }))
        .await
        .unwrap();
    assert_eq!(
        identity
            .get_client_token(token_request(&secret, &[]))
            .await
            .unwrap_err()
            .code(),
        Code::Unauthenticated
    );
    assert_eq!(
        list_classes(&mut identity, &token, &school).await,
        Err(Code::NotFound)
    );

    // Only the city registers clients.
    let as_guardian = identity
        .login(identity::LoginRequest {
            login: "parent".into(),
            password: "roditel-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let refused = identity
        .create_client(as_vendor(
            &as_guardian,
            identity::CreateClientRequest {
                name: "x".into(),
                kind: identity::ClientKind::Vendor.into(),
                allowed_scopes: vec![],
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    sandbox.stop().await.unwrap();
}
