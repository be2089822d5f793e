//! Hosts one service (gradebook, import or messaging) in a process of its
//! own, for tests that kill it: `service_host gradebook|import|messaging`,
//! configured as
//! [`otmetka_local::host`] describes.

#[global_allocator]
static ALLOCATOR: otmetka_platform::Allocator = otmetka_platform::Allocator;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let service = std::env::args().nth(1).unwrap_or_default();
    otmetka_local::host::serve_from_env(&service).await
}
