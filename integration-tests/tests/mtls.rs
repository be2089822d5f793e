//! Vendors reach import over mutual TLS when the city requires it: a vendor
//! whose certificate the city's CA issued gets through; one without a
//! certificate, or with one from another CA, is not served.

use otmetka_integration_tests::Sandbox;
use otmetka_platform::config::{ServerLimits, ServerTlsArgs};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_util::sync::CancellationToken;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn authority(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A certificate and its key (PEM) issued by `issuer`.
fn issue(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> (String, String) {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// Asks import's health over TLS trusting `ca`, presenting `client` if any.
async fn health(
    address: std::net::SocketAddr,
    ca: &str,
    client: Option<&(String, String)>,
) -> Result<ServingStatus, String> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca))
        .domain_name("localhost");
    if let Some((cert, key)) = client {
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    let channel = Channel::from_shared(format!("https://localhost:{}", address.port()))
        .unwrap()
        .tls_config(tls)
        .map_err(|e| e.to_string())?
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    let reply = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(reply.into_inner().status())
}

#[tokio::test]
async fn only_vendors_with_a_certificate_of_the_citys_ca_are_served() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let city = authority("Городской удостоверяющий центр");
    let elsewhere = authority("Чужой удостоверяющий центр");
    let server = issue(&city, &["localhost"], ExtendedKeyUsagePurpose::ServerAuth);
    let vendor = issue(
        &city,
        &["vendor.example"],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let impostor = issue(
        &elsewhere,
        &["vendor.example"],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let files = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, text).unwrap();
        Some(path)
    };
    let tls = ServerTlsArgs {
        tls_cert_file: write("server.pem", &server.0),
        tls_key_file: write("server.key", &server.1),
        tls_client_ca_file: write("ca.pem", &city.pem()),
    }
    .load()
    .unwrap();

    let suite = sandbox.suite();
    let url = |service: &str| suite.url_of(service).unwrap().to_owned();
    let settings = otmetka_import::Settings {
        database: sandbox.suite_storage().database("import_mtls"),
        limits: ServerLimits::default(),
        identity_url: url("identity"),
        schedule_url: url("schedule"),
        gradebook_url: url("gradebook"),
        push: otmetka_local::PushLimits::default(),
        tls,
        clock: sandbox.suite().clock,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let serving = tokio::spawn(otmetka_import::run(settings, listener, shutdown.clone()));

    let mut answer = health(address, &city.pem(), Some(&vendor)).await;
    for _ in 0..100 {
        if answer == Ok(ServingStatus::Serving) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        answer = health(address, &city.pem(), Some(&vendor)).await;
    }
    assert_eq!(answer, Ok(ServingStatus::Serving));
    assert!(health(address, &city.pem(), None).await.is_err());
    assert!(health(address, &city.pem(), Some(&impostor)).await.is_err());

    shutdown.cancel();
    serving.await.unwrap().unwrap();
}
