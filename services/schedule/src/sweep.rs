//! Removes files nobody attached: an upload that no homework or
//! submission named within a day, or a file let go a day ago.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use tokio_util::sync::CancellationToken;

use crate::files::FileStore;
use crate::store;

/// How long an unattached file is kept.
pub const UNATTACHED_FOR: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// How often the sweeper looks.
const EVERY: Duration = Duration::from_secs(15 * 60);
/// Files removed per database round trip.
const BATCH: i64 = 200;

/// Removes the files unattached since before `now` less a day; returns
/// how many went.
pub async fn remove_expired_files(
    db: &Db,
    files: &dyn FileStore,
    now: DateTime<Utc>,
) -> Result<usize> {
    let before = now - UNATTACHED_FOR;
    let mut removed = 0;
    loop {
        let expired = store::expired_files(db, before, BATCH).await?;
        let last_batch = (expired.len() as i64) < BATCH;
        for file in &expired {
            // The row goes first: a file attached meanwhile keeps both, and
            // bytes whose row is gone are never served.
            if store::forget_expired(db, file, before).await? {
                files.delete(file.key()).await?;
                removed += 1;
            }
        }
        if last_batch {
            return Ok(removed);
        }
    }
}

/// Sweeps now and then until `shutdown`.
pub async fn run(db: Db, files: Arc<dyn FileStore>, clock: Clock, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match remove_expired_files(&db, files.as_ref(), clock.now()).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "unattached files removed"),
            Err(error) => tracing::warn!(%error, "removing unattached files failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use otmetka_platform::config::SecretUrl;
    use otmetka_platform::db::DbSettings;
    use otmetka_platform::ids::{PersonId, SchoolId};

    use super::*;
    use crate::files::LocalDir;
    use crate::model::{Attachment, AttachmentId};

    #[tokio::test]
    async fn files_nobody_attached_go_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let settings = DbSettings {
            url: SecretUrl::new(format!("sqlite://{}/schedule.db", dir.path().display())),
            schema: "schedule".into(),
            max_connections: 2,
        };
        let db = Db::open(&settings, crate::MIGRATIONS).await.unwrap();
        let files = LocalDir::new(dir.path().join("files")).unwrap();
        let now = Utc::now();
        let school_id = SchoolId::generate();
        let mut kept = Vec::new();
        for age in [chrono::TimeDelta::hours(25), chrono::TimeDelta::hours(2)] {
            let file = Attachment {
                id: AttachmentId::generate(),
                school_id,
                file_name: "задача.txt".into(),
                content_type: "text/plain".into(),
                size_bytes: 2,
                sha256: String::new(),
                uploaded_by: PersonId::generate(),
                created_at: now - age,
                homework_id: None,
                submission_id: None,
            };
            let bytes: Vec<Result<Vec<u8>>> = vec![Ok(b"ok".to_vec())];
            files
                .put(file.key(), Box::pin(futures_util::stream::iter(bytes)))
                .await
                .unwrap();
            store::insert_attachment(&db, &file, None).await.unwrap();
            kept.push(file);
        }
        assert_eq!(remove_expired_files(&db, &files, now).await.unwrap(), 1);
        let (old, young) = (&kept[0], &kept[1]);
        assert!(
            store::get_attachment(&db, school_id, old.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(files.get(old.key(), 0).await.is_err());
        assert!(
            store::get_attachment(&db, school_id, young.id)
                .await
                .unwrap()
                .is_some()
        );
        assert!(files.get(young.key(), 0).await.is_ok());
        assert_eq!(remove_expired_files(&db, &files, now).await.unwrap(), 0);
        db.close().await;
    }
}
