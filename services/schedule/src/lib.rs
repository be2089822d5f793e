//! Schedule: academic years, reporting periods, bell schedules, the timetable, dated lessons, substitutions and homework.
//!
//! The service runs on the shared platform (health, reflection, tokens,
//! telemetry) and publishes its v1 contract; every RPC answers UNIMPLEMENTED
//! until its behaviour is built.

use otmetka_platform::StatelessSettings;
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
    let max = settings.limits.max_message_bytes;
    let service = ScheduleServiceServer::new(ScheduleApi)
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    otmetka_platform::serve_stateless("schedule", service, settings, listener, shutdown).await
}
