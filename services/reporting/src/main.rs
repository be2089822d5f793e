#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka reporting service.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_stateless_binary("otmetka-reporting", otmetka_reporting::run).await
}
