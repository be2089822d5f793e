//! What the processes under test used: CPU ticks from `/proc`, and the
//! machine the run was on.

use crate::proc_stats::{TICKS_PER_SECOND, cpu, cpu_ticks_of, postgres_ticks, transactions};
use otmetka_local::host::HostedService;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) import: Option<u64>,
    pub(crate) gradebook: Option<u64>,
    pub(crate) this: u64,
    pub(crate) postgres: u64,
    pub(crate) transactions: i64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) import_ms: Option<f64>,
    pub(crate) gradebook_ms: Option<f64>,
    pub(crate) this_ms: f64,
    pub(crate) postgres_ms: f64,
    pub(crate) transactions: i64,
}

impl Sample {
    pub(crate) async fn take(
        db: &mut sqlx::PgConnection,
        pair: Option<(&HostedService, &HostedService)>,
    ) -> anyhow::Result<Self> {
        let transactions = transactions(db).await?;
        Ok(Self {
            import: pair.map(|(import, _)| crate::host::cpu_ticks(import)),
            gradebook: pair.map(|(_, gradebook)| crate::host::cpu_ticks(gradebook)),
            this: cpu_ticks_of("/proc/self/stat"),
            postgres: postgres_ticks(),
            transactions,
        })
    }

    pub(crate) fn since(&self, before: &Sample) -> Usage {
        let ms = |ticks: u64| ticks as f64 / TICKS_PER_SECOND * 1000.0;
        let diff = |after: Option<u64>, before: Option<u64>| {
            after.zip(before).map(|(a, b)| ms(a.saturating_sub(b)))
        };
        Usage {
            import_ms: diff(self.import, before.import),
            gradebook_ms: diff(self.gradebook, before.gradebook),
            this_ms: ms(self.this.saturating_sub(before.this)),
            postgres_ms: ms(self.postgres.saturating_sub(before.postgres)),
            transactions: self.transactions - before.transactions,
        }
    }
}

pub(crate) fn describe_machine() -> String {
    let (model, cores) = cpu();
    format!("machine: {cores} cores ({model}); services, PostgreSQL and the load on it")
}
