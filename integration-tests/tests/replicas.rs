//! Two replicas of messaging on one database, as a city runs it: a
//! notification stored by one reaches a live stream held by the other, in
//! both directions (PostgreSQL wakes the other replica with
//! LISTEN/NOTIFY; on SQLite its poll finds it).

use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{EnglishClass, with_token};
use otmetka_local::host::HostedService;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use tonic::Streaming;
use tonic::transport::Channel;

/// How long a stream may stay silent before the test gives up; it speaks
/// within a second.
const PATIENCE: Duration = Duration::from_secs(30);

async fn watch(
    messaging: &MessagingServiceClient<Channel>,
    token: &str,
) -> Streaming<pb::WatchNotificationsResponse> {
    messaging
        .clone()
        .watch_notifications(with_token(token, pb::WatchNotificationsRequest::default()))
        .await
        .expect("one watches one's own notifications")
        .into_inner()
}

async fn next(stream: &mut Streaming<pb::WatchNotificationsResponse>) -> pb::Notification {
    tokio::time::timeout(PATIENCE, stream.message())
        .await
        .expect("the stream speaks")
        .expect("the stream holds")
        .expect("a notification")
        .notification
        .expect("the notification")
}

#[tokio::test]
async fn a_notification_stored_by_one_replica_reaches_a_stream_on_the_other() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut class = EnglishClass::new(&sandbox, "Школа двух реплик", "replicas")
        .await
        .expect("a class");
    let child = class.students[0].clone();
    let mother = class.builder.guardian_of(&child, "Алексеева").await;
    let mother_token = class.builder.token_of(&mother, "replicas-mother").await;

    let suite = sandbox.suite();
    let database = sandbox.suite_storage().database("messaging");
    let mut second = HostedService::new(
        "messaging",
        env!("CARGO_BIN_EXE_service_host"),
        &["messaging"],
        &[
            ("DATABASE_URL", database.url.expose().to_owned()),
            ("SCHEMA", database.schema.clone()),
            ("TODAY", sandbox.today().to_string()),
            ("CLIENT_ID", suite.messaging_credentials.id.to_string()),
            (
                "CLIENT_SECRET",
                suite.messaging_credentials.secret.expose().to_owned(),
            ),
            ("IDENTITY_URL", suite.url_of("identity").unwrap().into()),
            ("GRADEBOOK_URL", suite.url_of("gradebook").unwrap().into()),
            ("SCHEDULE_URL", suite.url_of("schedule").unwrap().into()),
        ],
    )
    .unwrap();
    second.start().await.unwrap();
    let first = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let other = MessagingServiceClient::<Channel>::new(
        otmetka_platform::grpc::client::lazy_channel(&second.url()).unwrap(),
    );

    // The mother watches on the second replica; the teacher writes on the first.
    let mut mothers_stream = watch(&other, &mother_token).await;
    let thread = first
        .clone()
        .create_thread(with_token(
            &class.teacher_token,
            pb::CreateThreadRequest {
                school_id: class.builder.school_id.clone(),
                student_id: child.clone(),
                subject: "Экскурсия".into(),
                participant_ids: vec![mother.clone()],
                text: "Завтра экскурсия в музей, нужна подпись.".into(),
                request_id: String::new(),
            },
        ))
        .await
        .expect("the teacher writes to the mother")
        .into_inner()
        .thread
        .expect("a thread");
    let heard = next(&mut mothers_stream).await;
    assert_eq!(heard.kind(), pb::NotificationKind::NewMessage);
    assert_eq!(heard.resource_id, thread.id);
    assert_eq!(heard.person_id, mother);

    // The teacher watches on the first; the mother answers on the second.
    let mut teachers_stream = watch(&first, &class.teacher_token).await;
    other
        .clone()
        .create_thread_message(with_token(
            &mother_token,
            pb::CreateThreadMessageRequest {
                school_id: class.builder.school_id.clone(),
                thread_id: thread.id.clone(),
                text: "Подпишу, спасибо.".into(),
                ..Default::default()
            },
        ))
        .await
        .expect("the mother answers");
    let heard = next(&mut teachers_stream).await;
    assert_eq!(heard.kind(), pb::NotificationKind::NewMessage);
    assert_eq!(heard.person_id, class.teacher);
    assert_eq!(heard.resource_id, thread.id);

    second.kill().unwrap();
    sandbox.stop().await.unwrap();
}
