//! Changes written before the schedule moved to the shared outbox keep their
//! event id, actor and resource.

use std::borrow::Cow;
use std::str::FromStr;

use otmetka_proto::schedule::v1 as pb;
use prost::Message;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use uuid::Uuid;

/// What the old `changes` table held for one change, and its encoded resource.
struct OldChange {
    id: Uuid,
    school: Uuid,
    lesson: Uuid,
    actor: Uuid,
    resource: Vec<u8>,
}

impl OldChange {
    fn new() -> Self {
        let lesson = Uuid::now_v7();
        // The old shape: the resource alone, with a zero-length field in it.
        let resource = pb::Change {
            resource: Some(pb::change::Resource::Lesson(pb::Lesson {
                id: lesson.to_string(),
                topic: "Дроби".into(),
                starts_at: Some(Default::default()),
                ..Default::default()
            })),
            ..Default::default()
        }
        .encode_to_vec();
        Self {
            id: Uuid::now_v7(),
            school: Uuid::now_v7(),
            lesson,
            actor: Uuid::now_v7(),
            resource,
        }
    }

    const INSERT: &str = "INSERT INTO changes (id, school_id, change_type, resource_kind,
             resource_id, actor_id, committed_at, resource)
         VALUES ($1, $2, 'updated', 'lesson', $3, $4, $5, $6)";

    /// Reads it back through the shared outbox.
    async fn check(&self, db: &otmetka_platform::db::Db) {
        let (entries, _) = otmetka_platform::outbox::list(db, "", Some(self.school), 10)
            .await
            .unwrap();
        assert_eq!(entries.len(), 1);
        let change = &entries[0].change;
        assert_eq!(
            (change.kind.as_str(), change.resource_type.as_str()),
            ("updated", "lesson")
        );
        assert_eq!(change.resource_id, self.lesson);
        let payload = pb::Change::decode(change.payload.as_deref().unwrap()).unwrap();
        assert_eq!(payload.id, self.id.to_string());
        assert_eq!(payload.actor_id, self.actor.to_string());
        match payload.resource {
            Some(pb::change::Resource::Lesson(moved)) => {
                assert_eq!(moved.id, self.lesson.to_string());
                assert_eq!(moved.topic, "Дроби");
            }
            other => panic!("{other:?}"),
        }
    }
}

fn first_migration(all: &Migrator) -> Migrator {
    Migrator {
        migrations: Cow::Owned(all.migrations[..1].to_vec()),
        ..Migrator::DEFAULT
    }
}

#[tokio::test]
async fn an_old_change_survives_the_move_to_the_shared_outbox_on_sqlite() {
    let options = SqliteConnectOptions::from_str("sqlite::memory:").unwrap();
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let all = otmetka_schedule::MIGRATIONS.sqlite;
    first_migration(all).run(&pool).await.unwrap();
    let old = OldChange::new();
    sqlx::query(OldChange::INSERT)
        .bind(old.id)
        .bind(old.school)
        .bind(old.lesson)
        .bind(old.actor)
        .bind(chrono::Utc::now())
        .bind(&old.resource)
        .execute(&pool)
        .await
        .unwrap();
    all.run(&pool).await.unwrap();
    old.check(&otmetka_platform::db::Db::Sqlite(pool)).await;
}

/// On the PostgreSQL server the tests use, when there is one.
#[tokio::test]
async fn an_old_change_survives_the_move_to_the_shared_outbox_on_postgres() {
    let Some(server) = std::env::var("OTMETKA_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        return;
    };
    let server_pool = sqlx::PgPool::connect(&server).await.unwrap();
    let schema = format!("outbox_migration_{}", Uuid::now_v7().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&server_pool)
        .await
        .unwrap();
    let options = sqlx::postgres::PgConnectOptions::from_str(&server)
        .unwrap()
        .options([("search_path", schema.as_str())]);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .unwrap();
    let all = otmetka_schedule::MIGRATIONS.postgres;
    first_migration(all).run(&pool).await.unwrap();
    let old = OldChange::new();
    sqlx::query(OldChange::INSERT)
        .bind(old.id)
        .bind(old.school)
        .bind(old.lesson)
        .bind(old.actor)
        .bind(chrono::Utc::now())
        .bind(&old.resource)
        .execute(&pool)
        .await
        .unwrap();
    all.run(&pool).await.unwrap();
    old.check(&otmetka_platform::db::Db::Postgres(pool.clone()))
        .await;
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&server_pool)
        .await
        .unwrap();
}
