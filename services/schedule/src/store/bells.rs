//! Bell schedules, one of them the school's default.

use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::SchoolId;
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{Change, Created, RequestKey, begin_in_school, claim_request, record_change};
use crate::model::{BellSchedule, BellScheduleId, ChangeType, ResourceKind};

const BELL_COLUMNS: &str = "id, school_id, name, slots, is_default, created_at, updated_at";

pub async fn get_bells(
    db: &Db,
    school_id: SchoolId,
    id: BellScheduleId,
) -> Result<Option<BellSchedule>> {
    let sql = format!("SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

/// A school's bell schedules in creation order (ids are UUIDv7).
pub async fn list_bells(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<BellSchedule>> {
    let sql = format!(
        "SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1 AND ($2 IS NULL OR id > $2)
         ORDER BY id LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(page.after_id()?).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Every bell schedule of a school (a handful), for generation.
pub async fn all_bells(db: &Db, school_id: SchoolId) -> Result<Vec<BellSchedule>> {
    let sql = format!("SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).fetch_all(pool).await?),
    )
}

/// Makes `bells` the only default of its school, recording the others' change.
async fn take_default(
    tx: &mut Tx,
    bells: &BellSchedule,
    encode: &impl Fn(&BellSchedule, ChangeType) -> Change,
) -> Result<()> {
    let sql = format!(
        "SELECT {BELL_COLUMNS} FROM bell_schedules WHERE school_id = $1 AND is_default AND id <> $2"
    );
    let former: Vec<BellSchedule> = with_tx!(&mut *tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(bells.school_id).bind(bells.id).fetch_all(&mut *conn).await?);
    for old in former {
        let old = BellSchedule {
            is_default: false,
            updated_at: bells.updated_at,
            ..old
        };
        with_tx!(&mut *tx, conn => {
            sqlx::query(
                "UPDATE bell_schedules SET is_default = $2, updated_at = $3 WHERE id = $1")
                .bind(old.id).bind(false).bind(old.updated_at).execute(&mut *conn).await?;
        });
        record_change(tx, &encode(&old, ChangeType::Updated)).await?;
    }
    Ok(())
}

/// Stores a new bell schedule; the school's first becomes its default.
/// `encode` makes the outbox row of a schedule as finally stored.
pub async fn insert_bells(
    db: &Db,
    bells: &BellSchedule,
    key: Option<&RequestKey>,
    encode: impl Fn(&BellSchedule, ChangeType) -> Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, bells.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        bells.school_id,
        ResourceKind::BellSchedule,
        bells.id,
        bells.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    let has_default: Option<BellScheduleId> = with_tx!(&mut tx, conn => sqlx::query_scalar(
        "SELECT id FROM bell_schedules WHERE school_id = $1 AND is_default")
        .bind(bells.school_id).fetch_optional(&mut *conn).await?);
    let bells = BellSchedule {
        is_default: bells.is_default || has_default.is_none(),
        ..bells.clone()
    };
    if bells.is_default {
        take_default(&mut tx, &bells, &encode).await?;
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO bell_schedules (id, school_id, name, slots, is_default, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(bells.id).bind(bells.school_id).bind(&bells.name).bind(&bells.slots)
            .bind(bells.is_default).bind(bells.created_at).bind(bells.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, &encode(&bells, ChangeType::Created)).await?;
    tx.commit().await?;
    Ok(Created::New)
}

pub async fn update_bells(
    db: &Db,
    bells: &BellSchedule,
    was_default: bool,
    encode: impl Fn(&BellSchedule, ChangeType) -> Change,
) -> Result<()> {
    if was_default && !bells.is_default {
        return Err(Error::FailedPrecondition(
            "a school keeps one default bell schedule: make another one the default instead".into(),
        ));
    }
    let mut tx = begin_in_school(db, bells.school_id).await?;
    if bells.is_default {
        take_default(&mut tx, bells, &encode).await?;
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE bell_schedules SET name = $3, slots = $4, is_default = $5, updated_at = $6
             WHERE school_id = $1 AND id = $2")
            .bind(bells.school_id).bind(bells.id).bind(&bells.name).bind(&bells.slots)
            .bind(bells.is_default).bind(bells.updated_at)
            .execute(&mut *conn).await?;
    });
    record_change(&mut tx, &encode(bells, ChangeType::Updated)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_bells(db: &Db, bells: &BellSchedule, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, bells.school_id).await?;
    let named: i64 = with_tx!(&mut tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM timetable_entries WHERE bell_schedule_id = $1")
        .bind(bells.id).fetch_one(&mut *conn).await?);
    if named > 0 {
        return Err(Error::FailedPrecondition(format!(
            "{named} timetable entries use this bell schedule"
        )));
    }
    if bells.is_default {
        let others: i64 = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM bell_schedules WHERE school_id = $1 AND id <> $2")
            .bind(bells.school_id).bind(bells.id).fetch_one(&mut *conn).await?);
        let by_default: i64 = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM timetable_entries WHERE school_id = $1 AND bell_schedule_id IS NULL")
            .bind(bells.school_id).fetch_one(&mut *conn).await?);
        if others > 0 || by_default > 0 {
            return Err(Error::FailedPrecondition(
                "this is the school's default bell schedule: make another one the default first"
                    .into(),
            ));
        }
    }
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM bell_schedules WHERE school_id = $1 AND id = $2")
            .bind(bells.school_id).bind(bells.id).execute(&mut *conn).await?;
    });
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}
