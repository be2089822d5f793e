//! Schedule: academic years, reporting periods, bell schedules, the timetable, dated lessons, substitutions and homework.
//!
//! The service runs on the shared platform (health, reflection, tokens,
//! telemetry) and publishes its v1 contract; every RPC answers UNIMPLEMENTED
//! until its behaviour is built (the Journal and diary issue).

use otmetka_platform::StatelessSettings;
use otmetka_platform::auth::TokenVerifier;
use otmetka_platform::grpc::{ServeOptions, serve};
use otmetka_proto::schedule::v1::schedule_service_server::{
    ScheduleService, ScheduleServiceServer,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

struct ScheduleApi;

impl ScheduleService for ScheduleApi {}

/// Serves the schedule contract on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: StatelessSettings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let limits = settings.limits;
    let service = ScheduleServiceServer::new(ScheduleApi)
        .max_decoding_message_size(limits.max_message_bytes)
        .max_encoding_message_size(limits.max_message_bytes);
    let options = ServeOptions {
        name: "schedule",
        limits,
        verifier: TokenVerifier::remote(&settings.identity_url)?,
        public_methods: &[],
    };
    serve(service, options, listener, shutdown).await
}
