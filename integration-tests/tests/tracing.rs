//! One gateway request is one trace: the gateway's span, the gradebook's and
//! identity's, joined across real HTTP and gRPC hops by W3C trace context.
//! (Its own test binary: it installs the process-wide tracer.)

use opentelemetry_sdk::trace::InMemorySpanExporter;
use otmetka_integration_tests::Sandbox;
use otmetka_platform::telemetry::{TelemetryArgs, init_with_exporter};

#[tokio::test]
async fn one_request_is_one_trace_across_gateway_gradebook_and_identity() {
    let exporter = InMemorySpanExporter::default();
    let telemetry = init_with_exporter(
        &TelemetryArgs::default(),
        "otmetka-test",
        Some(exporter.clone()),
    )
    .unwrap();

    let sandbox = Sandbox::start().await.expect("sandbox");
    let guardian = sandbox.sign_in_demo("parent").await.unwrap();
    telemetry.flush().unwrap();
    exporter.reset();

    let child = &sandbox.demo.student_ids[0];
    let response = guardian
        .get(format!(
            "{}/api/v1/students/{child}/marks",
            sandbox.gateway()
        ))
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());

    // A server's span ends when its response body has been sent, which can
    // be a moment after the caller has read it: wait for all three.
    let wanted = [
        "GET /api/v1/students/{student_id}/marks",
        "/otmetka.gradebook.v1.GradebookService/ListStudentMarks",
        "/otmetka.identity.v1.IdentityService/CheckAccess",
    ];
    let mut spans = Vec::new();
    for _ in 0..100 {
        telemetry.flush().unwrap();
        spans = exporter.get_finished_spans().unwrap();
        if wanted
            .iter()
            .all(|name| spans.iter().any(|span| span.name == *name))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let find = |name: &str| {
        spans
            .iter()
            .find(|span| span.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "no span {name} among {:?}",
                    spans.iter().map(|s| &s.name).collect::<Vec<_>>()
                )
            })
    };
    let [gateway, gradebook, identity] = wanted.map(find);

    let trace = gateway.span_context.trace_id();
    assert_eq!(
        trace.to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "the caller's trace is continued"
    );
    assert_eq!(gradebook.span_context.trace_id(), trace);
    assert_eq!(identity.span_context.trace_id(), trace);
    assert_eq!(gradebook.parent_span_id, gateway.span_context.span_id());
    assert_eq!(identity.parent_span_id, gradebook.span_context.span_id());

    sandbox.stop().await.unwrap();
}
