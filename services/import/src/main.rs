/// Otmetka import service.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    otmetka_platform::run_stateless_binary("otmetka-import", otmetka_import::run).await
}
