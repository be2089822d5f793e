/// Otmetka schedule service.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_stateless_binary("otmetka-schedule", otmetka_schedule::run).await
}
