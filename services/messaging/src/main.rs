#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

/// Otmetka messaging service.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_stateless_binary("otmetka-messaging", otmetka_messaging::run).await
}
