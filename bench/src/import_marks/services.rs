//! Starting the services under test: import and gradebook each in a
//! process of its own, so that their peak memory is theirs.

use anyhow::Context;
use otmetka_local::RunningSuite;

use otmetka_local::host::HostedService;

/// Starts gradebook (`gradebook` or `gradebook-unchecked`) and an import
/// in front of it, each in a process of its own; the import takes any
/// rate, so that the push is measured and not import's rate limit.
pub(crate) async fn start_pair(
    suite: &RunningSuite,
    url: &str,
    pool: u32,
    gradebook_service: &str,
) -> anyhow::Result<(HostedService, HostedService)> {
    let gradebook = crate::host::start(
        "gradebook",
        gradebook_service,
        &common_env(suite, url, pool)?,
    )
    .await?;
    let import = start_import(suite, url, pool, &gradebook, Some(UNLIMITED_RATE)).await?;
    Ok((gradebook, import))
}

/// Records per second an import of (b) and (c) lets one vendor push.
pub(crate) const UNLIMITED_RATE: &str = "100000000";

/// An import in front of `gradebook`; `rate` records per second for one
/// vendor, production's default when `None`.
pub(crate) async fn start_import(
    suite: &RunningSuite,
    url: &str,
    pool: u32,
    gradebook: &HostedService,
    rate: Option<&str>,
) -> anyhow::Result<HostedService> {
    let mut env = common_env(suite, url, pool)?;
    env.push(("GRADEBOOK_URL", gradebook.url()));
    if let Some(rate) = rate {
        env.push(("RECORDS_PER_SECOND", rate.to_owned()));
    }
    crate::host::start("import", "import", &env).await
}

pub(crate) fn common_env(
    suite: &RunningSuite,
    url: &str,
    pool: u32,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(vec![
        ("DATABASE_URL", url.to_owned()),
        ("POOL", pool.to_string()),
        (
            "IDENTITY_URL",
            suite.url_of("identity").context("identity")?.to_owned(),
        ),
        (
            "SCHEDULE_URL",
            suite.url_of("schedule").context("schedule")?.to_owned(),
        ),
        ("CLIENT_ID", suite.gradebook_credentials.id.to_string()),
        (
            "CLIENT_SECRET",
            suite.gradebook_credentials.secret.expose().to_owned(),
        ),
    ])
}
